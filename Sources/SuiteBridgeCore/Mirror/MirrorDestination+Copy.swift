import Foundation
import Logging
import NetSuiteAuth
import NIOCore
import PostgresKit
import SQLKit

extension MirrorDestination {
    /// The staging table a PostgreSQL batch is copied into before it is merged (a temporary table, dropped at commit).
    static let stagingTable = "sb_mirror_stage"

    /// Upserts `rows` on PostgreSQL through `COPY … FROM STDIN` into a staging table and one `INSERT … SELECT … ON
    /// CONFLICT DO UPDATE`, with `state` saved, all in one transaction; `false` when the session is not PostgreSQL's.
    /// During a first load (rows past the last key written are not in the table) the rows are copied straight into
    /// the table; should one be there after all, the batch is written again through the staging table.
    func copyUpsert(_ table: String, columns: [MirrorColumn], keys: [String], rows: [[MirrorValue]], syncedAt: Date, state: MirrorTableState) async throws -> Bool {
        guard kind == .postgres else { return false }
        if state.phase == .loading {
            do {
                return try await copyInsert(table, columns: columns, rows: rows, syncedAt: syncedAt, state: state)
            } catch {
                // A row already there (a table loaded before its state was lost): the merge below handles it.
            }
        }
        let names = columns.map(\.name) + [Self.syncedAtColumn, Self.deletedAtColumn]
        let quoted = names.map(Self.quote).joined(separator: ", ")
        let updates = names.filter { !keys.contains($0) }.map { "\(Self.quote($0)) = excluded.\(Self.quote($0))" }.joined(separator: ", ")
        let target = qualified(table)
        let data = Self.copyText(rows, syncedAt: syncedAt)
        let logger = Logger(label: "suitebridge.mirror")
        return try await database.transaction { database in
            guard let postgres = database as? any PostgresDatabase else { return false }
            try await database.raw("CREATE TEMPORARY TABLE \(unsafeRaw: Self.stagingTable) (LIKE \(unsafeRaw: target)) ON COMMIT DROP").run()
            // Names are SuiteQL's lower-case identifiers; postgres-nio quotes each one as given.
            try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await connection.copyFrom(table: Self.stagingTable, columns: names, logger: logger) { writer in
                        try await writer.write(data)
                    }
                }
            }.get()
            try await database.raw("""
                INSERT INTO \(unsafeRaw: target) (\(unsafeRaw: quoted)) SELECT \(unsafeRaw: quoted) FROM \(unsafeRaw: Self.stagingTable)
                ON CONFLICT (\(unsafeRaw: keys.map(Self.quote).joined(separator: ", "))) DO UPDATE SET \(unsafeRaw: updates)
                """).run()
            try await self.save(state, in: database)
            return true
        }
    }

    /// Copies `rows` straight into `table` and saves `state`, in one transaction.
    private func copyInsert(_ table: String, columns: [MirrorColumn], rows: [[MirrorValue]], syncedAt: Date, state: MirrorTableState) async throws -> Bool {
        let names = columns.map(\.name) + [Self.syncedAtColumn, Self.deletedAtColumn]
        let data = Self.copyText(rows, syncedAt: syncedAt)
        let logger = Logger(label: "suitebridge.mirror")
        let schema = self.schema
        return try await database.transaction { database in
            guard let postgres = database as? any PostgresDatabase else { return false }
            // postgres-nio quotes the table name whole: the schema comes from the search path.
            if let schema { try await database.raw("SET LOCAL search_path TO \(unsafeRaw: Self.quote(schema))").run() }
            try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await connection.copyFrom(table: table, columns: names, logger: logger) { writer in
                        try await writer.write(data)
                    }
                }
            }.get()
            try await self.save(state, in: database)
            return true
        }
    }

    /// Rows in `COPY`'s text format: tab-separated, `\N` for NULL, backslash escapes; `_synced_at` and a NULL
    /// `_deleted_at` after each row's values.
    static func copyText(_ rows: [[MirrorValue]], syncedAt: Date) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * 160)
        let synced = "\t" + MirrorDates.isoUTC(syncedAt) + "\t\\N\n"
        for row in rows {
            for (position, value) in row.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                switch value {
                case .null: buffer.writeStaticString("\\N")
                case .integer(let number): buffer.writeString(String(number))
                case .number(let text): buffer.writeString(text)
                case .boolean(let flag): buffer.writeInteger(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
                case .date(let text): buffer.writeString(text)
                case .dateTime(let date): buffer.writeString(MirrorDates.isoUTC(date))
                case .text(let text): writeEscaped(text, to: &buffer)
                }
            }
            buffer.writeString(synced)
        }
        return buffer
    }

    private static func writeEscaped(_ text: String, to buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}

extension MirrorDates {
    /// `2026-12-02T10:22:00Z` (with milliseconds when there are some), computed without a calendar: the first load
    /// writes two per row.
    static func isoUTC(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let millis = Int((interval - seconds) * 1000 + 0.5) % 1000
        let c = CivilTime(secondsSince1970: Int(seconds))
        let (year, month, day, rest) = (c.year, c.month, c.day, c.hour * 3600 + c.minute * 60 + c.second)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))"
        if millis > 0 { text += "." + String(format: "%03d", millis) }
        return text + "Z"
    }
}
