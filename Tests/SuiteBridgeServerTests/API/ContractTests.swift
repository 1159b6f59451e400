import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SuiteBridgeServer
import Testing

/// What `openapi.yaml` states and Schemathesis checks (Scripts/api-contract-fuzz.sh), one rule at a time.
@Suite("HTTP API contract")
struct ContractTests {
    @Test("a method a path does not have gets 405 with the path's methods in Allow; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await ServerHarness.run { harness in
            for (method, path, allow) in [(HTTPRequest.Method.trace, "/api/v1/instances", "GET, POST"), (.put, "/api/v1/instances/\(harness.realm)-tba", "DELETE, GET, PATCH"),
                                          (HTTPRequest.Method("QUERY")!, "/metrics", "GET"), (.delete, "/api/v1/runs/abc/cancel", "POST")] {
                let response = try await harness.api(method, path)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow)
                #expect((ServerHarness.object(response)["error"] as? [String: String])?["code"] == "method_not_allowed")
            }
            #expect(try await harness.api(.get, "/api/v1/nothing-here").status == .notFound)
            #expect(try await harness.api(.get, "/api/v1/instances/a/b/c/d/e").status == .notFound)
        }
    }

    @Test("a body over 1 MiB gets 413 before any handler reads it")
    func bodyTooLarge() async throws {
        try await ServerHarness.run { harness in
            let big = ByteBuffer(bytes: Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 1))
            let response = try await harness.client.execute(uri: "/api/v1/tokens", method: .post,
                                                            headers: [.authorization: "Bearer \(harness.token)", .contentType: "application/json"], body: big)
            #expect(response.status == .contentTooLarge)
            #expect((ServerHarness.object(response)["error"] as? [String: String])?["code"] == "payload_too_large")
        }
    }

    @Test("bodies: a null, an unknown field, an empty edit, another auth method's field and a non-ASCII name are refused naming the field; no body is no body")
    func bodies() async throws {
        try await ServerHarness.run { harness in
            func refused(_ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]) async throws -> [String: String] {
                let response = try await harness.api(method, path, json: json)
                #expect(response.status == .badRequest, "\(path) \(json)")
                return ServerHarness.object(response)["error"] as? [String: String] ?? [:]
            }
            let tba = "/api/v1/instances/\(harness.realm)-tba"
            #expect(try await refused(.patch, tba, ["concurrencyLimit": NSNull()])["field"] == "concurrencyLimit")
            #expect(try await refused(.patch, tba, ["concurrencyLimt": 4])["code"] == "invalid_body")
            #expect(try await refused(.patch, tba, [:])["message"]?.contains("Nothing to change") == true)
            let mixed = try await refused(.post, "/api/v1/instances", ["name": "mixed", "auth": "tba", "accountId": harness.realm, "consumerKey": "k", "consumerSecret": "s",
                                                                       "tokenId": "t", "tokenSecret": "u", "certificateId": "c"])
            #expect(mixed["field"] == "certificateId")
            #expect(try await refused(.post, "/api/v1/tokens", ["name": "café"])["field"] == "name")
            // A POST without a body to an operation whose body is optional reaches it (here: no such certificate).
            let revoke = try await harness.client.execute(uri: tba + "/certificates/none/revoke", method: .post,
                                                          headers: [.authorization: "Bearer \(harness.token)", .contentLength: "0"])
            #expect(revoke.status == .conflict, "\(ServerHarness.text(revoke))")  // a TBA instance has no certificates
        }
    }
}
