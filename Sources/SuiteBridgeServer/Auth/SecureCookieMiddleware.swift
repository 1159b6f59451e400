import HTTPTypes
import Hummingbird

/// Marks every cookie the server sets `Secure` when the request came over HTTPS: directly (the server terminates
/// TLS) or through a trusted proxy that says so with `X-Forwarded-Proto: https`. A cookie set over plain HTTP is
/// left as it is (a browser would drop a `Secure` cookie there), so a local `serve` keeps working.
struct SecureCookieMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let servesTLS: Bool

    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let viaProxy = context.trustedProxies.contains(context.peer) && request.headers[Self.forwardedProto]?.lowercased() == "https"
        guard servesTLS || viaProxy else { return response }
        let cookies = response.headers[values: .setCookie]
        guard !cookies.isEmpty else { return response }
        response.headers[values: .setCookie] = cookies.map { $0.lowercased().contains("; secure") ? $0 : $0 + "; Secure" }
        return response
    }
}
