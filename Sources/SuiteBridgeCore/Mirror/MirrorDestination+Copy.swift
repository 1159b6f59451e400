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
    /// CONFLICT DO UPDATE`, with `state` saved, all in one transaction; `false` when the destination is SQLite.
    /// During a first load (rows past the last key written are not in the table) the rows are copied straight into
    /// the table; should one be there after all, the batch is written again through the staging table.
    func copyUpsert(_ table: String, columns: [MirrorColumn], keys: [String], rows: [[MirrorValue]], syncedAt: Date, state: MirrorTableState) async throws -> Bool {
        guard kind == .postgres else { return false }
        let names = columns.map(\.name) + [Self.syncedAtColumn, Self.deletedAtColumn]
        let data = Self.copyText(rows, syncedAt: syncedAt)
        let logger = Logger(label: "suitebridge.mirror")
        let target = qualified(table)
        if state.phase == .loading {
            let schema = self.schema
            do {
                let copied = try await database.postgresTransaction { database, connection in
                    // postgres-nio quotes the table name whole: the schema comes from the search path.
                    if let schema { try await database.raw("SET LOCAL search_path TO \(unsafeRaw: Self.quote(schema))").run() }
                    try await connection.copyFrom(table: table, columns: names, logger: logger) { writer in try await writer.write(data) }
                    try await self.save(state, in: database)
                }
                if copied != nil { return true }
            } catch {
                // A row already there (a table loaded before its state was lost): the merge below handles it.
            }
        }
        let quoted = names.map(Self.quote).joined(separator: ", ")
        let updates = names.filter { !keys.contains($0) }.map { "\(Self.quote($0)) = excluded.\(Self.quote($0))" }.joined(separator: ", ")
        let merged = try await database.postgresTransaction { database, connection in
            try await database.raw("CREATE TEMPORARY TABLE \(unsafeRaw: Self.stagingTable) (LIKE \(unsafeRaw: target)) ON COMMIT DROP").run()
            // Names are SuiteQL's lower-case identifiers; postgres-nio quotes each one as given.
            try await connection.copyFrom(table: Self.stagingTable, columns: names, logger: logger) { writer in try await writer.write(data) }
            try await database.raw("""
                INSERT INTO \(unsafeRaw: target) (\(unsafeRaw: quoted)) SELECT \(unsafeRaw: quoted) FROM \(unsafeRaw: Self.stagingTable)
                ON CONFLICT (\(unsafeRaw: keys.map(Self.quote).joined(separator: ", "))) DO UPDATE SET \(unsafeRaw: updates)
                """).run()
            try await self.save(state, in: database)
        }
        return merged != nil
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
                case .dateTime(let date): MirrorDates.writeISOUTC(date, to: &buffer)
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
        var buffer = ByteBuffer()
        writeISOUTC(date, to: &buffer)
        return String(buffer: buffer)
    }

    /// Writes ``isoUTC(_:)``'s text into `buffer`, digit by digit.
    static func writeISOUTC(_ date: Date, to buffer: inout ByteBuffer) {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let millis = Int((interval - seconds) * 1000 + 0.5) % 1000
        let c = CivilTime(secondsSince1970: Int(seconds))
        func digits(_ value: Int, _ width: Int) {
            if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
            var magnitude = abs(value), scale = 1, count = 1
            while magnitude / scale >= 10 { scale *= 10; count += 1 }
            for _ in count..<max(width, count) { buffer.writeInteger(UInt8(ascii: "0")) }
            while scale > 0 {
                buffer.writeInteger(UInt8(ascii: "0") + UInt8(magnitude / scale))
                magnitude %= scale
                scale /= 10
            }
        }
        digits(c.year, 4)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(c.month, 2)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(c.day, 2)
        buffer.writeInteger(UInt8(ascii: "T"))
        digits(c.hour, 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(c.minute, 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(c.second, 2)
        if millis > 0 {
            buffer.writeInteger(UInt8(ascii: "."))
            digits(millis, 3)
        }
        buffer.writeInteger(UInt8(ascii: "Z"))
    }
}
