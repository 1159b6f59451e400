/// How the client waits for an asynchronous job: it asks for the job's state after `firstDelay`, then at doubling
/// intervals up to `maxDelay`, and gives up after `timeout`. Every poll is a request that holds a concurrency slot,
/// so the defaults poll seldom.
public struct AsyncPolling: Sendable, Hashable {
    public var firstDelay: Duration
    public var maxDelay: Duration
    /// How long a job may take before the wait fails (it may still finish at NetSuite). Default 15 minutes.
    public var timeout: Duration

    public init(firstDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(5), timeout: Duration = .seconds(900)) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
    }
}
