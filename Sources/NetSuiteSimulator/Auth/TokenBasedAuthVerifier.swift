import Foundation
import NetSuiteAuth

/// Why a login failed: the account (when known) and the Login Audit Trail detail.
struct AuthFailure: Error, Sendable {
    var realm: String?
    var detail: String
    var scheme: Scheme

    enum Scheme: Sendable { case oauth1, bearer }

    /// The `WWW-Authenticate` header NetSuite sends with a 401.
    var wwwAuthenticate: String {
        switch scheme {
        case .oauth1:
            "OAuth realm=\"\(realm ?? "")\", error=\"token_rejected\", error_description=\"Invalid login attempt.\""
        case .bearer:
            "Bearer realm=\"\(realm ?? "")\", error=\"invalid_token\", error_description=\"Invalid login attempt.\""
        }
    }
}

extension SimulatedNetSuite {
    /// The TBA timestamp window and nonce memory, in seconds.
    static let timestampWindow: TimeInterval = 300

    /// Verifies an OAuth 1 `Authorization` header over the request as received.
    ///
    /// Checks, in NetSuite's terms: required fields, realm (exact: upper case, underscore), features, consumer key,
    /// token, timestamp within ±300 s, nonce not reused, HMAC-SHA256 signature, entity and role active, and the
    /// "Log in using access tokens" permission. Every outcome is written to the login audit trail.
    func authenticateTBA(
        method: String, url: String, authorization: String, formBody: String?, requiresREST: Bool
    ) -> Result<Principal, AuthFailure> {
        let now = self.now()
        guard let header = try? AuthorizationHeader(parsing: authorization) else {
            return .failure(AuthFailure(realm: nil, detail: "MissingTokenPassportRequiredFields", scheme: .oauth1))
        }
        let sentRealm = header.realm ?? ""
        let exact = accounts[sentRealm] != nil ? sentRealm : nil
        guard let realm = exact ?? self.realm(for: sentRealm), var account = accounts[realm] else {
            return .failure(AuthFailure(realm: sentRealm, detail: "InvalidSignature", scheme: .oauth1))
        }
        let consumerKey = header["oauth_consumer_key"]
        func fail(_ detail: String, entity: Int? = nil, role: Int? = nil) -> Result<Principal, AuthFailure> {
            account.log(method: "Token-based", entityID: entity, roleID: role, client: consumerKey, success: false, detail: detail, at: now)
            accounts[realm] = account
            return .failure(AuthFailure(realm: realm, detail: detail, scheme: .oauth1))
        }
        guard exact != nil else { return fail("InvalidSignature") }
        let required = ["oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature"]
        guard required.allSatisfy({ header[$0]?.isEmpty == false }), let consumerKey, let tokenID = header["oauth_token"],
            let signature = header["oauth_signature"], let nonce = header["oauth_nonce"]
        else { return fail("MissingTokenPassportRequiredFields") }
        guard account.features.tokenBasedAuthentication, !requiresREST || account.features.restWebServices else {
            return fail("FeatureDisabled")
        }
        guard header["oauth_signature_method"] == "HMAC-SHA256" else { return fail("InvalidSignature") }
        guard let integration = account.integration(consumerKey: consumerKey) else { return fail("consumer_key_unknown") }
        guard integration.isEnabled, integration.tokenBasedAuthentication else { return fail("consumer_key_refused") }
        guard let token = account.tokens[tokenID], !token.isRevoked, token.integrationID == integration.id else {
            return fail("InvalidToken")
        }
        guard let timestamp = header["oauth_timestamp"].flatMap(TimeInterval.init),
            abs(timestamp - now.timeIntervalSince1970) <= Self.timestampWindow
        else { return fail("InvalidTimestamp", entity: token.entityID, role: token.roleID) }
        let nonceKey = "\(tokenID)|\(nonce)"
        if account.seenNonces.count > 50_000 { account.seenNonces = account.seenNonces.filter { $0.value > now } }
        if let until = account.seenNonces[nonceKey], until > now {
            return fail("NonceRejected", entity: token.entityID, role: token.roleID)
        }
        guard (6...64).contains(nonce.count), nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return fail("NonceRejected", entity: token.entityID, role: token.roleID)
        }
        let oauth = header.parameters.filter { $0.name != "oauth_signature" }.map { ($0.name, $0.value) }
        guard let base = try? SignatureBaseString(method: method, url: url, oauthParameters: oauth, formBody: formBody),
            TokenBasedAuth.signature(of: base, consumerSecret: integration.consumerSecret, tokenSecret: token.tokenSecret) == signature
        else { return fail("InvalidSignature", entity: token.entityID, role: token.roleID) }
        account.seenNonces[nonceKey] = now.addingTimeInterval(Self.timestampWindow * 2)
        guard let entity = account.entities[token.entityID], let role = account.roles[token.roleID], !entity.isInactive, !role.isInactive else {
            return fail("EntityOrRoleDisabled", entity: token.entityID, role: token.roleID)
        }
        guard role.level(of: Permission.logInUsingAccessTokens) >= .full else {
            return fail("InsufficientPermission", entity: token.entityID, role: token.roleID)
        }
        account.log(method: "Token-based", entityID: entity.id, roleID: role.id, client: consumerKey, success: true, detail: "", at: now)
        accounts[realm] = account
        return .success(Principal(
            realm: realm, integrationID: integration.id, entityID: entity.id, roleID: role.id, role: role, scopes: nil, method: "Token-based"))
    }

    /// Verifies a bearer token for a scope (`rest_webservices` or `restlets`).
    func authenticateBearer(_ value: String, scope: String, requiresREST: Bool) -> Result<Principal, AuthFailure> {
        let now = self.now()
        guard let realm = bearerIndex[value], var account = accounts[realm], let token = account.bearerTokens[value] else {
            let onlyRealm = accounts.count == 1 ? accounts.keys.first : nil
            return .failure(AuthFailure(realm: onlyRealm, detail: "InvalidToken", scheme: .bearer))
        }
        func fail(_ detail: String) -> Result<Principal, AuthFailure> {
            account.log(method: "OAuth 2.0", entityID: token.entityID, roleID: token.roleID,
                        client: account.integrations[token.integrationID]?.consumerKey, success: false, detail: detail, at: now)
            accounts[realm] = account
            return .failure(AuthFailure(realm: realm, detail: detail, scheme: .bearer))
        }
        guard token.expiresAt > now else { return fail("AccessTokenExpired") }
        guard account.features.oauth2, !requiresREST || account.features.restWebServices else { return fail("FeatureDisabled") }
        guard token.scopes.contains(scope) else { return fail("ScopeMismatched") }
        guard let integration = account.integrations[token.integrationID], integration.isEnabled else { return fail("InvalidIntegration") }
        guard let entity = account.entities[token.entityID], let role = account.roles[token.roleID], !entity.isInactive, !role.isInactive else {
            return fail("EntityOrRoleDisabled")
        }
        return .success(Principal(
            realm: realm, integrationID: integration.id, entityID: entity.id, roleID: role.id, role: role, scopes: token.scopes, method: "OAuth 2.0"))
    }
}
