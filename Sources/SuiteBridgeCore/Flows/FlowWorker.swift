import Foundation
import Logging
import Metrics
import NetSuiteClient
import SQLKit
import Tracing

/// Takes queued runs and executes them, holding a lease on each: a run whose worker dies (its lease expires) is
/// taken over by another worker and resumes from its checkpoint. On PostgreSQL several servers share the queue
/// (`FOR UPDATE SKIP LOCKED`); SQLite serves one process at a time.
public struct FlowWorker: Sendable {
    /// This worker's name in the lease: host, process and a random part.
    public let owner: String
    let flows: Flows
    /// How long a lease lasts without a heartbeat.
    public var leaseDuration: TimeInterval
    var core: CoreContext { flows.context }
    var store: Store { flows.store }

    /// A worker acting as `worker` in the audit log, with `context`'s store, secrets and connections.
    public init(context: CoreContext, owner: String? = nil, leaseDuration: TimeInterval = 30) {
        self.flows = Flows(context: context.acting(as: "worker"))
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
        self.leaseDuration = leaseDuration
    }

    /// A run this worker holds.
    struct ClaimedRun: Sendable {
        var runID: String
        var flow: Flow
        var checkpoint: String?
        var boundary: String?
    }

    /// Takes the oldest queued run of an active flow, or a running run whose lease has expired.
    func claim() async throws -> ClaimedRun? {
        let now = core.now()
        let nowText = StoreDate.string(now)
        let until = StoreDate.string(now.addingTimeInterval(leaseDuration))
        let kind = store.kind
        let lock = kind == .postgres ? " FOR UPDATE OF runs SKIP LOCKED" : ""
        let owner = self.owner
        return try await store.transaction { database in
            // A queued run waits while another run of its flow holds a live lease: one running run per flow.
            guard let row = try await database.raw("""
                SELECT runs.id, runs.flow_id, runs.state, runs.checkpoint FROM runs JOIN flows ON flows.id = runs.flow_id
                WHERE (runs.state = \(bind: RunState.queued.rawValue) AND flows.state = \(bind: FlowState.active.rawValue)
                       AND NOT EXISTS (SELECT 1 FROM runs AS other WHERE other.flow_id = runs.flow_id AND other.id <> runs.id
                                       AND other.state = \(bind: RunState.running.rawValue) AND other.lease_expires_at >= \(bind: nowText)))
                OR (runs.state = \(bind: RunState.running.rawValue) AND runs.lease_expires_at < \(bind: nowText))
                ORDER BY runs.queued_at LIMIT 1\(unsafeRaw: lock)
                """).fetchFirst() else { return nil }
            let runID = try row.decode(column: "id", as: String.self)
            if kind == .postgres {
                // Two workers may each see no running run of the flow; the flow's lock lets one of them through.
                let flowID = try row.decode(column: "flow_id", as: String.self)
                try await database.raw("SELECT pg_advisory_xact_lock(7031964, hashtext(\(bind: flowID)))").run()
                let running = try await database.raw("""
                    SELECT id FROM runs WHERE flow_id = \(bind: flowID) AND id <> \(bind: runID) AND state = \(bind: RunState.running.rawValue)
                    AND lease_expires_at >= \(bind: nowText)
                    """).fetchFirst()
                if running != nil { return nil }
            }
            let current = RunState(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed
            let started = try current.after(.start, run: runID)
            try await database.raw("""
                UPDATE runs SET state = \(bind: started.rawValue), lease_owner = \(bind: owner), lease_expires_at = \(bind: until),
                started_at = COALESCE(started_at, \(bind: nowText)), attempts = attempts + 1 WHERE id = \(bind: runID)
                """).run()
            let flowRow = try await database.raw("""
                SELECT \(unsafeRaw: Flows.flowColumns.split(separator: ",").map { "flows." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")), flows.boundary
                FROM flows JOIN runs ON runs.flow_id = flows.id WHERE runs.id = \(bind: runID)
                """).fetchFirst()
            guard let flowRow else { return nil }
            return ClaimedRun(runID: runID, flow: try Flows.decodeFlow(flowRow), checkpoint: try row.decode(column: "checkpoint", as: String?.self),
                              boundary: try flowRow.decode(column: "boundary", as: String?.self))
        }
    }

    /// Extends the lease; `false` when another worker took the run.
    func heartbeat(_ runID: String) async throws -> Bool {
        let until = StoreDate.string(core.now().addingTimeInterval(leaseDuration))
        let owner = self.owner
        return try await store.read { database in
            !(try await database.raw("""
                UPDATE runs SET lease_expires_at = \(bind: until) WHERE id = \(bind: runID) AND lease_owner = \(bind: owner) AND state = \(bind: RunState.running.rawValue) RETURNING id
                """).fetchAll()).isEmpty
        }
    }

    /// Executes the next run, if there is one, and returns it finished.
    @discardableResult
    public func runNext() async throws -> Run? {
        guard let claimed = try await claim() else { return nil }
        try await execute(claimed)
        return try await flows.run(id: claimed.runID)
    }

    /// Executes runs until none is waiting.
    @discardableResult
    public func runUntilIdle() async throws -> [Run] {
        var finished: [Run] = []
        while let run = try await runNext() { finished.append(run) }
        return finished
    }

    /// Queues due scheduled runs and executes waiting runs until the task is cancelled.
    public func run(pollInterval: Duration = .seconds(1)) async throws {
        while !Task.isCancelled {
            do {
                try await flows.enqueueScheduledRuns()
                try await core.webhooks.queueWaiting()
                if try await runNext() != nil { continue }
            } catch is CancellationError {
                return
            } catch {
                core.logger.error("flow worker", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Runs a claimed run in a span (`flow run`: the run, flow, kind, instance and row counts), so its NetSuite
    /// requests and export batches are traced as its children.
    func execute(_ claimed: ClaimedRun) async throws {
        try await withSpan("flow run", ofKind: .internal) { span in
            span.attributes["suitebridge.run_id"] = claimed.runID
            span.attributes["suitebridge.flow"] = claimed.flow.name
            span.attributes["suitebridge.flow.kind"] = claimed.flow.definition.kind.rawValue
            span.attributes["suitebridge.instance"] = claimed.flow.definition.instance
            span.attributes["suitebridge.resumed"] = claimed.checkpoint != nil
            try await execute(claimed, span: span)
        }
    }

    private func execute(_ claimed: ClaimedRun, span: any Span) async throws {
        let context = RunContext(worker: self, claimed: claimed)
        let outcome: Result<RunSummary, any Error> = await withTaskGroup(of: Result<RunSummary, any Error>?.self) { group in
            group.addTask {
                do {
                    let client = try await core.connections.client(forInstanceID: claimed.flow.instanceID)
                    switch claimed.flow.definition.kind {
                    case .export: return .success(try await ExportRunner(context: context, client: client).run())
                    case .import: return .success(try await ImportRunner(context: context, client: client).run())
                    case .mirror: return .success(try await MirrorRunner(context: context, client: client).run())
                    case .webhook: return .success(try await WebhookRunner(context: context, client: client).run())
                    }
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // Heartbeat; when the lease is lost, stop the work: another worker has the run.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(max(1, leaseDuration / 3)))
                    if Task.isCancelled { return nil }
                    if (try? await heartbeat(claimed.runID)) == false {
                        return .failure(SuiteBridgeError(.conflict, "The run's lease was lost to another worker.", remedy: ""))
                    }
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(CancellationError())
        }
        switch outcome {
        case .success(let summary):
            span.attributes["suitebridge.rows.read"] = summary.read
            span.attributes["suitebridge.rows.written"] = summary.written
            span.attributes["suitebridge.rows.failed"] = summary.failed
            span.attributes["suitebridge.rows.skipped"] = summary.skipped
        case .failure(let error):
            span.setStatus(SpanStatus(code: .error, message: (error as? SuiteBridgeError)?.message ?? (error as? NetSuiteError)?.message ?? "\(type(of: error))"))
        }
        if Task.isCancelled, case .failure = outcome {
            // The worker is stopping (a server's graceful shutdown): the run is not failed but handed back, so the
            // next worker takes it over from its checkpoint at once instead of after the lease.
            try await Task.detached { [self] in try await handBack(claimed) }.value
            return
        }
        try await finish(claimed, outcome)
    }

    /// Gives up a run's lease without finishing it: it stays `running` at its checkpoint, claimable now.
    func handBack(_ claimed: ClaimedRun) async throws {
        let owner = self.owner
        let now = StoreDate.string(core.now().addingTimeInterval(-1))
        try await store.read { database in
            try await database.raw("""
                UPDATE runs SET lease_expires_at = \(bind: now) WHERE id = \(bind: claimed.runID) AND lease_owner = \(bind: owner) AND state = \(bind: RunState.running.rawValue)
                """).run()
        }
        core.logger.info("run handed back", metadata: ["run-id": "\(claimed.runID)", "flow": "\(claimed.flow.name)"])
    }

    private func finish(_ claimed: ClaimedRun, _ outcome: Result<RunSummary, any Error>) async throws {
        let flow = ("flow", claimed.flow.name)
        switch outcome {
        case .success(let summary):
            Counter(label: "suitebridge_flow_runs_total", dimensions: [flow, ("state", "succeeded")]).increment()
            for (kind, count) in [("read", summary.read), ("written", summary.written), ("failed", summary.failed), ("skipped", summary.skipped)] where count > 0 {
                Counter(label: "suitebridge_flow_rows_total", dimensions: [flow, ("kind", kind)]).increment(by: count)
            }
        case .failure:
            Counter(label: "suitebridge_flow_runs_total", dimensions: [flow, ("state", "failed")]).increment()
        }
        var metadata: Logger.Metadata = ["run-id": "\(claimed.runID)", "flow": "\(claimed.flow.name)", "instance": "\(claimed.flow.definition.instance)"]
        switch outcome {
        case .success(let summary):
            metadata["rows-read"] = "\(summary.read)"
            metadata["rows-written"] = "\(summary.written)"
            metadata["rows-failed"] = "\(summary.failed)"
            core.logger.info("run succeeded", metadata: metadata)
        case .failure(let error):
            metadata["error"] = "\((error as? SuiteBridgeError)?.message ?? (error as? NetSuiteError)?.message ?? String(describing: error))"
            core.logger.warning("run failed", metadata: metadata)
        }
        let date = core.now()
        let owner = self.owner
        switch outcome {
        case .success(let summary):
            let succeeded = try RunState.running.after(.succeed, run: claimed.runID)
            try await store.transaction { database in
                let finished = try await database.raw("""
                    UPDATE runs SET state = \(bind: succeeded.rawValue), finished_at = \(bind: StoreDate.string(date)), rows_read = \(bind: summary.read),
                    rows_written = \(bind: summary.written), rows_failed = \(bind: summary.failed), rows_skipped = \(bind: summary.skipped), lease_owner = NULL, lease_expires_at = NULL,
                    log = log || \(bind: summary.log)
                    WHERE id = \(bind: claimed.runID) AND lease_owner = \(bind: owner) AND state = \(bind: RunState.running.rawValue)
                    RETURNING id
                    """).fetchAll()
                // Only the run that still holds its lease moves the watermark: a worker that lost it changes nothing.
                guard !finished.isEmpty else { return }
                if let watermark = summary.watermark {
                    try await database.raw("""
                        UPDATE flows SET watermark = \(bind: watermark), boundary = \(bind: summary.boundary), updated_at = \(bind: StoreDate.string(date))
                        WHERE id = \(bind: claimed.flow.id)
                        """).run()
                }
            }
        case .failure(let error):
            if let error = error as? SuiteBridgeError, error.code == .conflict, error.message.contains("lease was lost") { return }
            let instance = claimed.flow.definition.instance
            let isAuthentication = Self.isAuthenticationFailure(error)
            var message = "\(error)"
            if isAuthentication {
                let diagnosis = await core.diagnostics.recordAuthenticationFailure(instance, error)
                message = "\(diagnosis.message) \(diagnosis.remedy)"
            } else if let error = error as? SuiteBridgeError {
                message = "\(error.message) \(error.remedy)"
            } else if let error = error as? NetSuiteError {
                message = "\(error.message) \(error.remedy)"
            }
            let finalMessage = message
            let failed = try RunState.running.after(.fail, run: claimed.runID)
            try await store.transaction { database in
                try await database.raw("""
                    UPDATE runs SET state = \(bind: failed.rawValue), finished_at = \(bind: StoreDate.string(date)), error = \(bind: finalMessage),
                    lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = \(bind: claimed.runID) AND lease_owner = \(bind: owner) AND state = \(bind: RunState.running.rawValue)
                    """).run()
                if isAuthentication {
                    // The flow waits until `instance test` succeeds again, then resumes on its own.
                    try await database.raw("""
                        UPDATE flows SET state = \(bind: FlowState.waitingForCredentials.rawValue), state_reason = \(bind: finalMessage), updated_at = \(bind: StoreDate.string(date))
                        WHERE id = \(bind: claimed.flow.id)
                        """).run()
                    try await AuditLog.append(database, actor: "worker", instance: instance, action: .flowWaitForCredentials, outcome: .failure,
                                              detail: "\(claimed.flow.name): \(finalMessage)", at: date)
                }
            }
        }
    }

    static func isAuthenticationFailure(_ error: any Error) -> Bool {
        if let error = error as? NetSuiteError { return error.code == .authentication }
        if let error = error as? SuiteBridgeError { return error.code == .sealedSecret }
        return false
    }
}
