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

    /// How this run sends records in batches: keys derived from the run, batch support remembered per instance.
    var batching: RecordSender.Batching? {
        claimed.flow.instanceID.map { RecordSender.Batching(instanceID: $0, facts: worker.core.instanceFacts, keyScope: claimed.runID) }
    }

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

    /// Records a refused row (once per row, also when a resumed run meets it again) in the run and in the error inbox.
    /// - Parameters:
    ///   - row: the row's number in the run (its line in an import's file).
    ///   - sourceLine: the line of the source file, for the inbox; `nil` for a webhook's delivery.
    func refuse(row: Int, _ refusal: RecordSender.Refusal, sourceRow: [String: String], sourceLine: Int?) async throws {
        let runID = claimed.runID
        let postgres = store.kind == .postgres
        let entry = ErrorInbox.Entry(flowID: claimed.flow.id, runID: runID, line: sourceLine, externalID: refusal.externalID, sourceRow: sourceRow, body: refusal.body,
                                     code: refusal.code, message: refusal.message, field: refusal.field, remedy: refusal.remedy)
        let date = worker.core.now()
        try await store.transaction { database in
            try await database.raw("""
                INSERT INTO run_errors (run_id, row_number, external_id, message, path)
                VALUES (\(bind: runID), \(bind: row), \(bind: refusal.externalID), \(bind: refusal.message), \(bind: refusal.field))
                \(unsafeRaw: postgres ? "ON CONFLICT DO NOTHING" : "ON CONFLICT (run_id, row_number) DO NOTHING")
                """).run()
            try await ErrorInbox.record(entry, in: database, at: date)
        }
    }

    /// Resolves the flow's open inbox errors for external ids this run upserted.
    func resolved(externalIDs: [String]) async throws {
        let flowID = claimed.flow.id
        let runID = claimed.runID
        let date = worker.core.now()
        try await store.read { database in
            try await ErrorInbox.resolve(externalIDs: externalIDs, flowID: flowID, runID: runID, closedBy: "run \(runID)", in: database, at: date)
        }
    }

    func refusedCount() async throws -> Int {
        let runID = claimed.runID
        return try await store.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM run_errors WHERE run_id = \(bind: runID)").fetchFirst()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
