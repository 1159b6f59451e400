import Foundation
import SQLKit
import SuiteBridgeCore

/// The databases the store tests run on: SQLite always, PostgreSQL when `SUITEBRIDGE_TEST_POSTGRES_URL` is set
/// (`postgres://USER:PASSWORD@127.0.0.1:5432/DB?sslmode=disable`).
public enum TestDatabases {
    /// `[.sqlite]`, or `[.sqlite, .postgres]` with PostgreSQL: a parameterised test runs once per database.
    public static var kinds: [Store.Kind] {
        ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }

    /// A fresh, empty store of `kind` for `body`: a new SQLite file, or a new PostgreSQL schema made over a
    /// connection that does not migrate the public schema. Closed afterwards.
    public static func withStore<T: Sendable>(_ kind: Store.Kind, _ body: @Sendable (Store, TestFolder) async throws -> T) async throws -> T {
        let folder = try TestFolder()
        let store: Store
        switch kind {
        case .sqlite:
            store = try await Store.openSQLite(path: folder.file("suitebridge.sqlite"), logger: quietLogger)
        default:
            let url = ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"] ?? ""
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let admin = try await Store.openPostgres(url: url, schema: nil, migrating: false, logger: quietLogger)
            try await admin.read { try await $0.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
            await admin.close()
            store = try await Store.openPostgres(url: url, schema: schema, logger: quietLogger)
        }
        do {
            let result = try await body(store, folder)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
