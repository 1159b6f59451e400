/// Where a run of a flow is: `queued → running → succeeded | failed | cancelled`. A running run whose worker
/// died (its lease expired) is taken again by another worker and stays `running`, resuming from its checkpoint.
public enum RunState: String, Sendable, Hashable, CaseIterable, Codable {
    case queued, running, succeeded, failed, cancelled

    public enum Event: String, Sendable, Hashable, CaseIterable {
        /// A worker took the run (or took it over after the lease expired).
        case start
        case succeed
        case fail
        case cancel
    }

    /// The state after `event`, or `nil` when it cannot happen here.
    public func applying(_ event: Event) -> RunState? {
        switch (self, event) {
        case (.queued, .start), (.running, .start): .running
        case (.running, .succeed): .succeeded
        case (.running, .fail): .failed
        case (.queued, .cancel), (.running, .cancel): .cancelled
        default: nil
        }
    }

    /// Whether the run is over.
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// Whether a flow takes runs.
public enum FlowState: String, Sendable, Hashable, Codable {
    case active
    case paused
    /// Its instance's credentials failed; it resumes on its own once `instance test` succeeds again.
    case waitingForCredentials = "waiting_for_credentials"
}
