import Foundation
import NetSuiteClient
import NetSuiteSimulator
import Testing
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

@Suite("Imports with a mapping document against the simulator")
struct ImportMappingTests {
    static func first(_ client: NetSuiteClient, _ query: String) async throws -> String {
        let page = try await client.suiteQLPage(query, limit: 1)
        return try #require(page.rows.first.flatMap { row in page.columns.first.flatMap { row[$0] } })
    }

    @Test("sales orders from JSON Lines: a customer found by SuiteQL, items by lookup table, lines from an array; a preview writes nothing; a second run adds no line", arguments: TestDatabases.kinds)
    func salesOrders(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 10) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let client = try await live.core.connections.client(for: live.oauth2Name)
            let customerName = try await Self.first(client, "SELECT companyname FROM customer WHERE companyname IS NOT NULL ORDER BY id")
            let customerID = try await Self.first(client, "SELECT id FROM customer WHERE companyname IS NOT NULL ORDER BY id")
            let items = try await client.suiteQLPage("SELECT id FROM item ORDER BY id", limit: 2).rows.compactMap { $0["id"] }
            #expect(items.count == 2)
            // The shop's SKUs to NetSuite's item ids, as a lookup table.
            try await live.core.lookups.put("skus", entries: [(key: "SHOP-A", value: items[0]), (key: "SHOP-B", value: items[1])])

            let folder = try live.newFolder()
            let orders = [
                #"{"number":"WEB-1","buyer":{"company":"\#(customerName)"},"placed":"05.03.2026","lines":[{"sku":"SHOP-A","qty":"2"},{"sku":"SHOP-B","qty":"1,000"}]}"#,
                #"{"number":"WEB-2","buyer":{"company":"\#(customerName)"},"placed":"06.03.2026","lines":[{"sku":"SHOP-B","qty":"3"}]}"#,
                #"{"number":"WEB-3","buyer":{"company":"\#(customerName)"},"placed":"07.03.2026","lines":[{"sku":"SHOP-Z","qty":"1"}]}"#,  // an unknown SKU
                #"{"number":"WEB-4","buyer":{"company":"No Such Company"},"placed":"08.03.2026","lines":[{"sku":"SHOP-A","qty":"1"}]}"#,  // no such customer
                #"{"number":"WEB-5","buyer":{"company":"\#(customerName)"},"placed":"31.02.2026","lines":[{"sku":"SHOP-A","qty":"1"}]}"#,  // no such date
            ]
            try (orders.joined(separator: "\n") + "\n").write(toFile: folder + "/orders.jsonl", atomically: true, encoding: .utf8)
            let mapping = try Mapping.parse("""
                fields:
                  entity:
                    from: buyer.company
                    steps:
                      - suiteql: SELECT id FROM customer WHERE companyname = ?
                      - ref: internal
                  tranDate: {from: placed, steps: [{date: {from: DD.MM.YYYY}}]}
                  memo: {steps: [{concat: ["Web order ", {from: number}]}]}
                  item:
                    from: lines
                    lines:
                      item: {from: sku, steps: [{lookup: skus}, {ref: internal}]}
                      quantity: {from: qty, steps: [number]}
                      rate: {const: 5}
                """)
            try await live.core.flows.create(name: "orders", definition: FlowDefinition(
                kind: .import, instance: live.oauth2Name,
                import: .init(source: folder + "/orders.jsonl", recordType: "salesOrder", externalIdColumn: "number", mapping: mapping)))

            // The preview: the bodies and refusals, and not one record request.
            let before = try await live.netsuite.stats(live.realm).requests["record"]
            let preview = try await live.core.flows.preview("orders", rows: 10)
            #expect(preview.count == 5)
            #expect(preview[0].body == #"{"entity":{"id":"\#(customerID)"},"externalId":"WEB-1","item":{"items":[{"item":{"id":"\#(items[0])"},"quantity":2,"rate":5},{"item":{"id":"\#(items[1])"},"quantity":1000,"rate":5}]},"memo":"Web order WEB-1","tranDate":"2026-03-05"}"#,
                    "\(preview[0])")
            #expect(preview[2].field == "item[1].item" && preview[2].refusal?.contains("\"SHOP-Z\" is not a key of the lookup table skus (step 1, lookup)") == true, "\(preview[2])")
            #expect(preview[3].field == "entity" && preview[3].refusal?.contains("matches no row of SELECT id FROM customer") == true, "\(preview[3])")
            #expect(preview[4].field == "tranDate" && preview[4].refusal?.contains("is not a date written DD.MM.YYYY") == true, "\(preview[4])")
            #expect(try await live.netsuite.stats(live.realm).requests["record"] == before, "the preview wrote nothing")

            for round in 1...2 {
                try await live.core.flows.enqueue("orders")
                let run = try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
                #expect(run.state == .succeeded && run.rowsRead == 5 && run.rowsWritten == 2 && run.rowsFailed == 3, "round \(round): \(run.log) \(run.error ?? "")")
            }
            let refused = try await live.core.flows.refusedRows(run: try #require(try await live.core.flows.runs(flow: "orders", limit: 1).first?.id))
            #expect(refused.map(\.path) == ["item[1].item", "entity", "tranDate"])
            // Two orders, three lines: the second run replaced the lines instead of adding them again.
            let lines = try await Self.first(client, """
                SELECT COUNT(*) AS n FROM transactionline tl JOIN transaction t ON tl.transaction = t.id
                WHERE t.externalid IN ('WEB-1', 'WEB-2') AND tl.mainline = 'F'
                """)
            #expect(lines == "3")
            let memo = try await Self.first(client, "SELECT memo FROM transaction WHERE externalid = 'WEB-2'")
            #expect(memo == "Web order WEB-2")
        }
    }
}
