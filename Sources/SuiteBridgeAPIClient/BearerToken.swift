import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends `Authorization: Bearer <token>` with every request: the API token a SuiteBridge server gave
/// (`suitebridge tokens create NAME`).
///
/// ```swift
/// let client = Client(serverURL: URL(string: "http://127.0.0.1:8080")!, transport: AsyncHTTPClientTransport(),
///                     middlewares: [BearerToken(token)])
/// let instances = try await client.listInstances().ok.body.json.items
/// ```
public struct BearerToken: ClientMiddleware {
    private let value: String

    /// - Parameter token: the API token; it is sent only in the header, never logged.
    public init(_ token: String) {
        self.value = "Bearer " + token
    }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = value
        return try await next(request, body, baseURL)
    }
}
