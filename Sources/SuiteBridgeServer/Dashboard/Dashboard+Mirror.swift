import Foundation
import Hummingbird
import SuiteBridgeCore

extension Dashboard {
    /// The new-mirror form (admin): a mirror flow as `flow create --mirror` makes it.
    func addMirrorPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/mirrors/new") { _, context in
            let instances = try await server.core(for: context).instances.list().map(\.name)
            return page("newMirror", title: "New mirror", newMirrorValues(instances: instances, values: [:], error: nil), context: context)
        }
        post(pages, "/mirrors", NewMirrorForm.self, scope: .admin) { form, _, context in
            let core = server.core(for: context)
            var database = form.database ?? ""
            if let password = form.password, !password.isEmpty, database.hasPrefix("postgres"), var components = URLComponents(string: database) {
                components.password = password
                database = components.string ?? database
            }
            let tables = (form.tables ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let definition = FlowDefinition(
                kind: .mirror, instance: form.instance ?? "",
                mirror: .init(tables: tables, database: database, schema: form.schema.flatMap { $0.isEmpty ? nil : $0 },
                              keepDeleted: form.keepDeleted == "on" ? true : nil),
                schedule: form.schedule.flatMap { $0.isEmpty ? nil : $0 })
            do {
                let flow = try await core.flows.create(name: form.name ?? "", definition: definition)
                return Self.redirect(DashboardPath.flow(flow.name))
            } catch let error as SuiteBridgeError {
                let instances = try await core.instances.list().map(\.name)
                return page("newMirror", title: "New mirror", newMirrorValues(instances: instances, values: form.values, error: error), context: context,
                            error: error, status: .badRequest)
            }
        }
    }

    func newMirrorValues(instances: [String], values: [String: String], error: SuiteBridgeError?) -> [String: Any] {
        struct Field { var id, label, help: String; var type = "text"; var required = true; var kind = "plain" }
        let fields = [
            Field(id: "name", label: "Flow name", help: "e.g. warehouse."),
            Field(id: "instance", label: "Instance", help: "The connection whose role reads the tables.", kind: "select"),
            Field(id: "tables", label: "Tables", help: "SuiteQL tables, comma-separated: customer, contact, item, subsidiary, transaction, transactionline."),
            Field(id: "database", label: "Database", help: "postgres://USER@HOST:5432/DATABASE (the host must be allowed by the operator) or sqlite:FILE inside the files root."),
            Field(id: "password", label: "Database password", help: "PostgreSQL only. Stored encrypted, never shown again.", type: "password", required: false),
            Field(id: "schema", label: "Schema", help: "PostgreSQL only; default netsuite.", required: false),
            Field(id: "keepDeleted", label: "Keep deleted rows", help: "Mark deleted records' rows with _deleted_at instead of removing them.", required: false, kind: "checkbox"),
            Field(id: "schedule", label: "Schedule", help: "\"every 15m\" or a cron expression (UTC); empty for on demand.", required: false),
        ]
        let errorField = error?.field.map { field in
            ["mirror.tables": "tables", "mirror.database": "database", "mirror.schema": "schema", "instance": "instance", "name": "name", "schedule": "schedule"][field] ?? field
        }
        let defaults = ["tables": "customer, transaction, transactionline"]
        return ["fields": fields.map { field -> [String: Any] in
            var row: [String: Any] = ["id": field.id, "label": field.label, "help": field.help, "type": field.type, "required": field.required,
                                      field.kind: true, "value": values[field.id] ?? defaults[field.id] ?? ""]
            if field.kind == "select" {
                row["options"] = instances.map { ["value": $0, "selected": $0 == values[field.id]] }
            }
            if field.id == errorField, let error { row["error"] = "\(error.message) \(error.remedy)" }
            return row
        }]
    }
}
