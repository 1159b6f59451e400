/// A POST to NetSuite's token endpoint, as ``AccessTokenProvider`` sends it.
public struct TokenEndpointRequest: Sendable, Hashable {
    /// The token endpoint URL.
    public var url: String
    /// The `application/x-www-form-urlencoded` body. It holds the client assertion: do not log it.
    public var body: String
    /// Always `application/x-www-form-urlencoded`.
    public var contentType: String { "application/x-www-form-urlencoded" }

    public init(url: String, body: String) {
        self.url = url
        self.body = body
    }
}

/// What the token endpoint answered.
public struct TokenEndpointResponse: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The body bytes.
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Sends token endpoint requests: the seam between ``AccessTokenProvider`` and an HTTP client.
///
/// `NetSuiteClient` supplies one over async-http-client; tests supply their own, so no server is needed.
public protocol TokenEndpointTransport: Sendable {
    /// Sends `request` and returns the response, whatever its status.
    /// - Throws: when no response arrived (connection refused, dropped, timed out).
    func send(_ request: TokenEndpointRequest) async throws -> TokenEndpointResponse
}
