import Foundation
import NetSuiteAuth

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
        // Made only when a value is refused (most rows convert, and the error holds four strings).
        var failure: ConversionError { ConversionError(table: table, column: column, value: text, expected: type) }
        switch type {
        case .text:
            return .text(text)
        case .integer:
            guard let value = Int64(text) else { throw failure }
            return .integer(value)
        case .number:
            // Plain decimals only: no exponent, hexadecimal, inf or nan (letters), which numeric columns refuse.
            guard !text.utf8.contains(where: { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }),
                Double(text)?.isFinite == true
            else { throw failure }
            return .number(text)
        case .boolean:
            switch text {
            case "T", "t", "true": return .boolean(true)
            case "F", "f", "false": return .boolean(false)
            default: throw failure
            }
        case .date:
            guard let (year, month, day) = isoDate(text.prefix(10)), text.count == 10 || text.dropFirst(10).hasPrefix("T") else { throw failure }
            func padded(_ value: Int, _ width: Int) -> String {
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return .date("\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))")
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
        if let date = plainDateTime(text, timeZone: timeZone) { return date }
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

    /// `YYYY-MM-DDTHH:MM:SS` or the same with `Z`, the form every date-time column is read in (`TO_CHAR`), by
    /// arithmetic: a load converts one or more per row, where `Calendar` costs more than the rest of the row. `nil`
    /// for any other form, or when `timeZone` changes its offset within 14 hours of the time (the general path
    /// then asks `Calendar`, which decides how a skipped or repeated hour reads).
    private static func plainDateTime(_ text: String, timeZone: TimeZone) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 19 || (bytes.count == 20 && bytes[19] == UInt8(ascii: "Z")) else { return nil }
            func digits(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<(start + count) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
                hour <= 23, minute <= 59, second <= 60
            else { return nil }
            let local = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).secondsSince1970
            if bytes.count == 20 { return Date(timeIntervalSince1970: TimeInterval(local)) }
            // Every instant whose local time this is lies within 14 hours of it read as UTC.
            let margin = 14 * 3600
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - margin)))
            guard timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local + margin))) == offset else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(local - offset))
        }
    }
}
