import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import Testing

@Suite("Async jobs, batches, idempotency and the system endpoints")
struct AsyncTests {
    static func items(_ range: Range<Int>, bad: Set<Int> = []) -> [BatchUpsertItem] {
        range.map { n in
            let body = bad.contains(n) ? #"{"externalId":"B-\#(n)","companyName":"Bad \#(n)","isInactive":"maybe"}"# : #"{"externalId":"B-\#(n)","companyName":"Batch \#(n)"}"#
            return BatchUpsertItem(externalID: "B-\(n)", json: Data(body.utf8))
        }
    }

    @Test("a batch upsert creates and updates by external id, and names each refused record with NetSuite's error")
    func batchUpsert() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let client = try await sim.tbaClient()
            let before = try await sim.netsuite.recordCounts(sim.realm)["customer"] ?? 0
            var refused: [Int] = []
            // 250 rows in three batches, refused ones in two of them.
            for (batch, range) in [0..<100, 100..<200, 200..<250].enumerated() {
                let outcomes = try await client.records.batchUpsert(
                    "customer", items: Self.items(range, bad: [7, 150, 151]), idempotencyKey: IdempotencyKey.derived(from: ["test", String(batch)]))
                #expect(outcomes.count == range.count)
                for (offset, outcome) in outcomes.enumerated() {
                    if case .refused(let error) = outcome {
                        refused.append(range.lowerBound + offset)
                        #expect(error.errorCode == "INVALID_CONTENT" && error.errorPath == "isInactive", "\(error)")
                    }
                }
            }
            #expect(refused == [7, 150, 151])
            #expect(try await sim.netsuite.recordCounts(sim.realm)["customer"] == before + 247)
            // Sent again with changes: updated in place, not created again.
            let again = try await client.records.batchUpsert(
                "customer", items: [BatchUpsertItem(externalID: "B-1", json: Data(#"{"externalId":"B-1","companyName":"Renamed"}"#.utf8))],
                idempotencyKey: IdempotencyKey.random())
            guard case .succeeded = again[0] else { Issue.record("\(again)"); return }
            struct Customer: Decodable { var companyName: String }
            #expect(try await client.records.get("customer", id: "eid:B-1", as: Customer.self).companyName == "Renamed")
            #expect(try await sim.netsuite.recordCounts(sim.realm)["customer"] == before + 247)
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.asyncRecords == 251)
            #expect((stats.requests["async"]?["200"] ?? 0) > 0)
            #expect(stats.slotSeconds > 0)
        }
    }

    @Test("the same batch submitted twice with one key runs once: the second answer is the first job")
    func idempotentBatch() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let client = try await sim.tbaClient()
            let key = IdempotencyKey.derived(from: ["run-1", "line-2"])
            #expect(key == IdempotencyKey.derived(from: ["run-1", "line-2"]) && key != IdempotencyKey.derived(from: ["run-1", "line-3"]))
            #expect(UUID(uuidString: key) != nil && Array(key)[14] == "5", "an RFC 4122 version 5 UUID: \(key)")
            _ = try await client.records.batchUpsert("customer", items: Self.items(0..<10), idempotencyKey: key)
            let second = try await client.records.batchUpsert("customer", items: Self.items(0..<10), idempotencyKey: key)
            #expect(second.count == 10)
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.asyncRecords == 10, "the second submission ran nothing")
            #expect(stats.requests["record"]?["400"] == 1, "NetSuite answered IDEMPOTENCY_ERROR once")
        }
    }

    @Test("a create whose answer was lost is sent again and finds the first record, not a duplicate")
    func createAfterDroppedAnswer() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let client = try await sim.tbaClient()
            let before = try await sim.netsuite.recordCounts(sim.realm)["customer"] ?? 0
            try await sim.netsuite.dropAnswersAfterProcessing(sim.realm, count: 1)
            let id = try await client.records.create("customer", ["companyName": "Exactly once", "externalId": "ONCE-1"])
            #expect(try await sim.netsuite.recordCounts(sim.realm)["customer"] == before + 1)
            struct Customer: Decodable { var id: String; var companyName: String }
            #expect(try await client.records.get("customer", id: "eid:ONCE-1", as: Customer.self).id == id)
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.requests["record"]?["0"] == 1, "the first answer was dropped")
            #expect(stats.requests["record"]?["400"] == 1, "the retry was answered IDEMPOTENCY_ERROR with the first job")
            #expect(stats.asyncRecords == 1)
            // A create NetSuite refuses throws its error, field and remedy as a synchronous create did.
            let bad = try await #require(throws: NetSuiteError.self) {
                _ = try await client.records.create("salesOrder", json: Data(#"{"entity":{"id":"100"},"item":{"items":[{"item":{"id":"99999"},"quantity":1}]}}"#.utf8))
            }
            #expect(bad.errorCode == "INVALID_CONTENT" && bad.errorPath == "item.items[0].item")
        }
    }

    @Test("a record type without batch support is refused as a whole, and said so")
    func batchUnavailable() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            try await sim.netsuite.setAsyncSettings(sim.realm, AsyncSettings(batchUnavailableTypes: ["customer"]))
            let client = try await sim.tbaClient()
            let error = try await #require(throws: NetSuiteError.self) {
                _ = try await client.records.batchUpsert("customer", items: Self.items(0..<3), idempotencyKey: IdempotencyKey.random())
            }
            #expect(error.code == .batchUnavailable)
            #expect(try await sim.netsuite.stats(sim.realm).asyncRecords == 0)
        }
    }

    @Test("governanceLimits answers an administrator, with the integration's own limit when it has one, and refuses other roles")
    func governanceLimits() async throws {
        try await LiveSimulator.run(records: 5, concurrencyLimit: 10) { sim in
            let client = try await sim.tbaClient()
            let refused = try await #require(throws: NetSuiteError.self) { _ = try await client.system.governanceLimits() }
            #expect(refused.status == 403 && refused.errorCode == "INSUFFICIENT_PERMISSION")

            let admin = try await sim.netsuite.addRole(sim.realm, name: "Administrator", permissions: Permission.integrationRole, administrator: true)
            let token = try await sim.netsuite.issueToken(sim.realm, integrationID: 3, entityID: 2, roleID: admin)
            let adminClient = try await sim.tbaClient(tokenID: token.tokenID, tokenSecret: token.tokenSecret)
            var limits = try await adminClient.system.governanceLimits()
            #expect(limits == GovernanceLimits(accountConcurrencyLimit: 10, accountUnallocatedConcurrencyLimit: 10, integrationConcurrencyLimit: nil, integrationLimitType: "accountLimit"))
            #expect(limits.effectiveLimit == 10)
            try await sim.netsuite.setIntegrationConcurrencyLimit(sim.realm, integrationID: 3, limit: 4)
            limits = try await adminClient.system.governanceLimits()
            #expect(limits.integrationLimitType == "integrationSpecific" && limits.integrationConcurrencyLimit == 4 && limits.accountUnallocatedConcurrencyLimit == 6)
            #expect(limits.effectiveLimit == 4)
            await #expect(throws: SimulatorError.self) { try await sim.netsuite.setIntegrationConcurrencyLimit(sim.realm, integrationID: 3, limit: 10) }
        }
    }

    @Test("serverTime is NetSuite's clock, whatever this machine's says")
    func serverTime() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            try await sim.netsuite.setClockOffset(120)
            let client = try await sim.tbaClient()
            let time = try await client.system.serverTime()
            #expect(abs(time.timeIntervalSinceNow - 120) < 30)
            try await sim.netsuite.setClockOffset(0)
        }
    }
}
