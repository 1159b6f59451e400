import Foundation
import Logging
import Metrics
import NetSuiteClient
import SQLKit

/// What a runner may do with its run: checkpoint, record refused rows.
struct RunContext: Sendable {
    let worker: FlowWorker
    let claimed: ClaimedRunInfo

    init(worker: FlowWorker, claimed: FlowWorker.ClaimedRun) {
        self.worker = worker
        self.claimed = ClaimedRunInfo(runID: claimed.runID, flow: claimed.flow, checkpoint: claimed.checkpoint, boundary: claimed.boundary)
    }

    struct ClaimedRunInfo: Sendable {
        var runID: String
        var flow: Flow
        var checkpoint: String?
        var boundary: String?
    }

    var store: Store { worker.store }

    /// Saves progress and counts; a worker that takes the run over resumes from here.
    func checkpoint(_ value: String, read: Int, written: Int, failed: Int, skipped: Int = 0) async throws {
        let owner = worker.owner
        let runID = claimed.runID
        try await store.read { database in
            try await database.raw("""
                UPDATE runs SET checkpoint = \(bind: value), rows_read = \(bind: read), rows_written = \(bind: written), rows_failed = \(bind: failed), rows_skipped = \(bind: skipped)
                WHERE id = \(bind: runID) AND lease_owner = \(bind: owner)
                """).run()
        }
    }

    /// Records a row NetSuite refused (once per row, also when a resumed run meets it again).
    func refuse(row: Int, externalID: String?, message: String, path: String?) async throws {
        let runID = claimed.runID
        let postgres = store.kind == .postgres
        try await store.read { database in
            try await database.raw("""
                INSERT INTO run_errors (run_id, row_number, external_id, message, path)
                VALUES (\(bind: runID), \(bind: row), \(bind: externalID), \(bind: message), \(bind: path))
                \(unsafeRaw: postgres ? "ON CONFLICT DO NOTHING" : "ON CONFLICT (run_id, row_number) DO NOTHING")
                """).run()
        }
    }

    func refusedCount() async throws -> Int {
        let runID = claimed.runID
        return try await store.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM run_errors WHERE run_id = \(bind: runID)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
