import Foundation
import NetSuiteAuth
import Testing

@Suite("Client assertion")
struct ClientAssertionTests {
    static let account = try! AccountID(parsing: "1234567-SB1")

    /// The decoded JSON of one JWT part.
    static func part(_ jwt: String, _ index: Int) throws -> [String: Any] {
        let text = String(jwt.split(separator: ".")[index])
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The raw JSON text of the payload, to check how numbers are written.
    static func payloadText(_ jwt: String) throws -> String {
        let text = String(jwt.split(separator: ".")[1])
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
    }

    @Test(
        "signed with the key, verified with the certificate's public key, for RSA and each EC curve",
        arguments: [
            ("rsa-4096", "PS256"), ("rsa-pss-4096", "PS256"), ("rsa-3072", "PS256"),
            ("ec-p256", "ES256"), ("ec-p384", "ES384"), ("ec-p521", "ES512"),
        ])
    func signsAndVerifies(fixture: String, expectedAlg: String) async throws {
        let key = try SigningKey(pemRepresentation: try Fixture.text("openssl/\(fixture)-key.pem"))
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/\(fixture)-cert.pem"))
        let assertion = try await ClientAssertion(
            configuration: .init(account: Self.account, clientID: "client-123", certificateID: "cert-id_ABC"), key: key)
        let issuedAt = Date(timeIntervalSince1970: 1_764_201_234.75)
        let jwt = try await assertion.make(issuedAt: issuedAt)

        let header = try Self.part(jwt, 0)
        #expect(header["typ"] as? String == "JWT")
        #expect(header["alg"] as? String == expectedAlg)
        #expect(header["kid"] as? String == "cert-id_ABC")

        let claims = try await ClientAssertion.verifySignature(of: jwt, publicKey: certificate.publicKey)
        #expect(claims.iss == "client-123")
        #expect(claims.aud == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")
        #expect(claims.scope == ["restlets", "rest_webservices"])
        #expect(claims.iat == 1_764_201_234)
        #expect(claims.exp == 1_764_201_234 + 1800)

        let text = try Self.payloadText(jwt)
        #expect(text.contains("\"iat\":1764201234") && text.contains("\"exp\":1764203034"), "whole seconds: \(text)")
        #expect(text.contains("\"scope\":[\"restlets\",\"rest_webservices\"]"), "scope is a JSON array: \(text)")
    }

    @Test("PS384 and PS512 on request; an EC algorithm on an RSA key is refused")
    func rsaAlgorithms() async throws {
        let key = try SigningKey(pemRepresentation: try Fixture.text("openssl/rsa-3072-key.pem"))
        for alg in [ClientAssertion.Algorithm.ps384, .ps512] {
            let assertion = try await ClientAssertion(
                configuration: .init(account: Self.account, clientID: "c", certificateID: "k", algorithm: alg), key: key)
            let jwt = try await assertion.make()
            #expect(try ClientAssertion.header(of: jwt).alg == alg.rawValue)
            _ = try await ClientAssertion.verifySignature(of: jwt, publicKey: key.publicKey)
        }
        let error = try await #require(throws: NetSuiteAuthError.self) {
            try await ClientAssertion(
                configuration: .init(account: Self.account, clientID: "c", certificateID: "k", algorithm: .es256), key: key)
        }
        #expect(error.field == "alg")
    }

    @Test("RS256 is never accepted")
    func noRS256() throws {
        let error = try #require(throws: NetSuiteAuthError.self) { try ClientAssertion.Algorithm(parsing: "RS256") }
        #expect(error.message.contains("1 March 2025"))
    }

    @Test("an RSA key under 3072 bits is refused with NetSuite's reason")
    func shortRSAKey() throws {
        let error = try #require(throws: NetSuiteAuthError.self) {
            try SigningKey(pemRepresentation: try Fixture.text("openssl/rsa-2048-key.pem"))
        }
        #expect(error.code == .keyTooSmall)
        #expect(error.message.contains("2048") && error.message.contains("3072"))
        #expect(throws: NetSuiteAuthError.self) { try SigningKey.generate(.rsa(bits: 2048)) }
    }

    @Test("a signature from another key does not verify")
    func wrongKey() async throws {
        let key = try SigningKey(pemRepresentation: try Fixture.text("openssl/ec-p256-key.pem"))
        let other = try SigningKey.generate(.ec(.p256))
        let jwt = try await ClientAssertion(
            configuration: .init(account: Self.account, clientID: "c", certificateID: "k"), key: key
        ).make()
        let error = try await #require(throws: NetSuiteAuthError.self) {
            try await ClientAssertion.verifySignature(of: jwt, publicKey: other.publicKey)
        }
        #expect(error.code == .invalidAssertion)
    }

    @Test("lifetime must stay under 3600 s; scopes are checked")
    func configurationRules() async throws {
        let key = try SigningKey.generate(.ec(.p256))
        for lifetime in [0, 3600, 7200] {
            await #expect(throws: NetSuiteAuthError.self) {
                try await ClientAssertion(
                    configuration: .init(account: Self.account, clientID: "c", certificateID: "k", lifetime: lifetime),
                    key: key)
            }
        }
        let longest = try await ClientAssertion(
            configuration: .init(account: Self.account, clientID: "c", certificateID: "k", lifetime: 3599), key: key)
        #expect(longest.claims(issuedAt: Date(timeIntervalSince1970: 100)).exp == 3699)
        await #expect(throws: NetSuiteAuthError.self) {
            try await ClientAssertion(
                configuration: .init(account: Self.account, clientID: "c", certificateID: "k", scopes: [.mcp, .restlets]),
                key: key)
        }
        await #expect(throws: NetSuiteAuthError.self) {
            try await ClientAssertion(configuration: .init(account: Self.account, clientID: "", certificateID: "k"), key: key)
        }
        #expect(try ClientAssertion.Scope.list(parsing: "restlets, suite_analytics") == [.restlets, .suiteAnalytics])
        #expect(throws: NetSuiteAuthError.self) { try ClientAssertion.Scope.list(parsing: "restlet") }
    }

    @Test("a string that is not a JWT is refused")
    func notAJWT() {
        #expect(throws: NetSuiteAuthError.self) { try ClientAssertion.header(of: "abc.def") }
        #expect(throws: NetSuiteAuthError.self) { try ClientAssertion.header(of: "!!.e30.x") }
    }
}
