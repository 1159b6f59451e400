/// Keeps the requests in flight to one NetSuite account within its concurrency limit, shared by every request
/// to that account in the process.
///
/// The window starts at the configured limit. A throttled answer (429, `SSS_REQUEST_LIMIT_EXCEEDED`) comes back at
/// once while admitted requests take their time, so the requests still in flight when it arrives are about what
/// the account admits: the window drops to that number (at least one below where it was, at most once per
/// window's worth of requests) and it is remembered as the account's likely limit. Each success widens the window
/// by 1/window up to that level and a tenth as fast above it; a level held for two windows' worth of successes
/// becomes the new likely limit, and a throttled answer above the likely limit steps back to it. So the limiter
/// finds the account's real limit (other integrations share it) and stays there. Waiters are served in order; a
/// cancelled waiter leaves the queue.
public actor ConcurrencyLimiter {
    /// The account's configured limit.
    public let limit: Int
    /// The current window (requests allowed in flight), between 1 and ``limit``.
    public private(set) var window: Double
    /// Requests in flight now.
    public private(set) var inFlight = 0
    /// The most requests ever in flight at once.
    public private(set) var maxInFlight = 0
    /// How often the window was lowered after a throttled answer.
    public private(set) var throttleEvents = 0

    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID = 0
    /// Requests finished since the window was last lowered: one throttle per window's worth lowers it once.
    private var completionsSinceDecrease = Int.max
    /// The in-flight level just below the last throttled answer: the account's likely limit.
    public private(set) var learnedLimit: Double?

    /// How a request ended, for the window.
    public enum Outcome: Sendable { case success, throttled, other }

    /// - Precondition: `limit` ≥ 1.
    public init(limit: Int) {
        self.limit = max(1, limit)
        self.window = Double(max(1, limit))
    }

    private var capacity: Int { max(1, Int(window.rounded(.down))) }

    /// Waits for a slot.
    /// - Throws: `CancellationError` if the task is cancelled while waiting.
    public func acquire() async throws {
        if inFlight < capacity && waiters.isEmpty {
            take()
            return
        }
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func take() {
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Gives a slot back and adjusts the window by how the request ended.
    public func release(_ outcome: Outcome) {
        inFlight -= 1
        if completionsSinceDecrease < Int.max { completionsSinceDecrease += 1 }
        switch outcome {
        case .success:
            let step = learnedLimit.map { window >= $0 } == true ? 0.1 / window : 1 / window
            window = min(Double(limit), window + step)
            if let learned = learnedLimit, window.rounded(.down) > learned, completionsSinceDecrease >= 2 * capacity {
                learnedLimit = window.rounded(.down)
            }
        case .throttled:
            if completionsSinceDecrease >= capacity {
                if let learned = learnedLimit, window > learned, Double(inFlight) >= learned {
                    window = learned
                } else {
                    window = max(1, min(window - 1, Double(inFlight)))
                    learnedLimit = window.rounded(.down)
                }
                throttleEvents += 1
                completionsSinceDecrease = 0
            }
        case .other:
            break
        }
        while inFlight < capacity, !waiters.isEmpty {
            take()
            waiters.removeFirst().continuation.resume()
        }
    }

    /// Runs `body` inside a slot.
    public func withSlot<T: Sendable>(_ body: @Sendable () async throws -> (T, Outcome)) async throws -> T {
        try await acquire()
        do {
            let (value, outcome) = try await body()
            release(outcome)
            return value
        } catch {
            release(.other)
            throw error
        }
    }
}

/// The limiters of a process, one per account, so every client of an account shares one budget.
public actor ConcurrencyLimiterRegistry {
    public static let shared = ConcurrencyLimiterRegistry()
    private var limiters: [String: ConcurrencyLimiter] = [:]

    public init() {}

    /// The limiter for `account` (its realm or base URL), created with `limit` on first use.
    public func limiter(for account: String, limit: Int) -> ConcurrencyLimiter {
        // A changed limit (read from NetSuite's governanceLimits, or edited) gets a new limiter; clients made
        // before keep theirs until they are replaced.
        if let existing = limiters[account], existing.limit == max(1, limit) { return existing }
        let limiter = ConcurrencyLimiter(limit: limit)
        limiters[account] = limiter
        return limiter
    }
}

/// Slots of an account's concurrency limit shared between processes (for example through a database), so that
/// several servers together never exceed it. A client holds one slot for each request it sends.
public protocol ConcurrencyBudget: Sendable {
    /// Waits for a free slot and returns it.
    /// - Throws: when the budget cannot be reached or the task is cancelled.
    func acquire() async throws -> Int
    /// Gives the slot back.
    func release(_ slot: Int) async
}
