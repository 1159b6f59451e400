import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

/// A mirror destination for one test: a new SQLite file under the files root, or a new schema in the test
/// PostgreSQL database.
struct MirrorTarget: Sendable {
    let url: String
    let schema: String?

    static func make(_ kind: Store.Kind, live: LiveSetup) -> MirrorTarget {
        switch kind {
        case .sqlite:
            return MirrorTarget(url: "sqlite:" + live.folder.file("mirror-\(UUID().uuidString.prefix(8)).sqlite"), schema: nil)
        case .postgres:
            let url = ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"] ?? ""
            return MirrorTarget(url: url, schema: "m_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())
        }
    }

    /// Opens the destination as the runner does, for reading what it wrote; closed after `body`, also when it throws.
    func with<T: Sendable>(files: FileBoundary, _ body: (MirrorDestination) async throws -> T) async throws -> T {
        let split = try MirrorDatabaseURL.splittingPassword(url)
        let destination = try await MirrorDestination.open(.init(tables: ["customer"], database: split.url, schema: schema), password: split.password, files: files)
        do {
            let result = try await body(destination)
            await destination.close()
            return result
        } catch {
            await destination.close()
            throw error
        }
    }
}

@Suite("Mirror into a database")
struct MirrorTests {
    static func grantDeletedRecords(_ live: LiveSetup) async throws {
        let role = try #require(live.credentials.clientCredentials?.roleId.flatMap(Int.init))
        try await live.netsuite.setRolePermission(live.realm, roleID: role, permission: Permission.deletedRecords, level: .view)
    }

    static func count(_ client: NetSuiteClient, _ table: String) async throws -> Int {
        var total = -1
        for try await page in client.suiteQL("SELECT COUNT(*) AS n FROM \(table)") { total = Int(page.rows.first?["n"] ?? "") ?? -1 }
        return total
    }

    static func rows(_ destination: MirrorDestination, _ sql: String) async throws -> [[String: String]] {
        try await destination.database.read { database in
            try await database.raw("\(unsafeRaw: sql)").fetchAll().map { row in
                var values: [String: String] = [:]
                for column in row.allColumns {
                    if let number = try? row.decode(column: column, as: Int64?.self) { values[column] = String(number) }
                    else if let flag = try? row.decode(column: column, as: Bool?.self) { values[column] = String(flag) }
                    else if let date = try? row.decode(column: column, as: Date?.self) { values[column] = date.ISO8601Format() }
                    else if let text = try? row.decode(column: column, as: String?.self) { values[column] = text }
                    else if let number = try? row.decode(column: column, as: Decimal?.self) { values[column] = "\(number)" }
                }
                return values
            }
        }
    }

    @Test("first load, then only changes: typed columns, nulls, a custom field added, rows changed, lines removed, records deleted",
          arguments: TestDatabases.kinds)
    func loadThenChanges(kind: Store.Kind) async throws {
        try await LiveSetup.run(records: 30) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await Self.grantDeletedRecords(live)
            let target = MirrorTarget.make(kind, live: live)
            let flows = live.core.flows
            let created = try await flows.create(name: "warehouse", definition: FlowDefinition(
                kind: .mirror, instance: live.oauth2Name,
                mirror: .init(tables: ["customer", "transaction", "transactionline"], database: target.url, schema: target.schema)))
            #expect(!(created.definition.mirror?.database.contains(":postgres@") ?? true), "the password is sealed, not kept in the definition")
            let worker = FlowWorker(context: live.core)
            let client = try await live.core.connections.client(for: live.oauth2Name)
            // A customer without transactions, to delete between runs (NetSuite refuses to delete one with them).
            let gone = try await client.records.upsert("customer", externalID: "GONE-1", json: Data(#"{"companyName":"Gone Ltd","subsidiary":{"id":"1"}}"#.utf8))

            try await flows.enqueue("warehouse")
            let first = try await worker.runUntilIdle()
            #expect(first.map(\.state) == [.succeeded], "\(first.map(\.error))")
            try await target.with(files: live.core.files) { destination in
            let q = destination.qualified
            let customers = try await Self.count(client, "customer")
            let lines = try await Self.count(client, "transactionline")
            #expect(try await destination.count("customer") == customers)
            #expect(try await destination.count("transaction") == (try await Self.count(client, "transaction")))
            #expect(try await destination.count("transactionline") == lines)
            #expect(first.first?.rowsRead == first.first?.rowsWritten)

            // Types: ids integer, booleans from T/F, dates as dates, date-times as instants; nulls stay null.
            let source = try #require(try await client.suiteQL("SELECT id, isperson, email, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified, comments FROM customer ORDER BY id").rows.first { _ in true })
            let id = try #require(source["id"])
            let mirrored = try #require(try await Self.rows(destination, "SELECT id, isperson, email, lastmodifieddate, comments, _synced_at FROM \(q("customer")) WHERE id = \(id)").first)
            #expect(mirrored["id"] == id)
            #expect(mirrored["isperson"] == (kind == .postgres ? "false" : "0"))
            #expect(mirrored["email"] == source["email"])
            #expect(mirrored["comments"] == nil, "a NULL column is NULL, not text")
            #expect(mirrored["lastmodifieddate"]?.hasPrefix(String((source["modified"] ?? "").prefix(19))) == true, "\(mirrored) vs \(source)")
            #expect(mirrored["_synced_at"] != nil)
            if kind == .postgres {
                let types = try await Self.rows(destination, """
                    SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '\(target.schema ?? "")' AND table_name = 'customer'
                    """).reduce(into: [String: String]()) { $0[$1["column_name"] ?? ""] = $1["data_type"] }
                #expect(types["id"] == "bigint" && types["isperson"] == "boolean" && types["lastmodifieddate"] == "timestamp with time zone"
                        && types["datecreated"] == "timestamp with time zone" && types["email"] == "text", "\(types)")
                let transactionTypes = try await Self.rows(destination, """
                    SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '\(target.schema ?? "")' AND table_name = 'transaction'
                    """).reduce(into: [String: String]()) { $0[$1["column_name"] ?? ""] = $1["data_type"] }
                #expect(transactionTypes["trandate"] == "date" && transactionTypes["foreigntotal"] == "text" && transactionTypes["exchangerate"] == "numeric", "\(transactionTypes)")
            }

            // Between runs: a custom field, two customers changed, one deleted, an order's lines replaced by one.
            try await live.netsuite.addCustomField(live.realm, CustomField(recordType: "customer", id: "custentity_region", type: .text, label: "Region"))
            let ids = try await client.records.list("customer", limit: 2).items.map(\.id)
            try await client.records.update("customer", id: ids[0], json: Data(#"{"companyName":"Changed A","custentity_region":"EMEA"}"#.utf8))
            try await client.records.update("customer", id: ids[1], json: Data(#"{"companyName":"Changed B","comments":"tab\there\nnew line \\ back\\N é"}"#.utf8))
            try await client.records.delete("customer", id: gone)
            let order = try #require(try await client.records.list("salesOrder", limit: 1).items.first?.id)
            let item = try #require(try await client.suiteQL("SELECT id FROM item ORDER BY id").rows.first { _ in true }?["id"])
            try await client.records.update("salesOrder", id: order, json: Data(#"{"item":{"items":[{"item":{"id":"\#(item)"},"quantity":1,"rate":5}]}}"#.utf8),
                                            replaceSublists: ["item"])
            let linesNow = try await Self.count(client, "transactionline")

            try await flows.enqueue("warehouse")
            let second = try await worker.runUntilIdle()
            #expect(second.map(\.state) == [.succeeded], "\(second.map(\.error))")
            #expect((second.first?.rowsRead ?? .max) < 20, "only changes are read: \(second.first?.rowsRead ?? -1) rows; log \(second.first?.log ?? "")")
            #expect(try await destination.count("customer") == customers - 1)
            #expect(try await destination.count("transactionline") == linesNow)
            let changed = try await Self.rows(destination, "SELECT id, companyname, custentity_region FROM \(q("customer")) WHERE id IN (\(ids[0]), \(ids[1]), \(gone)) ORDER BY id")
            #expect(changed.map { $0["companyname"] } == ["Changed A", "Changed B"])
            #expect(changed.first?["custentity_region"] == "EMEA")
            let comments = try await Self.rows(destination, "SELECT comments FROM \(q("customer")) WHERE id = \(ids[1])").first?["comments"]
            #expect(comments == "tab\there\nnew line \\ back\\N é", "text with tabs, newlines and backslashes arrives as it was")
            let orderLines = try await Self.rows(destination, "SELECT id FROM \(q("transactionline")) WHERE \"transaction\" = \(order) AND mainline = \(kind == .postgres ? "'T'" : "'T'")")
            #expect(orderLines.count == 1, "the main line stays")
            #expect(try await Self.rows(destination, "SELECT id FROM \(q("transactionline")) WHERE \"transaction\" = \(order)").count == 2, "main line + the one line left")
            let states = try await destination.states()
            #expect(states.map(\.table) == ["customer", "transaction", "transactionline"])
            #expect(states.allSatisfy { $0.phase == .current && $0.watermark != nil && $0.lastError == nil })
            #expect(states.first?.rows == customers - 1)

            // A custom field NetSuite removed: the column and its values are kept, and reported.
            try await live.netsuite.removeCustomField(live.realm, id: "custentity_region")
            try await client.records.update("customer", id: ids[0], json: Data(#"{"companyName":"Changed A again"}"#.utf8))
            try await flows.enqueue("warehouse")
            let third = try await worker.runUntilIdle()
            #expect(third.map(\.state) == [.succeeded], "\(third.map(\.error))")
            #expect(third.first?.log.contains("no longer in NetSuite, kept: custentity_region") == true, "\(third.first?.log ?? "")")
            let kept = try await Self.rows(destination, "SELECT companyname, custentity_region FROM \(q("customer")) WHERE id = \(ids[0])").first
            #expect(kept?["companyname"] == "Changed A again" && kept?["custentity_region"] == "EMEA", "\(kept ?? [:])")
            #expect(try await destination.state(of: "customer")?.removedColumns == ["custentity_region"])

            // The state lost (a table loaded before): the next run loads again over the rows that are there.
            try await destination.database.read { try await $0.raw("DELETE FROM \(unsafeRaw: q(MirrorDestination.stateTable))").run() }
            try await flows.enqueue("warehouse")
            let again = try await worker.runUntilIdle()
            #expect(again.map(\.state) == [.succeeded], "\(again.map(\.error))")
            #expect(again.first?.log.contains("first load") == true)
            #expect(try await destination.count("customer") == customers - 1)
            #expect(try await destination.count("transactionline") == linesNow)
            }
        }
    }
}

@Suite("Mirror: permissions, deletions kept, date formats, the row cap, a run cut off mid-load")
struct MirrorEdgeTests {
    @Test("a table the role cannot read fails alone, naming the permission; without Deleted Records the watermark stays until it is granted; kept deletions get _deleted_at; D/M/YYYY dates land as dates",
          arguments: TestDatabases.kinds)
    func permissionsAndDeletions(kind: Store.Kind) async throws {
        try await LiveSetup.run(records: 12) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let role = try #require(live.credentials.clientCredentials?.roleId.flatMap(Int.init))
            try await live.netsuite.setRolePermission(live.realm, roleID: role, permission: Permission.contacts, level: .none)
            try await live.netsuite.setDatePreference(live.realm, "D/M/YYYY")
            let client = try await live.core.connections.client(for: live.oauth2Name)

            let discovery = try await live.core.mirrors.tables(instance: live.oauth2Name)
            let contact = try #require(discovery.tables.first { $0.table == "contact" })
            #expect(!contact.readable && contact.missingPermission == "Contacts" && contact.rows == nil)
            let customer = try #require(discovery.tables.first { $0.table == "customer" })
            let customerCount = try await MirrorTests.count(client, "customer")
            #expect(customer.readable && customer.rows == customerCount && customer.incremental)
            #expect(!discovery.deletions && discovery.deletionsMissingPermission == "Deleted Records")

            let target = MirrorTarget.make(kind, live: live)
            let flows = live.core.flows
            try await flows.create(name: "books", definition: FlowDefinition(
                kind: .mirror, instance: live.oauth2Name,
                mirror: .init(tables: ["customer", "contact", "transaction"], database: target.url, schema: target.schema, keepDeleted: true)))
            let worker = FlowWorker(context: live.core)
            let gone = try await client.records.upsert("customer", externalID: "GONE-2", json: Data(#"{"companyName":"Gone","subsidiary":{"id":"1"}}"#.utf8))

            try await flows.enqueue("books")
            let first = try #require(try await worker.runUntilIdle().first)
            #expect(first.state == .failed)
            #expect(first.error?.contains("contact") == true && first.error?.contains("Contacts permission") == true, "\(first.error ?? "")")
            let states = try await live.core.mirrors.status(flow: "books")
            #expect(states.map(\.table) == ["customer", "contact", "transaction"])
            #expect(states[0].phase == .current && states[2].phase == .current && states[1].lastError?.contains("Contacts") == true)

            // Dates in D/M/YYYY come through TO_CHAR: the mirrored day is the record's.
            let order = try #require(try await client.records.list("salesOrder", limit: 1).items.first?.id)
            let record = try JSONSerialization.jsonObject(with: try await client.records.getJSON("salesOrder", id: order)) as? [String: Any]
            try await target.with(files: live.core.files) { destination in
                let row = try #require(try await MirrorTests.rows(destination, "SELECT trandate FROM \(destination.qualified("transaction")) WHERE id = \(order)").first)
                #expect(row["trandate"]?.hasPrefix(record?["tranDate"] as? String ?? "?") == true, "\(row) vs \(record?["tranDate"] ?? "")")
            }

            // A deletion without the Deleted Records permission: the run says so and the watermark stays.
            try await live.netsuite.setRolePermission(live.realm, roleID: role, permission: Permission.contacts, level: .view)
            let watermark = try await live.core.mirrors.status(flow: "books")[0].watermark
            try await client.records.delete("customer", id: gone)
            try await flows.enqueue("books")
            let second = try #require(try await worker.runUntilIdle().first)
            #expect(second.state == .failed && second.error?.contains("Deleted Records") == true, "\(second.error ?? "")")
            #expect(try await live.core.mirrors.status(flow: "books")[0].watermark == watermark)

            try await MirrorTests.grantDeletedRecords(live)
            try await flows.enqueue("books")
            let third = try #require(try await worker.runUntilIdle().first)
            #expect(third.state == .succeeded, "\(third.error ?? "")")
            try await target.with(files: live.core.files) { destination in
                let kept = try await MirrorTests.rows(destination, "SELECT id, _deleted_at FROM \(destination.qualified("customer")) WHERE id = \(gone)")
                #expect(kept.count == 1 && kept.first?["_deleted_at"] != nil, "kept with _deleted_at: \(kept)")
                let live = try await MirrorTests.rows(destination, "SELECT COUNT(*) AS n FROM \(destination.qualified("customer")) WHERE _deleted_at IS NULL")
                let customers = try await MirrorTests.count(client, "customer")
                let contacts = try await MirrorTests.count(client, "contact")
                #expect(live.first?["n"] == String(customers))
                #expect(try await destination.count("contact") == contacts)
            }
            #expect(try await live.core.mirrors.status(flow: "books").allSatisfy { $0.phase == .current && $0.lastError == nil })
        }
    }

    @Test("past the 100,000-row cap, and a run cut off mid-load then taken over: every line exactly once; what changed meanwhile arrives with the next run")
    func capAndResume() async throws {
        try await LiveSetup.run(records: 17_000) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await MirrorTests.grantDeletedRecords(live)
            let client = try await live.core.connections.client(for: live.oauth2Name)
            let total = try await MirrorTests.count(client, "transactionline")
            #expect(total > 100_000)
            let target = MirrorTarget.make(.sqlite, live: live)
            try await live.core.flows.create(name: "lines", definition: FlowDefinition(
                kind: .mirror, instance: live.oauth2Name, mirror: .init(tables: ["transactionline"], database: target.url)))
            try await live.core.flows.enqueue("lines")
            // The first worker stops (as if killed) once some batches are in.
            let first = Task { try await FlowWorker(context: live.core, leaseDuration: 60).runUntilIdle() }
            var resumeKey: String?
            for _ in 0..<600 where resumeKey == nil {
                try await Task.sleep(for: .milliseconds(50))
                resumeKey = try? await live.core.mirrors.status(flow: "lines").first?.resumeKey
            }
            first.cancel()
            _ = try? await first.value
            #expect(resumeKey != nil)
            // While the load is cut off: an order already loaded changes its lines, another is deleted.
            let orders = try await client.records.list("salesOrder", limit: 2).items.map(\.id)
            let item = try #require(try await client.suiteQL("SELECT id FROM item ORDER BY id").rows.first { _ in true }?["id"])
            try await client.records.update("salesOrder", id: orders[0], json: Data(#"{"item":{"items":[{"item":{"id":"\#(item)"},"quantity":3,"rate":7}]}}"#.utf8),
                                            replaceSublists: ["item"])
            try await client.records.delete("salesOrder", id: orders[1])
            let linesNow = try await MirrorTests.count(client, "transactionline")
            try await live.expireRunLeases()
            let runs = try await FlowWorker(context: live.core, leaseDuration: 60).runUntilIdle()
            #expect(runs.last?.state == .succeeded, "\(runs.map(\.error))")
            #expect((runs.last?.rowsRead ?? .max) < linesNow, "the second worker went on after the last key written")
            // The next run reads what changed since the load began, the cut-off included.
            try await live.core.flows.enqueue("lines")
            let next = try await FlowWorker(context: live.core, leaseDuration: 60).runUntilIdle()
            #expect(next.last?.state == .succeeded, "\(next.map(\.error))")
            try await target.with(files: live.core.files) { destination in
                #expect(try await destination.count("transactionline") == linesNow)
                let distinct = try await MirrorTests.rows(destination, "SELECT COUNT(DISTINCT uniquekey) AS n FROM transactionline")
                #expect(distinct.first?["n"] == String(linesNow))
                let changed = try await MirrorTests.rows(destination, "SELECT quantity FROM transactionline WHERE \"transaction\" = \(orders[0]) AND mainline = 'F'")
                #expect(changed.map { $0["quantity"] } == ["-3"], "\(changed)")
                #expect(try await MirrorTests.rows(destination, "SELECT id FROM transactionline WHERE \"transaction\" = \(orders[1])").isEmpty)
            }
        }
    }
}
