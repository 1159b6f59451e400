import Foundation

extension SimulatedNetSuite {
    /// What became of an asynchronous submission.
    enum Submission: Sendable {
        case accepted(jobID: Int)
        /// The idempotency key was used before: the earlier job.
        case duplicate(jobID: Int)
    }

    /// Queues a job of `operations` for the account's async processors.
    func submitJob(
        _ realm: String, principal: Principal, operations: [RecordOperation], parallel: Bool, idempotencyKey: String?
    ) throws(SimulatorError) -> Submission {
        let submission: Submission = try withAccount(realm) { account in
            if let idempotencyKey, let earlier = account.async.idempotencyKeys[idempotencyKey] { return .duplicate(jobID: earlier) }
            let id = account.async.nextJobID
            account.async.nextJobID += 1
            account.async.jobs[id] = AsyncJob(
                id: id, integrationID: principal.integrationID, entityID: principal.entityID, operations: operations, parallel: parallel,
                tasks: operations.indices.map { AsyncTask(id: $0 + 1) })
            account.async.order.append(id)
            account.async.waiting.append(id)
            if let idempotencyKey { account.async.idempotencyKeys[idempotencyKey] = id }
            while account.async.order.count > AsyncQueue.retainedJobs, let oldest = account.async.order.first,
                  account.async.jobs[oldest]?.completed ?? true {
                account.async.order.removeFirst()
                account.async.jobs[oldest] = nil
            }
            return .accepted(jobID: id)
        }
        if case .accepted = submission { dispatchJobs(realm) }
        return submission
    }

    /// Starts waiting jobs while processors are free.
    private func dispatchJobs(_ realm: String) {
        while let account = accounts[realm], account.async.running < max(1, account.async.settings.processors),
              let next = account.async.waiting.first {
            accounts[realm]?.async.waiting.removeFirst()
            accounts[realm]?.async.running += 1
            Task { await self.runJob(realm, id: next) }
        }
    }

    private func runJob(_ realm: String, id: Int) async {
        defer {
            accounts[realm]?.async.running -= 1
            dispatchJobs(realm)
        }
        guard let job = accounts[realm]?.async.jobs[id], let settings = accounts[realm]?.async.settings else { return }
        accounts[realm]?.async.jobs[id]?.progress = .processing
        let groupSize = job.parallel ? max(1, settings.parallelTasks) : 1
        var index = 0
        while index < job.operations.count {
            let group = index..<min(index + groupSize, job.operations.count)
            let started = now()
            for task in group { accounts[realm]?.async.jobs[id]?.tasks[task].startTime = started }
            if settings.perRecordMs > 0 { try? await Task.sleep(for: .milliseconds(settings.perRecordMs)) }
            let time = now()
            for task in group {
                let operation = job.operations[task]
                let outcome: AsyncTask.Outcome
                switch try? mutateRecords(realm, { store, date throws(RecordError) in try operation.apply(to: &store, now: date, by: job.entityID) }) {
                case .success(let recordID): outcome = .succeeded(recordID: recordID)
                case .failure(let error): outcome = .failed(error)
                case nil: return
                }
                accounts[realm]?.async.jobs[id]?.tasks[task].outcome = outcome
                accounts[realm]?.async.jobs[id]?.tasks[task].endTime = time
                accounts[realm]?.stats.asyncRecords += 1
            }
            index = group.upperBound
        }
        let failed = accounts[realm]?.async.jobs[id]?.tasks.contains { if case .failed = $0.outcome { true } else { false } } ?? false
        accounts[realm]?.async.jobs[id]?.progress = failed ? .finishedWithErrors : .succeeded
    }

    /// A job of the account, if the integration that asks submitted it.
    func job(_ realm: String, id: Int, integrationID: Int) -> AsyncJob? {
        guard let job = accounts[realm]?.async.jobs[id], job.integrationID == integrationID else { return nil }
        return job
    }

    /// Sets the account's cost model of asynchronous work.
    /// - Throws: ``SimulatorError`` for a processor count or task width below 1, or a negative time.
    public func setAsyncSettings(_ realm: String, _ settings: AsyncSettings) throws(SimulatorError) {
        guard settings.processors >= 1, settings.parallelTasks >= 1, settings.perRecordMs >= 0 else {
            throw .badRequest("processors and parallelTasks are 1 or more; perRecordMs is 0 or more.")
        }
        try withAccount(realm) { $0.async.settings = settings }
    }

    public func asyncSettings(_ realm: String) throws(SimulatorError) -> AsyncSettings { try account(realm).async.settings }
}
