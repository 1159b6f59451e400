import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import SuiteBridgeCore

/// The server-rendered dashboard: login, instances, add instance, instance detail with the certificate panel, flows
/// and runs, the audit log. Every form carries the session's CSRF token; pages load nothing from other origins.
///
/// Files: this one (rendering and the form-post helper), `+Session` (login, logout), `+Instances`, `+InstanceForm`,
/// `+Certificates`, `+Flows`; `DashboardForms` (the forms), `DashboardPath` (paths), `DashboardTemplates`.
struct Dashboard: Sendable {
    let library: MustacheLibrary
    let banner: String?

    init(banner: String?) throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in [
            ("layout", DashboardTemplates.layout), ("login", DashboardTemplates.login), ("instances", DashboardTemplates.instances),
            ("newInstance", DashboardTemplates.newInstance), ("instance", DashboardTemplates.instance), ("auditTable", DashboardTemplates.auditTable),
            ("audit", DashboardTemplates.audit), ("flows", DashboardTemplates.flows), ("flow", DashboardTemplates.flow),
            ("runsTable", DashboardTemplates.runsTable), ("run", DashboardTemplates.run), ("newMirror", DashboardTemplates.newMirror),
            ("errors", DashboardTemplates.errors), ("inboxError", DashboardTemplates.inboxError), ("preview", DashboardTemplates.preview),
            ("lookups", DashboardTemplates.lookups), ("lookup", DashboardTemplates.lookup), ("alerts", DashboardTemplates.alerts), ("charts", DashboardTemplates.charts),
        ] {
            templates[name] = try MustacheTemplate(string: text)
        }
        self.library = MustacheLibrary(templates: templates)
        self.banner = banner
    }

    /// The public routes: the stylesheet, the script and the login form.
    func addPublicRoutes(to router: Router<ServerContext>, server: SuiteBridgeServer) {
        router.get("/static/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardTemplates.stylesheet)))
        }
        router.get("/static/app.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardScript.text)))
        }
        addLogin(to: router, server: server)
    }

    /// The pages behind a session (or an API token).
    func addPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        addLogout(to: pages, server: server)
        addInstancePages(to: pages, server: server)
        addCertificateActions(to: pages, server: server)
        addFlowPages(to: pages, server: server)
        addMirrorPages(to: pages, server: server)
        addInboxPages(to: pages, server: server)
        addLookupPages(to: pages, server: server)
        addAlertPages(to: pages, server: server)
        addChartPages(to: pages, server: server)
    }

    // MARK: Rendering

    func page(_ template: String, title: String, _ values: [String: Any], context: ServerContext?, flash: String? = nil,
              error: SuiteBridgeError? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["csrf"] = context?.session?.csrfToken ?? values["csrf"] ?? ""
        // What the caller's scope allows decides which buttons a page shows; the posts check it again.
        let canOperate = context?.scope?.allows(.operate) == true
        let canAdmin = context?.scope?.allows(.admin) == true
        values["canOperate"] = canOperate
        values["canAdmin"] = canAdmin
        let content = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "content": content, "canAdmin": canAdmin]
        if let banner { layout["banner"] = banner }
        if let context, context.actor != nil {
            layout["session"] = ["actor": context.actor ?? "", "csrf": context.session?.csrfToken ?? ""]
        }
        if let flash { layout["flash"] = flash }
        if let error { layout["error"] = ["message": error.message, "remedy": error.remedy] }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String, cookie: Cookie? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        if let cookie { response.setCookie(cookie) }
        return response
    }

    // MARK: Form posts

    /// A form post that needs `scope`: refuses a caller whose token's scope is smaller (403 naming the scope), decodes
    /// `Form` and checks its CSRF token, then answers what `act` returns.
    func post<Form: DashboardForm>(
        _ pages: RouterGroup<ServerContext>, _ path: RouterPath, _ form: Form.Type, scope: TokenScope,
        act: @escaping @Sendable (Form, Request, ServerContext) async throws -> Response
    ) {
        pages.post(path) { request, context in
            let caller = context.scope ?? .metrics
            guard caller.allows(scope) else {
                let refusal = caller.refusal(needing: scope, to: "this action")
                throw HTTPError(.forbidden, message: "\(refusal.message) \(refusal.remedy)")
            }
            return try await act(try await Form.decode(request, context: context), request, context)
        }
    }

    /// A form post on an instance's page: runs `act` as the caller (with the instance's name and the route's
    /// other parameters), then redirects to the page with the flash key `act` returns, or shows the page again with
    /// the error and what to do.
    func instanceAction<Form: DashboardForm>(
        _ pages: RouterGroup<ServerContext>, _ path: RouterPath, _ form: Form.Type, scope: TokenScope, server: SuiteBridgeServer,
        act: @escaping @Sendable (Form, _ name: String, _ parameters: Parameters, CoreContext) async throws -> String
    ) {
        post(pages, path, form, scope: scope) { form, _, context in
            let name = try context.parameters.require("name")
            do {
                let flash = try await act(form, name, context.parameters, server.core(for: context))
                return Self.redirect(DashboardPath.instance(name, flash: flash))
            } catch let error as SuiteBridgeError {
                return try await instancePage(server, name, context: context, error: error, status: .badRequest)
            }
        }
    }

    // MARK: Shared values

    static func expiryClass(_ days: Int?, state: CertificateState?) -> String {
        guard let days, state != .revoked else { return "red" }
        return days < 7 ? "red" : days < 30 ? "amber" : "ok"
    }

    static func day(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601.year().month().day()) } ?? "–"
    }

    static func dictionary(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONResponse.encoder.encode(value)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func auditRows(_ server: SuiteBridgeServer, instance: String?) async throws -> [[String: String]] {
        try await server.core.audit.entries(instance: instance, limit: instance == nil ? 500 : 50).map {
            ["at": $0.at.formatted(.iso8601), "actor": $0.actor, "instance": $0.instance ?? "", "action": $0.action.rawValue, "outcome": $0.outcome, "detail": $0.detail]
        }
    }
}
