import Foundation

/// What governance decided for one request: go ahead (after a delay, maybe with an injected fault) or 429.
struct Admission: Sendable {
    enum Fault: Sendable {
        case serverError
        /// The connection drops before the request is processed.
        case dropConnection
        /// The request is processed, then the connection drops before the answer arrives.
        case dropAfterProcessing
    }
    var admitted: Bool
    var delay: Duration = .zero
    var fault: Fault?
    var admittedAt = ContinuousClock.now
}

extension SimulatedNetSuite {
    /// Takes a slot of the account's concurrency limit, or refuses at once when all are taken (NetSuite answers 429
    /// without queueing). An integration with its own limit is held to it; the others share what is not allocated.
    /// Draws the request's latency and fault from the account's seeded generator.
    func admit(_ realm: String, integrationID: Int, endpoint: String) -> Admission {
        guard var account = accounts[realm] else { return Admission(admitted: false) }
        defer { accounts[realm] = account }
        let ownLimit = account.integrations[integrationID]?.concurrencyLimit
        let inFlightOfIntegration = account.inFlightByIntegration[integrationID, default: 0]
        let allocated = account.integrations.values.compactMap(\.concurrencyLimit).reduce(0, +)
        let sharedInFlight = account.inFlightByIntegration.filter { account.integrations[$0.key]?.concurrencyLimit == nil }.values.reduce(0, +)
        let withinIntegration = ownLimit.map { inFlightOfIntegration < $0 } ?? (sharedInFlight < account.concurrencyLimit - allocated)
        guard account.stats.inFlight < account.concurrencyLimit, withinIntegration else {
            account.stats.throttled += 1
            account.stats.count(endpoint: endpoint, status: endpoint == "restlet" ? 400 : 429)
            return Admission(admitted: false)
        }
        account.stats.inFlight += 1
        account.inFlightByIntegration[integrationID, default: 0] += 1
        account.stats.maxInFlight = max(account.stats.maxInFlight, account.stats.inFlight)
        let faults = account.faults
        var admission = Admission(admitted: true)
        var milliseconds = faults.latencyMs
        if faults.jitterMs > 0 { milliseconds += Int.random(in: 0...faults.jitterMs, using: &account.faultGenerator) }
        admission.delay = .milliseconds(milliseconds)
        if account.answersToDropAfterProcessing > 0 {
            account.answersToDropAfterProcessing -= 1
            admission.fault = .dropAfterProcessing
        } else if faults.dropRate > 0, Double.random(in: 0..<1, using: &account.faultGenerator) < faults.dropRate {
            admission.fault = .dropConnection
        } else if faults.errorRate > 0, Double.random(in: 0..<1, using: &account.faultGenerator) < faults.errorRate {
            admission.fault = .serverError
        }
        return admission
    }

    /// Gives the slot back, adds the time it was held, and counts the answer.
    func finish(_ realm: String, integrationID: Int, admission: Admission, endpoint: String, status: Int) {
        accounts[realm]?.stats.inFlight -= 1
        accounts[realm]?.inFlightByIntegration[integrationID, default: 1] -= 1
        let held = ContinuousClock.now - admission.admittedAt
        accounts[realm]?.stats.slotSeconds += Double(held.components.seconds) + Double(held.components.attoseconds) / 1e18
        accounts[realm]?.stats.count(endpoint: endpoint, status: status)
    }

    /// Counts an answer that took no slot (a refused login, the token endpoint).
    func count(_ realm: String?, endpoint: String, status: Int) {
        guard let realm else { return }
        accounts[realm]?.stats.count(endpoint: endpoint, status: status)
    }

    /// Drops the connection of the account's next `count` requests after processing them, as a network failure
    /// on the way back would: the change is made, the client never hears of it.
    public func dropAnswersAfterProcessing(_ realm: String, count: Int) throws(SimulatorError) {
        guard count >= 0 else { throw .badRequest("count is 0 or more.") }
        try withAccount(realm) { $0.answersToDropAfterProcessing = count }
    }

    /// Sets an integration's own concurrency limit (`nil` returns it to the account's unallocated limit). At least
    /// one slot of the account always stays unallocated, as NetSuite requires.
    public func setIntegrationConcurrencyLimit(_ realm: String, integrationID: Int, limit: Int?) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.integrations[integrationID] != nil else { throw .notFound("No integration \(integrationID).") }
            if let limit {
                let others = account.integrations.values.filter { $0.id != integrationID }.compactMap(\.concurrencyLimit).reduce(0, +)
                guard limit >= 1, others + limit <= account.concurrencyLimit - 1 else {
                    throw .badRequest("limit: 1 to \(account.concurrencyLimit - 1 - others) (the account's limit is \(account.concurrencyLimit), \(others) allocated to other integrations, and at least 1 stays unallocated).")
                }
            }
            account.integrations[integrationID]?.concurrencyLimit = limit
        }
    }

    /// What `governanceLimits` answers for an integration: the account's limit, what no integration has, and the
    /// integration's own limit when it has one.
    func governanceLimits(_ realm: String, integrationID: Int) -> (account: Int, unallocated: Int, integration: Int?)? {
        guard let account = accounts[realm] else { return nil }
        let allocated = account.integrations.values.compactMap(\.concurrencyLimit).reduce(0, +)
        return (account.concurrencyLimit, account.concurrencyLimit - allocated, account.integrations[integrationID]?.concurrencyLimit)
    }
}
