import Foundation

/// An asynchronous job (`/services/rest/async/v1/job/{id}`): one record request sent with `Prefer: respond-async`,
/// or a batch of up to 100, each item one task.
struct AsyncJob: Sendable {
    enum Progress: String, Sendable {
        /// Waiting for an async processor.
        case pending
        /// Its tasks are running (INFERRED name: Oracle's pages show only `pending` and `succeeded`).
        case processing
        /// Every task succeeded.
        case succeeded
        /// Done, with at least one failed task (INFERRED name, after SOAP's `finishedWithErrors`).
        case finishedWithErrors
    }

    var id: Int
    var integrationID: Int
    var entityID: Int
    var operations: [RecordOperation]
    /// `Prefer: batch-processing="parallel"`.
    var parallel: Bool
    var tasks: [AsyncTask]
    var progress = Progress.pending

    var completed: Bool { progress == .succeeded || progress == .finishedWithErrors }
}

/// One record of a job.
struct AsyncTask: Sendable {
    enum Outcome: Sendable {
        /// The write was applied; the record's internal id (none after a delete).
        case succeeded(recordID: Int?)
        /// NetSuite's refusal, as the synchronous request would have answered it.
        case failed(RecordError)
    }

    var id: Int
    var startTime: Date?
    var endTime: Date?
    var outcome: Outcome?

    var progress: String {
        switch outcome {
        case nil: startTime == nil ? "pending" : "processing"
        case .succeeded: "succeeded"
        case .failed: "failed"
        }
    }
}

/// The stated cost model of asynchronous work in one account (Oracle documents only that jobs run "in REST Async
/// Processors, according to the number of SuiteCloud Plus licenses"; the numbers are the simulator's choice).
///
/// - A job waits for one of `processors` async processors (first come, first served) and holds it until done.
/// - Its tasks run one after another, each taking `perRecordMs` (0 by default, as the simulator's latency is: a
///   benchmark states its own model); with `Prefer: batch-processing="parallel"`, `parallelTasks` at a time.
/// - A job does not hold a concurrency slot while it runs: only the requests that submit it and read its state do.
/// - Record types in `batchUnavailableTypes` refuse batch requests (400 `INVALID_REQUEST`), as record types
///   without batch support would.
public struct AsyncSettings: Sendable, Codable, Hashable {
    public var processors: Int
    public var perRecordMs: Int
    public var parallelTasks: Int
    public var batchUnavailableTypes: [String]

    public init(processors: Int = 1, perRecordMs: Int = 0, parallelTasks: Int = 4, batchUnavailableTypes: [String] = []) {
        self.processors = processors
        self.perRecordMs = perRecordMs
        self.parallelTasks = parallelTasks
        self.batchUnavailableTypes = batchUnavailableTypes
    }
}

/// The asynchronous side of an account: its jobs, idempotency keys and processors.
struct AsyncQueue: Sendable {
    var settings = AsyncSettings()
    var jobs: [Int: AsyncJob] = [:]
    /// Job ids in submission order, to forget the oldest past ``retainedJobs``.
    var order: [Int] = []
    var waiting: [Int] = []
    var running = 0
    /// `X-NetSuite-Idempotency-Key` → the job it submitted.
    var idempotencyKeys: [String: Int] = [:]
    var nextJobID = 1
    static let retainedJobs = 20_000
}
