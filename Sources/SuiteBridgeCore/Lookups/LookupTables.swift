import Foundation
import SQLKit

/// Key-to-value tables kept in SuiteBridge for mappings (`lookup: TABLE`): a shop's country names to NetSuite's
/// country codes, its SKUs to item ids. Every change is audited.
public struct LookupTables: Sendable {
    let context: CoreContext

    /// The largest table `put` takes at once, in entries.
    public static let maximumEntries = 100_000

    /// A table's name: letters, digits, `-` and `_`, up to 64.
    public static func isTableName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// One table and how many entries it has.
    public struct Summary: Sendable, Hashable, Codable {
        public var name: String
        public var entries: Int
        public var updatedAt: Date
    }

    static func checkName(_ name: String) throws {
        guard isTableName(name) else {
            throw SuiteBridgeError(.invalidInput, "\"\(name)\" is not a lookup table name.", remedy: "Use letters, digits, - and _ (up to 64), e.g. countries.", field: "table")
        }
    }

    /// Sets entries of `table` (adding or replacing each key); with `replace`, the table holds exactly `entries` afterwards.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for a bad table name, an empty key, or too many entries.
    public func put(_ table: String, entries: [(key: String, value: String)], replace: Bool = false) async throws {
        try Self.checkName(table)
        guard entries.count <= Self.maximumEntries else {
            throw SuiteBridgeError(.invalidInput, "\(entries.count) entries are more than \(Self.maximumEntries) at once.", remedy: "Split the file.", field: "file")
        }
        if let empty = entries.firstIndex(where: { $0.key.isEmpty }) {
            throw SuiteBridgeError(.invalidInput, "Entry \(empty + 1) has no key.", remedy: "Give every entry a key.", field: "key")
        }
        // A NUL cannot be stored as text (SQLite would cut the text there; PostgreSQL refuses it).
        if let nul = entries.firstIndex(where: { $0.key.contains("\u{0}") || $0.value.contains("\u{0}") }) {
            throw SuiteBridgeError(.invalidInput, "Entry \(nul + 1) holds a NUL character.", remedy: "Remove the NUL (\\u0000) from its key or value.", field: "entries")
        }
        let date = StoreDate.string(context.now())
        let actor = context.actor
        let postgres = context.store.kind == .postgres
        try await context.store.transaction { database in
            if replace { try await database.raw("DELETE FROM lookup_entries WHERE table_name = \(bind: table)").run() }
            for start in stride(from: 0, to: entries.count, by: 500) {
                let slice = entries[start..<min(entries.count, start + 500)]
                let values = SQLList(slice.map { SQLGroupExpression([SQLBind(table), SQLBind($0.key), SQLBind($0.value), SQLBind(date)] as [any SQLExpression]) })
                try await database.raw("""
                    INSERT INTO lookup_entries (table_name, key, value, updated_at) VALUES \(values)
                    ON CONFLICT (table_name, key) DO UPDATE SET value = \(unsafeRaw: postgres ? "EXCLUDED" : "excluded").value, updated_at = \(unsafeRaw: postgres ? "EXCLUDED" : "excluded").updated_at
                    """).run()
            }
            try await AuditLog.append(database, actor: actor, instance: nil, action: .lookupPut,
                                      detail: "\(table): \(entries.count) entr\(entries.count == 1 ? "y" : "ies")\(replace ? " (table replaced)" : "")", at: context.now())
        }
    }

    /// The value of `key` in `table`, or `nil`.
    public func value(_ table: String, key: String) async throws -> String? {
        try await context.store.read { database in
            try await database.raw("SELECT value FROM lookup_entries WHERE table_name = \(bind: table) AND key = \(bind: key)").fetchFirst()?.decode(column: "value", as: String.self)
        }
    }

    /// Every entry of `table`, by key.
    /// - Throws: ``SuiteBridgeError`` `.notFound` when the table has no entry.
    public func entries(_ table: String) async throws -> [(key: String, value: String)] {
        try Self.checkName(table)
        let rows = try await context.store.read { database in
            try await database.raw("SELECT key, value FROM lookup_entries WHERE table_name = \(bind: table) ORDER BY key").fetchAll()
        }
        guard !rows.isEmpty else { throw Self.notFound(table) }
        return try rows.map { (try $0.decode(column: "key", as: String.self), try $0.decode(column: "value", as: String.self)) }
    }

    /// The tables, by name.
    public func list() async throws -> [Summary] {
        try await context.store.read { database in
            try await database.raw("SELECT table_name, COUNT(*) AS n, MAX(updated_at) AS updated FROM lookup_entries GROUP BY table_name ORDER BY table_name").fetchAll().map {
                Summary(name: try $0.decode(column: "table_name", as: String.self), entries: try $0.decode(column: "n", as: Int.self),
                        updatedAt: StoreDate.date(try $0.decode(column: "updated", as: String.self)) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }

    /// Deletes a whole table, or only `keys` of it.
    /// - Throws: ``SuiteBridgeError`` `.notFound` when nothing matched.
    public func delete(_ table: String, keys: [String]? = nil) async throws {
        try Self.checkName(table)
        let actor = context.actor
        let date = context.now()
        try await context.store.transaction { database in
            let before = try await database.raw("SELECT COUNT(*) AS n FROM lookup_entries WHERE table_name = \(bind: table)").fetchFirst()?.decode(column: "n", as: Int.self) ?? 0
            if let keys {
                for key in keys { try await database.raw("DELETE FROM lookup_entries WHERE table_name = \(bind: table) AND key = \(bind: key)").run() }
            } else {
                try await database.raw("DELETE FROM lookup_entries WHERE table_name = \(bind: table)").run()
            }
            let after = try await database.raw("SELECT COUNT(*) AS n FROM lookup_entries WHERE table_name = \(bind: table)").fetchFirst()?.decode(column: "n", as: Int.self) ?? 0
            guard after < before else { throw keys == nil ? Self.notFound(table) : SuiteBridgeError(.notFound, "No such key in \(table).", remedy: "suitebridge lookup get \(table) lists its keys.", field: "key") }
            try await AuditLog.append(database, actor: actor, instance: nil, action: .lookupDelete,
                                      detail: "\(table): \(before - after) entr\(before - after == 1 ? "y" : "ies") removed", at: date)
        }
    }

    static func notFound(_ table: String) -> SuiteBridgeError {
        SuiteBridgeError(.notFound, "There is no lookup table \(table).", remedy: "suitebridge lookup list shows the tables; suitebridge lookup put \(table) --file F makes it.", field: "table")
    }

    /// Reads a two-column CSV (key, value; a header row `key,value` is skipped).
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming the line of a row without two values.
    public static func entries(csv path: String) throws -> [(key: String, value: String)] {
        guard let reader = CSVRecordReader(path: path) else {
            throw SuiteBridgeError(.invalidInput, "\(path) cannot be read.", remedy: "Give a CSV file with two columns: key, value.", field: "file")
        }
        var entries: [(key: String, value: String)] = []
        var first = true
        while true {
            let record: CSVRecordReader.Record?
            do { record = try reader.next() } catch let error as CSVRecordReader.UnclosedQuote {
                throw SuiteBridgeError(.invalidInput, "Line \(error.quoteLine) of \(path): a quote is never closed.", remedy: "Close the quote (a quote inside a value is written twice).", field: "file")
            }
            guard let record else { break }
            switch record {
            case .blank: continue
            case .unreadable(let message, let line):
                throw SuiteBridgeError(.invalidInput, "Line \(line) of \(path): \(message).", remedy: "Fix that line.", field: "file")
            case .fields(let fields, let line):
                let texts = fields.map { String(validating: $0, as: UTF8.self) }
                guard texts.count == 2, let key = texts[0], let value = texts[1] else {
                    throw SuiteBridgeError(.invalidInput, "Line \(line) of \(path) has \(fields.count) value\(fields.count == 1 ? "" : "s") (or text that is not UTF-8); a lookup table has two: key, value.",
                                           remedy: "Write each line as key,value (quote a value that contains a comma).", field: "file")
                }
                defer { first = false }
                if first, key.lowercased() == "key", value.lowercased() == "value" { continue }
                entries.append((key, value))
            }
        }
        return entries
    }
}

extension CoreContext {
    /// The lookup tables mappings read.
    public var lookups: LookupTables { LookupTables(context: self) }
}
