/// Where a certificate of an OAuth 2 instance is in its life.
///
/// ```
/// pending ──activate──▶ active ──(successor activated)──▶ retired
///    │                    │  ▲                              │
///    │                    │  └────────── rollback ──────────┤
///    └──────discard──┐    └──revoke──┐                      │
///                    ▼               ▼                      ▼
///                 revoked         revoked                revoked
/// ```
/// `revoked` is final: NetSuite has no un-revoke, a revoked certificate needs a new mapping.
public enum CertificateState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Generated (or uploaded) and waiting to be proved; the instance still signs with its active certificate.
    case pending
    /// The certificate the instance signs with. At most one per instance.
    case active
    /// Replaced by a newer one; kept, still valid in NetSuite, for rollback until revoked.
    case retired
    /// Revoked in NetSuite (or discarded before use). Final.
    case revoked

    /// The actions that move a certificate between states.
    public enum Transition: String, Sendable, Hashable, CaseIterable {
        /// A pending certificate proved itself with a token exchange and becomes the one in use.
        case activate
        /// The active certificate gives way to a newly activated one.
        case retire
        /// A retired certificate becomes active again (its successor failed).
        case rollback
        /// Revoked in NetSuite, or a pending one discarded.
        case revoke
    }

    /// The state `transition` leads to from this one, or `nil` when it is not allowed.
    public func applying(_ transition: Transition) -> CertificateState? {
        switch (self, transition) {
        case (.pending, .activate): .active
        case (.active, .retire): .retired
        case (.retired, .rollback): .active
        case (.pending, .revoke), (.active, .revoke), (.retired, .revoke): .revoked
        default: nil
        }
    }

    /// Whether `transition` is allowed from this state.
    public func allows(_ transition: Transition) -> Bool { applying(transition) != nil }

    /// The state after `transition`.
    /// - Throws: ``SuiteBridgeError`` `.conflict` naming both, when it is not allowed.
    public func after(_ transition: Transition, certificate: String) throws -> CertificateState {
        guard let next = applying(transition) else {
            throw SuiteBridgeError(.conflict, "The certificate \(certificate) is \(rawValue); it cannot \(transition.rawValue).",
                                   remedy: Self.remedy(from: self), field: "certificate id")
        }
        return next
    }

    private static func remedy(from state: CertificateState) -> String {
        switch state {
        case .revoked: "A revoked certificate cannot be used again: run `suitebridge cert rotate` for a new one."
        case .active: "It is already in use."
        case .pending: "Activate it first with `suitebridge cert activate --certificate-id ID`."
        case .retired: "Roll it back to active, or revoke it."
        }
    }
}
