import Foundation
import HTTPTypes
import HummingbirdTesting
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator TBA verification")
struct SimulatorTBATests {
    static let path = "/services/rest/record/v1/customer/100"

    @Test("a correct signature over the URL as received is accepted and audited")
    func success() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let reply = try await harness.withClient { client in try await harness.signed(client, .get, Self.path + "?fields=companyName,email") }
        #expect(reply.status == 200, "\(reply.body)")
        #expect(Set(reply.object?.keys ?? []) == ["links", "id", "email", "companyName"])
        #expect(try await harness.netsuite.loginAudit(harness.credentials.accountId).last?.status == "Success")
    }

    @Test("each refusal is 401 INVALID_LOGIN with NetSuite's WWW-Authenticate and an audit detail")
    func refusals() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let c = harness.credentials.tba!
        let url = SimulatorHarness.origin + Self.path
        // Timestamps are taken when each header is made, just before it is sent: however slowly the test runs (under
        // ThreadSanitizer it took minutes), "400 s ahead" stays outside NetSuite's 300 s window.
        @Sendable func header(
            realm: String = "1234567_SB1", consumerKey: String? = nil, consumerSecret: String? = nil, tokenID: String? = nil,
            secondsFromNow: Int = 0, nonce: String? = nil, method: String = "GET", url: String = url
        ) throws -> String {
            let timestamp = Int(Date().timeIntervalSince1970) + secondsFromNow
            let account = try AccountID(parsing: "1234567_SB1")
            let signer = try TokenBasedAuth(account: account, credentials: .init(
                consumerKey: consumerKey ?? c.consumerKey, consumerSecret: consumerSecret ?? c.consumerSecret,
                tokenID: tokenID ?? c.tokenId, tokenSecret: c.tokenSecret))
            var signed = try signer.sign(method: method, url: url, timestamp: timestamp, nonce: nonce)
            signed.authorization.realm = realm
            return signed.authorization.description
        }
        @Sendable func sha1() throws -> String {
            var sha1 = try AuthorizationHeader(parsing: try header())
            sha1.parameters = sha1.parameters.map { $0.name == "oauth_signature_method" ? .init(name: $0.name, value: "HMAC-SHA1") : $0 }
            return sha1.description
        }
        @Sendable func missingNonce() throws -> String {
            var missing = try AuthorizationHeader(parsing: try header())
            missing.parameters.removeAll { $0.name == "oauth_nonce" }
            return missing.description
        }
        let cases: [(String, @Sendable () throws -> String)] = [
            ("lower-case dash realm", { try header(realm: "1234567-sb1") }),
            ("wrong consumer secret", { try header(consumerSecret: "wrong") }),
            ("signed over another URL", { try header(url: SimulatorHarness.origin + "/services/rest/record/v1/customer/101") }),
            ("signed as POST", { try header(method: "POST") }),
            ("old timestamp", { try header(secondsFromNow: -301) }),
            ("future timestamp", { try header(secondsFromNow: 400) }),
            ("unknown consumer key", { try header(consumerKey: "unknown") }),
            ("unknown token", { try header(tokenID: "unknown") }),
            ("HMAC-SHA1", { try sha1() }),
            ("missing nonce", { try missingNonce() }),
        ]
        let details = ["InvalidSignature", "InvalidSignature", "InvalidSignature", "InvalidSignature", "InvalidTimestamp",
                       "InvalidTimestamp", "consumer_key_unknown", "InvalidToken", "InvalidSignature", "MissingTokenPassportRequiredFields"]
        try await harness.withClient { client in
            for ((name, makeHeader), detail) in zip(cases, details) {
                let reply = try await SimulatorHarness.send(client, .get, Self.path, headers: ["Authorization": try makeHeader()])
                #expect(reply.status == 401, "\(name)")
                #expect(reply.errorCode == "INVALID_LOGIN", "\(name)")
                #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("OAuth realm=\"") == true, "\(name)")
                #expect(reply.headers[.wwwAuthenticate]?.hasSuffix("error=\"token_rejected\", error_description=\"Invalid login attempt.\"") == true)
                #expect(try await harness.lastAuditDetail() == detail, "\(name)")
            }
            let reused = try header(nonce: "samenonce123")
            #expect(try await SimulatorHarness.send(client, .get, Self.path, headers: ["Authorization": reused]).status == 200)
            #expect(try await SimulatorHarness.send(client, .get, Self.path, headers: ["Authorization": reused]).status == 401)
            #expect(try await harness.lastAuditDetail() == "NonceRejected")
            let none = try await SimulatorHarness.send(client, .get, Self.path)
            #expect(none.status == 401)
        }
    }

    @Test("a revoked token, a disabled feature, an inactive entity: refused with their details")
    func setupChanges() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let realm = harness.credentials.accountId
        try await harness.withClient { client in
            try await harness.netsuite.setFeatures(realm, Features(restWebServices: true, tokenBasedAuthentication: false, oauth2: true))
            #expect(try await harness.signed(client, .get, Self.path).status == 401)
            #expect(try await harness.lastAuditDetail() == "FeatureDisabled")
            try await harness.netsuite.setFeatures(realm, Features())
            try await harness.netsuite.setEntityInactive(realm, entityID: 2, inactive: true)
            #expect(try await harness.signed(client, .get, Self.path).status == 401)
            #expect(try await harness.lastAuditDetail() == "EntityOrRoleDisabled")
            try await harness.netsuite.setEntityInactive(realm, entityID: 2, inactive: false)
            try await harness.netsuite.revokeToken(realm, tokenID: harness.credentials.tba!.tokenId)
            #expect(try await harness.signed(client, .get, Self.path).status == 401)
            #expect(try await harness.lastAuditDetail() == "InvalidToken")
        }
    }

    @Test("a role without a record's permission gets 403 INSUFFICIENT_PERMISSION naming the permission")
    func permissions() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let realm = harness.credentials.accountId
        var limited = Permission.integrationRole
        limited[Permission.customers] = nil
        let role = try await harness.netsuite.addRole(realm, name: "No customers", permissions: limited)
        let token = try await harness.netsuite.issueToken(realm, integrationID: 3, entityID: 2, roleID: role)
        let c = harness.credentials.tba!
        let signer = try TokenBasedAuth(account: harness.account, credentials: .init(
            consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, tokenID: token.tokenID, tokenSecret: token.tokenSecret))
        try await harness.withClient { client in
            let reply = try await harness.signed(client, .get, Self.path, signer: signer)
            #expect(reply.status == 403)
            #expect(reply.errorCode == "INSUFFICIENT_PERMISSION")
            #expect(reply.body.contains("Customers"))
            let contacts = try await harness.signed(client, .get, "/services/rest/record/v1/contact", signer: signer)
            #expect(contacts.status == 200)
            let query = try await harness.signed(
                client, .post, "/services/rest/query/v1/suiteql", body: #"{"q":"SELECT id FROM customer"}"#, headers: ["Prefer": "transient"], signer: signer)
            #expect(query.status == 403)
        }
    }

    @Test("form parameters of an urlencoded body are signed")
    func formBody() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let path = "/app/site/hosting/restlet.nl?script=1&deploy=1"
        let body = "greeting=hello+world&n=1"
        try await harness.withClient { client in
            let good = try harness.tba.sign(method: "POST", url: SimulatorHarness.origin + path, formBody: body)
            let ok = try await SimulatorHarness.send(client, .post, path, headers: [
                "Authorization": good.authorization.description, "Content-Type": "application/x-www-form-urlencoded",
            ], body: body)
            #expect(ok.status == 200, "\(ok.body)")
            let unsigned = try harness.tba.sign(method: "POST", url: SimulatorHarness.origin + path)
            let refused = try await SimulatorHarness.send(client, .post, path, headers: [
                "Authorization": unsigned.authorization.description, "Content-Type": "application/x-www-form-urlencoded",
            ], body: body)
            #expect(refused.status == 401)
            #expect(refused.object?["error"]?.objectValue?["code"] == .string("INVALID_LOGIN_ATTEMPT"))
        }
    }
}

