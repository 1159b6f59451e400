import NIOConcurrencyHelpers

/// A request sent to NetSuite, running on its own until NetSuite answers, whatever happens to the task that sent it.
///
/// A request that reached NetSuite holds one of the account's concurrency slots there until NetSuite has answered
/// it, whatever the client does with the connection. A caller that is cancelled returns at once, but the client's
/// own slot (and the shared budget's) is given back only when the answer arrives (``whenAnswered(_:)``): giving it
/// back at cancellation let a next request in while NetSuite still counted this one, and NetSuite refused it with 429.
final class InFlightRequest: Sendable {
    private let task: Task<NetSuiteHTTPResponse, any Error>

    init(_ request: NetSuiteHTTPRequest, over transport: any NetSuiteTransport, timeout: Duration) {
        task = Task { try await transport.send(request, timeout: timeout) }
    }

    /// NetSuite's answer.
    /// - Throws: the transport's error, or `CancellationError` as soon as the calling task is cancelled (the request
    ///   itself goes on).
    func answer() async throws -> NetSuiteHTTPResponse {
        let waiter = Waiter()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiter.install(continuation)
                Task { [task] in waiter.resume(with: await task.result) }
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }

    /// Runs `body` once NetSuite has answered (or the request failed).
    func whenAnswered(_ body: @escaping @Sendable () async -> Void) {
        Task { [task] in
            _ = await task.result
            await body()
        }
    }

    /// Resumes a continuation once, with whichever comes first: the answer or the cancellation (which may come
    /// before the continuation exists).
    private final class Waiter: Sendable {
        private struct State {
            var continuation: CheckedContinuation<NetSuiteHTTPResponse, any Error>?
            var early: Result<NetSuiteHTTPResponse, any Error>?
            var done = false
        }
        private let state = NIOLockedValueBox(State())

        func install(_ continuation: CheckedContinuation<NetSuiteHTTPResponse, any Error>) {
            let early: Result<NetSuiteHTTPResponse, any Error>? = state.withLockedValue { state in
                if let early = state.early {
                    state.done = true
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func resume(with result: Result<NetSuiteHTTPResponse, any Error>) {
            let continuation: CheckedContinuation<NetSuiteHTTPResponse, any Error>? = state.withLockedValue { state in
                guard !state.done else { return nil }
                guard let continuation = state.continuation else {
                    if state.early == nil { state.early = result }
                    return nil
                }
                state.done = true
                state.continuation = nil
                return continuation
            }
            continuation?.resume(with: result)
        }
    }
}
