import Foundation
import HTTPTypes
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator token endpoint")
struct TokenEndpointTests {
    @Test("a valid assertion gets a bearer token: expires_in \"3600\", token_type Bearer; the audit trail says Success")
    func success() async throws {
        let harness = try await SimulatorHarness.make()
        let reply = try await harness.withClient { client in
            try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(try await harness.assertion()))
        }
        #expect(reply.status == 200)
        #expect(reply.object?["expires_in"] == .string("3600"))
        #expect(reply.object?["token_type"] == .string("Bearer"))
        #expect((reply.object?["access_token"]?.stringValue?.split(separator: ".").count ?? 0) == 3)
        let entry = try #require(try await harness.netsuite.loginAudit(harness.credentials.accountId).last)
        #expect(entry.status == "Success" && entry.method == "OAuth 2.0" && entry.user == "SuiteBridge Integration User")
        #expect(try await harness.netsuite.stats(harness.credentials.accountId).tokenExchanges == 1)
    }

    @Test("RSA certificates work with PS256")
    func rsa() async throws {
        let harness = try await SimulatorHarness.make(keyType: "rsa-3072")
        let token = try await harness.withClient { client in try await harness.bearer(client) }
        #expect(!token.isEmpty)
    }

    @Test("missing fields, a wrong grant type or assertion type, or no JWT: 400 invalid_request")
    func invalidRequest() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let jwt = try await harness.assertion()
        let forms = [
            "", "grant_type=client_credentials",
            "grant_type=authorization_code&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=\(jwt)",
            "grant_type=client_credentials&client_assertion_type=bearer&client_assertion=\(jwt)",
            "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=notajwt",
        ]
        try await harness.withClient { client in
            for form in forms {
                let reply = try await SimulatorHarness.token(client, form: form)
                #expect(reply.status == 400, "\(form)")
                #expect(reply.body == #"{"error":"invalid_request"}"#)
            }
        }
    }

    @Test("an unknown client id: 401 invalid_client with WWW-Authenticate Basic realm")
    func unknownClient() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let reply = try await harness.withClient { client in
            try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(try await harness.assertion(clientID: "nobody")))
        }
        #expect(reply.status == 401)
        #expect(reply.body == #"{"error":"invalid_client"}"#)
        #expect(reply.headers[.wwwAuthenticate] == "Basic realm=\"1234567_SB1\"")
        #expect(try await harness.lastAuditDetail() == "InvalidIntegration")
    }

    @Test("an integration without the client credentials grant: invalid_client")
    func noGrant() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let realm = harness.credentials.accountId
        let other = try await harness.netsuite.addIntegration(realm, name: "TBA only", tokenBasedAuthentication: true, clientCredentials: false, scopes: ["rest_webservices"])
        let reply = try await harness.withClient { client in
            try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(try await harness.assertion(clientID: other.consumerKey)))
        }
        #expect(reply.status == 401)
        #expect(try await harness.lastAuditDetail() == "InvalidIntegration")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var status: Int
        var error: String
        var detail: String
        var testDescription: String { name }
    }

    @Test("each refused assertion gets NetSuite's error and a login audit detail naming the cause")
    func refusals() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let realm = harness.credentials.accountId
        let cc = harness.credentials.clientCredentials!
        let now = Date()
        let iat = Int(now.timeIntervalSince1970)
        let aud = harness.account.tokenURL
        func handMade(header: [String: Any] = [:], claims: [String: Any] = [:]) throws -> String {
            var h: [String: Any] = ["typ": "JWT", "alg": "ES256", "kid": cc.certificateId]
            h.merge(header) { $1 }
            var c: [String: Any] = ["iss": cc.clientId, "scope": ["restlets", "rest_webservices"], "aud": aud, "iat": iat, "exp": iat + 1800]
            c.merge(claims) { $1 }
            return try HandMadeJWT.make(header: h, claims: c, keyPEM: cc.privateKeyPEM)
        }
        let otherKey = try SigningKey.generate(.ec(.p256))
        let cases: [(Refusal, String)] = [
            (Refusal(name: "RS256", status: 400, error: "invalid_grant", detail: "UnsupportedAlgorithm"), try handMade(header: ["alg": "RS256"])),
            (Refusal(name: "unknown kid", status: 400, error: "invalid_grant", detail: "UnknownCertificate"), try await harness.assertion(certificateID: "unknown-kid")),
            (Refusal(name: "other key", status: 400, error: "invalid_grant", detail: "InvalidSignature"), try await harness.assertion(key: otherKey)),
            (Refusal(name: "wrong aud", status: 400, error: "invalid_grant", detail: "InvalidAudience"),
             try await harness.assertion(audience: "https://1234567.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")),
            (Refusal(name: "lifetime 3600", status: 400, error: "invalid_grant", detail: "InvalidTokenLifetime"), try handMade(claims: ["exp": iat + 3600])),
            (Refusal(name: "iat in the future", status: 400, error: "invalid_grant", detail: "IssuedInFuture"),
             try await harness.assertion(issuedAt: now.addingTimeInterval(600))),
            (Refusal(name: "expired assertion", status: 400, error: "invalid_grant", detail: "AssertionExpired"),
             try await harness.assertion(issuedAt: now.addingTimeInterval(-4000))),
            (Refusal(name: "unknown scope", status: 400, error: "invalid_scope", detail: "InvalidScope"), try handMade(claims: ["scope": ["restlets", "everything"]])),
            (Refusal(name: "mcp with another scope", status: 400, error: "invalid_scope", detail: "InvalidScope"), try handMade(claims: ["scope": "mcp,restlets"])),
            (Refusal(name: "scope not on the integration", status: 400, error: "invalid_scope", detail: "ScopeMismatched"),
             try await harness.assertion(scopes: [.suiteAnalytics])),
        ]
        try await harness.withClient { client in
            for (refusal, jwt) in cases {
                let reply = try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(jwt))
                #expect(reply.status == refusal.status, "\(refusal.name)")
                #expect(reply.body == "{\"error\":\"\(refusal.error)\"}", "\(refusal.name): \(reply.body)")
                #expect(try await harness.lastAuditDetail() == refusal.detail, "\(refusal.name)")
            }
        }
        let failures = try await harness.netsuite.loginAudit(realm).filter { $0.status == "Failure" }
        #expect(failures.count == cases.count)
    }

    @Test("scopes as a comma- or space-separated string are accepted")
    func scopeForms() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let cc = harness.credentials.clientCredentials!
        let iat = Int(Date().timeIntervalSince1970)
        try await harness.withClient { client in
            for scope in ["restlets,rest_webservices", "restlets rest_webservices", "rest_webservices"] {
                let jwt = try HandMadeJWT.make(
                    header: ["typ": "JWT", "alg": "ES256", "kid": cc.certificateId],
                    claims: ["iss": cc.clientId, "scope": scope, "aud": harness.account.tokenURL, "iat": iat, "exp": iat + 600],
                    keyPEM: cc.privateKeyPEM)
                #expect(try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(jwt)).status == 200, "\(scope)")
            }
        }
    }

    @Test("revoked and expired certificates are refused; revocation is irreversible")
    func revokedAndExpired() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let realm = harness.credentials.accountId
        try await harness.withClient { client in
            try await harness.netsuite.setClockOffset(400 * 86_400)
            let expired = try await SimulatorHarness.token(
                client, form: SimulatorHarness.tokenForm(try await harness.assertion(issuedAt: Date().addingTimeInterval(400 * 86_400))))
            #expect(expired.body == #"{"error":"invalid_grant"}"#)
            #expect(try await harness.lastAuditDetail() == "CertificateExpired")
            await harness.netsuite.setClockOffset(0)
            try await harness.netsuite.revokeMapping(realm, certificateID: harness.credentials.clientCredentials!.certificateId)
            let revoked = try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(try await harness.assertion()))
            #expect(revoked.status == 400)
            #expect(try await harness.lastAuditDetail() == "CertificateRevoked")
        }
    }

    @Test("an inactive role or one without the OAuth 2.0 login permission is refused")
    func roleChecks() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        let realm = harness.credentials.accountId
        try await harness.netsuite.setRoleInactive(realm, roleID: 1, inactive: true)
        try await harness.withClient { client in
            let reply = try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(try await harness.assertion()))
            #expect(reply.status == 400)
            #expect(try await harness.lastAuditDetail() == "EntityOrRoleDisabled")
        }
    }

    @Test("a bearer token opens REST calls; an expired one gets 401 invalid_token with the Bearer realm")
    func bearerUse() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        try await harness.withClient { client in
            let token = try await harness.bearer(client)
            let ok = try await SimulatorHarness.send(client, .get, "/services/rest/record/v1/customer/100", headers: ["Authorization": "Bearer \(token)"])
            #expect(ok.status == 200)
            await harness.netsuite.setClockOffset(3601)
            let expired = try await SimulatorHarness.send(client, .get, "/services/rest/record/v1/customer/100", headers: ["Authorization": "Bearer \(token)"])
            #expect(expired.status == 401)
            #expect(expired.errorCode == "INVALID_LOGIN")
            #expect(expired.headers[.wwwAuthenticate] == "Bearer realm=\"1234567_SB1\", error=\"invalid_token\", error_description=\"Invalid login attempt.\"")
            #expect(try await harness.lastAuditDetail() == "AccessTokenExpired")
            await harness.netsuite.setClockOffset(0)
            let restletsOnly = try await harness.bearer(client, scopes: [.restlets])
            let refused = try await SimulatorHarness.send(client, .get, "/services/rest/record/v1/customer/100", headers: ["Authorization": "Bearer \(restletsOnly)"])
            #expect(refused.status == 401)
            #expect(try await harness.lastAuditDetail() == "ScopeMismatched")
        }
    }
}
