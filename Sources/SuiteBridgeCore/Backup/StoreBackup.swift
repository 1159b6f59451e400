import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit

/// What a backup holds: when and from where it was taken, its schema version, its master key's id and its rows.
public struct BackupSummary: Sendable, Codable, Hashable {
    public var file: String
    public var createdAt: String
    /// The engine the backup was taken from: `sqlite` or `postgres`.
    public var store: String
    public var schemaVersion: Int
    public var masterKeyID: String
    /// Rows per table.
    public var rows: [String: Int]
    /// The sealed secrets that were opened (by `verify` and `restore`); `nil` when not checked.
    public var secretsOpened: Int?
    public var bytes: Int

    /// Rows in every table.
    public var totalRows: Int { rows.values.reduce(0, +) }
}

/// Backs up, restores and verifies the store: every table at one instant, with the master key sealed under a
/// passphrase, in one file (``BackupFile``) that restores into SQLite or PostgreSQL alike.
///
/// The snapshot is a read transaction (PostgreSQL `REPEATABLE READ`, SQLite's WAL snapshot), so servers keep
/// working while it is taken and it holds every row as it was at one instant. The tables of live coordination
/// (`servers`, `concurrency_slots`, `instance_leases`) are left out: a restored store starts with none, and a run
/// a server held when the backup was taken is taken over when its lease runs out.
public enum StoreBackup {
    /// Tables a backup leaves out: which servers are alive and what they hold now.
    static let liveTables: Set<String> = ["servers", "concurrency_slots", "instance_leases"]
    /// The tables a backup holds, parents first.
    static var tables: [String] { Migrations.tables.filter { !liveTables.contains($0) } }

    /// Writes a backup of `workspace`'s store to `path`, then records it in the audit log.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` when `path` exists (unless `replacing`) or cannot be written;
    ///   `.store` when the database fails (the partial file is removed).
    public static func write(_ workspace: Workspace, to path: String, passphrase: BackupPassphrase, replacing: Bool = false, actor: String) async throws -> BackupSummary {
        let store = workspace.store
        let sealedKey = try SealedMasterKey.seal(workspace.secrets.masterKey, passphrase: passphrase)
        let writer = try BackupFileWriter(path: path, replacing: replacing)
        let createdAt = StoreDate.string(workspace.context.now())
        let kind = store.kind
        let summary: BackupSummary
        do {
            let snapshot = try await store.read { database in
                try await database.raw(kind == .postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN").run()
                do {
                    let version = try await database.raw("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations").fetchFirst()?
                        .decode(column: "version", as: Int.self) ?? 0
                    try writer.write(BackupFile.Header(suitebridgeBackup: BackupFile.formatVersion, createdAt: createdAt, store: kind.rawValue,
                                                       schemaVersion: version, masterKey: sealedKey))
                    var rows: [String: Int] = [:]
                    for table in tables {
                        guard let columns = try await columns(of: table, kind: kind, in: database) else { continue }
                        rows[table] = try await copy(table, columns: columns, from: database, to: writer)
                    }
                    try await database.raw("COMMIT").run()
                    return (version, rows)
                } catch {
                    try? await database.raw("ROLLBACK").run()
                    throw error
                }
            }
            try writer.finish(rows: snapshot.1)
            summary = BackupSummary(file: path, createdAt: createdAt, store: kind.rawValue, schemaVersion: snapshot.0, masterKeyID: sealedKey.id,
                                    rows: snapshot.1, secretsOpened: nil, bytes: writer.bytes)
        } catch {
            writer.abandon()
            throw error
        }
        try await store.read { database in
            try await AuditLog.append(database, actor: actor, instance: nil, action: .storeBackup,
                                      detail: "\(path): \(summary.totalRows) rows of \(summary.rows.count) tables, schema \(summary.schemaVersion), master key \(summary.masterKeyID)",
                                      at: workspace.context.now())
        }
        return summary
    }

    /// Reads a backup's first line and opens its master key: what to check before touching any store.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for a file that is not a backup or is newer than this build;
    ///   `.masterKey` for a wrong passphrase.
    public static func open(_ path: String, passphrase: BackupPassphrase, keySource: MasterKey.Source) throws -> (header: BackupSummary, key: MasterKey) {
        let header = try readHeader(path)
        let key = try header.masterKey.open(passphrase: passphrase, source: keySource)
        let summary = BackupSummary(file: path, createdAt: header.createdAt, store: header.store, schemaVersion: header.schemaVersion,
                                    masterKeyID: header.masterKey.id, rows: [:], secretsOpened: nil, bytes: 0)
        return (summary, key)
    }

    /// Restores the backup at `path` into `store`, which must be empty (a new SQLite file or PostgreSQL database,
    /// opened without migrating): builds the schema the backup was taken at, loads every row in one transaction
    /// after checking the file's trailer, opens every sealed secret with the backup's key, then migrates to this
    /// build's schema. On any error nothing is loaded.
    /// - Throws: ``SuiteBridgeError`` `.conflict` when the store holds data; `.invalidInput` for a truncated,
    ///   altered or malformed file (naming the line); `.masterKey` for a wrong passphrase; `.sealedSecret` naming a
    ///   secret that does not open.
    public static func restore(_ path: String, passphrase: BackupPassphrase, into store: Store, actor: String, now: Date = Date()) async throws -> BackupSummary {
        let (header, key) = try open(path, passphrase: passphrase, keySource: .environment)
        try await store.migrate(through: header.schemaVersion)
        let kind = store.kind
        let secrets = SecretBox(masterKey: key)
        let (rows, opened) = try await store.transaction { database in
            for table in Migrations.tables where table != "suitebridge_meta" {
                guard try await columns(of: table, kind: kind, in: database) != nil else { continue }
                if try await database.raw("SELECT 1 AS one FROM \(ident: table) LIMIT 1").fetchFirst() != nil {
                    throw SuiteBridgeError(.conflict, "The store to restore into is not empty: table \(table) has rows.",
                                           remedy: "Restore into a new home (SUITEBRIDGE_HOME) or an empty PostgreSQL database; never over a store in use.",
                                           field: "database")
                }
            }
            try await database.raw("DELETE FROM suitebridge_meta").run()
            let rows = try await load(path, into: database)
            if kind == .postgres { try await resetSequences(in: database) }
            let opened = try await SealedSecrets.visit(in: database) { sealed, binding in
                do {
                    _ = try secrets.open(sealed, for: binding)
                } catch {
                    throw SuiteBridgeError(.sealedSecret, "The backup's \(binding) does not open with its master key \(key.id).",
                                           remedy: "The backup is damaged; use another one.", field: "backup")
                }
                return nil
            }
            try await AuditLog.append(database, actor: actor, instance: nil, action: .storeRestore,
                                      detail: "from \(path) taken \(header.createdAt) (\(header.store), schema \(header.schemaVersion)): \(rows.values.reduce(0, +)) rows, \(opened) secrets",
                                      at: now)
            return (rows, opened)
        }
        try await store.migrate()
        return BackupSummary(file: path, createdAt: header.createdAt, store: header.store, schemaVersion: header.schemaVersion,
                             masterKeyID: key.id, rows: rows, secretsOpened: opened, bytes: fileSize(path))
    }

    /// Checks a backup without touching any store: restores it into a temporary SQLite file and opens every
    /// sealed secret with the key the passphrase opens.
    /// - Throws: as ``restore(_:passphrase:into:actor:now:)``.
    public static func verify(_ path: String, passphrase: BackupPassphrase, logger: Logger) async throws -> BackupSummary {
        _ = try open(path, passphrase: passphrase, keySource: .environment)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("suitebridge-verify-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.openSQLite(path: folder + "/verify.sqlite", migrating: false, logger: logger)
        do {
            let summary = try await restore(path, passphrase: passphrase, into: store, actor: "backup verify")
            await store.close()
            return summary
        } catch {
            await store.close()
            throw error
        }
    }

    // MARK: Reading the store

    /// A table's columns and which hold integers, or `nil` when the table does not exist.
    static func columns(of table: String, kind: Store.Kind, in database: any SQLDatabase) async throws -> BackupFile.Table? {
        let rows = switch kind {
        case .sqlite:
            try await database.raw("SELECT name, type FROM pragma_table_info(\(bind: table)) ORDER BY cid").fetchAll()
        case .postgres:
            try await database.raw("""
                SELECT column_name AS name, data_type AS type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position
                """).fetchAll()
        }
        guard !rows.isEmpty else { return nil }
        var columns: [String] = [], integers: [String] = []
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            columns.append(name)
            if try row.decode(column: "type", as: String.self).uppercased().contains("INT") { integers.append(name) }
        }
        return BackupFile.Table(table: table, columns: columns, integerColumns: integers)
    }

    /// Streams a table's rows into the file. - Returns: how many.
    private static func copy(_ table: String, columns: BackupFile.Table, from database: any SQLDatabase, to writer: BackupFileWriter) async throws -> Int {
        try writer.write(columns)
        let integers = Set(columns.integerColumns)
        let names = columns.columns
        let state = NIOLockedValueBox<(count: Int, error: (any Error)?)>((0, nil))
        try await database.raw("SELECT \(SQLList(names.map { SQLIdentifier($0) })) FROM \(ident: table)").run { row in
            state.withLockedValue { state in
                guard state.error == nil else { return }
                do {
                    let values: [BackupFile.Value] = try names.map { name in
                        if try row.decodeNil(column: name) { return .null }
                        return integers.contains(name) ? .integer(try row.decode(column: name, as: Int.self)) : .text(try row.decode(column: name, as: String.self))
                    }
                    try writer.write(values)
                    state.count += 1
                } catch {
                    state.error = error
                }
            }
        }
        let (count, error) = state.withLockedValue { ($0.count, $0.error) }
        if let error {
            throw SuiteBridgeError(.store, "Table \(table) could not be read into the backup: \(error).", remedy: "Check the store; nothing was written.", field: "database")
        }
        return count
    }

    // MARK: Reading the file

    static func readHeader(_ path: String) throws -> BackupFile.Header {
        guard let reader = LineReader(path: path, maximumLength: BackupFile.maximumLineLength) else {
            throw SuiteBridgeError(.invalidInput, "The backup file \(path) cannot be read.", remedy: "Check the path and its permissions.", field: "file")
        }
        guard case .text(let line)? = reader.next(), let header = try? JSONDecoder().decode(BackupFile.Header.self, from: Data(line)) else {
            throw SuiteBridgeError(.invalidInput, "\(path) line 1: not a SuiteBridge backup (no backup header).",
                                   remedy: "Give a file written by `suitebridge backup`.", field: "file")
        }
        guard header.suitebridgeBackup == BackupFile.formatVersion else {
            throw SuiteBridgeError(.invalidInput, "\(path) is a backup in format \(header.suitebridgeBackup); this build reads format \(BackupFile.formatVersion).",
                                   remedy: "Restore it with the SuiteBridge version that wrote it.", field: "file")
        }
        guard header.schemaVersion <= Migrations.latestVersion else {
            throw SuiteBridgeError(.invalidInput, "\(path) holds a store at schema \(header.schemaVersion); this build knows up to \(Migrations.latestVersion).",
                                   remedy: "Restore it with the SuiteBridge version that wrote it, or a newer one.", field: "file")
        }
        return header
    }

    /// Loads every table section of the file into `database`, checking counts and the trailer's digest.
    /// - Returns: rows per table.
    private static func load(_ path: String, into database: any SQLDatabase) async throws -> [String: Int] {
        guard let reader = LineReader(path: path, maximumLength: BackupFile.maximumLineLength) else {
            throw SuiteBridgeError(.invalidInput, "The backup file \(path) cannot be read.", remedy: "Check the path and its permissions.", field: "file")
        }
        func damaged(_ line: Int, _ problem: String) -> SuiteBridgeError {
            SuiteBridgeError(.invalidInput, "\(path) line \(line): \(problem).", remedy: "The backup is damaged or incomplete; use another one. Nothing was restored.",
                             field: "file")
        }
        let known = Set(tables)
        var hash = SHA256()
        var rows: [String: Int] = [:]
        var table: BackupFile.Table?
        var pending: [[BackupFile.Value]] = []
        let decoder = JSONDecoder()

        func flush() async throws {
            guard let table, !pending.isEmpty else { return }
            try await insert(pending, into: table, database: database)
            pending.removeAll(keepingCapacity: true)
        }

        var first = true
        while let next = reader.next() {
            guard case .text(let bytes) = next else { throw damaged(reader.lineNumber, "a line longer than 256 MiB") }
            if first {
                first = false
                hash.update(data: Data(bytes) + [UInt8(ascii: "\n")])
                continue
            }
            switch bytes.first {
            case UInt8(ascii: "["):
                guard let current = table else { throw damaged(reader.lineNumber, "a row before any table") }
                guard let values = try? decoder.decode([BackupFile.Value].self, from: Data(bytes)), values.count == current.columns.count else {
                    throw damaged(reader.lineNumber, "a row of \(current.table) that is not \(current.columns.count) values")
                }
                pending.append(values)
                rows[current.table, default: 0] += 1
                if pending.count * current.columns.count >= 20_000 || pending.count >= 500 { try await flush() }
            case UInt8(ascii: "{"):
                if let trailer = try? decoder.decode(BackupFile.Trailer.self, from: Data(bytes)) {
                    try await flush()
                    let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
                    guard digest == trailer.end.sha256 else { throw damaged(reader.lineNumber, "the file's SHA-256 is not the one its trailer records (altered)") }
                    guard trailer.end.rows.filter({ $0.value > 0 }) == rows.filter({ $0.value > 0 }) else {
                        throw damaged(reader.lineNumber, "the rows read are not the rows its trailer counts")
                    }
                    guard reader.next() == nil else { throw damaged(reader.lineNumber, "lines after the trailer") }
                    return rows
                }
                guard let next = try? decoder.decode(BackupFile.Table.self, from: Data(bytes)) else {
                    throw damaged(reader.lineNumber, "neither a table nor the trailer")
                }
                guard known.contains(next.table) else { throw damaged(reader.lineNumber, "table \(next.table) is not one of the store's") }
                try await flush()
                table = next
                rows[next.table] = rows[next.table] ?? 0
            default:
                throw damaged(reader.lineNumber, "not a backup line")
            }
            hash.update(data: Data(bytes) + [UInt8(ascii: "\n")])
        }
        throw damaged(reader.lineNumber, "the file ends without its trailer (truncated)")
    }

    private static func insert(_ rows: [[BackupFile.Value]], into table: BackupFile.Table, database: any SQLDatabase) async throws {
        var insert = database.insert(into: SQLIdentifier(table.table)).columns(table.columns.map { SQLIdentifier($0) })
        for row in rows {
            insert = insert.values(row.map { value -> any SQLExpression in
                switch value {
                case .null: SQLLiteral.null
                case .integer(let integer): SQLBind(integer)
                case .text(let text): SQLBind(text)
                }
            })
        }
        do {
            try await insert.run()
        } catch {
            throw SuiteBridgeError(.invalidInput, "Rows of \(table.table) do not load: \(Store.describe(error)).",
                                   remedy: "The backup does not match its schema version; nothing was restored.", field: "file")
        }
    }

    /// Moves PostgreSQL's sequences past the restored ids (SQLite's AUTOINCREMENT follows by itself).
    private static func resetSequences(in database: any SQLDatabase) async throws {
        let serials = try await database.raw("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'
            """).fetchAll()
        for serial in serials {
            let table = try serial.decode(column: "table_name", as: String.self), column = try serial.decode(column: "column_name", as: String.self)
            try await database.raw("""
                SELECT setval(pg_get_serial_sequence(\(bind: table), \(bind: column)), COALESCE((SELECT MAX(\(ident: column)) FROM \(ident: table)), 0) + 1, false)
                """).run()
        }
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
