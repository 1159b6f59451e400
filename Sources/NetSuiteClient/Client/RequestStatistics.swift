import NIOConcurrencyHelpers

/// Counters of one client's requests, for progress lines and metrics.
public final class RequestStatistics: Sendable {
    public struct Snapshot: Sendable, Hashable {
        /// Requests answered with 2xx.
        public var succeeded = 0
        /// Requests that ended in an error.
        public var failed = 0
        /// Retries made (throttled, 5xx, dropped, token refresh).
        public var retries = 0
        /// Answers that were 429 or `SSS_REQUEST_LIMIT_EXCEEDED`.
        public var throttled = 0
    }

    private let state = NIOLockedValueBox(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLockedValue { $0 } }

    func record(_ update: (inout Snapshot) -> Void) { state.withLockedValue { update(&$0) } }
}
