import Foundation
import HTTPTypes
import Hummingbird
import SuiteBridgeCore

/// Refuses peers that keep presenting wrong credentials: more than `limit` failures in `window` from one address
/// get 429 until the window has passed, without the credentials even being checked.
actor FailedLoginLimiter {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    func isBlocked(_ peer: String, now: Date = Date()) -> Bool {
        let recent = (failures[peer] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[peer] = recent.isEmpty ? nil : recent
        return recent.count >= limit
    }

    func recordFailure(_ peer: String, now: Date = Date()) {
        failures[peer, default: []].append(now)
    }
}

/// Checks an `Authorization: Bearer` header: refuses a peer that keeps presenting wrong tokens (429), counts every
/// refusal in `/metrics`, and records a wrong token against the peer. The API and the dashboard both use it.
struct BearerAuthenticator: Sendable {
    let tokens: APITokens
    let limiter: FailedLoginLimiter
    let metrics: ServerMetrics

    /// The token, or `nil` (counted, and recorded against `peer` when a token was sent) when the header holds no
    /// valid token.
    /// - Throws: ``APIError`` 429 when `peer` has failed too often; a store error.
    func authenticate(_ header: String?, peer: String) async throws -> AuthenticatedToken? {
        if await limiter.isBlocked(peer) {
            metrics.unauthorized()
            throw APIError(status: .tooManyRequests, code: "too_many_failed_logins", message: "Too many failed logins from this address.",
                           remedy: "Wait a minute, then use a valid token.")
        }
        if let header, header.lowercased().hasPrefix("bearer ") {
            let value = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            if let token = try await tokens.authenticate(value) { return token }
            await limiter.recordFailure(peer)
        }
        metrics.unauthorized()
        return nil
    }
}

/// Lets a dashboard page through with a valid session cookie or API token of at least `read` scope; redirects to
/// the login page otherwise. A session whose token was revoked ends at its next request.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let sessions: DashboardSessions
    let bearer: BearerAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let session = await sessions.session(from: request) {
            guard let scope = try await bearer.tokens.activeScope(of: session.actor) else {
                await sessions.end(actor: session.actor)
                var response = Response(status: .seeOther, headers: [.location: DashboardPath.login])
                response.setCookie(DashboardSessions.clearingCookie)
                return response
            }
            context.actor = session.actor
            context.session = session
            context.scope = scope
        } else if let token = try await bearer.authenticate(request.headers[.authorization], peer: context.peer) {
            context.actor = token.name
            context.scope = token.scope
        } else {
            return Response(status: .seeOther, headers: [.location: DashboardPath.login])
        }
        guard let scope = context.scope, scope.allows(.read) else {
            throw HTTPError(.forbidden, message: "This token's scope (metrics) opens /metrics only, not the dashboard.")
        }
        return try await next(request, context)
    }
}

/// Security headers on every response.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}

/// Turns handler errors into JSON API errors.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw APIError.from(error)
        }
    }
}
