import Foundation
import NetSuiteAuth

/// How a connector instance authenticates, as the seed guides name the two choices.
public enum AuthMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// OAuth 1 token-based authentication: consumer key and secret, token id and secret; HMAC-SHA256.
    case tokenBased = "tba"
    /// OAuth 2 client credentials (machine to machine): client id, private key, certificate id.
    case clientCredentials = "client-credentials"

    /// `tba`, `oauth1`, `client-credentials`, `oauth2`, `m2m`.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for anything else.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "tba", "oauth1", "oauth-1", "token-based": self = .tokenBased
        case "client-credentials", "oauth2", "oauth-2", "m2m": self = .clientCredentials
        default:
            throw SuiteBridgeError(.invalidInput, "\"\(text)\" is not an auth method.",
                                   remedy: "Use tba (OAuth 1 token-based auth) or client-credentials (OAuth 2 machine to machine).", field: "auth")
        }
    }

    /// The name the seed guides use.
    public var displayName: String {
        switch self {
        case .tokenBased: "OAuth 1 (token-based authentication)"
        case .clientCredentials: "OAuth 2 client credentials (machine to machine)"
        }
    }
}

/// How well an instance last worked.
public enum InstanceHealth: String, Sendable, Hashable, Codable {
    /// Never tested.
    case untested
    /// The last test or use succeeded.
    case healthy
    /// Works, but needs attention soon (a certificate near expiry, a failed unattended rotation).
    case warning
    /// The last test failed; ``Instance/lastError`` says why.
    case unhealthy
}

/// A connector instance as stored: a named connection to one NetSuite account. Holds no secret values.
public struct Instance: Sendable, Hashable {
    public var id: String
    public var name: String
    public var authMethod: AuthMethod
    public var accountID: AccountID
    /// The consumer key (OAuth 1), or the client id, which is the integration's consumer key (OAuth 2).
    public var consumerKey: String
    /// The token id (OAuth 1 only).
    public var tokenID: String?
    /// The NetSuite role internal id, for unattended certificate rotation (OAuth 2).
    public var roleID: String?
    /// The NetSuite entity internal id, for unattended certificate rotation (OAuth 2).
    public var entityID: String?
    /// Where requests go instead of NetSuite's hosts (a simulator or a proxy).
    public var baseURL: String?
    public var concurrencyLimit: Int
    public var health: InstanceHealth
    public var lastTestedAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// OAuth 1's signature method: fixed, NetSuite accepts no other since 2023.1.
    public var signatureMethod: String? { authMethod == .tokenBased ? "HMAC-SHA256" : nil }
    /// The OAuth 1 realm derived from the account id.
    public var realm: String { accountID.realm }
}

/// Secret-free, printable facts about an instance's secrets: whether each is set, and its fingerprint.
public struct SecretFingerprints: Sendable, Hashable {
    public var consumerSecret: String?
    public var tokenSecret: String?
}
