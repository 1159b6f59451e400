import Foundation
import NetSuiteAuth

/// Everything one simulated account holds: setup, credentials, data, governance and counters.
struct AccountState: Sendable {
    var accountID: AccountID
    var features = Features()
    var concurrencyLimit: Int
    var roles: [Int: Role] = [:]
    var entities: [Int: Entity] = [:]
    var integrations: [Int: Integration] = [:]
    var tokens: [String: TBAToken] = [:]
    var mappings: [String: M2MMapping] = [:]
    var bearerTokens: [String: IssuedBearerToken] = [:]
    var audit: [LoginAuditEntry] = []
    /// Nonces seen, with the time after which they may be forgotten.
    var seenNonces: [String: Date] = [:]
    var faults = FaultSettings()
    var faultGenerator = SeededGenerator(seed: 1)
    var stats = AccountStats()
    var records = RecordStore()
    /// SuiteQL's date format preference: `M/D/YYYY` (default), `D/M/YYYY` or `YYYY-MM-DD`.
    var datePreference = "M/D/YYYY"
    /// Jobs of asynchronous requests and batches, and the processors that run them.
    var async = AsyncQueue()
    /// Requests in flight by integration, for integration-specific concurrency limits.
    var inFlightByIntegration: [Int: Int] = [:]
    /// Answers still to drop after the request was processed (a connection lost on the way back).
    var answersToDropAfterProcessing = 0
    private var nextSetupID = 1

    init(accountID: AccountID, concurrencyLimit: Int) {
        self.accountID = accountID
        self.concurrencyLimit = concurrencyLimit
    }

    mutating func makeID() -> Int {
        defer { nextSetupID += 1 }
        return nextSetupID
    }

    mutating func log(
        method: String, entityID: Int? = nil, roleID: Int? = nil, client: String?, success: Bool, detail: String, at date: Date
    ) {
        audit.append(LoginAuditEntry(
            date: date, method: method, user: entityID.flatMap { entities[$0]?.name }, role: roleID.flatMap { roles[$0]?.name },
            client: client, status: success ? "Success" : "Failure", detail: detail))
        if audit.count > 10_000 { audit.removeFirst(audit.count - 10_000) }
    }

    func integration(consumerKey: String) -> Integration? {
        integrations.values.first { $0.consumerKey == consumerKey }
    }
}

/// Who a request acts as, once authenticated.
struct Principal: Sendable {
    var realm: String
    var integrationID: Int
    var entityID: Int
    var roleID: Int
    var role: Role
    /// Scopes of a bearer token; `nil` for TBA (which may call everything).
    var scopes: Set<String>?
    var method: String
}
