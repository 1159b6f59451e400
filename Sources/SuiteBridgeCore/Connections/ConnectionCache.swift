import NetSuiteAuth
import NetSuiteClient

/// What this process made for its instances and shares among every user of them: one client per instance (so all
/// share its token and concurrency budget, and a certificate switch reaches all of them), and the prepared
/// assertion of each certificate (so a private key is opened and parsed once, not at every token exchange).
actor ConnectionCache {
    private var clients: [String: (client: NetSuiteClient, version: String)] = [:]
    private var assertions: [AssertionKey: ClientAssertion] = [:]
    /// Each client's counters when ``requestsSinceLastTake()`` last read them.
    private var taken: [ObjectIdentifier: RequestStatistics.Snapshot] = [:]

    /// What makes an assertion: a certificate row under one NetSuite id, for one client of one account.
    struct AssertionKey: Hashable, Sendable {
        var certificateRowID: String
        var certificateID: String
        var clientID: String
        var account: String
    }

    /// The client for `name` made from the stored instance at `version` (its row as last changed); a client made
    /// from an older version is replaced, so a change another server made is used here too.
    func client(_ name: String, version: String, make: () async throws -> NetSuiteClient) async rethrows -> NetSuiteClient {
        if let cached = clients[name], cached.version == version { return cached.client }
        let client = try await make()
        clients[name] = (client, version)
        return client
    }

    /// The client made for `name`, if any.
    func existingClient(_ name: String) -> NetSuiteClient? {
        clients[name]?.client
    }

    /// What each client did since the last call: requests sent, 429s, the most in flight at once; with its account.
    func requestsSinceLastTake() -> [(account: String, limit: Int, sent: Int, throttled: Int, peakInFlight: Int)] {
        var result: [(account: String, limit: Int, sent: Int, throttled: Int, peakInFlight: Int)] = []
        for (client, _) in clients.values {
            let now = client.statistics.snapshot
            let key = ObjectIdentifier(client.statistics)
            let before = taken[key] ?? RequestStatistics.Snapshot()
            taken[key] = now
            result.append((client.configuration.account.realm, client.configuration.concurrencyLimit, now.sent - before.sent, now.throttled - before.throttled,
                           client.statistics.takePeakInFlight()))
        }
        return result
    }

    func forget(_ name: String) {
        clients[name] = nil
    }

    func assertion(_ key: AssertionKey, make: () async throws -> ClientAssertion) async rethrows -> ClientAssertion {
        if let assertion = assertions[key] { return assertion }
        let assertion = try await make()
        assertions[key] = assertion
        return assertion
    }
}
