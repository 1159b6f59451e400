import Foundation

/// The type of a mirrored column: what NetSuite's record metadata catalog says of the field
/// (`application/schema+json`), or text where NetSuite gives no type.
public enum MirrorColumnType: String, Sendable, Codable, CaseIterable {
    case integer, number, boolean, date
    case dateTime = "date-time"
    case text

    /// One property of a catalog schema: `{"type": "integer", "format": "int64"}`, `{"type": "string", "format":
    /// "date"}`; references are objects whose `id` is what SuiteQL returns.
    public struct SchemaProperty: Sendable, Codable, Hashable {
        public var type: String?
        public var format: String?

        public init(type: String?, format: String? = nil) {
            self.type = type
            self.format = format
        }
    }

    /// The column type of a catalog property: integers, numbers, booleans, dates and date-times as typed; anything else,
    /// or nothing, as text — references and lists included (the catalog types both as objects, and SuiteQL gives a
    /// list's value as a code such as a transaction status `B`, not an id).
    public init(_ property: SchemaProperty?) {
        switch (property?.type, property?.format) {
        case ("integer", _): self = .integer
        case ("number", _): self = .number
        case ("boolean", _): self = .boolean
        case ("string", "date"): self = .date
        case ("string", "date-time"): self = .dateTime
        default: self = .text
        }
    }

    /// The column's SQL type on a destination: PostgreSQL keeps decimals exact (`numeric`) and times with their zone;
    /// SQLite stores booleans as 0/1 and dates as ISO 8601 text, which sorts and compares as dates do.
    public func sqlType(for kind: Store.Kind) -> String {
        switch (self, kind) {
        case (.integer, .postgres): "bigint"
        case (.number, .postgres): "numeric"
        case (.boolean, .postgres): "boolean"
        case (.date, .postgres): "date"
        case (.dateTime, .postgres): "timestamptz"
        case (.text, .postgres): "text"
        case (.integer, .sqlite), (.boolean, .sqlite): "INTEGER"
        case (.number, .sqlite): "REAL"
        case (.date, .sqlite), (.dateTime, .sqlite), (.text, .sqlite): "TEXT"
        }
    }

    /// Whether the query should read the column through `TO_CHAR(col, 'YYYY-MM-DD"T"HH24:MI:SS')`: dates come back
    /// in each user's date-format preference otherwise, and date-times without their time.
    public var readsAsISOText: Bool { self == .date || self == .dateTime }
}
