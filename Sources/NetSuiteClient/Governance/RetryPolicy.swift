/// When and how long to wait before trying a request again: exponential backoff with full jitter.
public struct RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included. Default 6.
    public var maxAttempts: Int
    /// The first backoff ceiling. Default 0.2 s.
    public var baseDelay: Duration
    /// The largest backoff ceiling. Default 10 s.
    public var maxDelay: Duration
    /// The first backoff ceiling after a throttled answer (429). Default 50 ms: the limiter has already narrowed
    /// its window and queues the retry until a slot is free, so a long sleep would only hold up ordered pages.
    public var throttledBaseDelay: Duration

    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
        throttledBaseDelay: Duration = .milliseconds(50)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.throttledBaseDelay = throttledBaseDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1-based): uniformly random in [0, min(maxDelay, base·2^(retry-1))],
    /// where base is ``throttledBaseDelay`` after a throttled answer and ``baseDelay`` otherwise.
    public func delay(beforeRetry retry: Int, throttled: Bool = false, using generator: inout some RandomNumberGenerator) -> Duration {
        let first = throttled ? throttledBaseDelay : baseDelay
        let base = Double(first.components.seconds) + Double(first.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        let ceiling = min(cap, base * Double(1 << min(retry - 1, 30)))
        return .nanoseconds(Int64(Double.random(in: 0...max(ceiling, 0), using: &generator) * 1e9))
    }
}
