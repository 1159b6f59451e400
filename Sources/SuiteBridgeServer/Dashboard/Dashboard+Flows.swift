import Foundation
import Hummingbird
import SuiteBridgeCore

extension Dashboard {
    func runValues(_ run: Run) -> [String: Any] {
        var values: [String: Any] = [
            "id": run.id, "path": DashboardPath.run(run.id), "flowPath": DashboardPath.flow(run.flowName), "shortID": String(run.id.prefix(8)), "flowName": run.flowName, "state": run.state.rawValue, "stateClass": run.state.rawValue,
            "trigger": run.trigger, "queued": run.queuedAt.formatted(.iso8601), "attempts": run.attempts, "read": run.rowsRead,
            "written": run.rowsWritten, "failed": run.rowsFailed, "skipped": run.rowsSkipped, "seconds": run.duration.map { String(format: "%.1f", $0) } ?? "–",
        ]
        if let error = run.error { values["error"] = error }
        if !run.log.isEmpty { values["log"] = run.log }
        return values
    }

    /// The flows, a flow with its runs and the run, pause and resume buttons, and a run with its refused rows.
    func addFlowPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/flows") { request, context in
            let flows = server.core(for: context).flows
            var rows: [[String: Any]] = []
            for flow in try await flows.list() {
                var row: [String: Any] = ["name": flow.name, "kind": flow.definition.kind.rawValue, "instance": flow.definition.instance,
                                          "instancePath": DashboardPath.instance(flow.definition.instance),
                                          "state": flow.state.rawValue, "stateClass": flow.state.rawValue, "active": flow.state == .active,
                                          "schedule": flow.definition.schedule ?? "on demand", "csrf": context.session?.csrfToken ?? "",
                                          "path": DashboardPath.flow(flow.name)]
                if let reason = flow.stateReason { row["stateReason"] = reason }
                if let last = try await flows.runs(flow: flow.name, limit: 1).first {
                    row["lastRun"] = ["id": last.id, "path": DashboardPath.run(last.id), "state": last.state.rawValue, "queued": last.queuedAt.formatted(.iso8601)]
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
                "name": flow.name, "path": DashboardPath.flow(flow.name), "kind": flow.definition.kind.rawValue, "instance": flow.definition.instance,
                "instancePath": DashboardPath.instance(flow.definition.instance), "state": flow.state.rawValue,
                "stateClass": flow.state.rawValue, "stateReason": flow.stateReason ?? "",
                "definition": String(decoding: try encoder.encode(flow.definition), as: UTF8.self),
            ]
            let runs = try await flows.runs(flow: flow.name, limit: 50)
            values["runs"] = runs.map(runValues)
            values.merge(runCharts(runs)) { $1 }
            if let schedule = flow.definition.schedule { values["schedule"] = schedule; values["nextRunAt"] = flow.nextRunAt?.formatted(.iso8601) ?? "–" }
            if let watermark = flow.watermark { values["watermark"] = watermark }
            values["isImport"] = flow.definition.kind == .import
            values["hasInbox"] = flow.definition.kind == .import || flow.definition.kind == .webhook
            if let mapping = flow.definition.import?.mapping ?? flow.definition.webhook?.mapping {
                values["mappingText"] = String(decoding: try encoder.encode(mapping), as: UTF8.self)
            }
            if flow.definition.kind == .webhook { values["endpoint"] = "/hooks/\(flow.id)" }
            if flow.definition.kind == .mirror {
                values["mirror"] = true
                do {
                    let now = Date()
                    values["tables"] = try await server.core(for: context).mirrors.status(flow: flow.name).map { state -> [String: Any] in
                        var row: [String: Any] = ["table": state.table, "phase": state.phase.rawValue, "rows": state.rows,
                                                  "lastChange": state.lastChange?.formatted(.iso8601) ?? "–",
                                                  "lag": state.lag(at: now).map { "\(Int($0)) s" } ?? "–", "lastError": state.lastError ?? ""]
                        if let key = state.resumeKey { row["resumeKey"] = key }
                        if !state.removedColumns.isEmpty { row["removed"] = state.removedColumns.joined(separator: ", ") }
                        return row
                    }
                } catch let error as SuiteBridgeError {
                    values["mirrorError"] = "\(error.message) \(error.remedy)"
                }
            }
            return page("flow", title: flow.name, values, context: context)
        }
        for action in ["run", "pause", "resume"] {
            post(pages, "/flows/{name}/\(action)", ActionForm.self, scope: .operate) { _, _, context in
                let name = try context.parameters.require("name")
                let flows = server.core(for: context).flows
                do {
                    switch action {
                    case "run": try await flows.enqueue(name)
                    case "pause": try await flows.pause(name)
                    default: try await flows.resume(name)
                    }
                } catch let error as SuiteBridgeError {
                    return Self.redirect(DashboardPath.flows(message: error.message + " " + error.remedy))
                }
                let message = action == "run" ? "Run of \(name) queued." : action == "pause" ? "\(name) paused." : "\(name) resumed."
                return Self.redirect(DashboardPath.flows(message: message))
            }
        }
        post(pages, "/flows/{name}/mapping", MappingForm.self, scope: .admin) { form, _, context in
            let name = try context.parameters.require("name")
            let flows = server.core(for: context).flows
            do {
                _ = try await flows.updateMapping(name, mapping: try Mapping.parse(form.mapping ?? ""))
                return Self.redirect(DashboardPath.flows(message: "The mapping of \(name) was saved; its next run uses it."))
            } catch let error as SuiteBridgeError {
                return Self.redirect(DashboardPath.flows(message: "The mapping was not saved: " + (error.field.map { "\($0): " } ?? "") + error.message + " " + error.remedy))
            }
        }
        pages.get("/runs/{id}") { _, context in
            let flows = server.core(for: context).flows
            let run = try await flows.run(id: try context.parameters.require("id"))
            var values = runValues(run)
            let refused = try await flows.refusedRows(run: run.id).prefix(500).map {
                ["line": String($0.line), "externalId": $0.externalID ?? "", "message": $0.message, "path": $0.path ?? ""]
            }
            values["refused"] = Array(refused)
            values["hasRefused"] = !refused.isEmpty
            return page("run", title: "Run \(run.id.prefix(8))", values, context: context)
        }
    }
}
