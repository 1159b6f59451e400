import Foundation
import Testing
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

@Suite("Error inbox")
struct ErrorInboxTests {
    static func write(_ rows: [String], to path: String) throws {
        try (["ref,name,rank"] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("refused rows wait in the inbox: one error per external id across runs; edited and retried; resolved by a later run; bulk retry; ignored", arguments: TestDatabases.kinds)
    func lifecycle(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let folder = try live.newFolder()
            let source = folder + "/people.csv"
            // E-2 and E-4 have no name (NetSuite refuses them), E-3's rank is not a whole number (the mapping refuses
            // it), E-5 is twice in the file (its second line is refused, its first is sent).
            try Self.write(["E-1,One,1", "E-2,,2", "E-3,Three,abc", "E-4,,4", "E-5,Five,5", "E-5,Five again,5"], to: source)
            try await live.core.flows.create(name: "people", definition: FlowDefinition(kind: .import, instance: live.oauth2Name, import: .init(
                source: source, recordType: "customer", externalIdColumn: "ref",
                mapping: ["companyName": .init(from: "name"), "comments": .init(from: "rank", steps: [.integer]), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
            let inbox = live.core.inbox
            func run() async throws -> Run {
                try await live.core.flows.enqueue("people")
                return try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
            }
            func open() async throws -> [String: InboxError] {
                Dictionary(uniqueKeysWithValues: try await inbox.list(flow: "people", state: .open).map { ($0.externalId ?? "", $0) })
            }

            let first = try await run()
            #expect(first.rowsWritten == 2 && first.rowsFailed == 4, "\(first.log)")
            var errors = try await open()
            #expect(Set(errors.keys) == ["E-2", "E-3", "E-4", "E-5"])
            let missingName = try #require(errors["E-2"])
            #expect(missingName.field == "companyName" && missingName.code != "mapping" && missingName.line == 3 && missingName.attempts == 1)
            #expect(missingName.sourceRow == ["ref": "E-2", "name": "", "rank": "2"] && missingName.body?.contains(#""externalId":"E-2""#) == true)
            #expect(errors["E-3"]?.code == "mapping" && errors["E-3"]?.field == "comments" && errors["E-3"]?.message.contains("\"abc\" is not a whole number") == true)
            #expect(errors["E-3"]?.body == nil && errors["E-3"]?.remedy?.isEmpty == false)
            #expect(errors["E-5"]?.code == "duplicate" && errors["E-5"]?.line == 7)  // not resolved by its own run's first line

            // The same file again: the same errors, seen twice, none added.
            _ = try await run()
            errors = try await open()
            #expect(errors.count == 4 && errors.values.allSatisfy { $0.attempts == 2 })
            #expect(try await inbox.list(flow: "people").count == 4)

            // E-3 edited and retried: resolved, and in NetSuite.
            let edited = try await inbox.edit(id: try #require(errors["E-3"]).id, values: ["rank": "3"])
            #expect(edited.sourceRow["rank"] == "3" && edited.sourceRow["name"] == "Three")
            let retried = try await inbox.retry(id: edited.id)
            #expect(retried.state == .resolved && retried.attempts == 3 && retried.closedBy == "retry by test")
            await #expect(throws: SuiteBridgeError.self) { _ = try await inbox.retry(id: edited.id) }  // no longer open

            // The file fixed for E-2 and E-5: the next run resolves them by itself; E-4 stays open.
            try Self.write(["E-1,One,1", "E-2,Two,2", "E-3,Three,3", "E-4,,4", "E-5,Five,5"], to: source)
            let third = try await run()
            #expect(third.rowsWritten == 4 && third.rowsFailed == 1)
            errors = try await open()
            #expect(Set(errors.keys) == ["E-4"] && errors["E-4"]?.attempts == 3)
            let resolvedByRun = try await inbox.list(flow: "people", state: .resolved).filter { $0.externalId == "E-2" }
            #expect(resolvedByRun.first?.closedBy == "run \(third.id)")

            // Bulk retry: E-4 still has no name.
            let bulk = try await inbox.retry(flow: "people")
            #expect(bulk == .init(retried: 1, resolved: 0, stillOpen: 1))
            #expect(try await open()["E-4"]?.attempts == 4)
            let ignored = try await inbox.ignore(id: try #require(try await open()["E-4"]).id)
            #expect(ignored.state == .ignored && ignored.closedBy == "test")
            #expect(try await open().isEmpty)
            #expect(try await inbox.openCounts().isEmpty)
            let actions = try await live.core.audit.entries().map(\.action)
            #expect(actions.contains(.inboxEdit) && actions.contains(.inboxRetry) && actions.contains(.inboxIgnore))
        }
    }
}
