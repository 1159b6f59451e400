import Foundation
import Logging
import NetSuiteAuth
import NetSuiteClient
import SQLKit

/// The certificate lifecycle of OAuth 2 instances: a new pair as pending while the active one stays in use, proved
/// with a real token exchange before the switch, the old one retired, then revoked; unattended rotation through
/// NetSuite's certificate rotation endpoint, on a schedule (see ``CertificateState`` for the states).
///
/// Files: this one (rotate by hand, activate, change the id), `+Revocation` (revoke, unattended rotation),
/// `+Status` (`cert status`, the PEM to upload), `+Schedule` (rotation policy and scheduled rotations).
public struct CertificateLifecycle: Sendable {
    let context: CoreContext
    var store: Store { context.store }
    var secrets: SecretBox { context.secrets }
    var audit: AuditLog { context.audit }
    var actor: String { context.actor }
    var logger: Logger { context.logger }
    var now: @Sendable () -> Date { context.now }

    init(context: CoreContext) {
        self.context = context
    }

    /// The certificates of an OAuth 2 instance (any instance: OAuth 1 ones have none), oldest first.
    /// - Throws: ``SuiteBridgeError`` `.notFound`.
    public func list(of name: String) async throws -> [StoredCertificate] {
        try await store.read { database in
            let row = try await InstanceRows.instance(named: name, in: database)
            return try await CertificateRows.of(instanceID: row.instance.id, in: database).map(\.certificate)
        }
    }

    func oauth2Instance(_ name: String, in database: any SQLDatabase) async throws -> InstanceRows.Row {
        let row = try await InstanceRows.instance(named: name, in: database)
        guard row.instance.authMethod == .clientCredentials else {
            throw SuiteBridgeError(.conflict, "\(name) uses OAuth 1 token-based auth, which has no certificates.",
                                   remedy: "Certificates belong to OAuth 2 client credentials instances.", field: "instance")
        }
        return row
    }

    /// Generates a new key pair and certificate as the instance's pending certificate, while the active one stays
    /// in use. A pending certificate that was never activated is discarded.
    /// - Parameters:
    ///   - keyType: by default the active certificate's type, else RSA 4096.
    ///   - days: validity, 1 to 730; default 365.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for a TBA instance, a bad key type or validity.
    public func beginRotation(_ name: String, keyType: KeyType? = nil, days: Int = CertificateKit.defaultValidityDays) async throws -> PendingCertificate {
        try await secrets.sealing { try await beginRotation(name, keyType: keyType, days: days, sealingWith: $0) }
    }

    private func beginRotation(_ name: String, keyType: KeyType?, days: Int, sealingWith secrets: SecretBox) async throws -> PendingCertificate {
        let (row, certificates) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            return (row, try await CertificateRows.of(instanceID: row.instance.id, in: database))
        }
        let activeType = certificates.first { $0.certificate.state == .active }?.certificate.keyType
        let chosen = keyType ?? activeType ?? .rsa(bits: 4096)
        let generated = try SuiteBridgeError.converting {
            try CertificateKit.generate(keyType: chosen, validityDays: days, subject: "CN=SuiteBridge \(name)", now: now())
        }
        let material = CertificateMaterial(key: generated.privateKey, certificate: generated.certificate)
        let date = now()
        let pending = try CertificateRows.make(sealingWith: secrets, instanceID: row.instance.id, material: material,
                                               certificateID: nil, state: .pending, at: date)
        let actor = self.actor
        try await store.transaction { database in
            try await secrets.checkStillSealing(in: database)
            for old in try await CertificateRows.of(instanceID: row.instance.id, in: database) where old.certificate.state == .pending {
                var discarded = old.certificate
                discarded.state = try discarded.state.after(.revoke, certificate: discarded.displayName)
                discarded.revokedAt = date
                try await CertificateRows.update(discarded, from: old.certificate.state, in: database)
                try await AuditLog.append(database, actor: actor, instance: name, action: .certificateDiscard,
                                          detail: "\(discarded.displayName) replaced by a new pending certificate", at: date)
            }
            try await CertificateRows.insert(pending, into: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: .certificateRotate,
                                      detail: "new pending \(chosen) certificate, not after \(CredentialDiagnosis.day(generated.certificate.notAfter)), sha256 \(generated.certificate.sha256Fingerprint.prefix(16))",
                                      at: date)
        }
        return PendingCertificate(certificate: pending.certificate, certificatePEM: generated.certificatePEM)
    }

    /// Proves the pending certificate under `certificateID` with a real token exchange, then makes it active; the
    /// previous active one becomes retired. A failed proof changes nothing and says why.
    /// - Throws: ``SuiteBridgeError`` `.conflict` without a pending certificate; `.netsuite` when the exchange fails.
    @discardableResult
    public func activate(_ name: String, certificateID: String) async throws -> StoredCertificate {
        let certificateID = try InstanceValidation.identifier(certificateID, field: "certificate id", whereToFind: InstanceValidation.certificateIDSource)
        let (row, pendingRow) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            let pending = try await CertificateRows.of(instanceID: row.instance.id, in: database).first { $0.certificate.state == .pending }
            return (row, pending)
        }
        guard let pendingRow else {
            throw SuiteBridgeError(.conflict, "\(name) has no pending certificate to activate.",
                                   remedy: "Make one with `suitebridge cert rotate --instance \(name)`; to change the id of the active one use `suitebridge cert update-id`.",
                                   field: "certificate id")
        }
        let token = try await prove(row.instance, pendingRow, certificateID: certificateID, action: .certificateActivate)
        let date = now()
        let actor = self.actor
        let activated: StoredCertificate = try await store.transaction { database in
            var retiredName: String?
            for current in try await CertificateRows.of(instanceID: row.instance.id, in: database) where current.certificate.state == .active {
                var retired = current.certificate
                retired.state = try retired.state.after(.retire, certificate: retired.displayName)
                retired.retiredAt = date
                try await CertificateRows.update(retired, from: current.certificate.state, in: database)
                retiredName = retired.displayName
            }
            var active = pendingRow.certificate
            active.state = try active.state.after(.activate, certificate: active.displayName)
            active.certificateID = certificateID
            active.activatedAt = date
            try await CertificateRows.update(active, from: pendingRow.certificate.state, in: database)
            try await InstanceRows.setHealth(instanceID: row.instance.id, health: .healthy, error: nil, at: date, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: .certificateActivate,
                                      detail: "\(certificateID) active" + (retiredName.map { "; \($0) retired" } ?? ""), at: date)
            await FaultPoint.certificateActivateBeforeCommit.pauseIfRequested()
            return active
        }
        await context.connections.adopt(token, instance: name)
        return activated
    }

    /// A token exchange with exactly this key and id; audits and throws a diagnosis when it fails.
    private func prove(_ instance: Instance, _ certificate: CertificateRows.Row, certificateID: String, action: AuditAction) async throws -> AccessToken {
        do {
            let provider = try await context.connections.provingProvider(instance: instance, certificate: certificate, certificateID: certificateID)
            return try await provider.accessToken()
        } catch {
            var proved = certificate.certificate
            proved.certificateID = certificateID
            let diagnosis = CredentialDiagnosis.explain(error, instance: instance, activeCertificate: proved, now: now())
            let failure = SuiteBridgeError(.netsuite, "The certificate id \(certificateID) did not work, so nothing was changed. \(diagnosis.message)",
                                           remedy: diagnosis.remedy, field: "certificate id")
            try? await audit.record(actor: actor, instance: instance.name, action: action, outcome: .failure, detail: failure.message)
            throw failure
        }
    }

    /// Changes the active certificate's id (Calxa's "update current certificate"), after proving the key works under it.
    /// - Throws: ``SuiteBridgeError`` `.conflict` without an active certificate; `.netsuite` when the exchange fails.
    @discardableResult
    public func updateCertificateID(_ name: String, certificateID: String) async throws -> StoredCertificate {
        let certificateID = try InstanceValidation.identifier(certificateID, field: "certificate id", whereToFind: InstanceValidation.certificateIDSource)
        let (row, activeRow) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            return (row, try await CertificateRows.of(instanceID: row.instance.id, in: database).first { $0.certificate.state == .active })
        }
        guard let activeRow else {
            throw SuiteBridgeError(.conflict, "\(name) has no active certificate whose id could change.",
                                   remedy: "Activate a pending one with `suitebridge cert activate`.", field: "certificate id")
        }
        let token = try await prove(row.instance, activeRow, certificateID: certificateID, action: .certificateUpdateID)
        let previous = activeRow.certificate.certificateID ?? "(none)"
        var updated = activeRow.certificate
        updated.certificateID = certificateID
        let date = now()
        let actor = self.actor
        let final = updated
        try await store.transaction { database in
            try await CertificateRows.update(final, from: activeRow.certificate.state, in: database)
            try await InstanceRows.setHealth(instanceID: row.instance.id, health: .healthy, error: nil, at: date, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: .certificateUpdateID,
                                      detail: "\(previous) -> \(certificateID)", at: date)
        }
        await context.connections.adopt(token, instance: name)
        return updated
    }
}
