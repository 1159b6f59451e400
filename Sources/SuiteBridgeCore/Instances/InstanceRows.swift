import Foundation
import NetSuiteAuth
import SQLKit

/// Reading and writing the `instances` table, and nothing else does. Internal: ``Instances`` is the public face.
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
        guard let row = try await database.raw("SELECT \(unsafeRaw: instanceColumns) FROM instances WHERE name = \(bind: name)").fetchFirst() else {
            throw SuiteBridgeError.notFound(instance: name)
        }
        return try decodeInstance(row)
    }

    static func allInstances(in database: any SQLDatabase) async throws -> [Row] {
        try await database.raw("SELECT \(unsafeRaw: instanceColumns) FROM instances ORDER BY name").fetchAll().map(decodeInstance)
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

    /// The instance with this id (instances are renamed; flows and token providers hold the id).
    static func instance(id: String, in database: any SQLDatabase) async throws -> Row? {
        try await database.raw("SELECT \(unsafeRaw: instanceColumns) FROM instances WHERE id = \(bind: id)").fetchFirst().map(decodeInstance)
    }

    static func isNameTaken(_ name: String, in database: any SQLDatabase) async throws -> Bool {
        try await database.raw("SELECT id FROM instances WHERE name = \(bind: name)").fetchFirst() != nil
    }

    static func delete(instanceID: String, in database: any SQLDatabase) async throws {
        try await database.raw("DELETE FROM instances WHERE id = \(bind: instanceID)").run()
    }

    static func updateSealedSecrets(_ row: Row, in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE instances SET consumer_secret = \(bind: row.sealedConsumerSecret), token_secret = \(bind: row.sealedTokenSecret)
            WHERE id = \(bind: row.instance.id)
            """).run()
    }

    // MARK: Rotation policy and schedule

    /// The stored rotation policy column: `NULL` default, `0` off, `N` days.
    static func rotationDaysBefore(instanceID: String, in database: any SQLDatabase) async throws -> Int? {
        try await database.raw("SELECT rotation_days_before FROM instances WHERE id = \(bind: instanceID)").fetchFirst()?
            .decode(column: "rotation_days_before", as: Int?.self) ?? nil
    }

    /// Sets the policy column and clears the retry schedule.
    static func setRotationDaysBefore(_ days: Int?, instanceID: String, in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE instances SET rotation_days_before = \(bind: days), rotation_failures = 0, rotation_retry_at = NULL WHERE id = \(bind: instanceID)
            """).run()
    }

    /// How many scheduled rotations failed in a row, and when the next is tried.
    static func rotationRetry(instanceID: String, in database: any SQLDatabase) async throws -> (failures: Int, retryAt: Date?) {
        let row = try await database.raw("SELECT rotation_failures, rotation_retry_at FROM instances WHERE id = \(bind: instanceID)").fetchFirst()
        return (try row?.decode(column: "rotation_failures", as: Int.self) ?? 0,
                StoreDate.date(try row?.decode(column: "rotation_retry_at", as: String?.self) ?? nil))
    }

    /// Records a failed scheduled rotation: the count, the retry time, and a warning health with the reason.
    static func recordRotationFailure(instanceID: String, failures: Int, retryAt: Date, reason: String, in database: any SQLDatabase) async throws {
        try await database.raw("""
            UPDATE instances SET rotation_failures = \(bind: failures), rotation_retry_at = \(bind: StoreDate.string(retryAt)),
            health = \(bind: InstanceHealth.warning.rawValue), last_error = \(bind: reason)
            WHERE id = \(bind: instanceID)
            """).run()
    }

    static func clearRotationRetry(instanceID: String, in database: any SQLDatabase) async throws {
        try await database.raw("UPDATE instances SET rotation_failures = 0, rotation_retry_at = NULL WHERE id = \(bind: instanceID)").run()
    }
}
