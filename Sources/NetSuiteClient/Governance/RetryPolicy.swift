/// When and how long to wait before trying a request again: exponential backoff with full jitter.
public struct RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included. Default 6.
    public var maxAttempts: Int
    /// The first backoff ceiling. Default 0.2 s.
    public var baseDelay: Duration
    /// The largest backoff ceiling. Default 10 s.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1-based): uniformly random in [0, min(maxDelay, baseDelay·2^(retry-1))].
    public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        let ceiling = min(cap, base * Double(1 << min(retry - 1, 30)))
        return .nanoseconds(Int64(Double.random(in: 0...max(ceiling, 0), using: &generator) * 1e9))
    }
}
