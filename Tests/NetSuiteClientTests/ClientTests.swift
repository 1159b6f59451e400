import Foundation
import Logging
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SuiteBridgeTestSupport
import Testing

@Suite("NetSuiteClient against the simulator")
struct ClientTests {
    struct Customer: Decodable, Sendable {
        var id: String
        var companyName: String
        var email: String?
    }

    @Test("records: get, list, all, create, update, upsert, delete — with TBA and with client credentials")
    func records() async throws {
        try await LiveSimulator.run(records: 30) { sim in
            let tba = try await sim.tbaClient()
            let (m2m, _) = try await sim.clientCredentialsClient()
            for client in [tba, m2m] {
                let customer = try await client.records.get("customer", id: "100", as: Customer.self)
                #expect(customer.id == "100" && !customer.companyName.isEmpty)
                let page = try await client.records.list("customer", limit: 10, offset: 10)
                #expect(page.items.count == 10 && page.offset == 10 && page.hasMore && page.totalResults == 30)
                var all: [String] = []
                for try await reference in client.records.all("customer", pageSize: 7) { all.append(reference.id) }
                #expect(all.count == 30 && Set(all).count == 30)
                let filtered = try await client.records.list("customer", q: "companyName START_WITH \"Acme\"")
                #expect(!filtered.items.isEmpty && filtered.items.count < 30)
            }
            let id = try await tba.records.create("customer", ["companyName": "Client Co", "externalId": "CLIENT-1"])
            try await tba.records.update("customer", id: id, ["email": "x@client.example"])
            let updated = try await tba.records.get("customer", id: id, as: Customer.self)
            #expect(updated.email == "x@client.example")
            let first = try await m2m.records.upsert("customer", externalID: "UPSERT-1", ["companyName": "Upserted"])
            let second = try await m2m.records.upsert("customer", externalID: "UPSERT-1", ["companyName": "Upserted again"])
            #expect(first == second)
            #expect(try await m2m.records.get("customer", id: "eid:UPSERT-1", as: Customer.self).companyName == "Upserted again")
            try await tba.records.delete("customer", id: id)
            let error = try await #require(throws: NetSuiteError.self) { try await tba.records.getJSON("customer", id: id) }
            #expect(error.errorCode == "NONEXISTENT_ID" && error.status == 404)
            #expect(error.remedy.contains("eid:"))
        }
    }

    @Test("errors name the field or permission to fix")
    func errorRemedies() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let client = try await sim.tbaClient()
            let bad = try await #require(throws: NetSuiteError.self) {
                _ = try await client.records.create("salesOrder", json: Data(#"{"entity":{"id":"100"},"item":{"items":[{"item":{"id":"99999"},"quantity":1}]}}"#.utf8))
            }
            #expect(bad.errorCode == "INVALID_CONTENT")
            #expect(bad.errorPath == "item.items[0].item")
            #expect(bad.remedy.contains("item.items[0].item"))

            var limited = Permission.integrationRole
            limited[Permission.customers] = nil
            let role = try await sim.netsuite.addRole(sim.realm, name: "No customers", permissions: limited)
            let token = try await sim.netsuite.issueToken(sim.realm, integrationID: 3, entityID: 2, roleID: role)
            let c = sim.credentials.tba!
            let signer = try TokenBasedAuth(account: sim.account, credentials: .init(
                consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, tokenID: token.tokenID, tokenSecret: token.tokenSecret))
            let limitedClient = await NetSuiteClient(configuration: .init(
                account: sim.account, authentication: .tokenBased(signer), baseURL: sim.baseURL, limiters: ConcurrencyLimiterRegistry()))
            let permission = try await #require(throws: NetSuiteError.self) { try await limitedClient.records.getJSON("customer", id: "100") }
            #expect(permission.errorCode == "INSUFFICIENT_PERMISSION")
            #expect(permission.remedy.contains("Lists > Customers"))

            let wrongSecret = try await sim.tbaClient(tokenSecret: "not-the-secret")
            let login = try await #require(throws: NetSuiteError.self) { try await wrongSecret.records.getJSON("customer", id: "100") }
            #expect(login.code == .authentication && login.errorCode == "INVALID_LOGIN")
            #expect(login.remedy.contains("1234567_SB1") && login.remedy.contains("clock"))
            #expect(login.retries == 0, "a refused login is not retried")

            let query = try await #require(throws: NetSuiteError.self) {
                for try await _ in client.suiteQL("SELECT nothing FROM customer") {}
            }
            #expect(query.errorCode == "INVALID_PARAMETER" && query.errorQueryParam == "q")
            #expect(query.detail?.contains("Unknown identifier 'nothing'") == true)
        }
    }

    @Test("SuiteQL pages fetched in parallel arrive in order, complete, none repeated")
    func suiteQLParallel() async throws {
        try await LiveSimulator.run(records: 400, latencyMs: 5) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 5)
            var ids: [Int] = []
            var pages = 0
            for try await page in client.suiteQL("SELECT id, companyname FROM customer ORDER BY id", pageSize: 37) {
                pages += 1
                ids += page.rows.compactMap { $0["id"].flatMap(Int.init) }
                #expect(page.columns == ["id", "companyname"])
            }
            #expect(ids.count == 400)
            #expect(ids == ids.sorted() && Set(ids).count == 400)
            #expect(pages == 11)
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.maxInFlight <= 5)
            #expect(stats.maxInFlight > 1, "pages were fetched in parallel")
            var emptyPages = 0
            for try await page in client.suiteQL("SELECT id FROM customer WHERE id < 0") {
                emptyPages += 1
                #expect(page.rows.isEmpty)
            }
            #expect(emptyPages == 1, "an empty result is one empty page; speculative pages past the end are dropped")
            var exact: [Int] = []
            for try await row in client.suiteQL("SELECT id FROM customer ORDER BY id", pageSize: 100).rows { exact.append(Int(row["id"]!)!) }
            #expect(exact.count == 400 && Set(exact).count == 400, "a total that is a multiple of the page size")
            var rows = 0
            for try await row in client.suiteQL("SELECT id FROM contact").rows { rows += row["id"] == nil ? 0 : 1 }
            #expect(rows == (try await sim.netsuite.recordCounts(sim.realm))["contact"])
        }
    }

    @Test("a consumer that stops early stops the fetching")
    func earlyStop() async throws {
        try await LiveSimulator.run(records: 400, latencyMs: 50) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 3)
            for try await page in client.suiteQL("SELECT id FROM customer ORDER BY id", pageSize: 5) {
                #expect(page.rows.count == 5)
                break
            }
            try await Task.sleep(for: .milliseconds(400))
            let requests = try await sim.netsuite.stats(sim.realm).requests["suiteql"]?.values.reduce(0, +) ?? 0
            #expect(requests < 30, "80 pages exist; only a bounded window was fetched (\(requests))")
        }
    }

    @Test("past 100,000 rows the pager continues by key; without a key it says why it cannot")
    func keyset() async throws {
        try await LiveSimulator.run(records: 17_000) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 5)
            var keys: [Int] = []
            keys.reserveCapacity(120_000)
            for try await page in client.suiteQL("SELECT uniquekey FROM transactionline ORDER BY uniquekey", keyColumn: "uniquekey") {
                keys += page.rows.compactMap { $0["uniquekey"].flatMap(Int.init) }
            }
            #expect(keys.count > 100_000)
            #expect(keys == Array(Set(keys)).sorted(), "every row once, in order")
            let total = try await client.suiteQL("SELECT COUNT(*) AS n FROM transactionline").rows.first { _ in true }?["n"].flatMap(Int.init)
            #expect(keys.count == total)
            let error = try await #require(throws: NetSuiteError.self) {
                for try await _ in client.suiteQL("SELECT uniquekey FROM transactionline ORDER BY uniquekey") {}
            }
            #expect(error.code == .queryCannotContinue)
            #expect(error.message.contains("100,000"))
        }
    }

    @Test("16 in parallel against a limit of 5: nothing fails, NetSuite never sees more than 5")
    func limiter() async throws {
        try await LiveSimulator.run(records: 100, concurrencyLimit: 5, latencyMs: 20) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 5)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask { _ = try await client.records.getJSON("customer", id: "eid:CUST-\(index % 50 + 1)") }
                }
                try await group.waitForAll()
            }
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.maxInFlight <= 5)
            #expect(stats.throttled == 0)
            #expect(await client.limiter.maxInFlight <= 5)
        }
    }

    @Test("a cancelled caller returns at once, but its slot is held until NetSuite answers, so the next request is not refused")
    func cancelledRequestKeepsSlot() async throws {
        try await LiveSimulator.run(records: 20, concurrencyLimit: 1, latencyMs: 3_000) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 1)
            let first = Task { try await client.records.getJSON("customer", id: "eid:CUST-1") }
            try await Task.sleep(for: .milliseconds(100))
            first.cancel()
            let error = await #expect(throws: NetSuiteError.self) { try await first.value }
            // Told by order, not by a clock: NetSuite had not answered the first request when its caller returned.
            let answered = try await sim.netsuite.stats(sim.realm).requests["record"]?["200"] ?? 0
            #expect(answered == 0, "the caller waited for NetSuite's answer")
            #expect(error?.message.contains("cancelled") == true)
            // NetSuite is still working on the first request; the second must wait for it, not be refused.
            _ = try await client.records.getJSON("customer", id: "eid:CUST-2")
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.throttled == 0)
            #expect(stats.maxInFlight == 1)
            #expect(stats.requests["record"]?["200"] == 2, "both requests were answered")
        }
    }

    @Test("a client configured above the account's limit recovers from 429s by narrowing its window")
    func throttledRecovery() async throws {
        try await LiveSimulator.run(records: 100, concurrencyLimit: 2, latencyMs: 20) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 8)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 { group.addTask { _ = try await client.records.getJSON("customer", id: "eid:CUST-\(index + 1)") } }
                try await group.waitForAll()
            }
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.throttled > 0, "the simulator throttled")
            #expect(stats.requests["record"]?["200"] == 40, "every request succeeded in the end")
            #expect(await client.limiter.throttleEvents > 0)
            #expect(await client.limiter.window < 8)
        }
    }

    @Test("under injected 5xx and dropped connections, reads complete and are correct")
    func retries() async throws {
        try await LiveSimulator.run(records: 300) { sim in
            let client = try await sim.tbaClient(concurrencyLimit: 4)
            var expected: [Int] = []
            for try await row in client.suiteQL("SELECT id FROM customer ORDER BY id", pageSize: 20).rows { expected.append(Int(row["id"]!)!) }
            try await sim.netsuite.setFaults(sim.realm, FaultSettings(errorRate: 0.25, dropRate: 0.15, seed: 9))
            var got: [Int] = []
            for try await row in client.suiteQL("SELECT id FROM customer ORDER BY id", pageSize: 20).rows { got.append(Int(row["id"]!)!) }
            #expect(got == expected)
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect((stats.requests["suiteql"]?["500"] ?? 0) > 0)
            #expect((stats.requests["suiteql"]?["0"] ?? 0) > 0, "some connections were dropped")
        }
    }

    @Test("a PATCH is not retried after a drop or 5xx, and the error says to use upsert")
    func updateNotRetried() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let client = try await sim.tbaClient()
            try await sim.netsuite.setFaults(sim.realm, FaultSettings(dropRate: 1))
            let dropped = try await #require(throws: NetSuiteError.self) {
                try await client.records.update("customer", id: "100", ["companyName": "Once"])
            }
            #expect(dropped.code == .createNotRetried)
            #expect(dropped.remedy.contains("upsert"))
            try await sim.netsuite.setFaults(sim.realm, FaultSettings(errorRate: 1))
            let failed = try await #require(throws: NetSuiteError.self) {
                try await client.records.update("customer", id: "100", ["companyName": "Once"])
            }
            #expect(failed.code == .createNotRetried && failed.status == 500)
            let stats = try await sim.netsuite.stats(sim.realm)
            #expect(stats.requests["record"]?["0"] == 1 && stats.requests["record"]?["500"] == 1, "one attempt each")
            try await sim.netsuite.setFaults(sim.realm, FaultSettings(errorRate: 1))
            let upsert = try await #require(throws: NetSuiteError.self) {
                _ = try await client.records.upsert("customer", externalID: "X-1", ["companyName": "Retried"])
            }
            #expect(upsert.code == .serverUnavailable && upsert.retries == 5, "an upsert is retried")
        }
    }

    @Test("a 401 on a cached access token refreshes it once and succeeds")
    func tokenRefresh() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let (client, _) = try await sim.clientCredentialsClient()
            _ = try await client.records.getJSON("customer", id: "100")
            try await sim.netsuite.revokeAccessTokens(sim.realm)
            _ = try await client.records.getJSON("customer", id: "100")
            #expect(try await sim.netsuite.stats(sim.realm).tokenExchanges == 2)
            try await sim.netsuite.revokeMapping(sim.realm, certificateID: sim.credentials.clientCredentials!.certificateId)
            try await sim.netsuite.revokeAccessTokens(sim.realm)
            let error = try await #require(throws: NetSuiteError.self) { try await client.records.getJSON("customer", id: "100") }
            #expect(error.code == .authentication)
            #expect(error.remedy.contains("revoked"))
        }
    }

    @Test("1,000 concurrent requests from a cold client-credentials client: one token exchange")
    func singleExchange() async throws {
        try await LiveSimulator.run(records: 5, concurrencyLimit: 50) { sim in
            let (client, _) = try await sim.clientCredentialsClient(concurrencyLimit: 50)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<1000 { group.addTask { _ = try await client.records.getJSON("subsidiary", id: "1") } }
                try await group.waitForAll()
            }
            #expect(try await sim.netsuite.stats(sim.realm).tokenExchanges == 1)
        }
    }

    @Test("RESTlets with both auth methods")
    func restlets() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let tba = try await sim.tbaClient()
            let (m2m, _) = try await sim.clientCredentialsClient()
            for client in [tba, m2m] {
                let echo = try await client.restlet(script: "1", deploy: "1", method: "POST", parameters: [("note", "a b&c")], json: Data(#"{"x":1}"#.utf8))
                let object = try #require(try JSONSerialization.jsonObject(with: echo) as? [String: Any])
                #expect((object["parameters"] as? [String: String])?["note"] == "a b&c")
                #expect((object["body"] as? [String: Int])?["x"] == 1)
                let lookup = try await client.restlet(script: "2", deploy: "1", parameters: [("type", "customer"), ("id", "100")])
                #expect(String(decoding: lookup, as: UTF8.self).contains("companyName"))
            }
            let error = try await #require(throws: NetSuiteError.self) { _ = try await tba.restlet(script: "404", deploy: "1") }
            #expect(error.errorCode == "SSS_INVALID_SCRIPTLET_ID")
        }
    }

    @Test("logs carry method, path, status, duration and retries, and never a secret, key or token")
    func logsHaveNoSecrets() async throws {
        try await LiveSimulator.run(records: 5) { sim in
            let logs = CapturedLogs()
            let tba = try await sim.tbaClient(logger: logs.logger)
            let (m2m, provider) = try await sim.clientCredentialsClient(logger: logs.logger)
            _ = try await tba.records.getJSON("customer", id: "100")
            _ = try await m2m.records.getJSON("customer", id: "100")
            _ = try? await tba.records.getJSON("customer", id: "1")
            let text = logs.text
            #expect(text.contains("status: 200") || text.contains("\"status\": 200") || text.contains("status\": \"200"))
            #expect(text.contains("duration-ms") && text.contains("retries") && text.contains("/record/v1/customer/100"))
            let c = sim.credentials.tba!
            let token = try await provider.accessToken().value
            for secret in [c.consumerSecret, c.tokenSecret, token, "PRIVATE KEY", "oauth_signature", "Bearer "] {
                #expect(!text.contains(secret), "a secret leaked into the logs")
            }
        }
    }
}
