import Foundation
import NIOConcurrencyHelpers
import SuiteBridgeCore

/// Whether the server can do its work, for `/readyz`: the store answers, its schema is the one this build writes,
/// and the flow worker runs. `/healthz` says only that the process answers.
final class Readiness: Sendable {
    private let workerRunning = NIOLockedValueBox(false)

    /// Set by the flow worker service while it runs.
    func setWorkerRunning(_ running: Bool) { workerRunning.withLockedValue { $0 = running } }

    struct Report: Sendable {
        var ready: Bool
        var store: String
        var migrations: String
        var workerRunning: Bool
        var worker: String { workerRunning ? "running" : "not running" }
    }

    /// Checks each part; never throws (a failing part is reported as such).
    func check(store: Store) async -> Report {
        var report = Report(ready: true, store: "ok", migrations: "", workerRunning: true)
        do {
            let version = try await store.schemaVersion()
            let latest = Store.latestSchemaVersion
            report.migrations = "\(version) of \(latest)"
            if version != latest { report.ready = false }
        } catch {
            report.ready = false
            let reason = (error as? SuiteBridgeError)?.message ?? String(describing: error)
            report.store = "unreachable: " + String(reason.prefix(200))
            report.migrations = "unknown"
        }
        if !workerRunning.withLockedValue({ $0 }) {
            report.ready = false
            report.workerRunning = false
        }
        return report
    }
}
