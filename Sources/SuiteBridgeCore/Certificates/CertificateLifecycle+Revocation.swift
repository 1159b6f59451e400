import Foundation
import Logging
import NetSuiteAuth
import NetSuiteClient
import SQLKit

extension CertificateLifecycle {
    /// Revokes a certificate: through NetSuite's certificate rotation endpoint when the instance can reach it, and
    /// in the store in any case. Refuses the only active certificate unless `force`.
    /// - Parameter certificateID: NetSuite's id, or the start of SuiteBridge's row id for a pending certificate.
    public func revoke(_ name: String, certificateID: String, force: Bool = false) async throws -> RevocationResult {
        let (row, certificates) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            return (row, try await CertificateRows.of(instanceID: row.instance.id, in: database))
        }
        guard let target = certificates.first(where: { $0.certificate.certificateID == certificateID })
            ?? certificates.first(where: { $0.certificate.certificateID == nil && $0.certificate.id.hasPrefix(certificateID) && certificateID.count >= 8 })
        else {
            throw SuiteBridgeError(.notFound, "\(name) has no certificate \(certificateID).",
                                   remedy: "Run `suitebridge cert status` to see the certificate ids.", field: "certificate id")
        }
        var revoked = target.certificate
        revoked.state = try revoked.state.after(.revoke, certificate: revoked.displayName)
        if target.certificate.state == .active, !force {
            throw SuiteBridgeError(.conflict, "\(certificateID) is \(name)'s only active certificate: revoking it stops the instance.",
                                   remedy: "Rotate first (`suitebridge cert rotate --instance \(name)`), or add --force to revoke it anyway.",
                                   field: "certificate id")
        }
        var revokedInNetSuite = false
        var note: String?
        if let netsuiteID = target.certificate.certificateID {
            do {
                let client = try await context.connections.client(for: name)
                try await client.certificates(clientID: row.instance.consumerKey).revoke(certificateID: netsuiteID)
                revokedInNetSuite = true
            } catch {
                note = "NetSuite's certificate rotation endpoint did not revoke it (\(ErrorSummary.short(error))). Revoke it by hand: Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup, Revoke."
            }
        } else {
            note = "It was never uploaded to NetSuite; discarded here."
        }
        let date = now()
        revoked.revokedAt = date
        let actor = self.actor
        let final = revoked
        let wasActive = target.certificate.state == .active
        let detail = "\(revoked.displayName) revoked" + (revokedInNetSuite ? " in NetSuite" : " here only")
        try await store.transaction { database in
            try await CertificateRows.update(final, from: target.certificate.state, in: database)
            if wasActive {
                try await InstanceRows.setHealth(instanceID: row.instance.id, health: .unhealthy,
                                                 error: "The active certificate was revoked; rotate to a new one.", at: date, in: database)
            }
            try await AuditLog.append(database, actor: actor, instance: name, action: .certificateRevoke, detail: detail, at: date)
        }
        if wasActive { await context.connections.forget(name) }
        return RevocationResult(certificate: revoked, revokedInNetSuite: revokedInNetSuite, note: note)
    }

    /// Rotates without an admin: generates a pair, uploads it through NetSuite's certificate rotation endpoint,
    /// proves it, switches, then revokes the old one. Users of the instance in this process see no failed request:
    /// their cached token stays valid until the switch, and the proved token replaces it at the switch.
    /// - Throws: ``SuiteBridgeError``; when it fails before the switch, the active certificate is untouched.
    /// One server at a time: while another holds the instance's lease, this refuses with `.conflict`.
    public func rotateAutomatically(_ name: String, keyType: KeyType? = nil, days: Int = CertificateKit.defaultValidityDays) async throws -> AutomaticRotationResult {
        let instance = try await store.read { try await self.oauth2Instance(name, in: $0).instance }
        guard let result = try await lease(instance).whileHeld(now: now(), { try await rotateHoldingLease(name, keyType: keyType, days: days) }) else {
            throw SuiteBridgeError(.conflict, "Another server is rotating \(name)'s certificate now.",
                                   remedy: "Wait a minute and look at `suitebridge cert status`.", field: "instance")
        }
        return result
    }

    /// The lease on `instance`'s certificates for one call of this process.
    func lease(_ instance: Instance) -> InstanceLease {
        InstanceLease(store: store, instanceID: instance.id, holder: Connections.processIdentity + "-" + UUID().uuidString.prefix(8))
    }

    /// ``rotateAutomatically(_:keyType:days:)``, for a caller that holds the instance's lease.
    func rotateHoldingLease(_ name: String, keyType: KeyType?, days: Int) async throws -> AutomaticRotationResult {
        let instance = try await store.read { try await self.oauth2Instance(name, in: $0).instance }
        guard let role = instance.roleID, let entity = instance.entityID else {
            throw SuiteBridgeError(.invalidInput, "Unattended rotation needs \(name)'s NetSuite role and entity internal ids.",
                                   remedy: "Set them: `suitebridge instance edit \(name) --role-id R --entity-id E` (the mapping's role and user).",
                                   field: instance.roleID == nil ? "role id" : "entity id")
        }
        let old = try await list(of: name).first { $0.state == .active }
        let pending = try await beginRotation(name, keyType: keyType, days: days)
        let client = try await context.connections.client(for: name)
        let certificates = client.certificates(clientID: instance.consumerKey)
        let newID: String
        do {
            newID = try await certificates.add(certificatePEM: pending.certificatePEM, role: role, entity: entity)
        } catch {
            try? await audit.record(actor: actor, instance: name, action: .certificateRotateAuto, outcome: .failure,
                                    detail: "upload refused: \(ErrorSummary.short(error))")
            throw SuiteBridgeError(.netsuite, "NetSuite did not accept the new certificate (\(ErrorSummary.short(error))); the active certificate is unchanged.",
                                   remedy: (error as? NetSuiteError)?.remedy ?? "Check that the role has \"Manage own OAuth 2.0 Client Credentials certificates\".",
                                   field: "certificate")
        }
        let pendingRowID = pending.certificate.id
        try await store.read { try await CertificateRows.recordPendingID(rowID: pendingRowID, certificateID: newID, in: $0) }
        await FaultPoint.rotationAfterUpload.pauseIfRequested()
        return try await switchToUploaded(name, certificateID: newID, previous: old, certificates: certificates)
    }

    /// Activates the uploaded certificate `certificateID` (revoking it in NetSuite when that fails) and revokes the
    /// previously active one: the second half of an unattended rotation.
    func switchToUploaded(_ name: String, certificateID newID: String, previous old: StoredCertificate?,
                          certificates: NetSuiteClient.ClientCertificates) async throws -> AutomaticRotationResult {
        let activated: StoredCertificate
        do {
            activated = try await activate(name, certificateID: newID)
        } catch {
            // Leave nothing behind in NetSuite that the store does not know about.
            try? await certificates.revoke(certificateID: newID)
            throw error
        }
        guard let old, let oldID = old.certificateID else {
            return AutomaticRotationResult(newCertificate: activated, oldCertificate: nil, note: nil)
        }
        do {
            let revocation = try await revoke(name, certificateID: oldID)
            return AutomaticRotationResult(newCertificate: activated, oldCertificate: revocation.certificate, note: revocation.note)
        } catch {
            return AutomaticRotationResult(newCertificate: activated, oldCertificate: old,
                                           note: "The old certificate \(oldID) is retired but not revoked: \(error)")
        }
    }
}
