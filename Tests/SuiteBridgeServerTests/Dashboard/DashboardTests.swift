import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NetSuiteAuth
import NetSuiteSimulator
import NIOCore
import SuiteBridgeCore
@testable import SuiteBridgeServer
import Synchronization
import SuiteBridgeTestSupport
import Testing

@Suite("Dashboard")
struct DashboardTests {
    /// Logs in through the form and returns the session cookie and the CSRF token of the pages.
    static func logIn(_ harness: ServerHarness, token: String? = nil) async throws -> (cookie: String, csrf: String) {
        let form = try await harness.client.execute(uri: "/login", method: .get)
        let loginCookie = try #require(form.headers[.setCookie]?.split(separator: ";").first.map(String.init))
        let csrf = String(loginCookie.split(separator: "=")[1])
        let posted = try await harness.client.execute(
            uri: "/login", method: .post, headers: [.cookie: loginCookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "csrf=\(csrf)&token=\(token ?? harness.token)"))
        #expect(posted.status == .seeOther)
        let session = try #require(posted.headers[.setCookie])
        #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict"))
        let cookie = String(session.split(separator: ";")[0])
        let home = try await harness.client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
        let page = ServerHarness.text(home)
        let pageCSRF = try #require(page.range(of: "name=\"csrf\" value=\"").map { page[$0.upperBound...].prefix { $0 != "\"" } })
        return (cookie, String(pageCSRF))
    }

    static func post(_ harness: ServerHarness, _ path: String, _ fields: [String: String], cookie: String) async throws -> TestResponse {
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await harness.client.execute(uri: path, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: body))
    }

    @Test("pages need a session; login sets an HttpOnly SameSite=Strict cookie; the list shows health, expiry and the demo banner")
    func login() async throws {
        try await ServerHarness.run { harness in
            let anonymous = try await harness.client.execute(uri: "/", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login")
            let (cookie, _) = try await Self.logIn(harness)
            let page = ServerHarness.text(try await harness.client.execute(uri: "/", method: .get, headers: [.cookie: cookie]))
            #expect(page.contains("Demo banner"))
            #expect(page.contains("1234567_SB1-oauth2") && page.contains("days left") && page.contains("badge untested"))
            #expect(!page.contains("src=\"http") && !page.contains("href=\"http"))  // no external assets: it works offline
            #expect(page.contains("<label") == false || page.contains("for=\""))
        }
    }

    @Test("forms without the CSRF token are refused; with it, an OAuth 1 instance is added and tested; errors show next to the field")
    func forms() async throws {
        try await ServerHarness.run { harness in
            let (cookie, csrf) = try await Self.logIn(harness)
            let tba = harness.credentials.tba!
            let fields = ["auth": "tba", "name": "web", "accountId": "1234567-SB1", "consumerKey": tba.consumerKey, "consumerSecret": tba.consumerSecret,
                          "tokenId": tba.tokenId, "tokenSecret": tba.tokenSecret, "baseUrl": harness.credentials.baseURL ?? ""]
            let forged = try await Self.post(harness, "/instances", fields, cookie: cookie)
            #expect(forged.status == .forbidden)
            let wrongCSRF = try await Self.post(harness, "/instances", fields.merging(["csrf": "nope"]) { $1 }, cookie: cookie)
            #expect(wrongCSRF.status == .forbidden)

            let invalid = try await Self.post(harness, "/instances", fields.merging(["csrf": csrf, "accountId": "12 34"]) { $1 }, cookie: cookie)
            #expect(invalid.status == .badRequest)
            let invalidPage = ServerHarness.text(invalid)
            #expect(invalidPage.contains("field-error"))
            #expect(!invalidPage.contains(tba.consumerSecret) && !invalidPage.contains(tba.tokenSecret))

            let added = try await Self.post(harness, "/instances", fields.merging(["csrf": csrf]) { $1 }, cookie: cookie)
            #expect(added.status == .seeOther && added.headers[.location] == "/instances/web?flash=added")
            let tested = try await Self.post(harness, "/instances/web/test", ["csrf": csrf], cookie: cookie)
            let testedPage = ServerHarness.text(tested)
            #expect(testedPage.contains("The connection works."))
        }
    }

    @Test("the certificate panel: rotate, download auth-cert.pem, activate with the id from NetSuite, see the new expiry")
    func rotation() async throws {
        try await ServerHarness.run { harness in
            let (cookie, csrf) = try await Self.logIn(harness)
            let name = "\(harness.realm)-oauth2"
            let rotated = try await Self.post(harness, "/instances/\(name)/certificates/rotate", ["csrf": csrf], cookie: cookie)
            #expect(rotated.status == .seeOther)
            let pem = ServerHarness.text(try await harness.client.execute(uri: "/instances/\(name)/certificates/pending.pem", method: .get, headers: [.cookie: cookie]))
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
            let mapping = try await harness.netsuite.addMapping(harness.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pem)
            let activated = try await Self.post(harness, "/instances/\(name)/certificates/activate", ["csrf": csrf, "certificateId": mapping.certificateID], cookie: cookie)
            #expect(activated.headers[.location]?.contains("flash=activated") == true)
            let page = ServerHarness.text(try await harness.client.execute(uri: "/instances/\(name)", method: .get, headers: [.cookie: cookie]))
            #expect(page.contains(mapping.certificateID) && page.contains("retired"))
            let unconfirmed = try await Self.post(harness, "/instances/\(name)/certificates/\(mapping.certificateID)/revoke", ["csrf": csrf], cookie: cookie)
            #expect(ServerHarness.text(unconfirmed).contains("Revoking needs confirmation"))
        }
    }
}

extension DashboardTests {
    @Test("a TBA instance is marked for 2027.1; Migrate prepares, the certificate downloads, the switch shows its parity checks, rollback moves the flows back")
    func migrate() async throws {
        try await ServerHarness.run { harness in
            let (cookie, csrf) = try await Self.logIn(harness)
            let name = "\(harness.realm)-tba"
            func page(_ path: String) async throws -> String {
                ServerHarness.text(try await harness.client.execute(uri: path, method: .get, headers: [.cookie: cookie]))
            }
            #expect(try await page("/").contains("2027.1: migrate"))
            _ = try await Self.post(harness, "/instances/\(name)/test", ["csrf": csrf], cookie: cookie)
            var shown = try await page("/instances/\(name)")
            #expect(shown.contains("administrator roles only"), "the governance reading is shown")
            #expect(shown.contains("NetSuite 2027.1: move to OAuth 2") && shown.contains(">Migrate</button>"))
            let prepared = try await Self.post(harness, "/instances/\(name)/migrate", ["csrf": csrf, "key": "ec-p256"], cookie: cookie)
            #expect(prepared.headers[.location]?.removingPercentEncoding?.contains("flash=migration-prepared") == true, "\(ServerHarness.text(prepared))")
            shown = try await page("/instances/\(name)")
            #expect(shown.contains("Client Credentials (Machine to Machine) Grant") && shown.contains("Prove, compare and switch") && !shown.contains(">Migrate</button>"))
            let pem = try await page("/instances/\(name)-oauth2/certificates/pending.pem")
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
            let mapping = try await harness.netsuite.addMapping(harness.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pem)
            let switched = try await Self.post(harness, "/instances/\(name)/migrate/complete", ["csrf": csrf, "certificateId": mapping.certificateID, "keepDays": "5"], cookie: cookie)
            #expect(switched.headers[.location]?.removingPercentEncoding?.contains("flash=migration-switched") == true, "\(ServerHarness.text(switched))")
            shown = try await page("/instances/\(name)")
            #expect(shown.contains("switched") && shown.contains("SuiteQL COUNT(*) FROM customer") && shown.contains("standby until") && !shown.contains(">no<"))
            #expect(try await page("/").contains("standby"))
            let bad = try await Self.post(harness, "/instances/\(name)/migrate/complete", ["csrf": csrf, "certificateId": mapping.certificateID], cookie: cookie)
            #expect(bad.status == .badRequest && ServerHarness.text(bad).contains("no prepared migration"))
            let rolledBack = try await Self.post(harness, "/instances/\(name)/migrate/rollback", ["csrf": csrf], cookie: cookie)
            #expect(rolledBack.headers[.location]?.removingPercentEncoding?.contains("flash=migration-rolled-back") == true)
            #expect(try await page("/instances/\(name)").contains("rolledBack"))
            // An operate token may not migrate.
            let operate = try await harness.server.tokens.create(name: "operator", scope: .operate, actor: "test")
            let (operatorCookie, operatorCSRF) = try await Self.logIn(harness, token: operate)
            let refused = try await Self.post(harness, "/instances/\(name)/migrate", ["csrf": operatorCSRF], cookie: operatorCookie)
            #expect(refused.status == .forbidden)
        }
    }
}

@Suite("Secrets never leave the server")
struct SecretScanTests {
    @Test("known secrets appear in no API response, page or log line")
    func scan() async throws {
        let logs = CapturedLogs()
        try await ServerHarness.run(logger: logs.logger) { harness in
            let tba = harness.credentials.tba!
            let cc = harness.credentials.clientCredentials!
            let keyLines = cc.privateKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
            let secrets = [tba.consumerSecret, tba.tokenSecret] + keyLines
            var seen: [String] = []
            let (cookie, csrf) = try await DashboardTests.logIn(harness)
            for name in ["\(harness.realm)-tba", "\(harness.realm)-oauth2"] {
                for path in ["/api/v1/instances", "/api/v1/instances/\(name)", "/api/v1/instances/\(name)/certificates", "/api/v1/audit", "/api/v1/tokens", "/metrics"] {
                    seen.append(ServerHarness.text(try await harness.api(.get, path)))
                }
                seen.append(ServerHarness.text(try await harness.api(.post, "/api/v1/instances/\(name)/test")))
                seen.append(ServerHarness.text(try await harness.api(.post, "/api/v1/instances/\(name)/doctor")))
                for path in ["/", "/instances/\(name)", "/audit", "/instances/new", "/instances/new?auth=client-credentials"] {
                    seen.append(ServerHarness.text(try await harness.client.execute(uri: path, method: .get, headers: [.cookie: cookie])))
                }
                seen.append(ServerHarness.text(try await DashboardTests.post(harness, "/instances/\(name)/test", ["csrf": csrf], cookie: cookie)))
            }
            seen.append(ServerHarness.text(try await harness.api(.post, "/api/v1/instances/\(harness.realm)-oauth2/certificates/rotate", json: ["automatic": true])))
            seen.append(logs.text)
            #expect(logs.text.contains("NetSuite request"))  // the scan read real log lines
            for secret in secrets where secret.count >= 16 {
                for text in seen { #expect(!text.contains(secret), "a secret appeared") }
            }
        }
    }
}
