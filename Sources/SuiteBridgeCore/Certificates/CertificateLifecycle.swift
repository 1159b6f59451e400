import Foundation
import Logging
import NetSuiteAuth
import NetSuiteClient
import SQLKit

/// A new key pair waiting for its NetSuite certificate id.
public struct PendingCertificate: Sendable {
    public var certificate: StoredCertificate
    /// The public certificate to upload to NetSuite (`auth-cert.pem`).
    public var certificatePEM: String
    /// Where an admin uploads it.
    public static let uploadSteps = [
        "In NetSuite, open Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup.",
        "Click Create New; pick the Entity, the Role and the Application (the integration record) this instance uses.",
        "Upload auth-cert.pem as the certificate and save.",
        "Copy the new Certificate ID from the list and run `suitebridge cert activate --instance NAME --certificate-id ID`.",
    ]
}

/// What an unattended rotation did.
public struct AutomaticRotationResult: Sendable {
    public var newCertificate: StoredCertificate
    /// The certificate it replaced, now revoked (or retired when NetSuite refused the revocation; see ``note``).
    public var oldCertificate: StoredCertificate?
    public var note: String?
}

/// What a revocation did.
public struct RevocationResult: Sendable {
    public var certificate: StoredCertificate
    /// Whether NetSuite's certificate rotation endpoint revoked it; when not, ``note`` says what to do in NetSuite.
    public var revokedInNetSuite: Bool
    public var note: String?
}

/// One line of `cert status`.
public struct CertificateStatusLine: Sendable, Hashable {
    public var instance: String
    public var certificateID: String?
    public var state: CertificateState?
    public var notAfter: Date?
    public var daysLeft: Int?
    /// `ok`, `warning` (inside the warning window), `critical` (an active one expired, or no active certificate).
    public var level: Level
    public var message: String

    public enum Level: String, Sendable, Hashable, Comparable {
        case ok, warning, critical
        public static func < (lhs: Level, rhs: Level) -> Bool {
            let order: [Level] = [.ok, .warning, .critical]
            return order.firstIndex(of: lhs) ?? 0 < order.firstIndex(of: rhs) ?? 0
        }
    }
}

extension InstanceRegistry {
    private func oauth2Instance(_ name: String, in database: any SQLDatabase) async throws -> InstanceRows.Row {
        let row = try await InstanceRows.instance(named: name, in: database)
        guard row.instance.authMethod == .clientCredentials else {
            throw SuiteBridgeError(.invalidInput, "\(name) uses OAuth 1 token-based auth, which has no certificates.",
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
        let (row, certificates) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            return (row, try await InstanceRows.certificates(instanceID: row.instance.id, in: database))
        }
        let activeType = certificates.first { $0.certificate.state == .active }?.certificate.keyType
        let chosen = keyType ?? activeType.flatMap(Self.keyType(named:)) ?? .rsa(bits: 4096)
        let generated: CertificateKit.GeneratedCertificate
        do {
            generated = try CertificateKit.generate(keyType: chosen, validityDays: days, subject: "CN=SuiteBridge \(name)", now: now())
        } catch let error as NetSuiteAuthError {
            throw SuiteBridgeError(.invalidInput, error.message, remedy: error.remedy, field: error.field)
        }
        let material = CertificateMaterial(key: generated.privateKey, certificate: generated.certificate)
        let date = now()
        let pending = try makeCertificateRow(instanceID: row.instance.id, material: material, privateKeyPEM: generated.privateKeyPEM,
                                             certificateID: nil, state: .pending, at: date)
        let actor = self.actor
        try await store.transaction { database in
            for old in try await InstanceRows.certificates(instanceID: row.instance.id, in: database) where old.certificate.state == .pending {
                var discarded = old.certificate
                discarded.state = try discarded.state.after(.revoke, certificate: discarded.displayName)
                discarded.revokedAt = date
                try await InstanceRows.update(discarded, in: database)
                try await AuditLog.append(database, actor: actor, instance: name, action: "certificate.discard",
                                          detail: "\(discarded.displayName) replaced by a new pending certificate", at: date)
            }
            try await InstanceRows.insert(pending, into: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: "certificate.rotate",
                                      detail: "new pending \(chosen) certificate, not after \(CredentialDiagnosis.day(generated.certificate.notAfter)), sha256 \(generated.certificate.sha256Fingerprint.prefix(16))",
                                      at: date)
        }
        return PendingCertificate(certificate: pending.certificate, certificatePEM: generated.certificatePEM)
    }

    static func keyType(named text: String) -> KeyType? {
        switch text {
        case "RSA 3072": .rsa(bits: 3072)
        case "RSA 4096": .rsa(bits: 4096)
        case "EC P-256": .ec(.p256)
        case "EC P-384": .ec(.p384)
        case "EC P-521": .ec(.p521)
        default: nil
        }
    }

    /// Proves the pending certificate under `certificateID` with a real token exchange, then makes it active; the
    /// previous active one becomes retired. A failed proof changes nothing and says why.
    /// - Throws: ``SuiteBridgeError`` `.conflict` without a pending certificate; `.netsuite` when the exchange fails.
    @discardableResult
    public func activate(_ name: String, certificateID: String) async throws -> StoredCertificate {
        let certificateID = try InstanceValidation.identifier(certificateID, field: "certificate id", whereToFind: InstanceValidation.certificateIDSource)
        let (row, pendingRow) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            let pending = try await InstanceRows.certificates(instanceID: row.instance.id, in: database).first { $0.certificate.state == .pending }
            return (row, pending)
        }
        guard let pendingRow else {
            throw SuiteBridgeError(.conflict, "\(name) has no pending certificate to activate.",
                                   remedy: "Make one with `suitebridge cert rotate --instance \(name)`; to change the id of the active one use `suitebridge cert update-id`.",
                                   field: "certificate id")
        }
        let token = try await prove(row.instance, pendingRow, certificateID: certificateID, action: "certificate.activate")
        let date = now()
        let actor = self.actor
        let activated: StoredCertificate = try await store.transaction { database in
            var retiredName: String?
            for current in try await InstanceRows.certificates(instanceID: row.instance.id, in: database) where current.certificate.state == .active {
                var retired = current.certificate
                retired.state = try retired.state.after(.retire, certificate: retired.displayName)
                retired.retiredAt = date
                try await InstanceRows.update(retired, in: database)
                retiredName = retired.displayName
            }
            var active = pendingRow.certificate
            active.state = try active.state.after(.activate, certificate: active.displayName)
            active.certificateID = certificateID
            active.activatedAt = date
            try await InstanceRows.update(active, in: database)
            try await InstanceRows.setHealth(instanceID: row.instance.id, health: .healthy, error: nil, at: date, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: "certificate.activate",
                                      detail: "\(certificateID) active" + (retiredName.map { "; \($0) retired" } ?? ""), at: date)
            await FaultPoint.certificateActivateBeforeCommit.pauseIfRequested()
            return active
        }
        await adopt(token, instance: name)
        return activated
    }

    /// A token exchange with exactly this key and id; audits and throws a diagnosis when it fails.
    private func prove(_ instance: Instance, _ certificate: InstanceRows.CertificateRow, certificateID: String, action: String) async throws -> AccessToken {
        do {
            let provider = try await provingProvider(instance: instance, certificate: certificate, certificateID: certificateID)
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

    /// Hands a proved token to this process's client for the instance, so its users switch at once.
    private func adopt(_ token: AccessToken, instance name: String) async {
        guard let client = try? await connections.client(name, make: { throw CancellationError() }) else { return }
        if case .clientCredentials(let provider) = client.configuration.authentication {
            await provider.adopt(token)
        }
    }

    /// Changes the active certificate's id (Calxa's "update current certificate"), after proving the key works under it.
    /// - Throws: ``SuiteBridgeError`` `.conflict` without an active certificate; `.netsuite` when the exchange fails.
    @discardableResult
    public func updateCertificateID(_ name: String, certificateID: String) async throws -> StoredCertificate {
        let certificateID = try InstanceValidation.identifier(certificateID, field: "certificate id", whereToFind: InstanceValidation.certificateIDSource)
        let (row, activeRow) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            return (row, try await InstanceRows.certificates(instanceID: row.instance.id, in: database).first { $0.certificate.state == .active })
        }
        guard let activeRow else {
            throw SuiteBridgeError(.conflict, "\(name) has no active certificate whose id could change.",
                                   remedy: "Activate a pending one with `suitebridge cert activate`.", field: "certificate id")
        }
        let token = try await prove(row.instance, activeRow, certificateID: certificateID, action: "certificate.update-id")
        let previous = activeRow.certificate.certificateID ?? "(none)"
        var updated = activeRow.certificate
        updated.certificateID = certificateID
        let date = now()
        let actor = self.actor
        let final = updated
        try await store.transaction { database in
            try await InstanceRows.update(final, in: database)
            try await InstanceRows.setHealth(instanceID: row.instance.id, health: .healthy, error: nil, at: date, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: "certificate.update-id",
                                      detail: "\(previous) -> \(certificateID)", at: date)
        }
        await adopt(token, instance: name)
        return updated
    }

    /// Revokes a certificate: through NetSuite's certificate rotation endpoint when the instance can reach it, and
    /// in the store in any case. Refuses the only active certificate unless `force`.
    /// - Parameter certificateID: NetSuite's id, or the start of SuiteBridge's row id for a pending certificate.
    public func revoke(_ name: String, certificateID: String, force: Bool = false) async throws -> RevocationResult {
        let (row, certificates) = try await store.read { database in
            let row = try await self.oauth2Instance(name, in: database)
            return (row, try await InstanceRows.certificates(instanceID: row.instance.id, in: database))
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
                let client = try await client(for: name)
                try await client.certificates(clientID: row.instance.consumerKey).revoke(certificateID: netsuiteID)
                revokedInNetSuite = true
            } catch {
                note = "NetSuite's certificate rotation endpoint did not revoke it (\(Self.short(error))). Revoke it by hand: Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup, Revoke."
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
            try await InstanceRows.update(final, in: database)
            if wasActive {
                try await InstanceRows.setHealth(instanceID: row.instance.id, health: .unhealthy,
                                                 error: "The active certificate was revoked; rotate to a new one.", at: date, in: database)
            }
            try await AuditLog.append(database, actor: actor, instance: name, action: "certificate.revoke", detail: detail, at: date)
        }
        if wasActive { await connections.forget(name) }
        return RevocationResult(certificate: revoked, revokedInNetSuite: revokedInNetSuite, note: note)
    }

    static func short(_ error: any Error) -> String {
        if let error = error as? NetSuiteError { return [error.status.map { "HTTP \($0)" }, error.errorCode].compactMap { $0 }.joined(separator: " ") }
        return "\(error)"
    }

    /// Rotates without an admin: generates a pair, uploads it through NetSuite's certificate rotation endpoint,
    /// proves it, switches, then revokes the old one. Users of the instance in this process see no failed request:
    /// their cached token stays valid until the switch, and the proved token replaces it at the switch.
    /// - Throws: ``SuiteBridgeError``; when it fails before the switch, the active certificate is untouched.
    public func rotateAutomatically(_ name: String, keyType: KeyType? = nil, days: Int = CertificateKit.defaultValidityDays) async throws -> AutomaticRotationResult {
        let instance = try await store.read { try await self.oauth2Instance(name, in: $0).instance }
        guard let role = instance.roleID, let entity = instance.entityID else {
            throw SuiteBridgeError(.invalidInput, "Unattended rotation needs \(name)'s NetSuite role and entity internal ids.",
                                   remedy: "Set them: `suitebridge instance edit \(name) --role-id R --entity-id E` (the mapping's role and user).",
                                   field: instance.roleID == nil ? "role id" : "entity id")
        }
        let old = try await certificates(of: name).first { $0.state == .active }
        let pending = try await beginRotation(name, keyType: keyType, days: days)
        let client = try await client(for: name)
        let certificates = client.certificates(clientID: instance.consumerKey)
        let newID: String
        do {
            newID = try await certificates.add(certificatePEM: pending.certificatePEM, role: role, entity: entity)
        } catch {
            try? await audit.record(actor: actor, instance: name, action: "certificate.rotate-auto", outcome: .failure,
                                    detail: "upload refused: \(Self.short(error))")
            throw SuiteBridgeError(.netsuite, "NetSuite did not accept the new certificate (\(Self.short(error))); the active certificate is unchanged.",
                                   remedy: (error as? NetSuiteError)?.remedy ?? "Check that the role has \"Manage own OAuth 2.0 Client Credentials certificates\".",
                                   field: "certificate")
        }
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

    /// The public certificate (PEM) of the active certificate, or of the one with `certificateID`; for upload.
    public func certificatePEM(_ name: String, certificateID: String? = nil) async throws -> String {
        let all = try await certificates(of: name)
        let chosen: StoredCertificate?
        if let certificateID {
            chosen = all.first { $0.certificateID == certificateID || $0.id.hasPrefix(certificateID) }
        } else {
            chosen = all.first { $0.state == .pending } ?? all.first { $0.state == .active }
        }
        guard let text = chosen?.certificatePEM else {
            throw SuiteBridgeError(.notFound, "\(name) has no such certificate with a public part.",
                                   remedy: "Run `suitebridge cert status`; instances added with only a private key have no certificate to download.",
                                   field: "certificate id")
        }
        return text
    }

    /// Every OAuth 2 instance's certificates with their days left, and a level each. Logs a warning for active
    /// certificates at 30, 14 and 7 days before expiry.
    public func certificateStatus(warnDays: Int = 30) async throws -> [CertificateStatusLine] {
        let date = now()
        var lines: [CertificateStatusLine] = []
        for instance in try await list() where instance.authMethod == .clientCredentials {
            let certificates = try await certificates(of: instance.name)
            if instance.health == .unhealthy, let error = instance.lastError, error.contains("invalid_grant") {
                let active = certificates.first { $0.state == .active }
                lines.append(CertificateStatusLine(instance: instance.name, certificateID: active?.certificateID, state: active?.state, notAfter: active?.notAfter,
                                                   daysLeft: active?.daysLeft(at: date), level: .critical,
                                                   message: "NetSuite refused the active certificate at the last use (revoked or unknown there): rotate"))
            }
            if !certificates.contains(where: { $0.state == .active }) {
                lines.append(CertificateStatusLine(instance: instance.name, certificateID: nil, state: nil, notAfter: nil, daysLeft: nil, level: .critical,
                                                   message: "no active certificate (revoked or never activated): rotate"))
            }
            for certificate in certificates where certificate.state != .revoked || certificate.revokedAt.map({ date.timeIntervalSince($0) < 30 * 86_400 }) == true {
                let days = certificate.daysLeft(at: date)
                var level = CertificateStatusLine.Level.ok
                var message = "ok"
                if certificate.state == .active {
                    if certificate.isExpired(at: date) {
                        level = .critical
                        message = "expired: rotate now"
                    } else if let days, days <= warnDays {
                        level = .warning
                        message = "expires in \(days) days: rotate"
                    }
                    if let days, let threshold = [7, 14, 30].first(where: { days <= $0 }), days >= 0 {
                        logger.warning("certificate expires soon", metadata: [
                            "instance": "\(instance.name)", "certificate-id": "\(certificate.displayName)", "days-left": "\(days)", "threshold": "\(threshold)",
                        ])
                    }
                } else if certificate.state == .pending {
                    message = "pending: upload auth-cert.pem to NetSuite, then activate"
                } else if certificate.state == .retired {
                    message = "retired: kept for rollback; revoke when no longer needed"
                } else {
                    message = "revoked"
                }
                lines.append(CertificateStatusLine(instance: instance.name, certificateID: certificate.certificateID, state: certificate.state,
                                                   notAfter: certificate.notAfter, daysLeft: days, level: level, message: message))
            }
        }
        return lines
    }
}
