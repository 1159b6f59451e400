import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Concurrency budget shared through the store")
struct DatabaseConcurrencyBudgetTests {
    @Test("two servers, each with its own limiter of 4, share an account limit of 4 through the store: 64 requests, none refused, never more than 4 at NetSuite, every slot free afterwards",
          arguments: TestDatabases.kinds)
    func twoServersShareTheLimit(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 40) { live in
            try await live.netsuite.setConcurrencyLimit(live.realm, 4)
            try await live.netsuite.setFaults(live.realm, FaultSettings(latencyMs: 30))
            let tba = try #require(live.credentials.tba)
            let account = try AccountID(parsing: live.realm)
            let auth = try TokenBasedAuth(account: account, credentials: .init(
                consumerKey: tba.consumerKey, consumerSecret: tba.consumerSecret, tokenID: tba.tokenId, tokenSecret: tba.tokenSecret))
            let budgetAccount = "\(live.realm)@\(live.baseURL)"
            // Two servers: separate limiters (as in separate processes), one store, a holder name each.
            var clients: [NetSuiteClient] = []
            for holder in ["server-a", "server-b"] {
                var configuration = NetSuiteClientConfiguration(
                    account: account, authentication: .tokenBased(auth), baseURL: live.baseURL, concurrencyLimit: 4,
                    retry: .none, limiters: ConcurrencyLimiterRegistry())
                configuration.sharedBudget = DatabaseConcurrencyBudget(store: live.store, account: budgetAccount, limit: 4, holder: holder)
                clients.append(await NetSuiteClient(configuration: configuration, transport: HTTPClientTransport(), logger: quietLogger))
            }
            try await live.netsuite.resetStats(live.realm)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    let client = clients[index % 2]
                    group.addTask { _ = try await client.records.getJSON("customer", id: "eid:CUST-\(index % 40 + 1)") }
                }
                try await group.waitForAll()
            }
            let stats = try await live.netsuite.stats(live.realm)
            #expect(stats.requests["record"]?["200"] == 64, "every request answered, with retries off")
            #expect(stats.throttled == 0)
            #expect(stats.maxInFlight <= 4)
            #expect(stats.maxInFlight >= 2, "the two servers did overlap")
            let held = try await live.store.read { database in
                try await database.raw("SELECT COUNT(*) AS n FROM concurrency_slots WHERE account = \(bind: budgetAccount) AND holder IS NOT NULL")
                    .fetchFirst()?.decode(column: "n", as: Int.self)
            }
            #expect(held == 0, "every slot was given back")
        }
    }
}
