import Foundation
import Hummingbird
import SuiteBridgeCore

extension Dashboard {
    /// The alerts: list with what they were told lately, add (admin), test (operate), remove (admin).
    func addAlertPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/alerts") { request, context in
            let flash = request.uri.queryParameters.get("flash").map { String($0) }
            return try await alertsPage(server, context: context, flash: flash)
        }
        post(pages, "/alerts", AlertForm.self, scope: .admin) { form, _, context in
            do {
                _ = try await server.core(for: context).alerts.add(name: form.name ?? "", url: form.url ?? "", events: form.events)
                return Self.redirect("/alerts?flash=" + DashboardPath.query("Alert \(form.name ?? "") added."))
            } catch let error as SuiteBridgeError {
                return try await alertsPage(server, context: context, error: error, status: .badRequest)
            }
        }
        post(pages, "/alerts/{name}/test", ActionForm.self, scope: .operate) { _, _, context in
            let name = try context.parameters.require("name")
            do {
                try await server.core(for: context).alerts.test(name)
                return Self.redirect("/alerts?flash=" + DashboardPath.query("\(name) took the test message."))
            } catch let error as SuiteBridgeError {
                return Self.redirect("/alerts?flash=" + DashboardPath.query(error.message + " " + error.remedy))
            }
        }
        post(pages, "/alerts/{name}/remove", ActionForm.self, scope: .admin) { _, _, context in
            let name = try context.parameters.require("name")
            try await server.core(for: context).alerts.remove(name)
            return Self.redirect("/alerts?flash=" + DashboardPath.query("\(name) removed."))
        }
    }

    func alertsPage(_ server: SuiteBridgeServer, context: ServerContext, flash: String? = nil, error: SuiteBridgeError? = nil,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let alerts = server.core(for: context).alerts
        let list = try await alerts.list()
        let deliveries = try await alerts.deliveries(limit: 50)
        return page("alerts", title: "Alerts", [
            "alerts": list.map { ["name": $0.name, "url": $0.url, "events": $0.events.map(\.rawValue).joined(separator: ", "), "path": "/alerts/" + DashboardPath.segment($0.name)] as [String: Any] },
            "hasAlerts": !list.isEmpty,
            "deliveries": deliveries.map { ["at": $0.createdAt.formatted(.iso8601), "alert": $0.alert, "kind": $0.kind.rawValue, "state": $0.state.rawValue, "attempts": $0.attempts, "text": $0.text, "lastError": $0.lastError ?? ""] as [String: Any] },
            "hasDeliveries": !deliveries.isEmpty,
        ], context: context, flash: flash, error: error, status: status)
    }
}
