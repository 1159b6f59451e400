import Foundation
import Logging
import SQLKit

/// The user's database a mirror writes into: PostgreSQL (`postgres://…`, tables in a schema) or a SQLite file
/// (`sqlite:PATH` under the files root). Not a store: no migrations, no secrets; SuiteBridge owns only the mirrored
/// tables and `_suitebridge_state`.
final class MirrorDestination: Sendable {
    let database: Store
    var kind: Store.Kind { database.kind }
    /// The PostgreSQL schema; `nil` on SQLite.
    let schema: String?

    static let stateTable = "_suitebridge_state"
    static let syncedAtColumn = "_synced_at"
    static let deletedAtColumn = "_deleted_at"
    /// The most bound values one statement carries (PostgreSQL allows 65,535; SQLite 32,766).
    static let bindsPerStatement = 30_000

    private init(database: Store, schema: String?) {
        self.database = database
        self.schema = schema
    }

    /// Opens the destination of `mirror` (with its sealed password put back into a PostgreSQL URL).
    /// - Throws: ``SuiteBridgeError`` naming `mirror.database`: not PostgreSQL or SQLite, a path outside the files
    ///   root, a server that cannot be reached.
    static func open(_ mirror: FlowDefinition.Mirror, password: String?, files: FileBoundary) async throws -> MirrorDestination {
        switch try MirrorDatabaseURL(mirror.database) {
        case .postgres(var components):
            if let password { components.password = password }
            let url = components.string ?? mirror.database
            let store: Store
            do {
                store = try await Store.openPostgres(url: url, schema: nil, migrating: false, logger: Logger(label: "suitebridge.mirror"),
                                                     connectionsPerEventLoop: 1)
            } catch let error as SuiteBridgeError {
                throw SuiteBridgeError(.invalidInput, error.message, remedy: error.remedy, field: "mirror.database")
            }
            return MirrorDestination(database: store, schema: mirror.schema ?? FlowDefinition.Mirror.defaultSchema)
        case .sqlite(let path):
            let resolved = try files.resolve(path, field: "mirror.database")
            let store = try await Store.openSQLite(path: resolved, migrating: false, logger: Logger(label: "suitebridge.mirror"))
            return MirrorDestination(database: store, schema: nil)
        }
    }

    /// Closes the connection, also when the run's task was cancelled (a cancelled close would leave it open).
    func close() async {
        let database = self.database
        await Task { await database.close() }.value
    }

    /// `"netsuite"."customer"` on PostgreSQL, `"customer"` on SQLite.
    func qualified(_ table: String) -> String {
        (schema.map { Self.quote($0) + "." } ?? "") + Self.quote(table)
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Creates the schema and the state table when missing.
    func prepare() async throws {
        let state = qualified(Self.stateTable)
        let schema = self.schema
        try await database.transaction { database in
            if let schema {
                try await database.raw("CREATE SCHEMA IF NOT EXISTS \(unsafeRaw: Self.quote(schema))").run()
            }
            try await database.raw("""
                CREATE TABLE IF NOT EXISTS \(unsafeRaw: state) (
                    table_name TEXT PRIMARY KEY,
                    flow TEXT NOT NULL,
                    state TEXT NOT NULL
                )
                """).run()
        }
    }

    /// The state of `table`, or `nil` before its first run.
    func state(of table: String) async throws -> MirrorTableState? {
        let state = qualified(Self.stateTable)
        return try await database.read { database in
            guard let row = try await database.raw("SELECT state FROM \(unsafeRaw: state) WHERE table_name = \(bind: table)").fetchFirst() else { return nil }
            return try JSONDecoder.store.decode(MirrorTableState.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
        }
    }

    /// Every table's state.
    func states() async throws -> [MirrorTableState] {
        let state = qualified(Self.stateTable)
        return try await database.read { database in
            try await database.raw("SELECT state FROM \(unsafeRaw: state) ORDER BY table_name").fetchAll().map { row in
                try JSONDecoder.store.decode(MirrorTableState.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
            }
        }
    }

    /// Saves `state` inside the caller's transaction.
    func save(_ state: MirrorTableState, in database: any SQLDatabase) async throws {
        let text = String(decoding: try JSONEncoder.store.encode(state), as: UTF8.self)
        try await database.raw("""
            INSERT INTO \(unsafeRaw: qualified(Self.stateTable)) (table_name, flow, state) VALUES (\(bind: state.table), \(bind: state.flow), \(bind: text))
            ON CONFLICT (table_name) DO UPDATE SET flow = excluded.flow, state = excluded.state
            """).run()
    }

    func save(_ state: MirrorTableState) async throws {
        try await database.transaction { try await self.save(state, in: $0) }
    }

    /// The columns `table` has (lower case), empty when it does not exist.
    func columns(of table: String) async throws -> [String] {
        let schema = self.schema
        return try await database.read { database in
            if let schema {
                return try await database.raw("""
                    SELECT column_name FROM information_schema.columns WHERE table_schema = \(bind: schema) AND table_name = \(bind: table) ORDER BY ordinal_position
                    """).fetchAll().map { try $0.decode(column: "column_name", as: String.self) }
            }
            return try await database.raw("SELECT name FROM pragma_table_info(\(bind: table))").fetchAll().map { try $0.decode(column: "name", as: String.self) }
        }
    }

    /// Creates `table` with `columns` (and `_synced_at`, `_deleted_at`), keyed by `keys`, when it does not exist.
    func createTable(_ table: String, columns: [MirrorColumn], keys: [String]) async throws {
        let definitions = columns.map { "\(Self.quote($0.name)) \($0.type.sqlType(for: kind))" + (keys.contains($0.name) ? " NOT NULL" : "") }
            + ["\(Self.quote(Self.syncedAtColumn)) \(MirrorColumnType.dateTime.sqlType(for: kind)) NOT NULL",
               "\(Self.quote(Self.deletedAtColumn)) \(MirrorColumnType.dateTime.sqlType(for: kind))"]
        let sql = "CREATE TABLE IF NOT EXISTS \(qualified(table)) (\(definitions.joined(separator: ", ")), PRIMARY KEY (\(keys.map(Self.quote).joined(separator: ", "))))"
        try await database.transaction { database in try await database.raw("\(unsafeRaw: sql)").run() }
    }

    /// Adds a column NetSuite added (a new custom field).
    func addColumn(_ column: MirrorColumn, to table: String) async throws {
        let sql = "ALTER TABLE \(qualified(table)) ADD COLUMN \(Self.quote(column.name)) \(column.type.sqlType(for: kind))"
        try await database.transaction { database in try await database.raw("\(unsafeRaw: sql)").run() }
    }

    /// Upserts `rows` (values in `columns`' order) and saves `state`, in one transaction: on PostgreSQL through
    /// `COPY` and a staging table, on SQLite as multi-row `INSERT … ON CONFLICT DO UPDATE`.
    func upsert(_ table: String, columns: [MirrorColumn], keys: [String], rows: [[MirrorValue]], syncedAt: Date, state: MirrorTableState) async throws {
        if try await copyUpsert(table, columns: columns, keys: keys, rows: rows, syncedAt: syncedAt, state: state) { return }
        let statements = upsertStatements(table, columns: columns, keys: keys, rows: rows, syncedAt: syncedAt)
        try await database.transaction { database in
            for statement in statements { try await database.raw(statement).run() }
            try await self.save(state, in: database)
        }
    }

    /// Removes (or with `keep`, marks `_deleted_at`) the rows whose `column` is one of `ids`, and saves `state`, in
    /// one transaction. Returns how many rows it removed or marked.
    func delete(_ table: String, column: String, ids: [Int64], keep: Bool, at date: Date, state: MirrorTableState) async throws -> Int {
        let target = qualified(table)
        let kind = self.kind
        return try await database.transaction { database in
            var changed = 0
            for chunk in stride(from: 0, to: ids.count, by: 1000).map({ Array(ids[$0..<min($0 + 1000, ids.count)]) }) {
                var sql: SQLQueryString = keep
                    ? "UPDATE \(unsafeRaw: target) SET \(unsafeRaw: Self.quote(Self.deletedAtColumn)) = \(Self.bindDate(date, kind: kind)) WHERE \(unsafeRaw: Self.quote(Self.deletedAtColumn)) IS NULL AND "
                    : "DELETE FROM \(unsafeRaw: target) WHERE "
                sql.appendLiteral("\(Self.quote(column)) IN (")
                sql.appendInterpolation(binds: chunk)
                sql.appendLiteral(") RETURNING 1 AS n")
                changed += try await database.raw(sql).fetchAll().count
            }
            try await self.save(state, in: database)
            return changed
        }
    }

    /// Removes the rows of `parents` whose key is not in `kept` (lines removed from a changed transaction), and
    /// saves `state`, in one transaction. Returns how many it removed.
    func deleteMissingChildren(_ table: String, parentColumn: String, keyColumn: String, kept: [Int64: Set<Int64>], keep: Bool, at date: Date,
                               state: MirrorTableState) async throws -> Int {
        let target = qualified(table)
        let kind = self.kind
        return try await database.transaction { database in
            var removed = 0
            for (parent, keys) in kept {
                var sql: SQLQueryString = keep
                    ? "UPDATE \(unsafeRaw: target) SET \(unsafeRaw: Self.quote(Self.deletedAtColumn)) = \(Self.bindDate(date, kind: kind)) WHERE \(unsafeRaw: Self.quote(Self.deletedAtColumn)) IS NULL AND "
                    : "DELETE FROM \(unsafeRaw: target) WHERE "
                sql.appendLiteral("\(Self.quote(parentColumn)) = ")
                sql.appendInterpolation(bind: parent)
                if !keys.isEmpty {
                    sql.appendLiteral(" AND \(Self.quote(keyColumn)) NOT IN (")
                    sql.appendInterpolation(binds: keys.sorted())
                    sql.appendLiteral(")")
                }
                sql.appendLiteral(" RETURNING 1 AS n")
                removed += try await database.raw(sql).fetchAll().count
            }
            try await self.save(state, in: database)
            return removed
        }
    }

    /// How many rows `table` holds.
    func count(_ table: String) async throws -> Int {
        let target = qualified(table)
        return try await database.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: target)").fetchFirst()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    // MARK: Statements

    /// Multi-row `INSERT … ON CONFLICT (keys) DO UPDATE`, as many rows per statement as the bind limit allows.
    func upsertStatements(_ table: String, columns: [MirrorColumn], keys: [String], rows: [[MirrorValue]], syncedAt: Date) -> [SQLQueryString] {
        let names = columns.map(\.name) + [Self.syncedAtColumn, Self.deletedAtColumn]
        let head = "INSERT INTO \(qualified(table)) (\(names.map(Self.quote).joined(separator: ", "))) VALUES "
        let updates = names.filter { !keys.contains($0) }.map { "\(Self.quote($0)) = excluded.\(Self.quote($0))" }.joined(separator: ", ")
        let tail = " ON CONFLICT (\(keys.map(Self.quote).joined(separator: ", "))) DO UPDATE SET \(updates)"
        let perStatement = max(1, Self.bindsPerStatement / max(1, names.count))
        let synced = Self.bindDate(syncedAt, kind: kind)
        var statements: [SQLQueryString] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            var sql = SQLQueryString(head)
            for index in start..<end {
                sql.appendLiteral(index == start ? "(" : ", (")
                for (position, value) in rows[index].enumerated() {
                    if position > 0 { sql.appendLiteral(", ") }
                    sql.appendInterpolation(Self.expression(value, type: columns[position].type, kind: kind))
                }
                sql.appendLiteral(", ")
                sql.appendInterpolation(synced)
                sql.appendLiteral(", NULL)")
            }
            sql.appendLiteral(tail)
            statements.append(sql)
            start = end
        }
        return statements
    }

    /// A value as a bound parameter, cast to its column's type on PostgreSQL (whose parameters are typed).
    static func expression(_ value: MirrorValue, type: MirrorColumnType, kind: Store.Kind) -> SQLQueryString {
        let cast = kind == .postgres ? "::" + type.sqlType(for: kind) : ""
        switch value {
        case .null: return "NULL"
        case .integer(let number): return "\(bind: number)\(unsafeRaw: cast)"
        case .number(let text): return kind == .postgres ? "\(bind: text)::numeric" : "\(bind: Double(text) ?? 0)"
        case .boolean(let flag): return kind == .postgres ? "\(bind: flag)" : "\(bind: flag ? 1 : 0)"
        case .date(let text): return "\(bind: text)\(unsafeRaw: cast)"
        case .dateTime(let date): return bindDate(date, kind: kind)
        case .text(let text): return "\(bind: text)"
        }
    }

    /// An instant: `timestamptz` on PostgreSQL, ISO 8601 UTC text on SQLite.
    static func bindDate(_ date: Date, kind: Store.Kind) -> SQLQueryString {
        kind == .postgres ? "\(bind: date)" : "\(bind: MirrorDates.iso(date))"
    }
}

/// A destination column: its name (SuiteQL's, lower case) and type.
struct MirrorColumn: Sendable, Hashable {
    var name: String
    var type: MirrorColumnType
}

/// ISO 8601 instants as the mirror writes them into SQLite and its state.
enum MirrorDates {
    static func iso(_ date: Date) -> String {
        date.ISO8601Format()
    }

    /// `YYYY-MM-DD HH24:MI:SS` in `zone`, as SuiteQL's `TO_DATE` reads it.
    static func suiteQL(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
