import Foundation

/// One record of a batch upsert: its external id and its JSON body (which carries `"externalId"`).
public struct BatchUpsertItem: Sendable {
    public var externalID: String
    public var json: Data

    public init(externalID: String, json: Data) {
        self.externalID = externalID
        self.json = json
    }
}

/// What became of one record of a batch.
public enum BatchItemOutcome: Sendable {
    case succeeded
    /// NetSuite's refusal of this record, as the synchronous request would have answered it.
    case refused(NetSuiteError)
}

extension NetSuiteClient.Records {
    /// At most this many records in one batch request.
    public static let batchLimit = 100

    /// Creates or updates up to 100 records of one type by external id in one batch request (`PUT` on the collection,
    /// `Prefer: respond-async`), waits for the job, and returns each record's outcome in the order given. When the
    /// job succeeded as a whole, no task is read; otherwise each task is, and each failed task's result gives
    /// NetSuite's refusal.
    /// - Parameter idempotencyKey: the same for every attempt of the same batch (``IdempotencyKey/derived(from:)``).
    /// - Throws: ``NetSuiteError``: `.batchUnavailable` when NetSuite refuses batches for the type (send the records
    ///   one by one), `.invalidRequest` for more than 100 items, `.jobTimedOut`, or a failure to reach NetSuite.
    public func batchUpsert(
        _ type: String, items: [BatchUpsertItem], replaceSublists: [String] = [], idempotencyKey: String
    ) async throws -> [BatchItemOutcome] {
        let label = "PUT /record/v1/\(type) (batch)"
        guard !items.isEmpty else { return [] }
        guard items.count <= Self.batchLimit else {
            throw NetSuiteError(code: .invalidRequest, request: label, message: "A batch holds at most \(Self.batchLimit) records; \(items.count) were given.",
                                remedy: "Split the records into batches of \(Self.batchLimit).")
        }
        var body = Data(#"{"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(item.json)
        }
        body.append(contentsOf: Array("]}".utf8))
        let query = replaceSublists.isEmpty ? [] : [("replace", replaceSublists.joined(separator: ","))]
        let job = try await client.asyncJobs.submit(.init(
            method: "PUT", url: url(type, query: query), body: Array(body), contentType: Self.collectionType, idempotent: true,
            label: label, recordType: type), idempotencyKey: idempotencyKey, batch: true)
        return try await outcomes(of: job, count: items.count, recordType: type).map { outcome in
            if case .refused(let error) = outcome { return .refused(error) }
            return .succeeded
        }
    }

    /// The media type of a batch body.
    static let collectionType = "application/vnd.oracle.resource+json; type=collection"

    /// One task's outcome, with its result's body when it succeeded and was read.
    enum TaskOutcome {
        case succeeded(Data?)
        case refused(NetSuiteError)
    }

    /// Waits for `job` and reads what became of each of its `count` tasks.
    func outcomes(of job: AsyncJobReference, count: Int, recordType: String, readResults: Bool = false) async throws -> [TaskOutcome] {
        let jobs = client.asyncJobs
        let status = try await jobs.waitUntilCompleted(job)
        if status.progress == "succeeded" && !readResults { return Array(repeating: .succeeded(nil), count: count) }
        let tasks = try await jobs.taskPaths(job)
        guard tasks.count == count else {
            throw NetSuiteError(
                code: .malformedResponse, request: "GET /async/v1/job/\(job.id)/task",
                message: "The job has \(tasks.count) tasks for \(count) records sent.", remedy: "Look at the job in NetSuite; send the records again by external id.")
        }
        var outcomes: [TaskOutcome] = []
        for path in tasks {
            let task = try await jobs.task(path)
            if task.progress == "succeeded" && !readResults {
                outcomes.append(.succeeded(nil))
                continue
            }
            do {
                outcomes.append(.succeeded(try await jobs.result(path, recordType: recordType)))
            } catch let error as NetSuiteError where error.code == .response {
                outcomes.append(.refused(error))
            }
        }
        return outcomes
    }
}
