import Foundation

/// One value on its way into a mirrored table, converted from the text SuiteQL returns.
public enum MirrorValue: Sendable, Hashable {
    case null
    case integer(Int64)
    /// Kept as NetSuite wrote it (`1234.50`), so `numeric` columns stay exact.
    case number(String)
    case boolean(Bool)
    /// `2026-12-02`.
    case date(String)
    case dateTime(Date)
    case text(String)

    /// A value SuiteQL returned that is not what its column's type says.
    public struct ConversionError: Error, Sendable, Hashable, CustomStringConvertible {
        public var table: String
        public var column: String
        public var value: String
        public var expected: MirrorColumnType

        public var description: String {
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "\(table).\(column): '\(shown)' is not \(Self.article(expected)) (the catalog's type for this column)."
        }

        static func article(_ type: MirrorColumnType) -> String {
            switch type {
            case .integer: "an integer"
            case .number: "a number"
            case .boolean: "T or F"
            case .date: "a date (YYYY-MM-DD, read through TO_CHAR)"
            case .dateTime: "a date and time (YYYY-MM-DDTHH:MM:SS, read through TO_CHAR)"
            case .text: "text"
            }
        }
    }

    /// Converts SuiteQL's text (nil: the column was omitted, NULL) to `type`.
    /// - Parameters:
    ///   - timeZone: the zone NetSuite's date-times are written in (the account's); they are stored as instants.
    /// - Throws: ``ConversionError`` naming the table, column and value.
    public static func converting(
        _ text: String?, to type: MirrorColumnType, table: String, column: String, timeZone: TimeZone = .gmt
    ) throws(ConversionError) -> MirrorValue {
        guard let text else { return .null }
        let failure = ConversionError(table: table, column: column, value: text, expected: type)
        switch type {
        case .text:
            return .text(text)
        case .integer:
            guard let value = Int64(text) else { throw failure }
            return .integer(value)
        case .number:
            guard Double(text)?.isFinite == true, !text.contains(where: { $0.isLetter }) else { throw failure }
            return .number(text)
        case .boolean:
            switch text {
            case "T", "t", "true": return .boolean(true)
            case "F", "f", "false": return .boolean(false)
            default: throw failure
            }
        case .date:
            guard let (year, month, day) = isoDate(text.prefix(10)), text.count == 10 || text.dropFirst(10).hasPrefix("T") else { throw failure }
            return .date(String(format: "%04d-%02d-%02d", year, month, day))
        case .dateTime:
            guard let date = isoDateTime(text, timeZone: timeZone) else { throw failure }
            return .dateTime(date)
        }
    }

    /// `YYYY-MM-DD` as numbers, when it is a real day.
    private static func isoDate(_ text: Substring) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        return (year, month, day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS`, with optional fractional seconds and an optional `Z`, read in `timeZone` (a `Z` means
    /// UTC whatever the zone).
    private static func isoDateTime(_ text: String, timeZone: TimeZone) -> Date? {
        let halves = text.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2, let (year, month, day) = isoDate(halves[0]) else { return nil }
        var time = halves[1]
        var zone = timeZone
        if time.hasSuffix("Z") {
            time = time.dropLast()
            zone = .gmt
        }
        let fields = time.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 2, fields[1].count == 2, fields[2].count >= 2,
            let hour = Int(fields[0]), let minute = Int(fields[1]), let seconds = Double(fields[2]),
            fields[2].first?.isNumber == true, (0...23).contains(hour), (0...59).contains(minute), seconds >= 0, seconds < 61
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) else { return nil }
        return start.addingTimeInterval(seconds)
    }
}
