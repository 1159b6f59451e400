import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import SuiteBridgeCore

/// SuiteBridge's HTTP server: the JSON API under `/api/v1`, the dashboard at `/`, `/healthz` and `/metrics`.
public struct SuiteBridgeServer: Sendable {
    /// How the server runs.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// A banner on every dashboard page, e.g. that it is connected to a local simulator.
        public var banner: String?
        /// How often the certificate scheduler looks for due rotations and expiring certificates (also once at start).
        public var certificateCheckInterval: Duration
        /// The addresses of reverse proxies whose `X-Forwarded-For` names the client, for the failed-login limit;
        /// from anyone else the header is ignored. Empty by default.
        public var trustedProxies: Set<String>
        /// How many wrong tokens one client address may send in a minute before its further wrong tokens get 429
        /// (a valid token is never refused). 10 by default.
        public var failedLoginLimit: Int
        /// The clock webhooks' rate limits refill by.
        public var webhookClock: @Sendable () -> Date
        /// The certificate and key the server terminates TLS with; `nil` serves plain HTTP (behind a proxy that
        /// terminates TLS, or on loopback).
        public var tls: TLSCertificates?

        public init(host: String = "127.0.0.1", port: Int = 8080, banner: String? = nil, certificateCheckInterval: Duration = .seconds(3600),
                    trustedProxies: Set<String> = [], failedLoginLimit: Int = 10, webhookClock: @escaping @Sendable () -> Date = { Date() },
                    tls: TLSCertificates? = nil) {
            self.webhookClock = webhookClock
            self.tls = tls
            self.host = host
            self.port = port
            self.banner = banner
            self.certificateCheckInterval = certificateCheckInterval
            self.trustedProxies = trustedProxies
            self.failedLoginLimit = failedLoginLimit
        }
    }

    public let workspace: Workspace
    public let configuration: Configuration
    let tokens: APITokens
    let sessions = DashboardSessions()
    let limiter: FailedLoginLimiter
    /// Each webhook's rate, in this process.
    let webhookLimiter: WebhookRateLimiter
    let metrics: ServerMetrics
    let dashboard: Dashboard
    let readiness = Readiness()

    /// - Parameter metrics: what `/metrics` serves; bootstrap swift-metrics with its ``ServerMetrics/factory`` so
    ///   the client's and the flows' metrics are in it too.
    public init(workspace: Workspace, configuration: Configuration = Configuration(), metrics: ServerMetrics = ServerMetrics()) throws {
        self.workspace = workspace
        self.metrics = metrics
        self.configuration = configuration
        self.limiter = FailedLoginLimiter(limit: configuration.failedLoginLimit)
        self.webhookLimiter = WebhookRateLimiter(now: configuration.webhookClock)
        self.tokens = APITokens(store: workspace.store)
        self.dashboard = try Dashboard(banner: configuration.banner)
    }

    var core: CoreContext { workspace.context }

    /// Creates the first admin token when there is none, and returns it (to print once); `nil` when tokens exist.
    public func createFirstTokenIfNeeded() async throws -> String? {
        try await tokens.createFirstIfNone(name: "admin", actor: "server")
    }

    /// The router: the API generated from `openapi.yaml` (`/healthz` and `/readyz` public, `/metrics` and `/api/v1` behind a
    /// token), the dashboard's `/login` public and its pages behind a session or token.
    public func makeRouter() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        // A server span per request (method, route, status; no header, and secret-like query parameters redacted)
        // when a tracer is bootstrapped (`serve --traces-endpoint`); a no-op otherwise.
        router.add(middleware: TracingMiddleware(redactingQueryParameters: ["token", "secret", "password", "signature", "key", "code"]))
        router.add(middleware: RequestLogMiddleware(logger: core.logger))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
        router.add(middleware: SecureCookieMiddleware(servesTLS: configuration.tls != nil))
        dashboard.addPublicRoutes(to: router, server: self)

        let api = router.group()
            .add(middleware: APIErrorMiddleware())
            .add(middleware: RequestBodyChecks())
        let documented = DocumentedMethods()
        router.add(middleware: MethodNotAllowedMiddleware(methods: documented))
        do {
            try APIHandler(server: self).registerHandlers(
                on: documented.recording(on: api), configuration: APIHandler.configuration, middlewares: [PlainResponseHeaders(), APIAuthentication(bearer: bearer), EmptyBodyIsNoBody()])
        } catch {
            // Only a malformed server URL in the document makes this fail; its paths are fixed at build time.
            preconditionFailure("openapi.yaml's server URL is not a URL: \(error)")
        }

        let pages = router.group()
            .add(middleware: AuthenticationMiddleware(sessions: sessions, bearer: bearer))
        dashboard.addPages(to: pages, server: self)
        return router
    }

    /// The Hummingbird application; it stops cleanly on SIGTERM or SIGINT when run with `runService()`.
    public func makeApplication(logger: Logger = Logger(label: "suitebridge.server"),
                                onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: makeRouter(), server: configuration.tls.map { .reloadableTLS(certificates: $0) } ?? .http1(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SuiteBridge"),
                    services: [CertificateScheduler(core: core, interval: configuration.certificateCheckInterval, logger: logger),
                               FlowWorkerService(worker: FlowWorker(context: core), readiness: readiness),
                               PeriodicService.alerts(core: core, interval: .seconds(15), logger: logger),
                               PeriodicService.requestHistory(core: core, server: historyID, interval: .seconds(15), logger: logger),
                               PeriodicService.governance(core: core, interval: .seconds(3_600), logger: logger),
                               PeriodicService.migrations(core: core, interval: .seconds(3_600), logger: logger),
                               ServerPresenceService(presence: ServerPresence(context: core), logger: logger)],
                    onServerRunning: onServerRunning, logger: logger)
    }

    /// How this server's rows of the request history are told apart: host and process.
    let historyID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

    var bearer: BearerAuthenticator { BearerAuthenticator(tokens: tokens, limiter: limiter, metrics: metrics) }

    /// The core acting as the caller, for the audit log.
    func core(for context: ServerContext) -> CoreContext {
        core.acting(as: context.actor ?? "unknown")
    }
}
