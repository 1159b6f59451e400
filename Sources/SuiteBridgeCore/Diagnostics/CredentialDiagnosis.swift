import Foundation
import NetSuiteAuth
import NetSuiteClient

/// Turns a failed authentication into the likely cause and the fix, from what SuiteBridge knows locally.
enum CredentialDiagnosis {
    static func explain(_ error: any Error, instance: Instance, activeCertificate: StoredCertificate?, now: Date) -> SuiteBridgeError {
        if let error = error as? SuiteBridgeError { return error }
        let text: String
        var remedy: String
        var errorCode: String?
        switch error {
        case let error as NetSuiteError:
            text = error.message
            remedy = error.remedy
            errorCode = error.errorCode
            if error.code == .authentication, let detail = error.detail { errorCode = errorCode ?? detail }
            if error.code == .authentication, error.message.contains(NetSuiteErrorCode.invalidGrant) { errorCode = NetSuiteErrorCode.invalidGrant }
            if error.code == .authentication, error.message.contains(NetSuiteErrorCode.invalidClient) { errorCode = NetSuiteErrorCode.invalidClient }
        case let error as NetSuiteAuthError:
            text = error.message
            remedy = error.remedy
            if error.message.contains(NetSuiteErrorCode.invalidGrant) { errorCode = NetSuiteErrorCode.invalidGrant }
            if error.message.contains(NetSuiteErrorCode.invalidClient) { errorCode = NetSuiteErrorCode.invalidClient }
        default:
            text = "\(error)"
            remedy = "Check the network and the instance's settings."
        }
        switch errorCode {
        case NetSuiteErrorCode.invalidGrant:
            if let certificate = activeCertificate, certificate.isExpired(at: now) {
                return SuiteBridgeError(.netsuite, "NetSuite refused the client assertion (invalid_grant): the certificate \(certificate.displayName) expired on \(Self.day(certificate.notAfter)).",
                                        remedy: "Rotate it: `suitebridge cert rotate --instance \(instance.name)`, upload auth-cert.pem in NetSuite, then `suitebridge cert activate`.",
                                        field: "certificate id")
            }
            let id = activeCertificate?.certificateID ?? "(none)"
            return SuiteBridgeError(.netsuite, "NetSuite refused the client assertion (invalid_grant) for certificate id \(id). Likely causes: the certificate was revoked in NetSuite, or NetSuite no longer knows this certificate id (a sandbox refresh clears the M2M mappings), or the id was mistyped.",
                                    remedy: "In NetSuite open Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup: if the mapping is missing or revoked, run `suitebridge cert rotate --instance \(instance.name)`, upload auth-cert.pem there and `suitebridge cert activate` with the new id; if it is there with another id, run `suitebridge cert update-id --instance \(instance.name) --certificate-id ID`. Also check this machine's clock.",
                                    field: "certificate id")
        case NetSuiteErrorCode.invalidLogin where instance.authMethod == .tokenBased, NetSuiteErrorCode.invalidLoginAttempt where instance.authMethod == .tokenBased:
            return SuiteBridgeError(.netsuite, "NetSuite refused the token-based login (INVALID_LOGIN) for realm \(instance.realm), consumer key \(instance.consumerKey.prefix(8))…, token \(instance.tokenID?.prefix(8) ?? "?")….",
                                    remedy: "NetSuite does not say which part it refused; the Login Audit Trail does. In order of likelihood: the token was revoked or its id or secret is wrong (Setup > Users/Roles > Access Tokens: issue a new one and `suitebridge instance edit \(instance.name) --token-id …` with the new secret); the consumer key or secret is wrong, or the integration is disabled or lacks Token-based Authentication (Setup > Integration > Manage Integrations); the Token-based Authentication or REST Web Services feature is off (Setup > Company > Enable Features > SuiteCloud); the role lacks \"Setup > Log in using access tokens: Full\"; this machine's clock is more than 5 minutes off.",
                                    field: "token id")
        case NetSuiteErrorCode.invalidClient:
            return SuiteBridgeError(.netsuite, "NetSuite does not accept the client id \(instance.consumerKey) (invalid_client).",
                                    remedy: "Check the client id (the integration record's consumer key), that the integration has \"Client Credentials (Machine to Machine) Grant\" ticked and is enabled, and that the OAuth 2.0 feature is on (Setup > Company > Enable Features > SuiteCloud).",
                                    field: "client id")
        default:
            return SuiteBridgeError(.netsuite, text, remedy: remedy)
        }
    }

    static func day(_ date: Date?) -> String {
        guard let date else { return "an unknown date" }
        return date.formatted(.iso8601.year().month().day())
    }
}
