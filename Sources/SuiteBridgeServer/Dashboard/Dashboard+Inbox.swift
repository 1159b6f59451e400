import Foundation
import Hummingbird
import SuiteBridgeCore

extension Dashboard {
    func errorValues(_ error: InboxError) -> [String: Any] {
        var values: [String: Any] = [
            "id": error.id, "shortID": String(error.id.prefix(8)), "path": DashboardPath.inboxError(error.id), "flow": error.flow, "flowPath": DashboardPath.flow(error.flow),
            "externalId": error.externalId ?? "–", "state": error.state.rawValue, "open": error.state == .open, "code": error.code, "field": error.field ?? "–",
            "message": error.message, "remedy": error.remedy ?? "", "attempts": error.attempts, "lastSeen": error.lastSeenAt.formatted(.iso8601),
            "firstSeen": error.firstSeenAt.formatted(.iso8601), "line": error.line.map(String.init) ?? "–",
        ]
        if let closedBy = error.closedBy { values["closedBy"] = closedBy }
        if let body = error.body { values["body"] = body }
        return values
    }

    /// The error inbox (filters by flow and state, retry / resolve / ignore, bulk retry of a flow), one error with
    /// its row and an edit form, and an import's preview.
    func addInboxPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/errors") { request, context in
            let core = server.core(for: context)
            let flowText = request.uri.queryParameters.get("flow").map { String($0) } ?? ""
            let flow: String? = flowText.isEmpty ? nil : flowText
            let stateText = request.uri.queryParameters.get("state").map { String($0) } ?? "open"
            let state = InboxError.State(rawValue: stateText)
            var values: [String: Any] = [:]
            do {
                let errors = try await core.inbox.list(flow: flow, state: state, limit: 500)
                values["errors"] = errors.map(errorValues)
                values["hasErrors"] = !errors.isEmpty
            } catch let error as SuiteBridgeError {
                return page("errors", title: "Errors", ["flows": [], "states": []], context: context, error: error, status: .badRequest)
            }
            let counts = try await core.inbox.openCounts()
            values["chart"] = try await inboxChart(core, flow: flow)
            values["flows"] = try await core.flows.list().filter { $0.definition.kind == .import }.map {
                ["name": $0.name, "selected": $0.name == flow, "open": counts[$0.name] ?? 0] as [String: Any]
            }
            values["states"] = (InboxError.State.allCases.map(\.rawValue) + ["all"]).map { ["value": $0, "selected": $0 == stateText] as [String: Any] }
            if let flow, state == .open, (counts[flow] ?? 0) > 0 { values["bulk"] = ["flow": flow, "path": DashboardPath.flow(flow) + "/retry-errors", "open": counts[flow] ?? 0] }
            let flash = request.uri.queryParameters.get("flash").map { String($0) }
            return page("errors", title: "Errors", values, context: context, flash: flash)
        }
        pages.get("/errors/{id}") { _, context in
            let error = try await server.core(for: context).inbox.error(id: try context.parameters.require("id"))
            var values = errorValues(error)
            values["sourceRow"] = String(decoding: try JSONEncoder.dashboardPretty.encode(error.sourceRow), as: UTF8.self)
            return page("inboxError", title: "Error \(error.id.prefix(8))", values, context: context)
        }
        for action in ["retry", "resolve", "ignore"] {
            post(pages, "/errors/{id}/\(action)", ActionForm.self, scope: .operate) { _, _, context in
                let id = try context.parameters.require("id")
                let inbox = server.core(for: context).inbox
                do {
                    let error = switch action {
                    case "retry": try await inbox.retry(id: id)
                    case "resolve": try await inbox.resolve(id: id)
                    default: try await inbox.ignore(id: id)
                    }
                    let message = action == "retry" ? (error.state == .resolved ? "Resolved: NetSuite took the row." : "Still refused: \(error.message)")
                        : "Error \(action == "resolve" ? "resolved" : "ignored")."
                    return Self.redirect(DashboardPath.errors(flow: error.flow, message: message))
                } catch let error as SuiteBridgeError {
                    return Self.redirect(DashboardPath.errors(flow: nil, message: error.message + " " + error.remedy))
                }
            }
        }
        post(pages, "/errors/{id}/edit", EditErrorForm.self, scope: .operate) { form, _, context in
            let id = try context.parameters.require("id")
            let inbox = server.core(for: context).inbox
            do {
                guard let parsed = JSONValue.parse(form.data ?? ""), case .object(let members) = parsed else {
                    throw SuiteBridgeError(.invalidInput, "The row is not a JSON object.", remedy: "Write {\"column\": \"value\", …}.", field: "data")
                }
                _ = try await inbox.edit(id: id, values: members.mapValues { $0.text ?? $0.json })
                let retried = try await inbox.retry(id: id)
                let message = retried.state == .resolved ? "Edited and retried: resolved." : "Edited; still refused: \(retried.message)"
                return Self.redirect(DashboardPath.inboxError(id) + "?flash=" + DashboardPath.query(message))
            } catch let error as SuiteBridgeError {
                var values = errorValues(try await inbox.error(id: id))
                values["sourceRow"] = form.data ?? ""
                return page("inboxError", title: "Error \(id.prefix(8))", values, context: context, error: error, status: .badRequest)
            }
        }
        post(pages, "/flows/{name}/retry-errors", ActionForm.self, scope: .operate) { _, _, context in
            let name = try context.parameters.require("name")
            do {
                let result = try await server.core(for: context).inbox.retry(flow: name)
                return Self.redirect(DashboardPath.errors(flow: name, message: "\(result.retried) retried: \(result.resolved) resolved, \(result.stillOpen) still open."))
            } catch let error as SuiteBridgeError {
                return Self.redirect(DashboardPath.errors(flow: name, message: error.message + " " + error.remedy))
            }
        }
        post(pages, "/flows/{name}/preview", ActionForm.self, scope: .operate) { _, _, context in
            let name = try context.parameters.require("name")
            do {
                let rows = try await server.core(for: context).flows.preview(name, rows: 10)
                return page("preview", title: "Preview of \(name)", [
                    "name": name, "flowPath": DashboardPath.flow(name), "hasRows": !rows.isEmpty,
                    "rows": rows.map { row -> [String: Any] in
                        var values: [String: Any] = ["line": row.line, "externalId": row.externalId ?? "–"]
                        if let body = row.body { values["body"] = body }
                        if let refusal = row.refusal { values["refusal"] = refusal; values["field"] = row.field ?? "" }
                        return values
                    },
                ], context: context)
            } catch let error as SuiteBridgeError {
                return Self.redirect(DashboardPath.flows(message: error.message + " " + error.remedy))
            }
        }
    }

    /// The lookup tables: list, one table's entries, and a form (admin) that puts entries as CSV text.
    func addLookupPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/lookups") { request, context in
            let tables = try await server.core(for: context).lookups.list()
            let flash = request.uri.queryParameters.get("flash").map { String($0) }
            return page("lookups", title: "Lookup tables", [
                "tables": tables.map { ["name": $0.name, "path": DashboardPath.lookup($0.name), "entries": $0.entries, "updated": $0.updatedAt.formatted(.iso8601)] as [String: Any] },
                "hasTables": !tables.isEmpty,
            ], context: context, flash: flash)
        }
        pages.get("/lookups/{table}") { _, context in
            let name = try context.parameters.require("table")
            let entries = try await server.core(for: context).lookups.entries(name)
            return page("lookup", title: name, ["name": name, "entries": entries.prefix(2_000).map { ["key": $0.key, "value": $0.value] }, "count": entries.count], context: context)
        }
        post(pages, "/lookups", LookupForm.self, scope: .admin) { form, _, context in
            let name = form.table ?? ""
            do {
                var entries: [(key: String, value: String)] = []
                for (index, line) in (form.entries ?? "").split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    guard let comma = line.firstIndex(of: ",") else {
                        throw SuiteBridgeError(.invalidInput, "Line \(index + 1) has no comma.", remedy: "Write each entry as key,value.", field: "entries")
                    }
                    entries.append((String(line[..<comma]), String(line[line.index(after: comma)...])))
                }
                guard !entries.isEmpty else { throw SuiteBridgeError(.invalidInput, "No entries given.", remedy: "Write each entry as key,value on its own line.", field: "entries") }
                try await server.core(for: context).lookups.put(name, entries: entries, replace: form.replace == "on")
                return Self.redirect("/lookups?flash=" + DashboardPath.query("\(name): \(entries.count) entries put."))
            } catch let error as SuiteBridgeError {
                return Self.redirect("/lookups?flash=" + DashboardPath.query(error.message + " " + error.remedy))
            }
        }
    }
}

extension JSONEncoder {
    static var dashboardPretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
