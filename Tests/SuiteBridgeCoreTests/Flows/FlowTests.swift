import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import NIOConcurrencyHelpers
import Testing

@Suite("Run state machine and schedules")
struct RunStateTests {
    @Test("every allowed run transition, and nothing else")
    func transitions() {
        let allowed: [RunState: [RunState.Event: RunState]] = [
            .queued: [.start: .running, .cancel: .cancelled],
            .running: [.start: .running, .succeed: .succeeded, .fail: .failed, .cancel: .cancelled],
        ]
        for state in RunState.allCases {
            for event in RunState.Event.allCases {
                #expect(state.applying(event) == allowed[state]?[event], "\(state) \(event)")
            }
        }
        #expect(RunState.allCases.filter(\.isFinal) == [.succeeded, .failed, .cancelled])
    }

    @Test("bounds: overlap 0 to 86,400 s and batches of 1 to 10,000 rows, each refused naming its field")
    func bounds() throws {
        func export(overlap: Int? = nil, batch: Int? = nil) -> FlowDefinition {
            FlowDefinition(kind: .export, instance: "i", export: .init(
                query: "SELECT id FROM customer WHERE lastmodifieddate >= {{since}}", watermarkColumn: "modified", overlapSeconds: overlap,
                destination: .http("https://example.com/in", batchSize: batch ?? 500)))
        }
        try export(overlap: 0, batch: 1).validate()
        try export(overlap: 86_400, batch: 10_000).validate()
        for (definition, field) in [(export(overlap: -1), "export.overlapSeconds"), (export(overlap: 86_401), "export.overlapSeconds"),
                                    (export(batch: 0), "export.destination.batchSize"), (export(batch: 10_001), "export.destination.batchSize")] {
            #expect { try definition.validate() } throws: { ($0 as? SuiteBridgeError)?.field == field }
        }
    }

    @Test("a JSON Lines line over 1 MiB is refused as its own row, without being held whole, and the rows after it are read")
    func longLine() throws {
        let folder = try TestFolder()
        let path = folder.file("rows.jsonl")
        let long = "{\"ref\": \"" + String(repeating: "x", count: 2 << 20) + "\"}"
        try ("{\"ref\": \"a\"}\n" + long + "\n{\"ref\": \"b\"}\n").write(toFile: path, atomically: true, encoding: .utf8)
        var source = try ImportSource(path: path)
        var rows: [String] = []
        while let row = try source.next() {
            switch row {
            case .values(let values, _): rows.append(values["ref"] ?? "?")
            case .refused(let line, _, let message): rows.append(line == 2 && message.contains("Line 2") && message.contains("1 MiB") ? "refused" : message)
            case .blank: rows.append("blank")
            }
        }
        #expect(rows == ["a", "refused", "b"])
        #expect(source.count == 3)
    }

    @Test("a transition that cannot happen is a conflict naming the run; the SQL's state sets come from the machine")
    func refusedTransitions() throws {
        #expect(try RunState.running.after(.succeed, run: "0123456789") == .succeeded)
        do {
            _ = try RunState.succeeded.after(.cancel, run: "0123456789")
            Issue.record("a finished run was cancelled")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .conflict && error.message.contains("01234567") && error.field == "run")
        }
        #expect(RunState.states(allowing: .cancel) == [.queued, .running])
        #expect(RunState.states(allowing: .succeed) == [.running])
    }

    @Test("intervals and cron expressions give the next run; bad ones name the field")
    func schedules() throws {
        let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T...Z
        #expect(try FlowSchedule(parsing: "every 15m").next(after: start) == start.addingTimeInterval(900))
        let cron = try FlowSchedule(parsing: "*/15 * * * *").next(after: start)
        let minute = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: cron).minute ?? -1
        #expect(minute % 15 == 0 && cron > start && cron.timeIntervalSince(start) <= 900)
        let daily = try FlowSchedule(parsing: "30 2 * * 1-5").next(after: start)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: daily)
        #expect(parts.hour == 2 && parts.minute == 30 && (2...6).contains(parts.weekday ?? 0))
        for bad in ["every", "every 5x", "* * *", "61 * * * *", "69/36 * * * *", "0 25/2 * * *", "every -1m", "every 30s", "every 0.001s", "every 400d", "every nanm", "every infm"] {
            #expect(throws: SuiteBridgeError.self) { try FlowSchedule(parsing: bad) }
        }
    }
}

@Suite("Flows against the simulator")
struct FlowTests {

    static func exportedLines(_ folder: String) throws -> [[String: String]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }.sorted()
        return try files.flatMap { file in
            try String(contentsOfFile: folder + "/" + file, encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] ?? [:]
            }
        }
    }

    @Test("an export writes every row exactly once, renamed into place when complete", arguments: TestDatabases.kinds)
    func export(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 60) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            let flows = live.core.flows
            try await flows.create(name: "customers", definition: FlowDefinition(
                kind: .export, instance: live.oauth2Name,
                export: .init(query: "SELECT id, companyname FROM customer ORDER BY id", destination: .folder(folder))))
            try await flows.enqueue("customers")
            let runs = try await FlowWorker(context: live.core).runUntilIdle()
            #expect(runs.map(\.state) == [.succeeded], "\(runs.map(\.error))")
            let rows = try Self.exportedLines(folder)
            let client = try await live.core.connections.client(for: live.oauth2Name)
            var expected = 0
            for try await page in client.suiteQL("SELECT COUNT(*) AS n FROM customer") { expected = Int(page.rows.first?["n"] ?? "") ?? -1 }
            #expect(rows.count == expected && expected == 60)
            #expect(Set(rows.compactMap { $0["id"] }).count == expected)
            #expect(runs.first?.rowsWritten == expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.hasSuffix(".partial") })
        }
    }

    @Test("incremental exports across runs while records change: each change exported once, nothing else again")
    func incremental() async throws {
        try await LiveSetup.run(records: 40) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            let flows = live.core.flows
            try await flows.create(name: "changes", definition: FlowDefinition(
                kind: .export, instance: live.tbaName,
                export: .init(
                    query: "SELECT id, companyname, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM customer WHERE lastmodifieddate >= {{since}} ORDER BY id",
                    watermarkColumn: "modified", destination: .folder(folder))))
            let worker = FlowWorker(context: live.core)
            try await flows.enqueue("changes")
            let first = try await worker.runUntilIdle()
            #expect(first.map(\.state) == [.succeeded], "\(first.map(\.error))")
            let firstCount = try Self.exportedLines(folder).count
            #expect(firstCount == 40)
            #expect(try await flows.flow(named: "changes").watermark != nil)

            // Two customers change; the next run exports exactly them.
            let client = try await live.core.connections.client(for: live.tbaName)
            let ids = try await client.records.list("customer", limit: 2).items.map(\.id)
            for id in ids { try await client.records.update("customer", id: id, json: Data(#"{"companyName":"Changed \#(id)"}"#.utf8)) }
            try await flows.enqueue("changes")
            let second = try await worker.runUntilIdle()
            #expect(second.map(\.state) == [.succeeded], "\(second.map(\.error))")
            let all = try Self.exportedLines(folder)
            let newRows = Array(all.dropFirst(firstCount))
            #expect(Set(newRows.compactMap { $0["id"] }) == Set(ids))
            #expect(newRows.allSatisfy { $0["companyname"]?.hasPrefix("Changed") == true })

            // Nothing changed: nothing exported.
            try await flows.enqueue("changes")
            let third = try await worker.runUntilIdle()
            #expect(third.first?.rowsWritten == 0)
        }
    }

    @Test("an export to an HTTP endpoint: batches keyed by their content, so a receiver that drops repeated keys gets every row once, even when the run is repeated")
    func httpExport() async throws {
        try await LiveSetup.run(records: 30) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let receiver = DeduplicatingReceiver()
            let endpoint = Application(router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
            try await endpoint.test(.live) { client in
                let flows = live.core.flows
                try await flows.create(name: "push", definition: FlowDefinition(
                    kind: .export, instance: live.oauth2Name,
                    export: .init(query: "SELECT id FROM customer ORDER BY id", destination: .http("http://127.0.0.1:\(client.port!)/ingest", batchSize: 7))))
                for _ in 0..<2 {
                    try await flows.enqueue("push")
                    let runs = try await FlowWorker(context: live.core).runUntilIdle()
                    #expect(runs.map(\.state) == [.succeeded], "\(runs.map(\.error))")
                }
            }
            let state = receiver.state
            #expect(state.rows == 30 && state.keys.count == 5)
            #expect(state.repeats == 5)  // the second run's batches: the same rows, the same keys
        }
    }

    @Test("a worker dies in the middle of an HTTP export; the run taken over sends its batches again with the same keys, so every row arrives once", arguments: TestDatabases.kinds)
    func httpExportTakeover(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 30) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            // The third batch is stored, but its worker dies before the reply reaches it: it stops right there.
            let receiver = DeduplicatingReceiver { request in request == 3 ? .badRequest : .ok }
            let endpoint = Application(router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
            try await endpoint.test(.live) { client in
                try await live.core.flows.create(name: "push", definition: FlowDefinition(
                    kind: .export, instance: live.oauth2Name,
                    export: .init(query: "SELECT id FROM customer ORDER BY id", destination: .http("http://127.0.0.1:\(client.port!)/ingest", batchSize: 7))))
                try await live.core.flows.enqueue("push")
                let dead = FlowWorker(context: live.core, owner: "dead", leaseDuration: 60)
                let claimed = try #require(try await dead.claim())
                let connection = try await live.core.connections.client(forInstanceID: claimed.flow.instanceID)
                // The dead worker runs the export without its heartbeat or its finish: as a process killed mid-run would.
                await #expect(throws: SuiteBridgeError.self) { try await ExportRunner(context: RunContext(worker: dead, claimed: claimed), client: connection).run() }
                #expect(receiver.state.requests == 3)
                try await live.expireRunLeases()
                let taken = try #require(try await FlowWorker(context: live.core, owner: "alive", leaseDuration: 30).runNext())
                #expect(taken.id == claimed.runID && taken.state == .succeeded && taken.attempts == 2, "\(taken.error ?? "")")
            }
            let state = receiver.state
            #expect(state.rows == 30 && state.keys.count == 5)
            #expect(state.repeats == 3)  // batches 1 to 3, sent again by the worker that took over, with the same keys
        }
    }

    @Test("batch keys: the same rows give the same key, any other rows or flow another")
    func batchKeys() throws {
        let rows = [["id": "1"], ["id": "2"]]
        let key = try HTTPSink.idempotencyKey(flow: "f", rows: rows)
        #expect(key.hasPrefix("sb-") && key.count == 35)
        #expect(try HTTPSink.idempotencyKey(flow: "f", rows: rows) == key)
        #expect(try HTTPSink.idempotencyKey(flow: "f", rows: [["id": "1"], ["id": "3"]]) != key)
        #expect(try HTTPSink.idempotencyKey(flow: "g", rows: rows) != key)
        #expect(try HTTPSink.idempotencyKey(flow: "f", rows: [["id": "2"], ["id": "1"]]) != key)
    }

    @Test("one running run per flow: a second queued run waits while the first holds its lease", arguments: TestDatabases.kinds)
    func oneRunningRun(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 5) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let flows = live.core.flows
            try await flows.create(name: "job", definition: FlowDefinition(
                kind: .export, instance: live.tbaName, export: .init(query: "SELECT id FROM customer", destination: .folder(try live.newFolder()))))
            try await flows.enqueue("job")
            try await flows.enqueue("job")
            let first = FlowWorker(context: live.core, leaseDuration: 60)
            let claimed = try #require(try await first.claim())
            #expect(try await FlowWorker(context: live.core, leaseDuration: 60).claim() == nil)  // the flow's other run waits
            try await first.execute(claimed)
            let second = try #require(try await FlowWorker(context: live.core, leaseDuration: 60).claim())
            #expect(second.runID != claimed.runID)
        }
    }

    @Test("an import upserts every row once, sends refused rows to the error file, and a second run duplicates nothing", arguments: TestDatabases.kinds)
    func importRows(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 5) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            var csv = "ref,name,phone\n"
            for n in 1...30 { csv += "IMP-\(n),\(n == 7 ? "" : "Imported \(n)"),555-\(n)\n" }
            try csv.write(toFile: folder + "/customers.csv", atomically: true, encoding: .utf8)
            let flows = live.core.flows
            try await flows.create(name: "load", definition: FlowDefinition(
                kind: .import, instance: live.oauth2Name,
                import: .init(source: folder + "/customers.csv", recordType: "customer", externalIdColumn: "ref",
                              mapping: ["companyName": .init(from: "name"), "phone": .init(from: "phone"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            let worker = FlowWorker(context: live.core)
            try await flows.enqueue("load")
            let first = try #require(try await worker.runUntilIdle().first)
            #expect(first.state == .succeeded, "\(first.error ?? "")")
            #expect(first.rowsRead == 30 && first.rowsWritten == 29 && first.rowsFailed == 1)
            let errors = try String(contentsOfFile: folder + "/customers.csv.errors.jsonl", encoding: .utf8)
            let refused = try JSONSerialization.jsonObject(with: Data(errors.split(separator: "\n")[0].utf8)) as? [String: Any]
            #expect(refused?["line"] as? Int == 8 && refused?["externalId"] as? String == "IMP-7")  // line 1 is the header
            #expect((refused?["message"] as? String)?.isEmpty == false && refused?["path"] as? String == "companyName")

            try await flows.enqueue("load")
            #expect(try await worker.runUntilIdle().first?.state == .succeeded)
            let client = try await live.core.connections.client(for: live.oauth2Name)
            var count = 0
            for try await page in client.suiteQL("SELECT COUNT(*) AS n FROM customer WHERE externalid LIKE 'IMP-%'") { count = Int(page.rows.first?["n"] ?? "") ?? -1 }
            #expect(count == 29)
        }
    }

    @Test("a CSV import with everyday broken rows: each refused or skipped alone with its line, the counts add up, NetSuite holds exactly the good rows unaltered", arguments: TestDatabases.kinds)
    func importBrokenRows(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            // Excel's CSV UTF-8: a byte order mark and CRLF. Line 11 holds a byte that is not UTF-8 (Latin-1 é).
            var bytes = Array("\u{FEFF}ref,name,phone\r\n".utf8)
            for n in 1...14 {
                switch n {
                case 4: bytes += Array("\r\n".utf8)                                        // line 5: blank
                case 6: bytes += Array("BR-6,Six,555-6,extra\r\n".utf8)                    // line 7: a value too many
                case 8: bytes += Array("BR-2,Again,555-8\r\n".utf8)                        // line 9: BR-2 again
                case 10: bytes += Array("BR-10,Caf".utf8) + [0xE9] + Array(",555-10\r\n".utf8)  // line 11: not UTF-8
                case 12: bytes += Array("BR-12,\"Quoted\"tail,555-12\r\n".utf8)           // line 13: text after a quote
                default: bytes += Array("BR-\(n),\"Broken, Row \(n)\",555-\(n)\r\n".utf8)
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/broken.csv"))
            try await live.core.flows.create(name: "broken", definition: FlowDefinition(
                kind: .import, instance: live.tbaName,
                import: .init(source: folder + "/broken.csv", recordType: "customer", externalIdColumn: "ref",
                              mapping: ["companyName": .init(from: "name"), "phone": .init(from: "phone"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            try await live.core.flows.enqueue("broken")
            let run = try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
            #expect(run.state == .succeeded, "\(run.error ?? "")")
            #expect(run.rowsRead == 14 && run.rowsWritten == 9 && run.rowsFailed == 4 && run.rowsSkipped == 1)
            #expect(run.rowsRead == run.rowsWritten + run.rowsFailed + run.rowsSkipped)
            #expect(run.log.contains("9 upserted, 4 refused, 1 blank line skipped"))
            let refused = try await live.core.flows.refusedRows(run: run.id)
            #expect(refused.map(\.line) == [7, 9, 11, 13])
            #expect(refused.map(\.externalID) == [nil, "BR-2", "BR-10", nil])
            #expect(refused[1].message.contains("line 3"))
            let errorFile = try String(contentsOfFile: folder + "/broken.csv.errors.jsonl", encoding: .utf8).split(separator: "\n")
            #expect(errorFile.count == 4)
            let client = try await live.core.connections.client(for: live.tbaName)
            var names: [String: String] = [:]
            for try await page in client.suiteQL("SELECT externalid, companyname FROM customer WHERE externalid LIKE 'BR-%'") {
                for row in page.rows { names[row["externalid"] ?? ""] = row["companyname"] }
            }
            #expect(names.count == 9)
            #expect(names["BR-2"] == "Broken, Row 2" && names["BR-14"] == "Broken, Row 14")  // the first BR-2, unaltered
            #expect(names["BR-10"] == nil && names["BR-11"] == "Broken, Row 11")
        }
    }

    @Test("a CSV import whose quote never closes fails at that line: the rows before it are in NetSuite, none after it")
    func importUnclosedQuote() async throws {
        try await LiveSetup.run(records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            var csv = "ref,name\n"
            for n in 1...300 { csv += n == 250 ? "UQ-250,\"Open quote\n" : "UQ-\(n),Quote \(n)\n" }
            try csv.write(toFile: folder + "/open.csv", atomically: true, encoding: .utf8)
            try await live.core.flows.create(name: "open", definition: FlowDefinition(
                kind: .import, instance: live.tbaName,
                import: .init(source: folder + "/open.csv", recordType: "customer", externalIdColumn: "ref",
                              mapping: ["companyName": .init(from: "name"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            try await live.core.flows.enqueue("open")
            let run = try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
            #expect(run.state == .failed)
            #expect(run.error?.contains("Line 251") == true && run.error?.contains("never closed") == true, "\(run.error ?? "")")
            #expect(run.rowsRead == 249 && run.rowsWritten == 249)
            let client = try await live.core.connections.client(for: live.tbaName)
            var count = -1
            for try await page in client.suiteQL("SELECT COUNT(*) AS n FROM customer WHERE externalid LIKE 'UQ-%'") { count = Int(page.rows.first?["n"] ?? "") ?? -1 }
            #expect(count == 249)
        }
    }

    @Test("a JSON Lines import is read as it goes: a line that is not JSON goes to the error file with its number, the rest are upserted")
    func importJSONLines() async throws {
        try await LiveSetup.run(records: 5) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            // More rows than one chunk, a blank line, and a broken line in the middle.
            var lines: [String] = []
            for n in 1...450 {
                if n == 300 { lines.append("{\"ref\": \"JL-300\", broken") } else {
                    lines.append("{\"ref\": \"JL-\(n)\", \"name\": \"Lines \(n)\", \"rank\": \(n)}")
                }
                if n == 10 { lines.append("") }
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/customers.jsonl", atomically: true, encoding: .utf8)
            let flows = live.core.flows
            try await flows.create(name: "lines", definition: FlowDefinition(
                kind: .import, instance: live.tbaName,
                import: .init(source: folder + "/customers.jsonl", recordType: "customer", externalIdColumn: "ref",
                              mapping: ["companyName": .init(from: "name"), "comments": .init(from: "rank"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            try await flows.enqueue("lines")
            let run = try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
            #expect(run.state == .succeeded, "\(run.error ?? "")")
            #expect(run.rowsRead == 451 && run.rowsWritten == 449 && run.rowsFailed == 1 && run.rowsSkipped == 1)  // the blank line is skipped
            let errors = try String(contentsOfFile: folder + "/customers.jsonl.errors.jsonl", encoding: .utf8)
            let refused = try JSONSerialization.jsonObject(with: Data(errors.split(separator: "\n")[0].utf8)) as? [String: Any]
            #expect(refused?["line"] as? Int == 301)
            #expect((refused?["message"] as? String)?.contains("Line 301 of") == true, "the file's line number, blank line counted")
            let client = try await live.core.connections.client(for: live.tbaName)
            var count = 0
            for try await page in client.suiteQL("SELECT COUNT(*) AS n FROM customer WHERE externalid LIKE 'JL-%'") { count = Int(page.rows.first?["n"] ?? "") ?? -1 }
            #expect(count == 449)
            let record = try JSONSerialization.jsonObject(with: try await client.records.getJSON("customer", id: "eid:JL-450")) as? [String: Any]
            #expect(record?["comments"] as? String == "450", "a number in the file arrives as its text")
        }
    }

    @Test("a flow paused on revoked credentials resumes after a certificate rotation and a successful test")
    func revokedThenRotated() async throws {
        try await LiveSetup.run(records: 10) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let flows = live.core.flows
            try await flows.create(name: "orders", definition: FlowDefinition(
                kind: .export, instance: live.oauth2Name, export: .init(query: "SELECT id FROM customer ORDER BY id", destination: .folder(try live.newFolder()))))
            try await live.netsuite.revokeMapping(live.realm, certificateID: live.credentials.clientCredentials!.certificateId)
            try await live.netsuite.revokeAccessTokens(live.realm)
            try await flows.enqueue("orders")
            let worker = FlowWorker(context: live.core)
            let failed = try #require(try await worker.runUntilIdle().first)
            #expect(failed.state == .failed && failed.error?.contains("revoked") == true)
            #expect(try await flows.flow(named: "orders").state == .waitingForCredentials)

            let pending = try await live.core.certificates.beginRotation(live.oauth2Name)
            let mapping = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pending.certificatePEM)
            try await live.core.certificates.activate(live.oauth2Name, certificateID: mapping.certificateID)
            #expect(try await live.core.diagnostics.test(live.oauth2Name).passed)
            #expect(try await flows.flow(named: "orders").state == .active)
            #expect(try await worker.runUntilIdle().map(\.state) == [.succeeded])
        }
    }

    @Test("credentials break: the run fails with the diagnosis, the flow waits, and resumes once instance test succeeds")
    func waitingForCredentials() async throws {
        try await LiveSetup.run(records: 10) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            let flows = live.core.flows
            try await flows.create(name: "nightly", definition: FlowDefinition(
                kind: .export, instance: live.oauth2Name, export: .init(query: "SELECT id FROM customer ORDER BY id", destination: .folder(folder))))
            try await live.netsuite.sandboxRefresh(live.realm)
            try await flows.enqueue("nightly")
            let worker = FlowWorker(context: live.core)
            let failed = try #require(try await worker.runUntilIdle().first)
            #expect(failed.state == .failed)
            #expect(failed.error?.contains("sandbox refresh") == true)
            let waiting = try await flows.flow(named: "nightly")
            #expect(waiting.state == .waitingForCredentials)
            await #expect(throws: SuiteBridgeError.self) { try await flows.enqueue("nightly") }

            // The admin uploads the certificate again; the new id is set and the instance tested.
            let certificate = try #require(try await live.core.certificates.list(of: live.oauth2Name).first?.certificatePEM)
            let mapping = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: certificate)
            try await live.core.certificates.updateCertificateID(live.oauth2Name, certificateID: mapping.certificateID)
            #expect(try await live.core.diagnostics.test(live.oauth2Name).passed)
            #expect(try await flows.flow(named: "nightly").state == .active)
            let resumed = try await worker.runUntilIdle()
            #expect(resumed.map(\.state) == [.succeeded])
            #expect(resumed.first?.trigger == "credentials-restored")
        }
    }

    @Test("a run whose worker died is taken over when its lease expires", arguments: TestDatabases.kinds)
    func leaseTakeover(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 10) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            let flows = live.core.flows
            try await flows.create(name: "job", definition: FlowDefinition(
                kind: .export, instance: live.tbaName, export: .init(query: "SELECT id FROM customer ORDER BY id", destination: .folder(folder))))
            try await flows.enqueue("job")
            let dead = FlowWorker(context: live.core, owner: "dead", leaseDuration: 60)
            #expect(try await dead.claim() != nil)  // takes the run, then "dies"
            let other = FlowWorker(context: live.core, owner: "alive", leaseDuration: 30)
            #expect(try await other.claim() == nil)  // the lease still holds
            try await live.expireRunLeases()
            let finished = try #require(try await other.runNext())
            #expect(finished.state == .succeeded && finished.attempts == 2)
            #expect(try await dead.heartbeat(finished.id) == false)
        }
    }

    @Test("a worker stopped mid-import (a server's graceful shutdown) hands its run back at its checkpoint: another takes it over at once, every row once", arguments: TestDatabases.kinds)
    func handBackOnShutdown(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let source = try live.newFolder() + "/many.csv"
            try (["ref,name"] + (1...600).map { "HB-\($0),Customer \($0)" }).joined(separator: "\n").appending("\n").write(toFile: source, atomically: true, encoding: .utf8)
            try await live.core.flows.create(name: "many", definition: FlowDefinition(kind: .import, instance: live.tbaName, import: .init(
                source: source, recordType: "customer", externalIdColumn: "ref",
                mapping: ["companyName": .init(from: "name"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])], perRecord: true)))
            try await live.netsuite.setFaults(live.realm, FaultSettings(latencyMs: 20))
            let queued = try await live.core.flows.enqueue("many")
            let stopping = FlowWorker(context: live.core, owner: "stopping", leaseDuration: 600)
            let task = Task { try await stopping.run(pollInterval: .milliseconds(50)) }
            // Stopped once it has checkpointed some rows.
            for _ in 0..<400 {
                if try await live.core.flows.run(id: queued.id).rowsRead > 0 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            task.cancel()
            _ = try? await task.value
            let handedBack = try await live.core.flows.run(id: queued.id)
            #expect(handedBack.state == .running && handedBack.rowsRead > 0 && handedBack.rowsRead < 600, "\(handedBack)")
            // Its lease of 600 s was given back: another worker claims it now, not in ten minutes.
            let finished = try #require(try await FlowWorker(context: live.core, owner: "next", leaseDuration: 30).runNext())
            #expect(finished.id == queued.id && finished.state == .succeeded && finished.rowsWritten == 600 && finished.attempts == 2, "\(finished.log)")
            try await live.netsuite.setFaults(live.realm, FaultSettings())
            let client = try await live.core.connections.client(for: live.tbaName)
            let page = try await client.suiteQLPage("SELECT COUNT(*) AS n, COUNT(DISTINCT externalid) AS d FROM customer WHERE externalid LIKE 'HB-%'")
            #expect(page.rows.first?["n"] == "600" && page.rows.first?["d"] == "600")
        }
    }

    @Test("a queued run can be cancelled and is never executed; a finished one cannot")
    func cancel() async throws {
        try await LiveSetup.run(records: 5) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let flows = live.core.flows
            try await flows.create(name: "job", definition: FlowDefinition(
                kind: .export, instance: live.tbaName, export: .init(query: "SELECT id FROM customer", destination: .folder(try live.newFolder()))))
            let queued = try await flows.enqueue("job")
            #expect(try await flows.cancel(run: queued.id).state == .cancelled)
            #expect(try await FlowWorker(context: live.core).runUntilIdle().isEmpty)
            await #expect(throws: SuiteBridgeError.self) { try await flows.cancel(run: queued.id) }
        }
    }

    /// An export flow `name` scheduled every minute and due now, as if the minute had passed.
    static func dueEveryMinuteFlow(_ name: String, _ live: LiveSetup) async throws -> Flows {
        try await live.core.instances.importCredentials(live.credentialsFile)
        let flows = live.core.flows
        try await flows.create(name: name, definition: FlowDefinition(
            kind: .export, instance: live.tbaName, export: .init(query: "SELECT id FROM customer", destination: .folder(try live.newFolder())),
            schedule: "every 1m"))
        let past = StoreDate.string(Date().addingTimeInterval(-1))
        try await live.store.read { try await $0.raw("UPDATE flows SET next_run_at = \(bind: past) WHERE name = \(bind: name)").run() }
        return flows
    }

    @Test("a schedule queues one run when due, even with two workers")
    func schedule() async throws {
        try await LiveSetup.run(records: 5) { live in
            let flows = try await Self.dueEveryMinuteFlow("often", live)
            async let a = flows.enqueueScheduledRuns()
            async let b = live.core.flows.enqueueScheduledRuns()
            #expect(try await a + b == 1)
            #expect(try await flows.runs(flow: "often").map(\.trigger) == ["schedule"])
        }
    }

    @Test("a flow paused after its due schedule was read gets no scheduled run (found by the soak)", arguments: TestDatabases.kinds)
    func pauseBeatsSchedule(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 5) { live in
            let flows = try await Self.dueEveryMinuteFlow("often", live)
            // A server reads the flow as due; the user pauses it; then the server claims the run.
            let due = try await flows.dueFlows(at: Date())
            #expect(due.map(\.definition.instance) == [live.tbaName])
            try await flows.pause("often")
            for flow in due { #expect(try await !flows.claimScheduledRun(flow, at: Date())) }
            #expect(try await flows.runs(flow: "often").isEmpty, "paused: no scheduled run")
            // Resumed, it is due again and queues exactly one.
            try await flows.resume("often")
            #expect(try await flows.enqueueScheduledRuns() == 1)
        }
    }
}

/// An export endpoint that keeps each `Idempotency-Key` once, as a de-duplicating receiver does: rows of a repeated
/// key are counted as a repeat, not again. `answer` gives the status for the Nth request (from 1).
final class DeduplicatingReceiver: Sendable {
    struct State {
        var keys: Set<String> = []
        var rows = 0
        var repeats = 0
        var requests = 0
    }

    private let accepted = NIOLockedValueBox(State())
    private let answer: @Sendable (Int) -> HTTPResponse.Status

    init(answer: @escaping @Sendable (Int) -> HTTPResponse.Status = { _ in .ok }) {
        self.answer = answer
    }

    var state: State { accepted.withLockedValue { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/ingest") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 24)
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
            let rows = (object?["rows"] as? [Any])?.count ?? 0
            let number = self.accepted.withLockedValue { state in
                state.requests += 1
                if state.keys.insert(key).inserted { state.rows += rows } else { state.repeats += 1 }
                return state.requests
            }
            return self.answer(number)
        }
        return router
    }
}
