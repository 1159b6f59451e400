import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NetSuiteAuth
import NIOCore
import SuiteBridgeCore

/// The server-rendered dashboard: login, instances, add instance, instance detail with the certificate panel,
/// audit log. Every form carries the session's CSRF token; pages load nothing from other origins.
struct Dashboard: Sendable {
    let library: MustacheLibrary
    let banner: String?

    init(banner: String?) throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in [
            ("layout", DashboardTemplates.layout), ("login", DashboardTemplates.login), ("instances", DashboardTemplates.instances),
            ("newInstance", DashboardTemplates.newInstance), ("instance", DashboardTemplates.instance), ("auditTable", DashboardTemplates.auditTable),
            ("audit", DashboardTemplates.audit), ("flows", DashboardTemplates.flows), ("flow", DashboardTemplates.flow),
            ("runsTable", DashboardTemplates.runsTable), ("run", DashboardTemplates.run),
        ] {
            templates[name] = try MustacheTemplate(string: text)
        }
        self.library = MustacheLibrary(templates: templates)
        self.banner = banner
    }

    // MARK: Rendering

    func page(_ template: String, title: String, _ values: [String: Any], context: ServerContext?, flash: String? = nil,
              error: SuiteBridgeError? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["csrf"] = context?.session?.csrfToken ?? values["csrf"] ?? ""
        let content = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "content": content]
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

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        if let cookie { response.headers[.setCookie] = cookie }
        return response
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let key = parts.first { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// Refuses a form without the session's CSRF token (a bearer-token request has no cookie to forge).
    static func checkCSRF(_ form: [String: String], _ context: ServerContext) throws {
        guard let session = context.session else { return }
        guard let sent = form["csrf"], sent == session.csrfToken else {
            throw HTTPError(.forbidden, message: "The form's CSRF token is missing or wrong. Reload the page and try again.")
        }
    }

    static func expiryClass(_ days: Int?, state: CertificateState?) -> String {
        guard let days, state != .revoked else { return "red" }
        return days < 7 ? "red" : days < 30 ? "amber" : "ok"
    }

    static func day(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601.year().month().day()) } ?? "–"
    }

    // MARK: Public routes

    func addPublicRoutes(to router: Router<ServerContext>, server: SuiteBridgeServer) {
        router.get("/static/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardTemplates.stylesheet)))
        }
        router.get("/static/app.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardScript.text)))
        }
        router.get("/login") { _, _ in
            let csrf = APITokens.randomText()
            var response = page("login", title: "Log in", ["csrf": csrf], context: nil)
            response.headers[.setCookie] = "suitebridge_login=\(csrf); Path=/login; HttpOnly; SameSite=Strict; Max-Age=600"
            return response
        }
        router.post("/login") { request, context in
            let form = try await Self.form(request)
            guard let sent = form["csrf"], let cookie = DashboardSessions.cookie("suitebridge_login", in: request), sent == cookie else {
                throw HTTPError(.forbidden, message: "The login form's CSRF token is missing or wrong. Reload the page.")
            }
            if await server.limiter.isBlocked(context.peer) {
                server.metrics.unauthorized()
                return page("login", title: "Log in", ["csrf": sent], context: nil,
                            error: SuiteBridgeError(.invalidInput, "Too many failed logins from this address.", remedy: "Wait a minute."), status: .tooManyRequests)
            }
            guard let token = form["token"], let name = try await server.tokens.authenticate(token) else {
                await server.limiter.recordFailure(context.peer)
                server.metrics.unauthorized()
                return page("login", title: "Log in", ["csrf": sent], context: nil,
                            error: SuiteBridgeError(.invalidInput, "That token is not valid.", remedy: "Use a token from `suitebridge tokens create`."),
                            status: .unauthorized)
            }
            let session = await server.sessions.create(actor: name)
            return Self.redirect("/", cookie: DashboardSessions.setCookie(session))
        }
    }

    // MARK: Pages

    func addPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/") { _, context in
            var rows: [[String: Any]] = []
            for instance in try await server.core.instances.list() {
                var row: [String: Any] = ["name": instance.name, "authName": instance.authMethod.displayName, "accountId": instance.accountID.realm,
                                          "health": instance.health.rawValue]
                if let error = instance.lastError { row["lastError"] = error }
                if instance.authMethod == .clientCredentials {
                    let active = try await server.core.certificates.list(of: instance.name).first { $0.state == .active }
                    if let active, let days = active.daysLeft() {
                        row["expiry"] = days < 0 ? "expired" : "\(days) days left"
                        row["expiryClass"] = Self.expiryClass(days, state: active.state)
                    } else {
                        row["expiry"] = active == nil ? "none active" : "unknown"
                        row["expiryClass"] = active == nil ? "red" : "amber"
                    }
                }
                rows.append(row)
            }
            return page("instances", title: "Instances", ["instances": rows, "hasInstances": !rows.isEmpty], context: context)
        }
        pages.post("/logout") { request, context in
            try Self.checkCSRF(try await Self.form(request), context)
            if let session = context.session { await server.sessions.end(session.id) }
            return Self.redirect("/login", cookie: DashboardSessions.clearCookie)
        }
        pages.get("/audit") { _, context in
            page("audit", title: "Audit log", ["entries": try await auditRows(server, instance: nil)], context: context)
        }
        pages.get("/instances/new") { request, context in
            let auth = request.uri.queryParameters.get("auth") == "client-credentials" ? AuthMethod.clientCredentials : .tokenBased
            return page("newInstance", title: "Add instance", newInstanceValues(auth: auth, values: [:], error: nil), context: context)
        }
        pages.post("/instances") { request, context in
            let form = try await Self.form(request)
            try Self.checkCSRF(form, context)
            let auth = form["auth"] == AuthMethod.clientCredentials.rawValue ? AuthMethod.clientCredentials : .tokenBased
            let body = Components.Schemas.CreateInstance(
                name: form["name"] ?? "", auth: auth == .tokenBased ? .tba : .clientCredentials, accountId: form["accountId"] ?? "", consumerKey: form["consumerKey"],
                consumerSecret: form["consumerSecret"], tokenId: form["tokenId"], tokenSecret: form["tokenSecret"], clientId: form["clientId"],
                privateKeyPem: form["privateKeyPem"], certificateId: form["certificateId"], certificatePem: form["certificatePem"].flatMap { $0.isEmpty ? nil : $0 },
                roleId: form["roleId"], entityId: form["entityId"], baseUrl: form["baseUrl"], concurrencyLimit: nil)
            do {
                let instance = try await server.core(for: context).instances.add(body.draft)
                return Self.redirect("/instances/\(instance.name)?flash=added")
            } catch let error as SuiteBridgeError {
                return page("newInstance", title: "Add instance", newInstanceValues(auth: auth, values: form, error: error), context: context,
                            error: error, status: .badRequest)
            }
        }
        pages.get("/instances/{name}") { request, context in
            let flash = request.uri.queryParameters.get("flash").map { Self.flashText($0) }
            return try await instancePage(server, try context.parameters.require("name"), context: context, flash: flash)
        }
        pages.post("/instances/{name}/test") { request, context in
            try Self.checkCSRF(try await Self.form(request), context)
            let name = try context.parameters.require("name")
            let result = try await server.core(for: context).diagnostics.test(name)
            let steps = result.steps.map { ["name": $0.name, "detail": $0.detail, "passed": $0.passed] as [String: Any] }
            return try await instancePage(server, name, context: context, extra: ["test": ["steps": steps]],
                                          flash: result.passed ? "The connection works." : nil, error: result.failure)
        }
        pages.post("/instances/{name}/doctor") { request, context in
            try Self.checkCSRF(try await Self.form(request), context)
            let name = try context.parameters.require("name")
            let report = try await server.core(for: context).diagnostics.doctor(name)
            let checks = report.checks.map { ["name": $0.name, "status": $0.status.rawValue, "detail": $0.detail, "fix": $0.fix] }
            return try await instancePage(server, name, context: context, extra: ["doctor": ["checks": checks]],
                                          flash: report.passed ? "Every check passed." : nil)
        }
        pages.post("/instances/{name}/edit") { request, context in
            let form = try await Self.form(request)
            try Self.checkCSRF(form, context)
            let name = try context.parameters.require("name")
            return try await action(server, name, context) {
                try await server.core(for: context).instances.edit(name, .init(accountID: form["accountId"], consumerKey: form["consumerKey"]))
                return "saved"
            }
        }
        pages.post("/instances/{name}/certificates/rotate") { request, context in
            try Self.checkCSRF(try await Self.form(request), context)
            let name = try context.parameters.require("name")
            return try await action(server, name, context) {
                _ = try await server.core(for: context).certificates.beginRotation(name)
                return "pending"
            }
        }
        pages.post("/instances/{name}/certificates/rotate-auto") { request, context in
            try Self.checkCSRF(try await Self.form(request), context)
            let name = try context.parameters.require("name")
            return try await action(server, name, context) {
                _ = try await server.core(for: context).certificates.rotateAutomatically(name)
                return "rotated"
            }
        }
        pages.post("/instances/{name}/certificates/activate") { request, context in
            let form = try await Self.form(request)
            try Self.checkCSRF(form, context)
            let name = try context.parameters.require("name")
            return try await action(server, name, context) {
                _ = try await server.core(for: context).certificates.activate(name, certificateID: form["certificateId"] ?? "")
                return "activated"
            }
        }
        pages.post("/instances/{name}/certificates/update-id") { request, context in
            let form = try await Self.form(request)
            try Self.checkCSRF(form, context)
            let name = try context.parameters.require("name")
            return try await action(server, name, context) {
                _ = try await server.core(for: context).certificates.updateCertificateID(name, certificateID: form["certificateId"] ?? "")
                return "updated"
            }
        }
        pages.post("/instances/{name}/certificates/{certificateId}/revoke") { request, context in
            let form = try await Self.form(request)
            try Self.checkCSRF(form, context)
            let name = try context.parameters.require("name")
            let certificateID = try context.parameters.require("certificateId")
            guard form["confirm"] == "yes" else {
                return try await instancePage(server, name, context: context,
                                              error: SuiteBridgeError(.invalidInput, "Revoking needs confirmation.", remedy: "Tick the box to confirm."))
            }
            return try await action(server, name, context) {
                _ = try await server.core(for: context).certificates.revoke(name, certificateID: certificateID, force: form["force"] == "yes")
                return "revoked"
            }
        }
        addFlowPages(to: pages, server: server)
        pages.get("/instances/{name}/certificates/pending.pem") { _, context in
            let pem = try await server.core.certificates.certificatePEM(try context.parameters.require("name"))
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .contentDisposition: "attachment; filename=\"auth-cert.pem\""],
                            body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }

    func runValues(_ run: Run) -> [String: Any] {
        var values: [String: Any] = [
            "id": run.id, "shortID": String(run.id.prefix(8)), "flowName": run.flowName, "state": run.state.rawValue, "stateClass": run.state.rawValue,
            "trigger": run.trigger, "queued": run.queuedAt.formatted(.iso8601), "attempts": run.attempts, "read": run.rowsRead,
            "written": run.rowsWritten, "failed": run.rowsFailed, "seconds": run.duration.map { String(format: "%.1f", $0) } ?? "–",
        ]
        if let error = run.error { values["error"] = error }
        if !run.log.isEmpty { values["log"] = run.log }
        return values
    }

    func addFlowPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/flows") { request, context in
            let flows = server.core(for: context).flows
            var rows: [[String: Any]] = []
            for flow in try await flows.list() {
                var row: [String: Any] = ["name": flow.name, "kind": flow.definition.kind.rawValue, "instance": flow.definition.instance,
                                          "state": flow.state.rawValue, "stateClass": flow.state.rawValue, "active": flow.state == .active,
                                          "schedule": flow.definition.schedule ?? "on demand", "csrf": context.session?.csrfToken ?? ""]
                if let reason = flow.stateReason { row["stateReason"] = reason }
                if let last = try await flows.runs(flow: flow.name, limit: 1).first {
                    row["lastRun"] = ["id": last.id, "state": last.state.rawValue, "queued": last.queuedAt.formatted(.iso8601)]
                }
                rows.append(row)
            }
            let flash = request.uri.queryParameters.get("flash").map { String($0) }
            return page("flows", title: "Flows", ["flows": rows, "hasFlows": !rows.isEmpty], context: context, flash: flash)
        }
        pages.get("/flows/{name}") { _, context in
            let flows = server.core(for: context).flows
            let flow = try await flows.flow(named: try context.parameters.require("name"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var values: [String: Any] = [
                "name": flow.name, "kind": flow.definition.kind.rawValue, "instance": flow.definition.instance, "state": flow.state.rawValue,
                "stateClass": flow.state.rawValue, "stateReason": flow.stateReason ?? "",
                "definition": String(decoding: try encoder.encode(flow.definition), as: UTF8.self),
                "runs": try await flows.runs(flow: flow.name, limit: 50).map(runValues),
            ]
            if let schedule = flow.definition.schedule { values["schedule"] = schedule; values["nextRunAt"] = flow.nextRunAt?.formatted(.iso8601) ?? "–" }
            if let watermark = flow.watermark { values["watermark"] = watermark }
            return page("flow", title: flow.name, values, context: context)
        }
        for action in ["run", "pause", "resume"] {
            pages.post("/flows/{name}/\(action)") { request, context in
                try Self.checkCSRF(try await Self.form(request), context)
                let name = try context.parameters.require("name")
                let flows = server.core(for: context).flows
                do {
                    switch action {
                    case "run": try await flows.enqueue(name)
                    case "pause": try await flows.pause(name)
                    default: try await flows.resume(name)
                    }
                } catch let error as SuiteBridgeError {
                    return Self.redirect("/flows?flash=" + ((error.message + " " + error.remedy).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                }
                let message = action == "run" ? "Run of \(name) queued." : action == "pause" ? "\(name) paused." : "\(name) resumed."
                return Self.redirect("/flows?flash=" + (message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
        }
        pages.get("/runs/{id}") { _, context in
            let flows = server.core(for: context).flows
            let run = try await flows.run(id: try context.parameters.require("id"))
            var values = runValues(run)
            let refused = try await flows.refusedRows(run: run.id).prefix(500).map {
                ["row": String($0.row), "externalId": $0.externalID ?? "", "message": $0.message, "path": $0.path ?? ""]
            }
            values["refused"] = Array(refused)
            values["hasRefused"] = !refused.isEmpty
            return page("run", title: "Run \(run.id.prefix(8))", values, context: context)
        }
    }

    static func flashText(_ key: String) -> String {
        switch key {
        case "added": "Instance added. Test the connection next."
        case "saved": "Saved. Test the connection to check the new values."
        case "pending": "A new certificate is pending: download auth-cert.pem, upload it in NetSuite, then enter its certificate id."
        case "activated": "The new certificate is active; the previous one is retired."
        case "rotated": "Rotated: the new certificate is active and the old one revoked."
        case "updated": "The certificate id was updated."
        case "revoked": "The certificate was revoked."
        default: ""
        }
    }

    /// Runs a form's action, then redirects to the instance page with a message, or shows the page with the error.
    func action(_ server: SuiteBridgeServer, _ name: String, _ context: ServerContext, _ body: () async throws -> String) async throws -> Response {
        do {
            let flash = try await body()
            return Self.redirect("/instances/\(Self.pathEscaped(name))?flash=\(flash)")
        } catch let error as SuiteBridgeError {
            return try await instancePage(server, name, context: context, error: error, status: .badRequest)
        }
    }

    static func pathEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? text
    }

    func instancePage(_ server: SuiteBridgeServer, _ name: String, context: ServerContext, extra: [String: Any] = [:], flash: String? = nil,
                      error: SuiteBridgeError? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let instance = try await server.core.instances.instance(named: name)
        let representation = try await server.core.instances.summary(of: instance)
        var values: [String: Any] = extra
        values["instance"] = try Self.dictionary(representation)
        values["instanceName"] = instance.name
        values["idLabel"] = instance.authMethod == .tokenBased ? "Consumer key" : "Client ID"
        values["currentKey"] = instance.consumerKey
        if instance.authMethod == .clientCredentials {
            values["oauth2"] = true
            let certificates = try await server.core.certificates.list(of: name)
            if let active = certificates.first(where: { $0.state == .active }) {
                let days = active.daysLeft()
                values["active"] = ["certificateId": active.certificateID ?? "", "keyType": active.keyType.description, "notAfter": Self.day(active.notAfter),
                                    "daysLeftText": days.map { $0 < 0 ? "expired" : "\($0) days left" } ?? "expiry unknown",
                                    "expiryClass": Self.expiryClass(days, state: active.state)]
            }
            if let pending = certificates.first(where: { $0.state == .pending }) {
                values["pending"] = ["keyType": pending.keyType.description, "notAfter": Self.day(pending.notAfter), "steps": Array(PendingCertificate.uploadSteps.prefix(3))]
            }
            values["nextRotation"] = representation.nextRotation.map { Self.day($0) }
            values["canAutoRotate"] = instance.roleID != nil && instance.entityID != nil && certificates.contains { $0.state == .active }
            values["certificates"] = certificates.reversed().map { certificate -> [String: Any] in
                [
                    "certificateId": certificate.displayName, "state": certificate.state.rawValue, "keyType": certificate.keyType.description,
                    "notAfter": Self.day(certificate.notAfter), "revocable": certificate.state != .revoked,
                    "revokeId": certificate.certificateID ?? certificate.id, "isActive": certificate.state == .active, "instanceName": instance.name,
                    "csrf": context.session?.csrfToken ?? "",
                ]
            }
        }
        values["entries"] = try await auditRows(server, instance: name)
        return page("instance", title: name, values, context: context, flash: flash, error: error, status: status)
    }

    func auditRows(_ server: SuiteBridgeServer, instance: String?) async throws -> [[String: String]] {
        try await server.core.audit.entries(instance: instance, limit: instance == nil ? 500 : 50).map {
            ["at": $0.at.formatted(.iso8601), "actor": $0.actor, "instance": $0.instance ?? "", "action": $0.action.rawValue, "outcome": $0.outcome, "detail": $0.detail]
        }
    }

    static func dictionary(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONResponse.encoder.encode(value)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// The add-instance form: exactly the seed guide's fields of the auth method, with help texts. Secrets are never
    /// written back into the form.
    func newInstanceValues(auth: AuthMethod, values: [String: String], error: SuiteBridgeError?) -> [String: Any] {
        struct Field { var id, label, help: String; var type = "text"; var required = true; var multiline = false; var secret = false }
        let common = [
            Field(id: "name", label: "Name", help: "A name for this connection, e.g. acme-sandbox."),
            Field(id: "accountId", label: "Account ID",
                  help: "Setup > Company > Company Information > Account ID, e.g. 1234567 or 1234567_SB1 (sandbox). Any form works, even the URL you log in at."),
        ]
        let specific: [Field] = switch auth {
        case .tokenBased: [
            Field(id: "consumerKey", label: "Consumer key", help: "Shown once when the integration record is saved (Setup > Integration > Manage Integrations)."),
            Field(id: "consumerSecret", label: "Consumer secret", help: "Shown with the consumer key. Stored encrypted, never shown again.", type: "password", secret: true),
            Field(id: "tokenId", label: "Token ID", help: "Shown once when the access token is saved (Setup > Users/Roles > Access Tokens > New)."),
            Field(id: "tokenSecret", label: "Token secret", help: "Shown with the token id. Stored encrypted, never shown again.", type: "password", secret: true),
        ]
        case .clientCredentials: [
            Field(id: "clientId", label: "Consumer key (client ID)", help: "The integration record's consumer key; it needs \"Client Credentials (Machine to Machine) Grant\" ticked."),
            Field(id: "certificateId", label: "Certificate ID", help: "From Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup, after uploading the certificate."),
            Field(id: "privateKeyPem", label: "Private key (PEM)", help: "The key made with the certificate: RSA 3072/4096 or EC P-256/384/521. Stored encrypted.", required: true, multiline: true, secret: true),
            Field(id: "certificatePem", label: "Certificate (PEM, optional)", help: "The uploaded certificate: SuiteBridge checks the key matches and tracks its expiry.", required: false, multiline: true),
            Field(id: "roleId", label: "Role internal id (optional)", help: "The mapping's role, needed for unattended rotation.", required: false),
            Field(id: "entityId", label: "Entity internal id (optional)", help: "The mapping's user, needed for unattended rotation.", required: false),
        ]
        }
        let base = Field(id: "baseUrl", label: "Base URL (optional)", help: "Only for a simulator or proxy, e.g. http://127.0.0.1:9090.", type: "url", required: false)
        let errorField = error?.field.map(Self.formField(for:))
        let fields = (common + specific + [base]).map { field -> [String: Any] in
            var row: [String: Any] = ["id": field.id, "label": field.label, "help": field.help, "type": field.type, "required": field.required,
                                      "multiline": field.multiline, "value": field.secret ? "" : values[field.id] ?? ""]
            if field.id == errorField, let error { row["error"] = "\(error.message) \(error.remedy)" }
            if field.id == "accountId" { row["help"] = field.help + " Realm: shown as you type." }
            return row
        }
        return ["auth": auth.rawValue, "tba": auth == .tokenBased, "oauth2": auth == .clientCredentials, "fields": fields]
    }

    static func formField(for field: String) -> String {
        [
            "name": "name", "account id": "accountId", "consumer key": "consumerKey", "consumer secret": "consumerSecret", "token id": "tokenId",
            "token secret": "tokenSecret", "client id": "clientId", "private key": "privateKeyPem", "certificate id": "certificateId",
            "certificate": "certificatePem", "role id": "roleId", "entity id": "entityId", "base url": "baseUrl",
        ][field] ?? field
    }
}

/// The dashboard's only script: shows the realm and host an account id gives, as the user types.
enum DashboardScript {
    static let text = """
        document.addEventListener("DOMContentLoaded", () => {
          const input = document.getElementById("accountId");
          const help = document.getElementById("accountId-help");
          if (!input || !help) return;
          const base = help.textContent.replace(" Realm: shown as you type.", "");
          const update = () => {
            let id = input.value.trim();
            const match = id.match(/^https?:\\/\\/([^.\\/]+)\\./i);
            if (match) id = match[1];
            if (!id) { help.textContent = base; return; }
            const realm = id.toUpperCase().replace(/-/g, "_");
            const host = id.toLowerCase().replace(/_/g, "-");
            help.textContent = base + " Realm: " + realm + " · host: " + host;
          };
          input.addEventListener("input", update);
          update();
        });
        """
}
