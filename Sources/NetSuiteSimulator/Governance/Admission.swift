import Foundation

/// What governance decided for one request: go ahead (after a delay, maybe with an injected fault) or 429.
struct Admission: Sendable {
    enum Fault: Sendable { case serverError, dropConnection }
    var admitted: Bool
    var delay: Duration = .zero
    var fault: Fault?
}

extension SimulatedNetSuite {
    /// Takes a slot of the account's concurrency limit, or refuses at once when all are taken (NetSuite answers 429
    /// without queueing). Draws the request's latency and fault from the account's seeded generator.
    func admit(_ realm: String, endpoint: String) -> Admission {
        guard var account = accounts[realm] else { return Admission(admitted: false) }
        defer { accounts[realm] = account }
        guard account.stats.inFlight < account.concurrencyLimit else {
            account.stats.throttled += 1
            account.stats.count(endpoint: endpoint, status: endpoint == "restlet" ? 400 : 429)
            return Admission(admitted: false)
        }
        account.stats.inFlight += 1
        account.stats.maxInFlight = max(account.stats.maxInFlight, account.stats.inFlight)
        let faults = account.faults
        var admission = Admission(admitted: true)
        var milliseconds = faults.latencyMs
        if faults.jitterMs > 0 { milliseconds += Int.random(in: 0...faults.jitterMs, using: &account.faultGenerator) }
        admission.delay = .milliseconds(milliseconds)
        if faults.dropRate > 0, Double.random(in: 0..<1, using: &account.faultGenerator) < faults.dropRate {
            admission.fault = .dropConnection
        } else if faults.errorRate > 0, Double.random(in: 0..<1, using: &account.faultGenerator) < faults.errorRate {
            admission.fault = .serverError
        }
        return admission
    }

    /// Gives the slot back and counts the answer.
    func finish(_ realm: String, endpoint: String, status: Int) {
        accounts[realm]?.stats.inFlight -= 1
        accounts[realm]?.stats.count(endpoint: endpoint, status: status)
    }

    /// Counts an answer that took no slot (a refused login, the token endpoint).
    func count(_ realm: String?, endpoint: String, status: Int) {
        guard let realm else { return }
        accounts[realm]?.stats.count(endpoint: endpoint, status: status)
    }
}
