import Foundation
import NetSuiteClient
import SQLKit

/// Imports a webhook flow's queued deliveries, oldest first, a chunk at a time, until none is left: each is mapped
/// and upserted by its external id; a refused one goes to the error inbox. Each delivery is marked `imported` or
/// `refused` with the run; a run taken over sends the unmarked ones again (upserts make that harmless).
struct WebhookRunner {
    let context: RunContext
    let client: NetSuiteClient
    static let chunkSize = 200

    func run() async throws -> RunSummary {
        let flow = context.claimed.flow
        let sender = try RecordSender(flow: flow, lookups: context.worker.core.lookups, client: client)
        let parallelism = max(1, client.configuration.concurrencyLimit * 2)
        let batching = flow.definition.webhook?.perRecord == true ? nil : context.batching
        let runID = context.claimed.runID
        while true {
            let chunk = try await context.store.read { database in
                try await database.raw("""
                    SELECT id, body FROM webhook_deliveries WHERE flow_id = \(bind: flow.id) AND state = 'queued' ORDER BY received_at, id LIMIT \(literal: Self.chunkSize)
                    """).fetchAll().map { (id: try $0.decode(column: "id", as: String.self), body: try $0.decode(column: "body", as: String.self)) }
            }
            if chunk.isEmpty { break }
            let done = try await context.store.read { database in
                try await database.raw("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE run_id = \(bind: runID)").fetchFirst()?.decode(column: "n", as: Int.self) ?? 0
            }
            let members: [[String: JSONValue]] = chunk.map { if case .object(let members)? = JSONValue.parse($0.body) { members } else { [:] } }
            let sent = try await sender.sendAll(members.map { (SourceRow(values: $0), nil) }, parallelism: parallelism, batching: batching)
            var marked: [(id: String, state: String, externalID: String?)] = []
            for (index, (delivery, outcome)) in zip(chunk, sent).enumerated() {
                switch outcome {
                case .upserted(let externalID):
                    marked.append((delivery.id, "imported", externalID))
                case .refused(let refusal):
                    let flat = members[index].compactMapValues { value -> String? in value == .null ? nil : (value.text ?? value.json) }
                    try await context.refuse(row: done + index + 1, refusal, sourceRow: flat, sourceLine: nil)
                    marked.append((delivery.id, "refused", nil))
                }
            }
            let outcomes = marked
            let now = StoreDate.string(context.worker.core.now())
            try await context.store.transaction { database in
                for outcome in outcomes {
                    try await database.raw("""
                        UPDATE webhook_deliveries SET state = \(bind: outcome.state), run_id = \(bind: runID), processed_at = \(bind: now) WHERE id = \(bind: outcome.id)
                        """).run()
                }
            }
            try await context.resolved(externalIDs: outcomes.compactMap(\.externalID))
            let counts = try await Self.counts(run: runID, store: context.store)
            try await context.checkpoint("", read: counts.read, written: counts.written, failed: counts.failed)
        }
        let counts = try await Self.counts(run: runID, store: context.store)
        var summary = RunSummary(read: counts.read, written: counts.written, failed: counts.failed, skipped: 0)
        summary.log = "\(counts.read) deliveries: \(counts.written) upserted, \(counts.failed) refused (see suitebridge errors list --flow \(flow.name))\n"
        return summary
    }

    static func counts(run runID: String, store: Store) async throws -> (read: Int, written: Int, failed: Int) {
        try await store.read { database in
            var written = 0, failed = 0
            for row in try await database.raw("SELECT state, COUNT(*) AS n FROM webhook_deliveries WHERE run_id = \(bind: runID) GROUP BY state").fetchAll() {
                let n = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "state", as: String.self) == "imported" { written += n } else { failed += n }
            }
            return (written + failed, written, failed)
        }
    }
}
