import Foundation
import NetSuiteAuth

/// What the token endpoint answers: status, JSON body and extra headers.
struct TokenEndpointAnswer: Sendable {
    var status: Int
    var body: JSONObject
    var headers: [(String, String)] = []

    static func error(_ status: Int, _ code: String, headers: [(String, String)] = []) -> TokenEndpointAnswer {
        TokenEndpointAnswer(status: status, body: JSONObject([("error", .string(code))]), headers: headers)
    }
}

extension SimulatedNetSuite {
    /// Handles `POST /services/rest/auth/oauth2/v1/token` for the client credentials grant, as the reference decides:
    /// `invalid_request` (400), `invalid_client` (401 with `WWW-Authenticate: Basic realm=…`), `invalid_grant` (400),
    /// `invalid_scope` (400); each refusal is logged with its cause. The assertion's `aud` must be the account's
    /// NetSuite token URL or `receivedAt`, the URL the request came to (a client bound to the simulator's address).
    func tokenRequest(form: [String: String], receivedAt: String? = nil) async -> TokenEndpointAnswer {
        guard form["grant_type"] == "client_credentials",
            form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            let assertion = form["client_assertion"], !assertion.isEmpty,
            let header = try? ClientAssertion.header(of: assertion),
            let claims = Self.unverifiedClaims(assertion)
        else { return .error(400, NetSuiteErrorCode.invalidOAuthRequest) }

        let issuer = claims["iss"]?.stringValue ?? ""
        // Find the integration by client id across accounts.
        guard let realm = accounts.first(where: { $0.value.integration(consumerKey: issuer) != nil })?.key,
            let integration = accounts[realm]?.integration(consumerKey: issuer)
        else {
            let audienceRealm = accounts.values.first { claims["aud"]?.stringValue == $0.accountID.tokenURL }?.accountID.realm
            let realm = audienceRealm ?? (accounts.count == 1 ? accounts.keys.first : nil) ?? ""
            if !realm.isEmpty {
                accounts[realm]?.log(method: "OAuth 2.0", client: issuer, success: false, detail: "InvalidIntegration", at: now())
            }
            return .error(401, NetSuiteErrorCode.invalidClient, headers: [("WWW-Authenticate", "Basic realm=\"\(realm)\"")])
        }
        let now = self.now()
        func refuse(_ status: Int, _ code: String, _ detail: String, mapping: M2MMapping? = nil) -> TokenEndpointAnswer {
            accounts[realm]?.log(method: "OAuth 2.0", entityID: mapping?.entityID, roleID: mapping?.roleID, client: issuer,
                                 success: false, detail: detail, at: now)
            let headers = code == NetSuiteErrorCode.invalidClient ? [("WWW-Authenticate", "Basic realm=\"\(realm)\"")] : []
            return .error(status, code, headers: headers)
        }
        guard let account = accounts[realm] else { return .error(400, NetSuiteErrorCode.invalidOAuthRequest) }
        guard account.features.oauth2 else { return refuse(401, NetSuiteErrorCode.invalidClient, "FeatureDisabled") }
        guard integration.isEnabled, integration.clientCredentials else { return refuse(401, NetSuiteErrorCode.invalidClient, "InvalidIntegration") }
        guard (try? ClientAssertion.Algorithm(parsing: header.alg)) != nil else { return refuse(400, NetSuiteErrorCode.invalidGrant, "UnsupportedAlgorithm") }
        guard let kid = header.kid, let mapping = account.mappings[kid], mapping.integrationID == integration.id else {
            return refuse(400, NetSuiteErrorCode.invalidGrant, "UnknownCertificate")
        }
        guard !mapping.isRevoked else { return refuse(400, NetSuiteErrorCode.invalidGrant, "CertificateRevoked", mapping: mapping) }
        guard mapping.validUntil > now else { return refuse(400, NetSuiteErrorCode.invalidGrant, "CertificateExpired", mapping: mapping) }

        // The signature is checked outside the actor's state: nothing above is kept across the await.
        let verified: Bool
        do {
            _ = try await ClientAssertion.verifySignature(of: assertion, publicKey: mapping.certificate.publicKey)
            verified = true
        } catch {
            verified = false
        }
        guard verified else { return refuse(400, NetSuiteErrorCode.invalidGrant, "InvalidSignature", mapping: mapping) }

        let audiences = claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? [claims["aud"]?.stringValue].compactMap { $0 }
        guard audiences.contains(account.accountID.tokenURL) || receivedAt.map(audiences.contains) == true else { return refuse(400, NetSuiteErrorCode.invalidGrant, "InvalidAudience", mapping: mapping) }
        guard let iat = claims["iat"]?.doubleValue, let exp = claims["exp"]?.doubleValue else {
            return refuse(400, NetSuiteErrorCode.invalidGrant, "InvalidTokenTimes", mapping: mapping)
        }
        guard exp - iat < 3600, exp > iat else { return refuse(400, NetSuiteErrorCode.invalidGrant, "InvalidTokenLifetime", mapping: mapping) }
        guard iat <= now.timeIntervalSince1970 + 300 else { return refuse(400, NetSuiteErrorCode.invalidGrant, "IssuedInFuture", mapping: mapping) }
        guard exp > now.timeIntervalSince1970 else { return refuse(400, NetSuiteErrorCode.invalidGrant, "AssertionExpired", mapping: mapping) }

        // Scopes: a JSON array, or comma- or space-separated text.
        let scopes: [String]
        if let array = claims["scope"]?.arrayValue {
            scopes = array.compactMap(\.stringValue)
        } else {
            scopes = (claims["scope"]?.stringValue ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        }
        let known: Set<String> = ["restlets", "rest_webservices", "suite_analytics", "mcp"]
        guard !scopes.isEmpty, scopes.allSatisfy(known.contains) else { return refuse(400, NetSuiteErrorCode.invalidScope, "InvalidScope", mapping: mapping) }
        guard !(scopes.contains("mcp") && scopes.count > 1) else { return refuse(400, NetSuiteErrorCode.invalidScope, "InvalidScope", mapping: mapping) }
        guard scopes.allSatisfy(integration.scopes.contains) else { return refuse(400, NetSuiteErrorCode.invalidScope, "ScopeMismatched", mapping: mapping) }
        guard let entity = account.entities[mapping.entityID], let role = account.roles[mapping.roleID], !entity.isInactive, !role.isInactive else {
            return refuse(400, NetSuiteErrorCode.invalidGrant, "EntityOrRoleDisabled", mapping: mapping)
        }
        guard role.level(of: Permission.logInUsingOAuth2AccessTokens) >= .full else {
            return refuse(400, NetSuiteErrorCode.invalidGrant, "InsufficientPermission", mapping: mapping)
        }

        let value = Self.accessTokenValue(realm: realm, entity: entity.id, role: role.id, clientID: issuer, scopes: scopes, now: now)
        let token = IssuedBearerToken(
            value: value, integrationID: integration.id, entityID: entity.id, roleID: role.id, scopes: Set(scopes),
            expiresAt: now.addingTimeInterval(3600))
        accounts[realm]?.bearerTokens[value] = token
        accounts[realm]?.stats.tokenExchanges += 1
        bearerIndex[value] = realm
        accounts[realm]?.log(method: "OAuth 2.0", entityID: entity.id, roleID: role.id, client: issuer, success: true, detail: "", at: now)
        return TokenEndpointAnswer(status: 200, body: JSONObject([
            ("access_token", .string(value)), ("expires_in", .string("3600")), ("token_type", .string("Bearer")),
        ]))
    }

    /// The claims of a JWT, read without verification.
    static func unverifiedClaims(_ jwt: String) -> JSONObject? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let value = try? JSONValue(parsing: data) else { return nil }
        return value.objectValue
    }

    /// A JWT-shaped opaque token, like NetSuite's (clients treat it as opaque).
    static func accessTokenValue(realm: String, entity: Int, role: Int, clientID: String, scopes: [String], now: Date) -> String {
        func encode(_ object: JSONObject) -> String {
            Data(JSONValue.object(object).serialized.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let header = encode(JSONObject([("kid", .string("c.\(realm).simulator")), ("typ", .string("JWT")), ("alg", .string("RS256"))]))
        let iat = now.timeIntervalSince1970.rounded(.down)
        let payload = encode(JSONObject([
            ("sub", .string("\(role);\(entity)")), ("aud", .array([.string(clientID)])), ("scope", .array(scopes.map(JSONValue.string))),
            ("iss", .string("https://system.netsuite.com")), ("exp", .number(iat + 3600)), ("iat", .number(iat)),
            ("jti", .string(UUID().uuidString.lowercased())),
        ]))
        return "\(header).\(payload).\(Secrets.base64URL(64))"
    }
}
