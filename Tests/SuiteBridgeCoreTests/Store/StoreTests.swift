import Foundation
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Store")
struct StoreTests {
    @Test("migrations run once and the schema version is the latest", arguments: TestDatabases.kinds)
    func migrations(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            try await store.migrate()  // a second start applies nothing and does not fail
            let count = try await store.read { try await $0.raw("SELECT COUNT(*) AS n FROM schema_migrations").fetchFirst()?.decode(column: "n", as: Int.self) }
            #expect(count == Migrations.all.count)
        }
    }

    @Test("several servers starting together on a new shared store (an upgrade) apply each migration once, and all start",
          .enabled(if: TestDatabases.kinds.contains(.postgres)))
    func migrationsFromSeveralServers() async throws {
        let url = ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"] ?? ""
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await Store.openPostgres(url: url, schema: nil, migrating: false, logger: quietLogger)
        try await admin.read { try await $0.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
        await admin.close()
        let stores = try await withThrowingTaskGroup(of: Store.self) { group in
            for _ in 0..<4 {
                group.addTask { try await Store.openPostgres(url: url, schema: schema, logger: quietLogger) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        for store in stores {
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
        }
        let applied = try await stores[0].read { database in
            try await database.raw("SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version").fetchAll().map { try $0.decode(column: "n", as: Int.self) }
        }
        #expect(applied.count == Migrations.all.count && applied.allSatisfy { $0 == 1 })
        for store in stores { await store.close() }
    }

    @Test("a SQLite store closed by a cancelled task is closed, not left open (sqlite-nio traps on releasing an open connection)")
    func closeWhenCancelled() async throws {
        let folder = try TestFolder()
        let task = Task {
            let store = try await Store.openSQLite(path: folder.file("cancelled.sqlite"), logger: quietLogger)
            withUnsafeCurrentTask { $0?.cancel() }
            await store.close()
            return store.isClosedSQLite
        }
        #expect(try await task.value)
    }

    @Test("a failing transaction leaves the store as it was", arguments: TestDatabases.kinds)
    func rollback(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.transaction { database in
                    try await AuditLog.append(database, actor: "t", instance: "x", action: AuditAction(rawValue: "first"))
                    try await AuditLog.append(database, actor: "t", instance: "x", action: AuditAction(rawValue: "second"))
                    throw Boom()
                }
            }
            #expect(try await AuditLog(store: store).entries().isEmpty)
            try await store.transaction { database in
                try await AuditLog.append(database, actor: "t", instance: "x", action: AuditAction(rawValue: "first"))
                try await AuditLog.append(database, actor: "t", instance: "y", action: AuditAction(rawValue: "second"))
            }
            let entries = try await AuditLog(store: store).entries()
            #expect(entries.map(\.action.rawValue) == ["second", "first"])
            #expect(try await AuditLog(store: store).entries(instance: "x").map(\.action.rawValue) == ["first"])
        }
    }

    @Test("one active certificate per instance is enforced by the schema", arguments: TestDatabases.kinds)
    func oneActive(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            let now = StoreDate.string(Date())
            try await store.read { db in
                try await db.raw("""
                    INSERT INTO instances (id, name, auth_method, account_id, consumer_key, created_at, updated_at)
                    VALUES ('i1', 'a', 'client-credentials', '1234567', 'k', \(bind: now), \(bind: now))
                    """).run()
                try await db.raw("""
                    INSERT INTO certificates (id, instance_id, state, key_type, private_key, created_at)
                    VALUES ('c1', 'i1', 'active', 'EC P-256', 'v1:x', \(bind: now))
                    """).run()
            }
            await #expect(throws: SuiteBridgeError.self) {
                try await store.read { db in
                    try await db.raw("""
                        INSERT INTO certificates (id, instance_id, state, key_type, private_key, created_at)
                        VALUES ('c2', 'i1', 'active', 'EC P-256', 'v1:x', \(bind: now))
                        """).run()
                }
            }
        }
    }

    @Test("a database URL that is neither PostgreSQL nor SQLite names the field")
    func badURL() async throws {
        let folder = try TestFolder()
        do {
            _ = try await Store.open(databaseURL: "mysql://x@y/z", home: folder.home)
            Issue.record("expected an error")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .store)
            #expect(error.field == "database")
        }
    }

    @Test("an unreachable PostgreSQL server fails with a clear error and no password in it")
    func unreachablePostgres() async throws {
        do {
            _ = try await Store.openPostgres(url: "postgres://user:s3cretpw@127.0.0.1:1/db?sslmode=disable", logger: quietLogger)
            Issue.record("expected an error")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .store)
            #expect(!error.description.contains("s3cretpw"))
        }
    }

    @Test("a new SQLite store file is readable by this user only")
    func sqliteMode() async throws {
        let folder = try TestFolder()
        let store = try await Store.openSQLite(path: folder.file("home/suitebridge.sqlite"), logger: quietLogger)
        await store.close()
        #expect(try FileManager.default.attributesOfItem(atPath: folder.file("home/suitebridge.sqlite"))[.posixPermissions] as? Int == 0o600)
    }
}
