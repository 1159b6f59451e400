import Foundation
import Logging
import SQLKit

/// When an OAuth 2 instance's certificate is rotated without an admin.
public enum RotationPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Never unattended; `cert status` and the logs still warn.
    case off
    /// Rotate through NetSuite's certificate rotation endpoint this many days before the active one expires.
    case daysBeforeExpiry(Int)

    /// The default for instances that allow unattended rotation (their role and entity ids are known).
    public static let defaultDays = 30

    /// The stored column: `NULL` for the default, `0` for off, `N` days.
    init(column: Int?, allowsUnattended: Bool) {
        switch column {
        case .some(0): self = .off
        case .some(let days): self = allowsUnattended ? .daysBeforeExpiry(days) : .off
        case .none: self = allowsUnattended ? .daysBeforeExpiry(Self.defaultDays) : .off
        }
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .daysBeforeExpiry(let days): "rotate \(days) days before expiry"
        }
    }

    /// When the rotation of a certificate expiring at `notAfter` is due, or `nil` when the policy is off.
    public func dueDate(notAfter: Date) -> Date? {
        switch self {
        case .off: nil
        case .daysBeforeExpiry(let days): notAfter.addingTimeInterval(-Double(days) * 86_400)
        }
    }
}

/// What one scheduled rotation did.
public struct ScheduledRotation: Sendable {
    public var instance: String
    public var succeeded: Bool
    public var detail: String
    /// When it is tried again, after a failure.
    public var retryAt: Date?
}

extension InstanceRegistry {
    /// The instance's rotation policy.
    public func rotationPolicy(of name: String) async throws -> RotationPolicy {
        try await store.read { database in
            let row = try await InstanceRows.instance(named: name, in: database)
            let column = try await database.raw("SELECT rotation_days_before FROM instances WHERE id = \(bind: row.instance.id)").first()?
                .decode(column: "rotation_days_before", as: Int?.self)
            return RotationPolicy(column: column ?? nil, allowsUnattended: row.instance.roleID != nil && row.instance.entityID != nil)
        }
    }

    /// Sets the rotation policy: `nil` for the default (30 days when unattended rotation is possible), `0` for off.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for days outside 0...365, or days on an instance without the
    ///   role and entity ids unattended rotation needs.
    public func setRotationPolicy(_ name: String, daysBeforeExpiry days: Int?) async throws {
        if let days, !(0...365).contains(days) {
            throw SuiteBridgeError(.invalidInput, "\(days) days is not a rotation policy.",
                                   remedy: "Give 0 (off) or 1 to 365 days before expiry (30 is the default).", field: "rotation days before")
        }
        let actor = self.actor
        let date = now()
        try await store.transaction { database in
            let row = try await InstanceRows.instance(named: name, in: database)
            if let days, days > 0, row.instance.roleID == nil || row.instance.entityID == nil {
                throw SuiteBridgeError(.invalidInput, "\(name) cannot rotate unattended: its role and entity ids are not set.",
                                       remedy: "Set them first (`suitebridge instance edit \(name) --role-id R --entity-id E`).", field: "rotation days before")
            }
            try await database.raw("UPDATE instances SET rotation_days_before = \(bind: days), rotation_failures = 0, rotation_retry_at = NULL WHERE id = \(bind: row.instance.id)").run()
            try await AuditLog.append(database, actor: actor, instance: name, action: "certificate.policy",
                                      detail: days.map { $0 == 0 ? "unattended rotation off" : "rotate \($0) days before expiry" } ?? "default policy", at: date)
        }
    }

    /// Runs the unattended rotations that are due at `now()`: each OAuth 2 instance whose policy is on and whose
    /// active certificate is inside its window (and not waiting for a retry). A failure keeps the active
    /// certificate, sets the instance's health to warning with the reason, and schedules a retry with backoff
    /// (10 minutes, doubling, at most 12 hours).
    public func runDueRotations() async throws -> [ScheduledRotation] {
        var outcomes: [ScheduledRotation] = []
        let date = now()
        for instance in try await list() where instance.authMethod == .clientCredentials {
            let policy = try await rotationPolicy(of: instance.name)
            guard let active = try await certificates(of: instance.name).first(where: { $0.state == .active }),
                  let notAfter = active.notAfter, let due = policy.dueDate(notAfter: notAfter), due <= date
            else { continue }
            let (failures, retryAt) = try await store.read { database -> (Int, Date?) in
                let row = try await database.raw("SELECT rotation_failures, rotation_retry_at FROM instances WHERE id = \(bind: instance.id)").first()
                return (try row?.decode(column: "rotation_failures", as: Int.self) ?? 0,
                        StoreDate.date(try row?.decode(column: "rotation_retry_at", as: String?.self) ?? nil))
            }
            if let retryAt, retryAt > date { continue }
            do {
                let result = try await rotateAutomatically(instance.name)
                try await store.transaction { [actor] database in
                    try await database.raw("UPDATE instances SET rotation_failures = 0, rotation_retry_at = NULL WHERE id = \(bind: instance.id)").run()
                    try await AuditLog.append(database, actor: actor, instance: instance.name, action: "certificate.rotate-scheduled",
                                              detail: "\(policy): \(active.displayName) replaced by \(result.newCertificate.displayName)", at: date)
                }
                outcomes.append(ScheduledRotation(instance: instance.name, succeeded: true, detail: "rotated to \(result.newCertificate.displayName)"))
            } catch {
                let delay = min(12 * 3600, 600 * pow(2, Double(failures)))
                let next = date.addingTimeInterval(delay)
                let reason = (error as? SuiteBridgeError).map { "\($0.message) \($0.remedy)" } ?? "\(error)"
                try await store.transaction { [actor] database in
                    try await database.raw("""
                        UPDATE instances SET rotation_failures = \(bind: failures + 1), rotation_retry_at = \(bind: StoreDate.string(next)),
                        health = 'warning', last_error = \(bind: "Unattended certificate rotation failed (the current certificate stays in use): \(reason)")
                        WHERE id = \(bind: instance.id)
                        """).run()
                    try await AuditLog.append(database, actor: actor, instance: instance.name, action: "certificate.rotate-scheduled", outcome: .failure,
                                              detail: "attempt \(failures + 1) failed, retry at \(StoreDate.string(next)): \(reason)", at: date)
                }
                logger.warning("unattended certificate rotation failed", metadata: ["instance": "\(instance.name)", "retry-at": "\(StoreDate.string(next))"])
                outcomes.append(ScheduledRotation(instance: instance.name, succeeded: false, detail: reason, retryAt: next))
            }
        }
        return outcomes
    }
}
