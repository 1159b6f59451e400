import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import SuiteBridgeCore

/// Who is calling the API, for the handlers of the generated ``APIProtocol``: set by ``APIAuthentication`` from the
/// bearer token, read by the handlers for the audit log. The peer's address comes from the Hummingbird request
/// (``ClientAddressMiddleware``), for the failed-login limiter.
enum APICaller {
    /// The API token's name, while an authenticated operation runs.
    @TaskLocal static var name: String?
    /// The client's address (``ClientAddress``), while any request runs.
    @TaskLocal static var client: String = "local"
}

/// Makes the client's address known to the OpenAPI middlewares and handlers, and to the dashboard: the peer, or
/// the address a trusted proxy forwarded.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.trustedProxies = trustedProxies
        return try await APICaller.$client.withValue(context.clientAddress(request)) {
            try await next(request, context)
        }
    }
}

/// Authentication and authorisation for the generated API: every operation but those the document marks
/// `security: []` needs a valid `Authorization: Bearer` token whose scope allows the operation (``OperationScopes``;
/// 403 naming the scope needed otherwise); the token's name becomes ``APICaller/name``. Wrong tokens count towards
/// the client address's limit (``BearerAuthenticator``).
struct APIAuthentication: ServerMiddleware {
    /// The operations anyone may call (`security: []` in `openapi.yaml`).
    static let publicOperations: Set<String> = [Operations.Health.id, Operations.Readiness.id, Operations.DeliverWebhook.id]

    let bearer: BearerAuthenticator

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if Self.publicOperations.contains(operationID) {
            return try await next(request, body, metadata)
        }
        guard let token = try await bearer.authenticate(request.headerFields[.authorization], client: APICaller.client) else {
            throw APIError.unauthorized
        }
        // An operation without a stated scope is admin's: a forgotten entry fails closed.
        let required = OperationScopes.required[operationID] ?? .admin
        guard token.scope.allows(required) else {
            throw APIError(token.scope.refusal(needing: required, to: operationID))
        }
        return try await APICaller.$name.withValue(token.name) {
            try await next(request, body, metadata)
        }
    }
}

/// Sends the response headers the document declares (`Location`, `Content-Disposition`) as written: the OpenAPI
/// runtime serialises header values in the URI "simple" style, percent-encoding `/`, spaces and quotes, which
/// HTTP clients following a `Location` or saving a download do not decode.
struct PlainResponseHeaders: ServerMiddleware {
    static let names: [HTTPField.Name] = [.location, .contentDisposition]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, responseBody) = try await next(request, body, metadata)
        for name in Self.names {
            if let value = response.headerFields[name], let decoded = value.removingPercentEncoding { response.headerFields[name] = decoded }
        }
        return (response, responseBody)
    }
}
