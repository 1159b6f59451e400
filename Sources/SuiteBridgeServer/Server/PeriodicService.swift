import Foundation
import Logging
import ServiceLifecycle
import SuiteBridgeCore

/// Work done every interval while the server runs (alerts, the request history); a failure is logged and the next
/// round comes as usual. Stops on shutdown.
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    /// Whether the first round comes at start (true) or after one interval.
    let startNow: Bool
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        var first = true
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if !first || !startNow {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                } catch {
                    return  // shutting down
                }
            }
            first = false
            do {
                try await work()
            } catch {
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Tells the alerts of new events and sends what is due (failed sends are retried by ``Alerts/deliverDue()``).
    static func alerts(core: CoreContext, interval: Duration, logger: Logger) -> PeriodicService {
        let alerts = core.acting(as: "alerts").alerts
        return PeriodicService(name: "alerts", interval: interval, startNow: true, logger: logger) {
            try await alerts.scan()
            try await alerts.deliverDue()
        }
    }

    /// Reads each working instance's limits from NetSuite's governanceLimits and sets its concurrency limit.
    static func governance(core: CoreContext, interval: Duration, logger: Logger) -> PeriodicService {
        let diagnostics = core.acting(as: "governance").diagnostics
        return PeriodicService(name: "governance limits", interval: interval, startNow: false, logger: logger) {
            try await diagnostics.readGovernanceOfAll()
        }
    }

    /// Retires TBA instances whose standby days after a migration to OAuth 2 are over.
    static func migrations(core: CoreContext, interval: Duration, logger: Logger) -> PeriodicService {
        let migrations = core.acting(as: "scheduler").instanceMigrations
        return PeriodicService(name: "migrations", interval: interval, startNow: true, logger: logger) {
            try await migrations.retireDue()
        }
    }

    /// Records what this server's NetSuite clients did (requests, 429s, the most in flight), for the charts.
    static func requestHistory(core: CoreContext, server: String, interval: Duration, logger: Logger) -> PeriodicService {
        PeriodicService(name: "request history", interval: interval, startNow: false, logger: logger) {
            try await core.requestHistory.record(server: server)
        }
    }
}
