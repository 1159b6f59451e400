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
        /// Requests sent to NetSuite, retries included.
        public var sent = 0
        /// Requests NetSuite has not answered yet.
        public var inFlight = 0
        /// The most in flight at once since ``RequestStatistics/takePeakInFlight()`` was last called.
        public var peakInFlight = 0

        public init() {}
    }

    private let state = NIOLockedValueBox(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLockedValue { $0 } }

    func record(_ update: (inout Snapshot) -> Void) { state.withLockedValue { update(&$0) } }

    func began() {
        record { $0.sent += 1; $0.inFlight += 1; $0.peakInFlight = max($0.peakInFlight, $0.inFlight) }
    }

    func ended() {
        record { $0.inFlight -= 1 }
    }

    /// The most requests in flight at once since the last call, and starts counting again from those in flight now.
    public func takePeakInFlight() -> Int {
        state.withLockedValue { state in
            defer { state.peakInFlight = state.inFlight }
            return state.peakInFlight
        }
    }
}
