import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NetSuiteClient
import NetSuiteSimulator
import SuiteBridgeCore
@testable import SuiteBridgeServer
import SuiteBridgeTestSupport
import Testing

@Suite("Charts")
struct ChartTests {
    @Test("an account's requests, 429s and concurrency per minute; a flow's rows and seconds per run; the inbox's open errors per day: drawn as SVG by the server")
    func charts() async throws {
        try await ServerHarness.run { harness in
            let core = harness.server.workspace.context
            // 40 reads through a client of limit 5 against an account that takes 2 at once, each held 10 ms: 429s.
            try await harness.netsuite.setConcurrencyLimit(harness.realm, 2)
            try await harness.netsuite.setFaults(harness.realm, FaultSettings(latencyMs: 10))
            let client = try await core.connections.client(for: "\(harness.realm)-tba")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 { group.addTask { _ = try await client.suiteQLPage("SELECT COUNT(*) AS n FROM customer", limit: 1) } }
                try await group.waitForAll()
            }
            try await core.requestHistory.record(server: "test")
            let minutes = try await core.requestHistory.minutes(account: harness.realm)
            let sent = minutes.map(\.requests).reduce(0, +)
            let throttled = minutes.map(\.throttled).reduce(0, +)
            #expect(sent >= 40 && throttled > 0 && sent == 40 + throttled, "\(minutes)")  // every 429 was sent again
            #expect(minutes.allSatisfy { $0.limit == 5 } && minutes.map(\.inFlight).max() ?? 0 >= 2)
            try await core.requestHistory.record(server: "test")  // nothing new: nothing added
            #expect(try await core.requestHistory.minutes(account: harness.realm).map(\.requests).reduce(0, +) == sent)

            let (cookie, _) = try await DashboardTests.logIn(harness)
            let charts = ServerHarness.text(try await harness.client.execute(uri: "/charts", method: .get, headers: [.cookie: cookie]))
            #expect(charts.contains(#"<svg id="requests-0" role="img""#) && charts.contains(#"data-points="1440""#) && charts.contains("429 answers"), "\(charts.prefix(3000))")
            #expect(charts.contains("requests: most") && charts.contains("limit: most 5"))

            // A flow with runs, and the inbox with an open error.
            let root = try #require(core.files.root)
            try "ref,name\nC-1,One\nC-2,\n".write(toFile: root + "/c.csv", atomically: true, encoding: .utf8)
            _ = try await core.flows.create(name: "c", definition: FlowDefinition(kind: .import, instance: "\(harness.realm)-tba", import: .init(
                source: "c.csv", recordType: "customer", externalIdColumn: "ref",
                mapping: ["companyName": .init(from: "name"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            for _ in 0..<3 {
                _ = try await core.flows.enqueue("c")
                _ = try await FlowWorker(context: core).runNext()
            }
            let flow = ServerHarness.text(try await harness.client.execute(uri: "/flows/c", method: .get, headers: [.cookie: cookie]))
            #expect(flow.contains(#"<svg id="rows""#) && flow.contains(#"<svg id="seconds""#) && flow.contains(#"data-points="3""#), "\(flow.prefix(2000))")
            #expect(flow.contains("written: most 1, total 3"))
            let errors = ServerHarness.text(try await harness.client.execute(uri: "/errors?flow=c", method: .get, headers: [.cookie: cookie]))
            #expect(errors.contains(#"<svg id="inbox""#) && errors.contains(#"data-points="30""#) && errors.contains("open errors: most 1"), "\(errors.prefix(2000))")
        }
    }

    @Test("the value axis ends on a round number; text in a chart is escaped")
    func rendering() {
        #expect(SVGChart.niceCeiling(7) == 10 && SVGChart.niceCeiling(11) == 20 && SVGChart.niceCeiling(41) == 50 && SVGChart.niceCeiling(1) == 1)
        let chart = SVGChart(id: "x", title: "<script>", firstLabel: "a&b", lastLabel: "z", series: [.init(name: "n\"", values: [1, 2], style: .line, color: "#000")], unit: "u").html
        #expect(!chart.contains("<script>") && chart.contains("&lt;script&gt;") && chart.contains("a&amp;b") && chart.contains("n&quot;"))
    }
}
