import Foundation
import Logging
import NetSuiteAuth
import NetSuiteClient
import SQLKit

extension CertificateLifecycle {
    /// The instance's rotation policy.
    public func rotationPolicy(of name: String) async throws -> RotationPolicy {
        try await store.read { database in
            let row = try await InstanceRows.instance(named: name, in: database)
            let column = try await InstanceRows.rotationDaysBefore(instanceID: row.instance.id, in: database)
            return RotationPolicy(column: column, allowsUnattended: row.instance.roleID != nil && row.instance.entityID != nil)
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
            try await InstanceRows.setRotationDaysBefore(days, instanceID: row.instance.id, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: .certificatePolicy,
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
        for instance in try await context.instances.list() where instance.authMethod == .clientCredentials {
            if let settled = try await settleInterruptedRotation(instance) {
                outcomes.append(settled)
                continue
            }
            let policy = try await rotationPolicy(of: instance.name)
            guard let active = try await list(of: instance.name).first(where: { $0.state == .active }),
                  let notAfter = active.notAfter, let due = policy.dueDate(notAfter: notAfter), due <= date
            else { continue }
            let (failures, retryAt) = try await store.read { try await InstanceRows.rotationRetry(instanceID: instance.id, in: $0) }
            if let retryAt, retryAt > date { continue }
            do {
                // One server rotates: the others find the lease taken and skip; the holder checks again that the
                // rotation is still due (another server may have just done it).
                let rotated = try await lease(instance).whileHeld(now: date) { () -> AutomaticRotationResult? in
                    guard let current = try await list(of: instance.name).first(where: { $0.state == .active }), current.id == active.id else { return nil }
                    return try await rotateHoldingLease(instance.name, keyType: nil, days: CertificateKit.defaultValidityDays)
                }
                guard let result = rotated ?? nil else { continue }
                try await store.transaction { [actor] database in
                    try await InstanceRows.clearRotationRetry(instanceID: instance.id, in: database)
                    try await AuditLog.append(database, actor: actor, instance: instance.name, action: .certificateRotateScheduled,
                                              detail: "\(policy): \(active.displayName) replaced by \(result.newCertificate.displayName)", at: date)
                }
                outcomes.append(ScheduledRotation(instance: instance.name, succeeded: true, detail: "rotated to \(result.newCertificate.displayName)"))
            } catch {
                let delay = min(12 * 3600, 600 * pow(2, Double(failures)))
                let next = date.addingTimeInterval(delay)
                let reason = (error as? SuiteBridgeError).map { "\($0.message) \($0.remedy)" } ?? "\(error)"
                try await store.transaction { [actor] database in
                    try await InstanceRows.recordRotationFailure(
                        instanceID: instance.id, failures: failures + 1, retryAt: next,
                        reason: "Unattended certificate rotation failed (the current certificate stays in use): \(reason)", in: database)
                    try await AuditLog.append(database, actor: actor, instance: instance.name, action: .certificateRotateScheduled, outcome: .failure,
                                              detail: "attempt \(failures + 1) failed, retry at \(StoreDate.string(next)): \(reason)", at: date)
                }
                logger.warning("unattended certificate rotation failed", metadata: ["instance": "\(instance.name)", "retry-at": "\(StoreDate.string(next))"])
                outcomes.append(ScheduledRotation(instance: instance.name, succeeded: false, detail: reason, retryAt: next))
            }
        }
        return outcomes
    }

    /// Finishes an unattended rotation a crash interrupted after NetSuite accepted the new certificate (a pending
    /// certificate with a NetSuite id): proves and activates it and revokes the previous one, or, when it does not
    /// work, revokes it in NetSuite and discards it. Runs holding the instance's lease; `nil` when there is nothing
    /// to settle or another server holds the lease.
    func settleInterruptedRotation(_ instance: Instance) async throws -> ScheduledRotation? {
        guard let pending = try await list(of: instance.name).first(where: { $0.state == .pending && $0.certificateID != nil }) else { return nil }
        let settled = try await lease(instance).whileHeld(now: now()) { () -> ScheduledRotation? in
            let certificates = try await list(of: instance.name)
            guard let current = certificates.first(where: { $0.id == pending.id && $0.state == .pending }), let id = current.certificateID else { return nil }
            let previous = certificates.first { $0.state == .active }
            let client = try await context.connections.client(for: instance.name)
            do {
                let result = try await switchToUploaded(instance.name, certificateID: id, previous: previous,
                                                        certificates: client.certificates(clientID: instance.consumerKey))
                try? await audit.record(actor: actor, instance: instance.name, action: .certificateRotateScheduled, outcome: .success,
                                        detail: "finished an interrupted rotation: \(result.newCertificate.displayName) active")
                return ScheduledRotation(instance: instance.name, succeeded: true, detail: "finished an interrupted rotation to \(id)")
            } catch {
                _ = try? await revoke(instance.name, certificateID: id)
                try? await audit.record(actor: actor, instance: instance.name, action: .certificateRotateScheduled, outcome: .failure,
                                        detail: "an interrupted rotation's certificate \(id) did not work and was revoked: \(ErrorSummary.short(error))")
                return ScheduledRotation(instance: instance.name, succeeded: false, detail: "revoked the interrupted rotation's certificate \(id)")
            }
        }
        return settled ?? nil
    }
}
