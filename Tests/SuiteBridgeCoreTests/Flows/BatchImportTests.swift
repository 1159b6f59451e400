import Foundation
import NetSuiteSimulator
import Testing
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

@Suite("Batch imports")
struct BatchImportTests {
    static func write(rows: Int, blankNames: Set<Int>, to path: String) throws {
        let lines = (1...rows).map { n in "B-\(n),\(blankNames.contains(n) ? "" : "Name \(n)")" }
        try (["ref,name"] + lines).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func flow(_ name: String, _ live: LiveSetup, source: String, perRecord: Bool? = nil) async throws {
        try await live.core.flows.create(name: name, definition: FlowDefinition(kind: .import, instance: live.oauth2Name, import: .init(
            source: source, recordType: "customer", externalIdColumn: "ref",
            mapping: ["companyName": .init(from: "name"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])], perRecord: perRecord)))
    }

    static func run(_ name: String, _ live: LiveSetup) async throws -> Run {
        try await live.core.flows.enqueue(name)
        return try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
    }

    static func recordRequests(_ live: LiveSetup) async throws -> Int {
        try await live.netsuite.stats(live.realm).requests["record"]?.values.reduce(0, +) ?? 0
    }

    @Test("an import goes in batches of 100: refused records in several batches reach the inbox with their lines; --per-record sends one request a row", arguments: TestDatabases.kinds)
    func batches(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let source = try live.newFolder() + "/customers.csv"
            // 450 rows: five batches; rows 5, 150 and 420 have no name, which NetSuite refuses (in three batches).
            try Self.write(rows: 450, blankNames: [5, 150, 420], to: source)
            try await Self.flow("batched", live, source: source)
            try await live.netsuite.resetStats(live.realm)
            let run = try await Self.run("batched", live)
            #expect(run.state == .succeeded && run.rowsRead == 450 && run.rowsWritten == 447 && run.rowsFailed == 3, "\(run.log)")
            let stats = try await live.netsuite.stats(live.realm)
            #expect(stats.asyncRecords == 450, "every row went through a batch job")
            #expect(try await Self.recordRequests(live) == 5, "five batch requests, not 450")
            let errors = try await live.core.inbox.list(flow: "batched", state: .open)
            #expect(Set(errors.compactMap(\.line)) == [6, 151, 421], "lines (the header is line 1)")
            #expect(errors.allSatisfy { $0.field == "companyName" && $0.body?.contains("\"externalId\"") == true })
            let counts = try await live.netsuite.recordCounts(live.realm)

            // The same rows per record: one request each, the same outcome, no new records (upserts by external id).
            try await Self.flow("one-by-one", live, source: source, perRecord: true)
            try await live.netsuite.resetStats(live.realm)
            let perRecord = try await Self.run("one-by-one", live)
            #expect(perRecord.rowsWritten == 447 && perRecord.rowsFailed == 3)
            #expect(try await Self.recordRequests(live) == 450)
            #expect(try await live.netsuite.stats(live.realm).asyncRecords == 0)
            #expect(try await live.netsuite.recordCounts(live.realm) == counts)
        }
    }

    @Test("a record type NetSuite refuses batches for is sent per record, and remembered for the instance", arguments: TestDatabases.kinds)
    func batchUnavailable(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.setAsyncSettings(live.realm, AsyncSettings(batchUnavailableTypes: ["customer"]))
            let source = try live.newFolder() + "/customers.csv"
            try Self.write(rows: 150, blankNames: [], to: source)
            try await Self.flow("customers", live, source: source)
            try await live.netsuite.resetStats(live.realm)
            let first = try await Self.run("customers", live)
            #expect(first.rowsWritten == 150 && first.rowsFailed == 0, "\(first.log)")
            var stats = try await live.netsuite.stats(live.realm)
            // Both batches of the chunk were in flight at once, so both were refused; then every row per record.
            #expect(stats.asyncRecords == 0 && stats.requests["record"]?["400"] == 2 && stats.requests["record"]?["204"] == 150)
            let instance = try await live.core.instances.instance(named: live.oauth2Name)
            #expect(try await live.core.instanceFacts.value(instance.id, "batch-unavailable:customer")?.contains("not supported") == true)
            try await live.netsuite.resetStats(live.realm)
            let second = try await Self.run("customers", live)
            #expect(second.rowsWritten == 150)
            stats = try await live.netsuite.stats(live.realm)
            #expect(stats.requests["record"]?["400"] == nil, "no batch tried again")
            #expect(stats.requests["record"]?["204"] == 150)
        }
    }
}
