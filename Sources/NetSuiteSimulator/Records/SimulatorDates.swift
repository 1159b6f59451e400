import Foundation
import NetSuiteAuth

/// The date forms of NetSuite's REST records (`2024-01-15`, `2024-01-15T10:22:00Z`) and SuiteQL (`1/15/2024`).
enum SimulatorDates {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    /// A UTC instant's calendar fields, by arithmetic: SuiteQL pages format a date per row.
    static func fields(_ date: Date) -> CivilTime {
        CivilTime(secondsSince1970: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// `2024-01-15`.
    static func dateString(_ date: Date) -> String {
        let parts = fields(date)
        return String(format: "%04d-%02d-%02d", parts.year, parts.month, parts.day)
    }

    /// `2024-01-15T10:22:00Z`, whole seconds.
    static func dateTimeString(_ date: Date) -> String {
        let parts = fields(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second)
    }

    /// Reads `2024-01-15`, `2024-01-15T10:22:00Z` or `1/15/2024`.
    static func parseDate(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("/") {
            let parts = trimmed.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            return make(year: parts[2], month: parts[0], day: parts[1])
        }
        let dateAndTime = trimmed.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard let datePart = dateAndTime.first else { return nil }
        let parts = datePart.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var hour = 0, minute = 0, second = 0
        if dateAndTime.count > 1 {
            let time = dateAndTime[1].trimmingCharacters(in: CharacterSet(charactersIn: "Z")).split(separator: ":").compactMap { Int(Double($0) ?? -1) }
            guard time.count >= 2, time.allSatisfy({ $0 >= 0 }) else { return nil }
            hour = time[0]
            minute = time[1]
            second = time.count > 2 ? time[2] : 0
        }
        return make(year: parts[0], month: parts[1], day: parts[2], hour: hour, minute: minute, second: second)
    }

    /// Reads an ISO 8601 date and time (`2024-01-15T10:22:00Z`); a date alone is not one.
    static func parseDateTime(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains("T"), !trimmed.contains("/") else { return nil }
        return parseDate(trimmed)
    }

    /// Reads a date written in an account's date-format preference (what `q=` date filters take), or nil when the
    /// text is not in that form.
    static func parse(_ text: String, preference: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: preference == "YYYY-MM-DD" ? "-" : "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == 3 else { return nil }
        switch preference {
        case "D/M/YYYY": return parts[2].count == 4 ? make(year: numbers[2], month: numbers[1], day: numbers[0]) : nil
        case "YYYY-MM-DD": return parts[0].count == 4 ? make(year: numbers[0], month: numbers[1], day: numbers[2]) : nil
        default: return parts[2].count == 4 ? make(year: numbers[2], month: numbers[0], day: numbers[1]) : nil
        }
    }

    static func make(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    /// A date in an account's SuiteQL date-format preference: `M/D/YYYY` (default), `D/M/YYYY` or `YYYY-MM-DD`.
    static func format(_ date: Date, preference: String) -> String {
        let parts = fields(date)
        let (year, month, day) = (parts.year, parts.month, parts.day)
        switch preference {
        case "D/M/YYYY": return "\(day)/\(month)/\(year)"
        case "YYYY-MM-DD": return String(format: "%04d-%02d-%02d", year, month, day)
        default: return "\(month)/\(day)/\(year)"
        }
    }
}
