import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OpenAPIRuntime
import SuiteBridgeAPIClient
import SuiteBridgeCore
import SuiteBridgeServer
import SuiteBridgeTestSupport
import Testing

@Suite("Flows through the API and the dashboard")
struct FlowAPITests {
    @Test("create, run, pause, resume a flow through the generated client; runs with counts; the dashboard lists flows and shows a run")
    func flows() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            let folder = "exports"  // inside the files root
            let created = try await api.createFlow(body: .json(.init(name: "customers", definition: .init(
                kind: .export, instance: "\(harness.realm)-tba",
                export: .init(query: "SELECT id, companyname FROM customer ORDER BY id", destination: .init(_type: .folder, path: folder))))))
            #expect(try created.created.headers.location == "/api/v1/flows/customers")
            #expect(try created.created.body.json.definition.export?.destination.path == folder)
            let invalid = try await api.createFlow(body: .json(.init(name: "bad", definition: .init(
                kind: ._import, instance: "\(harness.realm)-tba",
                _import: .init(source: "x.csv", recordType: "customer", externalIdColumn: "ref", mapping: .init(fields: .init(additionalProperties: [:])))))))
            #expect(try invalid.badRequest.body.json.error.field == "import.mapping.fields")
            let escaping = try await api.createFlow(body: .json(.init(name: "leak", definition: .init(
                kind: .export, instance: "\(harness.realm)-tba",
                export: .init(query: "SELECT id FROM customer ORDER BY id", destination: .init(_type: .folder, path: "../../etc"))))))
            #expect(try escaping.badRequest.body.json.error.field == "export.destination.path")
            let secretSource = try await api.createFlow(body: .json(.init(name: "leak", definition: .init(
                kind: ._import, instance: "\(harness.realm)-tba",
                _import: .init(source: "/etc/passwd", recordType: "customer", externalIdColumn: "ref",
                               mapping: .init(fields: .init(additionalProperties: ["companyName": .init(from: "name")])))))))
            #expect(try secretSource.badRequest.body.json.error.field == "import.source")

            let runID = try await api.runFlow(path: .init(name: "customers")).accepted.body.json.id
            let finished = try #require(try await FlowWorker(context: harness.server.workspace.context).runNext())
            #expect(finished.id == runID && finished.state == .succeeded)
            let detail = try await api.getRun(path: .init(id: runID)).ok.body.json
            #expect(detail.run.rowsWritten == 20 && detail.refused.isEmpty)
            #expect(try await api.listRuns(query: .init(flow: "customers")).ok.body.json.items.map(\.id) == [runID])

            #expect(try await api.pauseFlow(path: .init(name: "customers")).ok.body.json.state == .paused)
            #expect(try await api.runFlow(path: .init(name: "customers")).conflict.body.json.error.code == "conflict")
            #expect(try await api.resumeFlow(path: .init(name: "customers")).ok.body.json.state == .active)
            #expect(try await api.listFlows().ok.body.json.items.first?.lastRun?.id == runID)

            let (cookie, _) = try await DashboardTests.logIn(harness)
            let list = ServerHarness.text(try await harness.client.execute(uri: "/flows", method: .get, headers: [.cookie: cookie]))
            #expect(list.contains("customers") && list.contains("succeeded"))
            let run = ServerHarness.text(try await harness.client.execute(uri: "/runs/\(runID)", method: .get, headers: [.cookie: cookie]))
            #expect(run.contains("read 20, written 20, failed 0"))
            let metrics = try await harness.metricsText()
            #expect(metrics.contains("suitebridge_flow_runs_total{flow=\"customers\",state=\"succeeded\"}"))
            #expect(metrics.contains("suitebridge_flow_rows_total{flow=\"customers\",kind=\"written\"}"))
        }
    }

    @Test("a mirror through the API: created (a database password never echoed), run, its tables' status; the tables an instance can mirror, with what the role lacks")
    func mirror() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            let private_ = try await api.createFlow(body: .json(.init(name: "dw", definition: .init(
                kind: .mirror, instance: "\(harness.realm)-oauth2",
                mirror: .init(tables: ["customer"], database: "postgres://loader:s3cret-pw@10.0.0.5:5432/warehouse")))))
            let refusal = try private_.badRequest.body.json.error
            #expect(refusal.field == "mirror.database" && refusal.message.contains("10.0.0.5") && !refusal.message.contains("s3cret"))
            let created = try await api.createFlow(body: .json(.init(name: "dw", definition: .init(
                kind: .mirror, instance: "\(harness.realm)-oauth2",
                mirror: .init(tables: ["customer", "transaction"], database: "sqlite:mirror/warehouse.sqlite")))))
            #expect(try created.created.body.json.kind == .mirror)
            _ = try await api.runFlow(path: .init(name: "dw")).accepted
            let finished = try #require(try await FlowWorker(context: harness.server.workspace.context).runNext())
            #expect(finished.state == .succeeded, "\(finished.error ?? "")")
            let status = try await api.getMirrorStatus(path: .init(name: "dw")).ok.body.json.items
            #expect(status.map(\.table) == ["customer", "transaction"])
            #expect(status.first?.phase == .current && status.first?.rows == 20 && status.first?.watermark != nil && status.first?.lagSeconds != nil)
            #expect(try await api.getMirrorStatus(path: .init(name: "nothing")).notFound.body.json.error.field == "flow")

            let tables = try await api.listMirrorTables(path: .init(name: "\(harness.realm)-oauth2")).ok.body.json
            #expect(tables.tables.first { $0.table == "customer" }?.rows == 20)
            #expect(!tables.deletions && tables.deletionsMissingPermission == "Deleted Records")

            // The dashboard: a mirror made with the form (a refused database named on its field), its tables on the flow page.
            let (cookie, csrf) = try await DashboardTests.logIn(harness)
            let form = ServerHarness.text(try await harness.client.execute(uri: "/mirrors/new", method: .get, headers: [.cookie: cookie]))
            #expect(form.contains("name=\"tables\"") && form.contains("\(harness.realm)-oauth2") && form.contains("type=\"password\""))
            let fields = ["csrf": csrf, "name": "dw2", "instance": "\(harness.realm)-oauth2", "tables": "customer", "database": "mysql://db/x", "password": "pw-never-shown"]
            let refused = try await DashboardTests.post(harness, "/mirrors", fields, cookie: cookie)
            let refusedPage = ServerHarness.text(refused)
            #expect(refused.status == .badRequest && refusedPage.contains("PostgreSQL or SQLite") && !refusedPage.contains("pw-never-shown"))
            var good = fields
            good["database"] = "sqlite:mirror/dw2.sqlite"
            good["keepDeleted"] = "on"
            let made = try await DashboardTests.post(harness, "/mirrors", good, cookie: cookie)
            #expect(made.status == .seeOther && made.headers[.location] == "/flows/dw2")
            #expect(try await harness.server.workspace.context.flows.flow(named: "dw2").definition.mirror?.keepDeleted == true)
            let flowPage = ServerHarness.text(try await harness.client.execute(uri: "/flows/dw", method: .get, headers: [.cookie: cookie]))
            #expect(flowPage.contains("<h2>Tables</h2>") && flowPage.contains("<td>customer</td>") && flowPage.contains(">current<"))

            let metrics = try await harness.metricsText()
            #expect(metrics.contains("suitebridge_mirror_rows_total{flow=\"dw\",table=\"customer\",change=\"upserted\"} 20"), "\(metrics.split(separator: "\n").filter { $0.contains("mirror") })")
        }
    }

    @Test("lookup tables and an import's preview through the generated client: entries put, read, deleted; the preview shows bodies and refusals")
    func lookupsAndPreview() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            let put = try await api.putLookup(path: .init(table: "countries"), body: .json(.init(entries: [.init(key: "Germany", value: "DE"), .init(key: "France", value: "FR")])))
            #expect(try put.ok.body.json.entries.map(\.key) == ["France", "Germany"])
            #expect(try await api.listLookups().ok.body.json.items.map(\.name) == ["countries"])
            #expect(try await api.getLookup(path: .init(table: "nothing")).notFound.body.json.error.field == "table")

            let root = try #require(harness.server.workspace.context.files.root)
            try "ref,name,country\nA-1,Alpha,Germany\nA-2,Beta,Spain\n".write(toFile: root + "/people.csv", atomically: true, encoding: .utf8)
            _ = try await api.createFlow(body: .json(.init(name: "people", definition: .init(
                kind: ._import, instance: "\(harness.realm)-tba",
                _import: .init(source: "people.csv", recordType: "customer", externalIdColumn: "ref", mapping: .init(fields: .init(additionalProperties: [
                    "companyName": .init(from: "name"),
                    "comments": .init(from: "country", steps: [try .init(unvalidatedValue: ["lookup": "countries"])]),
                ])))))))
            let preview = try await api.previewFlow(path: .init(name: "people"), body: .json(.init(rows: 5))).ok.body.json.items
            #expect(preview.map(\.line) == [2, 3])
            #expect(preview[0].body == #"{"comments":"DE","companyName":"Alpha","externalId":"A-1"}"#)
            #expect(preview[1].field == "comments" && preview[1].refusal?.contains("\"Spain\" is not a key of the lookup table countries") == true)
            // The mapping replaced: a step that cannot work is refused naming it; a good one is used by the next preview.
            let bad = try await api.updateFlowMapping(path: .init(name: "people"), body: .json(.init(fields: .init(additionalProperties: [
                "companyName": .init(from: "name", steps: [try .init(unvalidatedValue: ["date": "MM/YYYY"])]),
            ]))))
            #expect(try bad.badRequest.body.json.error.field == "mapping.fields.companyName.steps[0]")
            let updated = try await api.updateFlowMapping(path: .init(name: "people"), body: .json(.init(fields: .init(additionalProperties: [
                "companyName": .init(from: "name", steps: [try .init(unvalidatedValue: "upper")]),
            ]))))
            #expect(try updated.ok.body.json.definition._import?.mapping.fields.additionalProperties.keys.sorted() == ["companyName"])
            let again = try await api.previewFlow(path: .init(name: "people"), body: .json(.init(rows: 1))).ok.body.json.items
            #expect(again.first?.body == #"{"companyName":"ALPHA","externalId":"A-1"}"#)
            #expect(try await api.deleteLookup(path: .init(table: "countries")).noContent != nil)
            #expect(try await api.listLookups().ok.body.json.items.isEmpty)
        }
    }

    @Test("the dashboard's inbox: a refused row listed with its remedy, edited and retried into NetSuite; an import's preview; lookups put by form need admin")
    func dashboardInbox() async throws {
        try await ServerHarness.run { harness in
            let core = harness.server.workspace.context
            let root = try #require(core.files.root)
            try "ref,name,rank\nD-1,Delta,1\nD-2,Echo,two\n".write(toFile: root + "/rows.csv", atomically: true, encoding: .utf8)
            _ = try await core.flows.create(name: "rows", definition: FlowDefinition(kind: .import, instance: "\(harness.realm)-tba", import: .init(
                source: "rows.csv", recordType: "customer", externalIdColumn: "ref",
                mapping: ["companyName": .init(from: "name"), "comments": .init(from: "rank", steps: [.integer]), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            _ = try await core.flows.enqueue("rows")
            #expect(try await FlowWorker(context: core).runNext()?.rowsFailed == 1)
            let (cookie, csrf) = try await DashboardTests.logIn(harness)

            let inbox = ServerHarness.text(try await harness.client.execute(uri: "/errors?flow=rows", method: .get, headers: [.cookie: cookie]))
            #expect(inbox.contains("D-2") && inbox.contains("&quot;two&quot; is not a whole number") && inbox.contains("Retry all 1 open errors of rows"), "\(inbox)")
            let error = try #require(try await core.inbox.list(flow: "rows").first)
            let detail = ServerHarness.text(try await harness.client.execute(uri: "/errors/\(error.id)", method: .get, headers: [.cookie: cookie]))
            #expect(detail.contains("Save and retry") && detail.contains("&quot;rank&quot; : &quot;two&quot;"), "\(detail)")
            let forged = try await DashboardTests.post(harness, "/errors/\(error.id)/edit", ["data": #"{"rank": "2"}"#], cookie: cookie)
            #expect(forged.status == .forbidden)
            let edited = try await DashboardTests.post(harness, "/errors/\(error.id)/edit", ["csrf": csrf, "data": #"{"rank": "2"}"#], cookie: cookie)
            #expect(edited.status == .seeOther)
            #expect(try await core.inbox.error(id: error.id).state == .resolved)

            let preview = ServerHarness.text(try await DashboardTests.post(harness, "/flows/rows/preview", ["csrf": csrf], cookie: cookie))
            #expect(preview.contains("Nothing was written to NetSuite") && preview.contains("&quot;companyName&quot;:&quot;Delta&quot;"), "\(preview)")

            let put = try await DashboardTests.post(harness, "/lookups", ["csrf": csrf, "table": "codes", "entries": "a,1\nb,2"], cookie: cookie)
            #expect(put.status == .seeOther)
            #expect(try await core.lookups.entries("codes").count == 2)
            let viewer = try await APITokens(store: core.store).create(name: "viewer", scope: .read, actor: "test")
            let (viewerCookie, viewerCSRF) = try await DashboardTests.logIn(harness, token: viewer)
            let refused = try await DashboardTests.post(harness, "/lookups", ["csrf": viewerCSRF, "table": "codes", "entries": "c,3"], cookie: viewerCookie)
            #expect(refused.status == .forbidden)
            let list = ServerHarness.text(try await harness.client.execute(uri: "/lookups", method: .get, headers: [.cookie: viewerCookie]))
            #expect(list.contains("codes") && !list.contains("Put entries"))
        }
    }
}
