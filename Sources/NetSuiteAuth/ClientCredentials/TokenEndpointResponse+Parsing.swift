import Foundation

extension TokenEndpointResponse {
    /// The token in a 200 answer, or the error NetSuite's answer means.
    /// - Throws: ``NetSuiteAuthError`` `tokenEndpointRefused` with a remedy per OAuth error code, or
    ///   `tokenEndpointResponse` for an answer that is not a token.
    func accessToken(receivedAt now: Date) throws -> AccessToken {
        guard status == 200 else { throw refusal() }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let value = object["access_token"] as? String, !value.isEmpty
        else {
            throw NetSuiteAuthError(
                code: .tokenEndpointResponse,
                message: "The token endpoint answered 200 without an access_token.",
                remedy: "Check that the account's token URL points at NetSuite (or the simulator), not at a proxy page.",
                field: "token endpoint"
            )
        }
        let lifetime: Int
        switch object["expires_in"] {
        case let number as NSNumber: lifetime = number.intValue
        case let text as String:
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw NetSuiteAuthError(
                    code: .tokenEndpointResponse,
                    message: "The token endpoint's expires_in \"\(text)\" is not a number of seconds.",
                    remedy: "Report this answer; NetSuite documents tokens valid 3600 seconds.",
                    field: "token endpoint"
                )
            }
            lifetime = number
        default: lifetime = 3600  // NetSuite documents 60 minutes
        }
        let tokenType = object["token_type"] as? String ?? "Bearer"
        return AccessToken(value: value, tokenType: tokenType, issuedAt: now, expiresAt: now.addingTimeInterval(TimeInterval(lifetime)))
    }

    private func refusal() -> NetSuiteAuthError {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        guard let code = object?["error"] as? String else {
            let snippet = String(decoding: body.prefix(200), as: UTF8.self)
            return NetSuiteAuthError(
                code: .tokenEndpointResponse,
                message: "The token endpoint answered HTTP \(status) without an OAuth error\(snippet.isEmpty ? "" : ": \(snippet)").",
                remedy: status >= 500
                    ? "NetSuite had a server error; try again shortly."
                    : "Check the account id: the token URL is built from it (https://<account>.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token).",
                field: "token endpoint"
            )
        }
        let detail = (object?["error_description"] as? String).map { " (\($0))" } ?? ""
        let remedy: String
        switch code {
        case NetSuiteErrorCode.invalidGrant:
            remedy = "NetSuite refused the client assertion. Likely causes: the certificate was revoked or has expired, the certificate id does not match the uploaded certificate, the private key is not the certificate's, or this machine's clock is off. Check Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup and the Login Audit Trail."
        case NetSuiteErrorCode.invalidClient:
            remedy = "NetSuite does not know this client id, or the integration record lacks \"Client Credentials (Machine to Machine) Grant\". Check the consumer key and Setup > Integration > Manage Integrations."
        case NetSuiteErrorCode.invalidScope:
            remedy = "A requested scope is not enabled on the integration record (RESTlets, REST Web Services), or mcp was combined with another scope."
        case NetSuiteErrorCode.invalidOAuthRequest:
            remedy = "NetSuite could not read the token request. Check the account id (it sets the token URL) and that nothing between SuiteBridge and NetSuite rewrites the body."
        case NetSuiteErrorCode.unauthorizedClient:
            remedy = "The integration record is not allowed to use the client credentials grant. Enable it in Setup > Integration > Manage Integrations."
        default:
            remedy = "See the Login Audit Trail in NetSuite (Setup > Users/Roles > User Management > View Login Audit Trail)."
        }
        return NetSuiteAuthError(
            code: .tokenEndpointRefused,
            message: "The token endpoint refused the request: \(code)\(detail) (HTTP \(status)).",
            remedy: remedy,
            field: "token endpoint"
        )
    }
}
