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

    /// The state after `event`.
    /// - Throws: ``SuiteBridgeError`` `.conflict` naming the run when `event` cannot happen in this state.
    public func after(_ event: Event, run: String) throws -> RunState {
        guard let next = applying(event) else {
            throw SuiteBridgeError(.conflict, "Run \(run.prefix(8)) is \(rawValue): it cannot \(event.rawValue).",
                                   remedy: "Only queued or running runs start, finish or are cancelled.", field: "run")
        }
        return next
    }

    /// The states from which `event` can happen: for SQL that changes whichever of them a run is in.
    public static func states(allowing event: Event) -> [RunState] {
        allCases.filter { $0.applying(event) != nil }
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
