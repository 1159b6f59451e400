import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetSuiteAuth
import SuiteBridgeTestSupport
@testable import NetSuiteSimulator

/// A provisioned simulator and helpers to call it in process, signing requests as a real client would.
struct SimulatorHarness {
    /// Router tests present the authority `localhost`.
    static let origin = "http://localhost"
    let netsuite: SimulatedNetSuite
    let server: SimulatorServer
    let credentials: CredentialsFile.Account

    static func make(records: Int = 50, concurrencyLimit: Int = 5, keyType: String = "ec-p256") async throws -> SimulatorHarness {
        let netsuite = SimulatedNetSuite()
        let configuration = SimulatorProvisioning.Configuration(accounts: [
            .init(accountId: "1234567_SB1", concurrencyLimit: concurrencyLimit, records: records, seed: 7, keyType: keyType)
        ])
        let credentials = try await SimulatorProvisioning.provision(netsuite, configuration: configuration, baseURL: origin)
        return SimulatorHarness(netsuite: netsuite, server: SimulatorServer(netsuite: netsuite), credentials: credentials.accounts[0])
    }

    var account: AccountID { try! AccountID(parsing: credentials.accountId) }

    var tba: TokenBasedAuth {
        let c = credentials.tba!
        return try! TokenBasedAuth(
            account: account,
            credentials: .init(consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, tokenID: c.tokenId, tokenSecret: c.tokenSecret))
    }

    /// Runs `body` with a client of the router (no sockets).
    func withClient<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: server.makeRouter(), logger: quietLogger)
        return try await app.test(.router) { client in try await body(client) }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: String
        var json: JSONValue? { try? JSONValue(parsing: Data(body.utf8)) }
        var object: JSONObject? { json?.objectValue }
        /// `o:errorDetails[0]["o:errorCode"]`.
        var errorCode: String? {
            object?["o:errorDetails"]?.arrayValue?.first?.objectValue?["o:errorCode"]?.stringValue
        }
    }

    /// Sends a request with the given headers and body.
    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, headers: [String: String] = [:], body: String? = nil
    ) async throws -> Reply {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return try await client.execute(
            uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Sends a TBA-signed request (signed over `http://localhost` + path, as the router test client sends it).
    func signed(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String? = nil,
        headers: [String: String] = [:], signer: TokenBasedAuth? = nil, timestamp: Int? = nil, nonce: String? = nil
    ) async throws -> Reply {
        let signature = try (signer ?? tba).sign(method: method.rawValue, url: Self.origin + path, timestamp: timestamp, nonce: nonce)
        var all = headers
        all["Authorization"] = signature.authorization.description
        if body != nil && all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
        return try await Self.send(client, method, path, headers: all, body: body)
    }

    /// Runs a SuiteQL query page.
    func suiteQL(_ client: any TestClientProtocol, _ query: String, limit: Int = 1000, offset: Int = 0) async throws -> Reply {
        let body = JSONValue.object(JSONObject([("q", .string(query))])).serialized
        return try await signed(client, .post, "/services/rest/query/v1/suiteql?limit=\(limit)&offset=\(offset)", body: body, headers: ["Prefer": "transient"])
    }

    /// A client assertion for the provisioned M2M mapping.
    func assertion(
        issuedAt: Date = Date(), lifetime: Int = 1800, scopes: [ClientAssertion.Scope] = ClientAssertion.Scope.defaults,
        certificateID: String? = nil, clientID: String? = nil, audience: String? = nil, key: SigningKey? = nil
    ) async throws -> String {
        let cc = credentials.clientCredentials!
        let signingKey = try key ?? SigningKey(pemRepresentation: cc.privateKeyPEM)
        let configuration = ClientAssertion.Configuration(
            account: account, clientID: clientID ?? cc.clientId, certificateID: certificateID ?? cc.certificateId, scopes: scopes,
            lifetime: lifetime, audience: audience)
        return try await ClientAssertion(configuration: configuration, key: signingKey).make(issuedAt: issuedAt)
    }

    static func tokenForm(_ assertion: String) -> String {
        [
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ].map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
    }

    /// Posts a token request with `form`.
    static func token(_ client: any TestClientProtocol, form: String) async throws -> Reply {
        try await send(client, .post, "/services/rest/auth/oauth2/v1/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: form)
    }

    /// Exchanges an assertion for a bearer token.
    func bearer(_ client: any TestClientProtocol, scopes: [ClientAssertion.Scope] = ClientAssertion.Scope.defaults) async throws -> String {
        let reply = try await Self.token(client, form: Self.tokenForm(try await assertion(scopes: scopes)))
        guard let token = reply.object?["access_token"]?.stringValue else { throw HarnessError(message: "no token: \(reply.body)") }
        return token
    }

    struct HarnessError: Error { var message: String }

    /// The last login audit detail.
    func lastAuditDetail() async throws -> String? {
        try await netsuite.loginAudit(credentials.accountId).last?.detail
    }
}
