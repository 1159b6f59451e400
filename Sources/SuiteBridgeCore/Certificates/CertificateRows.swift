import Foundation
import NetSuiteAuth
import SQLKit

/// Reading and writing the `certificates` table: an OAuth 2 instance's key pairs, their NetSuite ids and states.
/// Internal: ``CertificateLifecycle`` is the public face.
enum CertificateRows {
    static let columns = """
        id, instance_id, certificate_id, state, key_type, certificate_pem, private_key, fingerprint, not_before, not_after, \
        created_at, activated_at, retired_at, revoked_at
        """

    struct Row: Sendable {
        var certificate: StoredCertificate
        var sealedPrivateKey: String
    }

    static func decode(_ row: any SQLRow) throws -> Row {
        let certificate = StoredCertificate(
            id: try row.decode(column: "id", as: String.self),
            instanceID: try row.decode(column: "instance_id", as: String.self),
            certificateID: try row.decode(column: "certificate_id", as: String?.self),
            state: CertificateState(rawValue: try row.decode(column: "state", as: String.self)) ?? .revoked,
            keyType: try KeyType(identifier: try row.decode(column: "key_type", as: String.self)),
            certificatePEM: try row.decode(column: "certificate_pem", as: String?.self),
            fingerprint: try row.decode(column: "fingerprint", as: String?.self),
            notBefore: StoreDate.date(try row.decode(column: "not_before", as: String?.self)),
            notAfter: StoreDate.date(try row.decode(column: "not_after", as: String?.self)),
            createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
            activatedAt: StoreDate.date(try row.decode(column: "activated_at", as: String?.self)),
            retiredAt: StoreDate.date(try row.decode(column: "retired_at", as: String?.self)),
            revokedAt: StoreDate.date(try row.decode(column: "revoked_at", as: String?.self)))
        return Row(certificate: certificate, sealedPrivateKey: try row.decode(column: "private_key", as: String.self))
    }

    static func of(instanceID: String, in database: any SQLDatabase) async throws -> [Row] {
        try await database.raw("""
            SELECT \(unsafeRaw: columns) FROM certificates WHERE instance_id = \(bind: instanceID) ORDER BY created_at, id
            """).fetchAll().map(decode)
    }

    static func all(in database: any SQLDatabase) async throws -> [Row] {
        try await database.raw("SELECT \(unsafeRaw: columns) FROM certificates ORDER BY instance_id, created_at, id").fetchAll().map(decode)
    }

    static func insert(_ row: Row, into database: any SQLDatabase) async throws {
        let c = row.certificate
        try await database.raw("""
            INSERT INTO certificates (\(unsafeRaw: columns)) VALUES (
            \(bind: c.id), \(bind: c.instanceID), \(bind: c.certificateID), \(bind: c.state.rawValue), \(bind: c.keyType.identifier),
            \(bind: c.certificatePEM), \(bind: row.sealedPrivateKey), \(bind: c.fingerprint),
            \(bind: c.notBefore.map(StoreDate.string)), \(bind: c.notAfter.map(StoreDate.string)), \(bind: StoreDate.string(c.createdAt)),
            \(bind: c.activatedAt.map(StoreDate.string)), \(bind: c.retiredAt.map(StoreDate.string)), \(bind: c.revokedAt.map(StoreDate.string)))
            """).run()
    }

    /// Writes a certificate's id, state and dates (the key and public part never change), only if the row is still
    /// in `expected`: two servers changing one certificate cannot both succeed.
    /// - Throws: ``SuiteBridgeError`` `.conflict` when another process changed the certificate first (nothing is written).
    static func update(_ c: StoredCertificate, from expected: CertificateState, in database: any SQLDatabase) async throws {
        let written = try await database.raw("""
            UPDATE certificates SET certificate_id = \(bind: c.certificateID), state = \(bind: c.state.rawValue),
            activated_at = \(bind: c.activatedAt.map(StoreDate.string)), retired_at = \(bind: c.retiredAt.map(StoreDate.string)),
            revoked_at = \(bind: c.revokedAt.map(StoreDate.string))
            WHERE id = \(bind: c.id) AND state = \(bind: expected.rawValue)
            RETURNING id
            """).fetchAll()
        guard !written.isEmpty else {
            throw SuiteBridgeError(.conflict, "\(c.displayName) was changed by another process while this one worked on it; nothing was changed here.",
                                   remedy: "Look at `suitebridge cert status`, then try again if still needed.", field: "certificate id")
        }
    }

    static func updateSealedKey(certificateRowID: String, sealed: String, in database: any SQLDatabase) async throws {
        try await database.raw("UPDATE certificates SET private_key = \(bind: sealed) WHERE id = \(bind: certificateRowID)").run()
    }

    /// Records the id NetSuite gave a pending certificate as soon as NetSuite gives it, so a crash before the switch
    /// leaves a certificate the store knows about (and can finish or revoke), never an orphan.
    static func recordPendingID(rowID: String, certificateID: String, in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE certificates SET certificate_id = \(bind: certificateID) WHERE id = \(bind: rowID) AND state = \(bind: CertificateState.pending.rawValue)
            """).run()
    }

    static func deleteAll(instanceID: String, in database: any SQLDatabase) async throws {
        try await database.raw("DELETE FROM certificates WHERE instance_id = \(bind: instanceID)").run()
    }

    /// A new row for `material`, its private key sealed for this row.
    static func make(sealingWith secrets: SecretBox, instanceID: String, material: CertificateMaterial, certificateID: String?,
                     state: CertificateState, at date: Date) throws -> Row {
        let rowID = UUID().uuidString.lowercased()
        let stored = StoredCertificate(
            id: rowID, instanceID: instanceID, certificateID: certificateID, state: state, keyType: material.key.keyType,
            certificatePEM: material.certificate?.pemRepresentation, fingerprint: material.certificate?.sha256Fingerprint,
            notBefore: material.certificate?.notBefore, notAfter: material.certificate?.notAfter, createdAt: date,
            activatedAt: state == .active ? date : nil, retiredAt: nil, revokedAt: nil)
        let sealed = try secrets.seal(material.key.pemRepresentation, for: .init(instanceID: instanceID, certificateID: rowID, field: .privateKey))
        return Row(certificate: stored, sealedPrivateKey: sealed)
    }
}
