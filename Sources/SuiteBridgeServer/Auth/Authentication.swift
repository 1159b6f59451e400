import Foundation
import HTTPTypes
import Hummingbird
import SuiteBridgeCore

/// Slows down guessing: a client address with `limit` wrong tokens inside `window` gets 429 for its further wrong
/// tokens until the window has passed. Only failures count, and a valid token is never refused because of them
/// (tokens are checked first), so clients behind one proxy or NAT cannot lock each other out. Addresses whose
/// failures have all aged out are dropped.
actor FailedLoginLimiter {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]
    private var recordsSincePrune = 0

    init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Records a wrong token from `address`; returns whether the address is now over the limit (answer 429).
    func recordFailure(_ address: String, now: Date = Date()) -> Bool {
        recordsSincePrune += 1
        if recordsSincePrune >= 256 || failures.count > 10_000 { prune(now: now) }
        var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        recent.append(now)
        failures[address] = Array(recent.suffix(limit + 1))
        return recent.count > limit
    }

    /// How many addresses have recent failures (for tests and metrics).
    var trackedAddresses: Int { failures.count }

    /// Drops every address whose failures are older than the window.
    func prune(now: Date = Date()) {
        recordsSincePrune = 0
        failures = failures.compactMapValues { dates in
            let recent = dates.filter { now.timeIntervalSince($0) < window }
            return recent.isEmpty ? nil : recent
        }
    }
}

/// The address a request comes from, for the failed-login limit: the peer's, or — when the peer is a proxy the
/// operator trusts (`serve --trusted-proxy`) — the nearest address in `X-Forwarded-For` that is not itself a
/// trusted proxy. A client cannot choose its address by sending the header itself.
struct ClientAddress: Sendable {
    /// The `X-Forwarded-For` values of `headers`, joined as one list.
    static func forwardedFor(in headers: HTTPFields) -> String? {
        let values = headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    let trustedProxies: Set<String>

    func of(peer: String, forwardedFor header: String?) -> String {
        guard trustedProxies.contains(peer), let header else { return peer }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.reversed().first { !trustedProxies.contains($0) } ?? peer
    }
}

/// Checks an `Authorization: Bearer` header. The token is checked first: a valid one always passes. A wrong or
/// missing one is counted in `/metrics`; a wrong one is recorded against the client address, and once that
/// address is over the limit the answer is 429 instead of 401. The API and the dashboard both use it.
struct BearerAuthenticator: Sendable {
    let tokens: APITokens
    let limiter: FailedLoginLimiter
    let metrics: ServerMetrics

    /// The token, or `nil` when the header holds none (counted).
    /// - Throws: ``APIError`` 429 for a wrong token from an address over the limit; a store error.
    func authenticate(_ header: String?, client: String) async throws -> AuthenticatedToken? {
        guard let header, header.lowercased().hasPrefix("bearer ") else {
            metrics.unauthorized()
            return nil
        }
        let value = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        if let token = try await tokens.authenticate(value) { return token }
        try await refuse(client)
        return nil
    }

    /// Counts a wrong token from `client`.
    /// - Throws: ``APIError`` 429 once `client` is over the limit.
    func refuse(_ client: String) async throws {
        metrics.unauthorized()
        if await limiter.recordFailure(client) {
            throw APIError(status: .tooManyRequests, code: "too_many_failed_logins", message: "Too many wrong tokens from this address.",
                           remedy: "Wait a minute, then use a valid token (a valid token is never refused).")
        }
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
        } else if let token = try await bearer.authenticate(request.headers[.authorization], client: context.clientAddress(request)) {
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
