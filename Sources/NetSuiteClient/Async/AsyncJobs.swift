import Foundation
import NetSuiteAuth

/// A job NetSuite runs asynchronously: a request sent with `Prefer: respond-async`, or a batch.
public struct AsyncJobReference: Sendable, Hashable {
    /// `/services/rest/async/v1/job/{id}`: always a path under the client's base URL, whatever host `Location` named,
    /// so credentials go nowhere else.
    public var path: String
    public var id: String { String(path.split(separator: "/").last ?? "") }
}

/// A job's state (`GET …/async/v1/job/{id}`).
public struct AsyncJobStatus: Sendable, Hashable {
    public var completed: Bool
    /// `pending`, `succeeded`, or another value NetSuite gives (a job with failed tasks is not `succeeded`).
    public var progress: String
}

/// One task's state (`GET …/job/{id}/task/{n}`).
public struct AsyncTaskStatus: Sendable, Hashable {
    /// `/services/rest/async/v1/job/{id}/task/{n}`.
    public var path: String
    public var completed: Bool
    public var progress: String
}

extension NetSuiteClient {
    /// Asynchronous jobs under `/services/rest/async/v1/`.
    public var asyncJobs: AsyncJobs { AsyncJobs(client: self) }

    public struct AsyncJobs: Sendable {
        let client: NetSuiteClient
        static let jobPrefix = "/services/rest/async/v1/job/"

        /// Sends a request with `Prefer: respond-async` and the idempotency key, and returns its job. Retried like an
        /// idempotent request: a repeat of a request that reached NetSuite answers `IDEMPOTENCY_ERROR` with the first
        /// job, which is taken as the answer.
        /// - Throws: ``NetSuiteError``; `.batchUnavailable` when `batch` and NetSuite refused the batch itself.
        func submit(_ call: NetSuiteClient.Call, idempotencyKey: String, batch: Bool, parallel: Bool = false) async throws -> AsyncJobReference {
            var call = call
            call.extraHeaders.append(("Prefer", parallel ? "respond-async, batch-processing=\"parallel\"" : "respond-async"))
            call.extraHeaders.append((IdempotencyKey.header, idempotencyKey))
            call.idempotent = true
            let response: NetSuiteHTTPResponse
            do {
                response = try await client.perform(call)
            } catch let error as NetSuiteError where batch && error.code == .response && [400, 404, 405, 415].contains(error.status ?? 0)
                && ![NetSuiteErrorCode.insufficientPermission, NetSuiteErrorCode.invalidLogin].contains(error.errorCode ?? "") {
                throw NetSuiteError(
                    code: .batchUnavailable, status: error.status, errorCode: error.errorCode, detail: error.detail, request: call.label,
                    message: "NetSuite refused the batch request itself: \(error.detail ?? error.message)",
                    remedy: "Send the records one by one (SuiteBridge does so for this instance and record type from now on).")
            }
            guard let location = response.header("Location"), let path = Self.jobPath(location) else {
                throw NetSuiteError(
                    code: .malformedResponse, status: response.status, request: call.label,
                    message: "NetSuite accepted the asynchronous request without a job Location.", remedy: "Check the base URL points at NetSuite.")
            }
            return AsyncJobReference(path: path)
        }

        /// The path of a job URL, absolute or relative; `nil` when it is not a job.
        static func jobPath(_ location: String) -> String? {
            let path = location.hasPrefix("/") ? location : (URL(string: location)?.path ?? "")
            guard path.hasPrefix(jobPrefix), path.count > jobPrefix.count else { return nil }
            return path
        }

        /// The job's state.
        /// - Throws: ``NetSuiteError``.
        public func status(_ job: AsyncJobReference) async throws -> AsyncJobStatus {
            let object = try await getObject(job.path, label: "GET /async/v1/job/\(job.id)")
            return AsyncJobStatus(completed: object["completed"] as? Bool ?? false, progress: object["progress"] as? String ?? "")
        }

        /// Waits until the job completes, polling as ``NetSuiteClientConfiguration/asyncPolling`` says.
        /// - Throws: ``NetSuiteError`` `.jobTimedOut` past the timeout.
        public func waitUntilCompleted(_ job: AsyncJobReference) async throws -> AsyncJobStatus {
            let polling = client.configuration.asyncPolling
            let deadline = ContinuousClock.now + polling.timeout
            var delay = polling.firstDelay
            while true {
                try await Task.sleep(for: delay)
                let status = try await status(job)
                if status.completed { return status }
                guard ContinuousClock.now < deadline else {
                    throw NetSuiteError(
                        code: .jobTimedOut, request: "GET /async/v1/job/\(job.id)",
                        message: "The asynchronous job \(job.id) did not finish within \(polling.timeout).",
                        remedy: "It may still finish at NetSuite: look at the job later, or raise the timeout. The account's async processors may be busy.")
                }
                delay = min(delay * 2, polling.maxDelay)
            }
        }

        /// The paths of the job's tasks, in order (task `n` is the request's `n`th record).
        public func taskPaths(_ job: AsyncJobReference) async throws -> [String] {
            let object = try await getObject(job.path + "/task", label: "GET /async/v1/job/\(job.id)/task")
            // Oracle's example puts several links in one item; one item per task is read the same way.
            let items = object["items"] as? [[String: Any]] ?? []
            let paths = items.flatMap { ($0["links"] as? [[String: Any]] ?? []).compactMap { link -> String? in
                guard link["rel"] as? String == "self", let href = link["href"] as? String else { return nil }
                return Self.jobPath(href)
            } }
            return paths.sorted { (Int($0.split(separator: "/").last ?? "") ?? 0) < (Int($1.split(separator: "/").last ?? "") ?? 0) }
        }

        /// One task's state.
        public func task(_ path: String) async throws -> AsyncTaskStatus {
            let object = try await getObject(path, label: "GET /async/v1/job/task")
            return AsyncTaskStatus(path: path, completed: object["completed"] as? Bool ?? false, progress: object["progress"] as? String ?? "")
        }

        /// A task's result: the body NetSuite answered for the record (empty for a delete).
        /// - Throws: ``NetSuiteError`` with NetSuite's refusal of the record when the task failed.
        public func result(_ taskPath: String, recordType: String? = nil) async throws -> Data {
            let response = try await client.perform(.init(
                method: "GET", url: client.configuration.baseURL + taskPath + "/result", idempotent: true,
                label: "GET /async/v1/job/task/result", recordType: recordType))
            return Data(response.body)
        }

        private func getObject(_ path: String, label: String) async throws -> [String: Any] {
            let response = try await client.perform(.init(method: "GET", url: client.configuration.baseURL + path, idempotent: true, label: label))
            guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
                throw NetSuiteError(code: .malformedResponse, status: response.status, request: label, message: "NetSuite's job answer could not be read.",
                                    remedy: "Check the base URL points at NetSuite.")
            }
            return object
        }
    }
}
