import Foundation

/// A bearer token from NetSuite's token endpoint. Its `description` never shows the token.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    /// The token, sent as `Authorization: Bearer <value>`. A secret: never log it.
    public var value: String
    /// `Bearer`.
    public var tokenType: String
    /// When it was received.
    public var issuedAt: Date
    /// When NetSuite stops accepting it (`issuedAt + expires_in`).
    public var expiresAt: Date

    public init(value: String, tokenType: String = "Bearer", issuedAt: Date, expiresAt: Date) {
        self.value = value
        self.tokenType = tokenType
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The `Authorization` header value: `Bearer <token>`.
    public var authorizationHeader: String { "Bearer \(value)" }

    public var description: String {
        "AccessToken(type: \(tokenType), expiresAt: \(expiresAt.formatted(.iso8601)), value: <redacted>)"
    }
}
