import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SuiteBridgeCore
import Testing
@testable import SuiteBridgeServer

@Suite("Flows through the API and the dashboard")
struct FlowAPITests {
    @Test("create, run, pause, resume a flow; runs with counts; the dashboard lists flows and shows a run")
    func flows() async throws {
        try await ServerHarness.run { harness in
            let folder = NSTemporaryDirectory() + "suitebridge-flow-" + UUID().uuidString
            let created = try await harness.api(.post, "/api/v1/flows", json: ["name": "customers", "definition": [
                "kind": "export", "instance": "\(harness.realm)-tba",
                "export": ["query": "SELECT id, companyname FROM customer ORDER BY id", "destination": ["type": "folder", "path": folder]],
            ]])
            #expect(created.status == .created)
            let invalid = try await harness.api(.post, "/api/v1/flows", json: ["name": "bad", "definition": [
                "kind": "import", "instance": "\(harness.realm)-tba",
                "import": ["source": "x.csv", "recordType": "customer", "externalIdColumn": "ref", "mapping": [:] as [String: Any]],
            ]])
            #expect(invalid.status == .badRequest)
            #expect((ServerHarness.object(invalid)["error"] as? [String: String])?["field"] == "import.mapping")

            let queued = try await harness.api(.post, "/api/v1/flows/customers/run")
            #expect(queued.status == .accepted)
            let runID = try #require(ServerHarness.object(queued)["id"] as? String)
            let finished = try #require(try await FlowWorker(context: harness.server.workspace.context).runNext())
            #expect(finished.id == runID && finished.state == .succeeded)
            let detail = ServerHarness.object(try await harness.api(.get, "/api/v1/runs/\(runID)"))
            #expect((detail["run"] as? [String: Any])?["rowsWritten"] as? Int == 20)

            #expect(try await harness.api(.post, "/api/v1/flows/customers/pause").status == .ok)
            #expect(try await harness.api(.post, "/api/v1/flows/customers/run").status == .conflict)
            #expect(try await harness.api(.post, "/api/v1/flows/customers/resume").status == .ok)

            let (cookie, _) = try await DashboardTests.logIn(harness)
            let list = ServerHarness.text(try await harness.client.execute(uri: "/flows", method: .get, headers: [.cookie: cookie]))
            #expect(list.contains("customers") && list.contains("succeeded"))
            let run = ServerHarness.text(try await harness.client.execute(uri: "/runs/\(runID)", method: .get, headers: [.cookie: cookie]))
            #expect(run.contains("read 20, written 20, failed 0"))
            let metrics = ServerHarness.text(try await harness.api(.get, "/metrics"))
            #expect(metrics.contains("suitebridge_flow_runs_total{flow=\"customers\",state=\"succeeded\"}"))
            #expect(metrics.contains("suitebridge_flow_rows_total{flow=\"customers\",kind=\"written\"}"))
        }
    }
}
