import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
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

        public init(host: String = "127.0.0.1", port: Int = 8080, banner: String? = nil, certificateCheckInterval: Duration = .seconds(3600)) {
            self.host = host
            self.port = port
            self.banner = banner
            self.certificateCheckInterval = certificateCheckInterval
        }
    }

    public let workspace: Workspace
    public let configuration: Configuration
    let tokens: APITokens
    let sessions = DashboardSessions()
    let limiter = FailedLoginLimiter()
    let metrics: ServerMetrics
    let dashboard: Dashboard

    /// - Parameter metrics: what `/metrics` serves; bootstrap swift-metrics with its ``ServerMetrics/factory`` so
    ///   the client's and the flows' metrics are in it too.
    public init(workspace: Workspace, configuration: Configuration = Configuration(), metrics: ServerMetrics = ServerMetrics()) throws {
        self.workspace = workspace
        self.metrics = metrics
        self.configuration = configuration
        self.tokens = APITokens(store: workspace.store)
        self.dashboard = try Dashboard(banner: configuration.banner)
    }

    var core: CoreContext { workspace.context }

    /// Creates the first admin token when there is none, and returns it (to print once); `nil` when tokens exist.
    public func createFirstTokenIfNeeded() async throws -> String? {
        try await tokens.createFirstIfNone(name: "admin", actor: "server")
    }

    /// The router: public `/healthz` and `/login`; everything else behind a token or session.
    public func makeRouter() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("/healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        dashboard.addPublicRoutes(to: router, server: self)

        let api = router.group("/api/v1")
            .add(middleware: APIErrorMiddleware())
            .add(middleware: AuthenticationMiddleware(tokens: tokens, sessions: sessions, limiter: limiter, metrics: metrics, acceptsSession: false))
        addInstanceRoutes(to: api)
        addCertificateRoutes(to: api)
        addAdministrationRoutes(to: api)
        addFlowRoutes(to: api)

        router.group("/metrics")
            .add(middleware: APIErrorMiddleware())
            .add(middleware: AuthenticationMiddleware(tokens: tokens, sessions: sessions, limiter: limiter, metrics: metrics, acceptsSession: false))
            .get { _, _ in
                let text = try await metrics.render(core: core)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            }

        let pages = router.group()
            .add(middleware: AuthenticationMiddleware(tokens: tokens, sessions: sessions, limiter: limiter, metrics: metrics, acceptsSession: true))
        dashboard.addPages(to: pages, server: self)
        return router
    }

    /// The Hummingbird application; it stops cleanly on SIGTERM or SIGINT when run with `runService()`.
    public func makeApplication(logger: Logger = Logger(label: "suitebridge.server"),
                                onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: makeRouter(), configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SuiteBridge"),
                    services: [CertificateScheduler(core: core, interval: configuration.certificateCheckInterval, logger: logger),
                               FlowWorkerService(worker: FlowWorker(context: core))],
                    onServerRunning: onServerRunning, logger: logger)
    }

    // MARK: API

    func representation(_ instance: Instance) async throws -> InstanceSummary {
        try await core.instances.summary(of: instance)
    }

    /// The core acting as the caller, for the audit log.
    func core(for context: ServerContext) -> CoreContext {
        core.acting(as: context.actor ?? "unknown")
    }

    private func addInstanceRoutes(to api: RouterGroup<ServerContext>) {
        api.get("/instances") { _, _ in
            var items: [InstanceSummary] = []
            for instance in try await core.instances.list() { items.append(try await representation(instance)) }
            return try JSONResponse.make(["items": items])
        }
        api.post("/instances") { request, context in
            let body = try await JSONResponse.decode(CreateInstanceBody.self, from: request)
            let instance = try await core(for: context).instances.add(try body.draft())
            var response = try JSONResponse.make(try await representation(instance), status: .created)
            response.headers[.location] = "/api/v1/instances/\(instance.name)"
            return response
        }
        api.get("/instances/{name}") { _, context in
            try JSONResponse.make(try await representation(try await core.instances.instance(named: try context.parameters.require("name"))))
        }
        api.patch("/instances/{name}") { request, context in
            let body = try await JSONResponse.decode(EditInstanceBody.self, from: request)
            let name = try context.parameters.require("name")
            var instance = try await core.instances.instance(named: name)
            if !body.changes.isEmpty { instance = try await core(for: context).instances.edit(name, body.changes) }
            if let days = body.rotationDaysBefore { try await core(for: context).certificates.setRotationPolicy(instance.name, daysBeforeExpiry: days) }
            return try JSONResponse.make(try await representation(instance))
        }
        api.delete("/instances/{name}") { _, context in
            try await core(for: context).instances.remove(try context.parameters.require("name"))
            return Response(status: .noContent)
        }
        api.post("/instances/{name}/test") { _, context in
            try JSONResponse.make(TestResultRepresentation(try await core(for: context).diagnostics.test(try context.parameters.require("name"))))
        }
        api.post("/instances/{name}/doctor") { _, context in
            try JSONResponse.make(try await core(for: context).diagnostics.doctor(try context.parameters.require("name")))
        }
    }

    private func addCertificateRoutes(to api: RouterGroup<ServerContext>) {
        api.get("/instances/{name}/certificates") { _, context in
            let certificates = try await core.certificates.list(of: try context.parameters.require("name"))
            return try JSONResponse.make(["items": certificates.map(CertificateSummary.init)])
        }
        api.post("/instances/{name}/certificates/rotate") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONResponse.decode(RotateBody.self, from: request)
            let certificates = core(for: context).certificates
            if body.automatic == true {
                let result = try await certificates.rotateAutomatically(name, keyType: try body.parsedKeyType(), days: body.days ?? 365)
                struct Rotated: Encodable { var active: CertificateSummary; var old: CertificateSummary?; var note: String? }
                return try JSONResponse.make(Rotated(active: .init(result.newCertificate), old: result.oldCertificate.map(CertificateSummary.init), note: result.note))
            }
            let pending = try await certificates.beginRotation(name, keyType: try body.parsedKeyType(), days: body.days ?? 365)
            struct Pending: Encodable { var certificate: CertificateSummary; var certificatePem: String; var uploadSteps: [String] }
            return try JSONResponse.make(Pending(certificate: .init(pending.certificate), certificatePem: pending.certificatePEM,
                                                 uploadSteps: PendingCertificate.uploadSteps), status: .created)
        }
        api.post("/instances/{name}/certificates/activate") { request, context in
            let body = try await JSONResponse.decode(CertificateIDBody.self, from: request)
            let certificate = try await core(for: context).certificates.activate(try context.parameters.require("name"), certificateID: body.certificateId)
            return try JSONResponse.make(CertificateSummary(certificate))
        }
        api.post("/instances/{name}/certificates/update-id") { request, context in
            let body = try await JSONResponse.decode(CertificateIDBody.self, from: request)
            let certificate = try await core(for: context).certificates.updateCertificateID(try context.parameters.require("name"), certificateID: body.certificateId)
            return try JSONResponse.make(CertificateSummary(certificate))
        }
        api.post("/instances/{name}/certificates/{certificateId}/revoke") { request, context in
            let body = (try? await JSONResponse.decode(RevokeBody.self, from: request)) ?? RevokeBody()
            let result = try await core(for: context).certificates.revoke(
                try context.parameters.require("name"), certificateID: try context.parameters.require("certificateId"), force: body.force ?? false)
            struct Revoked: Encodable { var certificate: CertificateSummary; var revokedInNetSuite: Bool; var note: String? }
            return try JSONResponse.make(Revoked(certificate: .init(result.certificate), revokedInNetSuite: result.revokedInNetSuite, note: result.note))
        }
        api.get("/instances/{name}/certificates/{certificateId}/pem") { _, context in
            let pem = try await core.certificates.certificatePEM(try context.parameters.require("name"), certificateID: try context.parameters.require("certificateId"))
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .contentDisposition: "attachment; filename=\"auth-cert.pem\""],
                            body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }

    private func addAdministrationRoutes(to api: RouterGroup<ServerContext>) {
        api.get("/audit") { request, _ in
            let instance = request.uri.queryParameters.get("instance")
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 200
            return try JSONResponse.make(["items": try await core.audit.entries(instance: instance, limit: max(1, min(limit, 1000)))])
        }
        api.get("/tokens") { _, _ in
            try JSONResponse.make(["items": try await tokens.list()])
        }
        api.post("/tokens") { request, context in
            let body = try await JSONResponse.decode(TokenBody.self, from: request)
            let value = try await tokens.create(name: body.name, actor: context.actor ?? "unknown")
            return try JSONResponse.make(["name": body.name, "token": value], status: .created)
        }
        api.delete("/tokens/{name}") { _, context in
            try await tokens.revoke(name: try context.parameters.require("name"), actor: context.actor ?? "unknown")
            return Response(status: .noContent)
        }
    }
}
