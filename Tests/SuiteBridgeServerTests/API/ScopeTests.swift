import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SuiteBridgeAPIClient
import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing
@testable import SuiteBridgeServer

/// The operations of `openapi.yaml`: method, path template, and the `x-required-scope` it states.
struct DocumentedOperation: Sendable, CustomStringConvertible {
    var id: String
    var method: HTTPRequest.Method
    var path: String
    var scope: String?
    var isPublic: Bool

    var description: String { "\(method) \(path) (\(id))" }

    /// Read from the document's text: its paths, methods, operation ids, `security: []` and `x-required-scope`.
    static let all: [DocumentedOperation] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        guard let text = try? String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8) else { return [] }
        var operations: [DocumentedOperation] = []
        var path = ""
        var method: HTTPRequest.Method?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            for (name, value) in [("get", HTTPRequest.Method.get), ("post", .post), ("patch", .patch), ("delete", .delete), ("put", .put)]
            where line == "    \(name):" { method = value }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("operationId: "), let method {
                operations.append(.init(id: String(trimmed.dropFirst("operationId: ".count)), method: method, path: path, scope: nil, isPublic: false))
            }
            if trimmed.hasPrefix("x-required-scope: "), !operations.isEmpty {
                operations[operations.count - 1].scope = String(trimmed.dropFirst("x-required-scope: ".count))
            }
            if trimmed == "security: []", !operations.isEmpty { operations[operations.count - 1].isPublic = true }
        }
        return operations
    }()

    /// The path with every parameter filled with a name nothing has.
    var concretePath: String {
        path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "no-such-thing", options: .regularExpression)
    }
}

@Suite("Token scopes")
struct ScopeTests {
    @Test("every operation of openapi.yaml states the scope the server enforces")
    func documentAgrees() throws {
        let operations = DocumentedOperation.all
        #expect(operations.count == 50)
        for operation in operations {
            if operation.isPublic {
                #expect(operation.scope == nil && OperationScopes.required[operation.id] == nil, "\(operation)")
            } else {
                let stated = try #require(operation.scope, "\(operation) states no x-required-scope")
                #expect(OperationScopes.required[operation.id]?.rawValue == stated, "\(operation)")
            }
        }
        #expect(Set(OperationScopes.required.keys) == Set(operations.filter { !$0.isPublic }.map(\.id)))
    }

    @Test("each scope against every operation: 403 naming the scope needed exactly when the scope is too small")
    func everyScopeEveryOperation() async throws {
        try await ServerHarness.run { harness in
            var tokens: [TokenScope: String] = [:]
            for scope in TokenScope.allCases {
                tokens[scope] = try await harness.server.tokens.create(name: "scope-\(scope)", scope: scope, actor: "test")
            }
            for operation in DocumentedOperation.all where !operation.isPublic {
                let required = try #require(OperationScopes.required[operation.id])
                for (scope, token) in tokens {
                    let body: [String: Any]? = operation.method == .get || operation.method == .delete ? nil : [:]
                    let response = try await harness.api(operation.method, operation.concretePath, json: body, token: token)
                    if scope.allows(required) {
                        #expect(response.status != .forbidden && response.status != .unauthorized, "\(scope) on \(operation)")
                    } else {
                        #expect(response.status == .forbidden, "\(scope) on \(operation)")
                        let error = ServerHarness.object(response)["error"] as? [String: String]
                        #expect(error?["code"] == "forbidden" && error?["message"]?.contains("needs \(required)") == true, "\(scope) on \(operation)")
                    }
                }
            }
        }
    }

    @Test("a new token is read unless told otherwise; the first token is admin; tokens list their scope")
    func defaults() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            let created = try await api.createToken(body: .json(.init(name: "viewer"))).created.body.json
            #expect(created.scope == .read)
            let ops = try await api.createToken(body: .json(.init(name: "ops", scope: .operate))).created.body.json
            let listed = try await api.listTokens().ok.body.json.items
            #expect(listed.first { $0.name == "admin" }?.scope == .admin)
            #expect(listed.first { $0.name == "viewer" }?.scope == .read && listed.first { $0.name == "ops" }?.scope == .operate)
            let viewer = harness.client.apiClient(token: created.token)
            #expect(try await viewer.listInstances().ok.body.json.items.count == 2)
            let refused = try await viewer.testInstance(path: .init(name: "\(harness.realm)-tba"))
            #expect(try refused.forbidden.body.json.error.field == "scope")
            #expect(try await harness.client.apiClient(token: ops.token).testInstance(path: .init(name: "\(harness.realm)-tba")).ok.body.json.passed)
        }
    }

    @Test("dashboard: a session shows only what its scope allows, refuses the rest with 403, and ends when its token is revoked")
    func dashboardScopes() async throws {
        try await ServerHarness.run { harness in
            let viewer = try await harness.server.tokens.create(name: "viewer", scope: .read, actor: "test")
            let (cookie, csrf) = try await DashboardTests.logIn(harness, token: viewer)
            let name = "\(harness.realm)-oauth2"
            let page = ServerHarness.text(try await harness.client.execute(uri: "/instances/\(name)", method: .get, headers: [.cookie: cookie]))
            #expect(page.contains(name) && !page.contains("Test connection") && !page.contains("/revoke\"") && !page.contains("Add instance"))
            let refused = try await DashboardTests.post(harness, "/instances/\(name)/test", ["csrf": csrf], cookie: cookie)
            #expect(refused.status == .forbidden)

            let metricsToken = try await harness.server.tokens.create(name: "prometheus", scope: .metrics, actor: "test")
            let form = try await harness.client.execute(uri: "/login", method: .get)
            let loginCookie = try #require(form.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let loginCSRF = String(loginCookie.split(separator: "=")[1])
            let metricsLogin = try await harness.client.execute(
                uri: "/login", method: .post, headers: [.cookie: loginCookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(loginCSRF)&token=\(metricsToken)"))
            #expect(metricsLogin.status == .forbidden)

            try await harness.server.tokens.revoke(name: "viewer", actor: "test")
            let after = try await harness.client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            #expect(after.status == .seeOther && after.headers[.location] == "/login")
        }
    }
}
