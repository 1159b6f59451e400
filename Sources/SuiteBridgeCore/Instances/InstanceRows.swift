import Foundation
import NetSuiteAuth
import SQLKit

/// Reading and writing instance and certificate rows. Internal: the registry is the public face.
enum InstanceRows {
    static let instanceColumns = """
        id, name, auth_method, account_id, consumer_key, consumer_secret, token_id, token_secret, role_id, entity_id, \
        base_url, concurrency_limit, health, last_tested_at, last_error, created_at, updated_at
        """

    /// A stored instance row with its sealed secrets.
    struct Row: Sendable {
        var instance: Instance
        var sealedConsumerSecret: String?
        var sealedTokenSecret: String?
    }

    static func decodeInstance(_ row: any SQLRow) throws -> Row {
        let accountText = try row.decode(column: "account_id", as: String.self)
        let methodText = try row.decode(column: "auth_method", as: String.self)
        guard let method = AuthMethod(rawValue: methodText), let account = try? AccountID(parsing: accountText) else {
            throw SuiteBridgeError(.store, "A stored instance has an unknown auth method or account id.", remedy: "Remove and add the instance again.")
        }
        let instance = Instance(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            authMethod: method,
            accountID: account,
            consumerKey: try row.decode(column: "consumer_key", as: String.self),
            tokenID: try row.decode(column: "token_id", as: String?.self),
            roleID: try row.decode(column: "role_id", as: String?.self),
            entityID: try row.decode(column: "entity_id", as: String?.self),
            baseURL: try row.decode(column: "base_url", as: String?.self),
            concurrencyLimit: try row.decode(column: "concurrency_limit", as: Int.self),
            health: InstanceHealth(rawValue: try row.decode(column: "health", as: String.self)) ?? .untested,
            lastTestedAt: StoreDate.date(try row.decode(column: "last_tested_at", as: String?.self)),
            lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
            updatedAt: StoreDate.date(try row.decode(column: "updated_at", as: String.self)) ?? Date(timeIntervalSince1970: 0))
        return Row(instance: instance,
                   sealedConsumerSecret: try row.decode(column: "consumer_secret", as: String?.self),
                   sealedTokenSecret: try row.decode(column: "token_secret", as: String?.self))
    }

    static func instance(named name: String, in database: any SQLDatabase) async throws -> Row {
        guard let row = try await database.raw("SELECT \(unsafeRaw: instanceColumns) FROM instances WHERE name = \(bind: name)").first() else {
            throw SuiteBridgeError.notFound(instance: name)
        }
        return try decodeInstance(row)
    }

    static func allInstances(in database: any SQLDatabase) async throws -> [Row] {
        try await database.raw("SELECT \(unsafeRaw: instanceColumns) FROM instances ORDER BY name").all().map(decodeInstance)
    }

    static func insert(_ row: Row, into database: any SQLDatabase) async throws {
        let i = row.instance
        try await database.raw("""
            INSERT INTO instances (\(unsafeRaw: instanceColumns)) VALUES (
            \(bind: i.id), \(bind: i.name), \(bind: i.authMethod.rawValue), \(bind: i.accountID.realm), \(bind: i.consumerKey),
            \(bind: row.sealedConsumerSecret), \(bind: i.tokenID), \(bind: row.sealedTokenSecret), \(bind: i.roleID), \(bind: i.entityID),
            \(bind: i.baseURL), \(bind: i.concurrencyLimit), \(bind: i.health.rawValue), \(bind: i.lastTestedAt.map(StoreDate.string)),
            \(bind: i.lastError), \(bind: StoreDate.string(i.createdAt)), \(bind: StoreDate.string(i.updatedAt)))
            """).run()
    }

    static func update(_ row: Row, in database: any SQLDatabase) async throws {
        let i = row.instance
        try await database.raw("""
            UPDATE instances SET name = \(bind: i.name), account_id = \(bind: i.accountID.realm), consumer_key = \(bind: i.consumerKey),
            consumer_secret = \(bind: row.sealedConsumerSecret), token_id = \(bind: i.tokenID), token_secret = \(bind: row.sealedTokenSecret),
            role_id = \(bind: i.roleID), entity_id = \(bind: i.entityID), base_url = \(bind: i.baseURL),
            concurrency_limit = \(bind: i.concurrencyLimit), health = \(bind: i.health.rawValue),
            last_tested_at = \(bind: i.lastTestedAt.map(StoreDate.string)), last_error = \(bind: i.lastError),
            updated_at = \(bind: StoreDate.string(i.updatedAt))
            WHERE id = \(bind: i.id)
            """).run()
    }

    static func setHealth(instanceID: String, health: InstanceHealth, error: String?, at: Date, in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE instances SET health = \(bind: health.rawValue), last_error = \(bind: error), last_tested_at = \(bind: StoreDate.string(at))
            WHERE id = \(bind: instanceID)
            """).run()
    }

    // MARK: Certificates

    static let certificateColumns = """
        id, instance_id, certificate_id, state, key_type, certificate_pem, private_key, fingerprint, not_before, not_after, \
        created_at, activated_at, retired_at, revoked_at
        """

    struct CertificateRow: Sendable {
        var certificate: StoredCertificate
        var sealedPrivateKey: String
    }

    static func decodeCertificate(_ row: any SQLRow) throws -> CertificateRow {
        let certificate = StoredCertificate(
            id: try row.decode(column: "id", as: String.self),
            instanceID: try row.decode(column: "instance_id", as: String.self),
            certificateID: try row.decode(column: "certificate_id", as: String?.self),
            state: CertificateState(rawValue: try row.decode(column: "state", as: String.self)) ?? .revoked,
            keyType: try row.decode(column: "key_type", as: String.self),
            certificatePEM: try row.decode(column: "certificate_pem", as: String?.self),
            fingerprint: try row.decode(column: "fingerprint", as: String?.self),
            notBefore: StoreDate.date(try row.decode(column: "not_before", as: String?.self)),
            notAfter: StoreDate.date(try row.decode(column: "not_after", as: String?.self)),
            createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
            activatedAt: StoreDate.date(try row.decode(column: "activated_at", as: String?.self)),
            retiredAt: StoreDate.date(try row.decode(column: "retired_at", as: String?.self)),
            revokedAt: StoreDate.date(try row.decode(column: "revoked_at", as: String?.self)))
        return CertificateRow(certificate: certificate, sealedPrivateKey: try row.decode(column: "private_key", as: String.self))
    }

    static func certificates(instanceID: String, in database: any SQLDatabase) async throws -> [CertificateRow] {
        try await database.raw("""
            SELECT \(unsafeRaw: certificateColumns) FROM certificates WHERE instance_id = \(bind: instanceID) ORDER BY created_at, id
            """).all().map(decodeCertificate)
    }

    static func allCertificates(in database: any SQLDatabase) async throws -> [CertificateRow] {
        try await database.raw("SELECT \(unsafeRaw: certificateColumns) FROM certificates ORDER BY instance_id, created_at, id").all().map(decodeCertificate)
    }

    static func insert(_ row: CertificateRow, into database: any SQLDatabase) async throws {
        let c = row.certificate
        try await database.raw("""
            INSERT INTO certificates (\(unsafeRaw: certificateColumns)) VALUES (
            \(bind: c.id), \(bind: c.instanceID), \(bind: c.certificateID), \(bind: c.state.rawValue), \(bind: c.keyType),
            \(bind: c.certificatePEM), \(bind: row.sealedPrivateKey), \(bind: c.fingerprint),
            \(bind: c.notBefore.map(StoreDate.string)), \(bind: c.notAfter.map(StoreDate.string)), \(bind: StoreDate.string(c.createdAt)),
            \(bind: c.activatedAt.map(StoreDate.string)), \(bind: c.retiredAt.map(StoreDate.string)), \(bind: c.revokedAt.map(StoreDate.string)))
            """).run()
    }

    /// Writes a certificate's id, state and dates (the key and public part never change).
    static func update(_ c: StoredCertificate, in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE certificates SET certificate_id = \(bind: c.certificateID), state = \(bind: c.state.rawValue),
            activated_at = \(bind: c.activatedAt.map(StoreDate.string)), retired_at = \(bind: c.retiredAt.map(StoreDate.string)),
            revoked_at = \(bind: c.revokedAt.map(StoreDate.string))
            WHERE id = \(bind: c.id)
            """).run()
    }

    static func updateSealedKey(certificateRowID: String, sealed: String, in database: any SQLDatabase) async throws {
        try await database.raw("UPDATE certificates SET private_key = \(bind: sealed) WHERE id = \(bind: certificateRowID)").run()
    }
}
