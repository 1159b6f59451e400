import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The database SuiteBridge keeps instances, certificates and the audit log in: an embedded SQLite file by
/// default, or PostgreSQL when several servers share the work. Same schema and same behaviour on both.
///
/// Every multi-row change goes through ``transaction(_:)``: it either commits whole or leaves the store as it was.
public final class Store: Sendable {
    /// Which database engine is behind the store.
    public enum Kind: String, Sendable {
        case sqlite
        case postgres
    }

    private enum Backend: Sendable {
        /// One connection; SQLite allows one writer, so every session takes the gate in turn.
        case sqlite(SQLiteConnection, SessionGate)
        case postgres(PostgresPool)
    }

    /// async-kit's pool is thread-safe (it locks internally) but not marked `Sendable`.
    private struct PostgresPool: @unchecked Sendable {
        let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    }

    public let kind: Kind
    /// Where the store is, without a password: for messages.
    public let displayLocation: String
    private let backend: Backend
    private let logger: Logger

    private init(kind: Kind, displayLocation: String, backend: Backend, logger: Logger) {
        self.kind = kind
        self.displayLocation = displayLocation
        self.backend = backend
        self.logger = logger
    }

    /// Opens (creating when needed) the SQLite file at `path` and brings its schema up to date.
    /// - Throws: ``SuiteBridgeError`` `.store` when the file cannot be opened or migrated.
    public static func openSQLite(path: String, logger: Logger = Logger(label: "suitebridge.store")) async throws -> Store {
        try await openSQLite(path: path, migrating: true, logger: logger)
    }

    /// - Parameter migrating: `false` for a database that is not a store (a mirror's destination).
    package static func openSQLite(path: String, migrating: Bool, logger: Logger) async throws -> Store {
        var opened: SQLiteConnection?
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // The store holds sealed secrets: readable by this user only (SQLite gives its WAL files the same mode).
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            opened = connection
            // Another process (a CLI next to a server) may hold the write lock for a moment: wait, don't fail.
            // Rows are discarded through `onRow`: sqlite-nio's row-collecting `query` appends to a captured variable
            // from its thread pool, which ThreadSanitizer reports (seen in CI).
            try await connection.query("PRAGMA busy_timeout = 10000", []) { _ in }
            // Switching a new file to WAL needs it to itself, and SQLite does not wait for that: several processes
            // starting on a new store at once try again for a while.
            try await retryingWhileBusy { try await connection.query("PRAGMA journal_mode = WAL", []) { _ in } }
            try await connection.query("PRAGMA foreign_keys = ON", []) { _ in }
        } catch {
            try? await opened?.close().get()
            throw SuiteBridgeError(.store, "The SQLite store \(path) could not be opened: \(error).",
                                   remedy: "Check that the folder exists and is writable (SUITEBRIDGE_HOME).", field: "database")
        }
        guard let connection = opened else {
            throw SuiteBridgeError(.store, "The SQLite store \(path) could not be opened.", remedy: "Check that the folder exists and is writable (SUITEBRIDGE_HOME).", field: "database")
        }
        let store = Store(kind: .sqlite, displayLocation: path, backend: .sqlite(connection, SessionGate()), logger: logger)
        do {
            if migrating { try await store.migrate() }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Connects to PostgreSQL at `url` (`postgres://user:password@host:port/database`) and brings the schema up to date.
    /// - Throws: ``SuiteBridgeError`` `.store` for a malformed URL or a server that cannot be reached.
    /// - Parameter schema: a schema to use instead of `public` (it must exist); tests use one each.
    public static func openPostgres(url: String, schema: String? = nil, logger: Logger = Logger(label: "suitebridge.store")) async throws -> Store {
        try await openPostgres(url: url, schema: schema, migrating: true, logger: logger)
    }

    /// - Parameters:
    ///   - migrating: `false` only for connections that are not the store's (tests creating schemas, a mirror's destination).
    ///   - connectionsPerEventLoop: the pool's size per event loop (a mirror writes one batch at a time: 1).
    package static func openPostgres(url: String, schema: String?, migrating: Bool, logger: Logger, connectionsPerEventLoop: Int = 4) async throws -> Store {
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema] }
        } catch {
            throw SuiteBridgeError(.store, "The database URL is not a PostgreSQL URL.",
                                   remedy: "Use postgres://USER:PASSWORD@HOST:5432/DATABASE (add ?sslmode=disable for a local server without TLS).",
                                   field: "database")
        }
        // A caller waits up to a minute for a connection: a busy database slows work down rather than failing it
        // (the pool's 10 s default failed concurrency-slot requests of a loaded CI under ThreadSanitizer).
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: connectionsPerEventLoop,
            requestTimeout: .seconds(60), logger: logger, on: MultiThreadedEventLoopGroup.singleton)
        let store = Store(kind: .postgres, displayLocation: Self.redacted(url), backend: .postgres(PostgresPool(pool: pool)), logger: logger)
        do {
            if migrating { try await store.migrate() }
        } catch {
            try? await pool.shutdownAsync()
            throw error
        }
        return store
    }

    /// Opens the store named by `databaseURL` (`postgres://…`, `sqlite:PATH` or a file path), or the SQLite file in
    /// `home` when it is `nil`.
    public static func open(databaseURL: String?, home: SuiteBridgeHome, logger: Logger = Logger(label: "suitebridge.store")) async throws -> Store {
        try await open(databaseURL: databaseURL, home: home, migrating: true, logger: logger)
    }

    /// - Parameter migrating: `false` to leave the schema as it is (a restore builds it to its backup's version).
    package static func open(databaseURL: String?, home: SuiteBridgeHome, migrating: Bool, logger: Logger) async throws -> Store {
        guard let databaseURL, !databaseURL.isEmpty else {
            return try await openSQLite(path: home.databasePath, migrating: migrating, logger: logger)
        }
        if databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") {
            return try await openPostgres(url: databaseURL, schema: nil, migrating: migrating, logger: logger)
        }
        if databaseURL.hasPrefix("sqlite:") {
            return try await openSQLite(path: String(databaseURL.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: ""), migrating: migrating, logger: logger)
        }
        if !databaseURL.contains("://") {
            return try await openSQLite(path: databaseURL, migrating: migrating, logger: logger)
        }
        throw SuiteBridgeError(.store, "The database URL \(Self.redacted(databaseURL)) is neither PostgreSQL nor SQLite.",
                               remedy: "Use postgres://USER:PASSWORD@HOST/DATABASE, sqlite:PATH, or leave it out for $SUITEBRIDGE_HOME/suitebridge.sqlite.",
                               field: "database")
    }

    /// Closes the connection or pool. The store cannot be used afterwards.
    public func close() async {
        switch backend {
        case .sqlite(let connection, let gate):
            // The future, not the async close: that one throws CancellationError in a cancelled task and leaves the
            // file open (sqlite-nio then traps when the connection is released).
            await gate.run { try? await connection.close().get() }
        case .postgres(let box):
            try? await box.pool.shutdownAsync()
        }
    }

    /// Whether ``close()`` closed the SQLite file (PostgreSQL: always `false`; its pool says nothing).
    var isClosedSQLite: Bool {
        if case .sqlite(let connection, _) = backend { return connection.isClosed }
        return false
    }

    /// Runs `body` with the database, outside a transaction (reads, single-row writes).
    public func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withSession(body)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws (the error is rethrown).
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withSession { database in
            try await self.begin(database)
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Runs `body` in one PostgreSQL transaction on one connection, given both as SQL and as the connection itself
    /// (for `COPY`, which SQLKit does not offer): committed when it returns, rolled back when it throws; `nil` on
    /// SQLite, where `body` does not run.
    func postgresTransaction<R: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase, PostgresConnection) async throws -> R
    ) async throws -> R? {
        guard case .postgres(let box) = backend else { return nil }
        do {
            return try await box.pool.database(logger: logger).withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    let database = connection.sql()
                    try await database.raw("BEGIN").run()
                    do {
                        let result = try await body(database, connection)
                        try await database.raw("COMMIT").run()
                        return result
                    } catch {
                        try? await database.raw("ROLLBACK").run()
                        throw error
                    }
                }
            }.get()
        } catch let error where Self.isDatabaseError(error) {
            throw SuiteBridgeError(.store, "The database (\(displayLocation)) failed: \(Self.describe(error)).",
                                   remedy: "Check that the database is reachable and writable; nothing was changed.", field: "database")
        }
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), waiting up to the busy
    /// timeout (and, see ``retryingWhileBusy(_:)``, while another process switches a new file to WAL).
    private func begin(_ database: any SQLDatabase) async throws {
        guard kind == .sqlite else { return try await database.raw("BEGIN").run() }
        try await Self.retryingWhileBusy { try await database.raw("BEGIN IMMEDIATE").run() }
    }

    /// Runs `body`, again every 50 ms for up to five seconds while SQLite answers `busy`: it does so without
    /// waiting for the busy timeout while another process switches a new file to WAL or recovers it.
    private static func retryingWhileBusy(_ body: () async throws -> Void) async throws {
        for attempt in 1... {
            do {
                return try await body()
            } catch let error as SQLiteError where error.reason == .busy && attempt < 100 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    private func withSession<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        do {
            switch backend {
            case .sqlite(let connection, let gate):
                return try await gate.run { try await body(connection.sql()) }
            case .postgres(let box):
                return try await box.pool.database(logger: logger).sql().withSession(body)
            }
        } catch let error where Self.isDatabaseError(error) {
            throw SuiteBridgeError(.store, "The database (\(displayLocation)) failed: \(Self.describe(error)).",
                                   remedy: "Check that the database is reachable and writable; nothing was changed.", field: "database")
        }
    }

    /// Errors from the database drivers and the pool, as opposed to errors the caller's body threw.
    static func isDatabaseError(_ error: any Error) -> Bool {
        error is PSQLError || error is SQLiteError || error is ConnectionPoolError || error is PostgresError
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError { return error.serverInfo?[.message] ?? "\(error.code)" }
        return "\(error)"
    }

    /// `url` with its password replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

/// Lets one task at a time use the SQLite connection, in arrival order.
actor SessionGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<R: Sendable>(_ body: @Sendable () async throws -> R) async rethrows -> R {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
