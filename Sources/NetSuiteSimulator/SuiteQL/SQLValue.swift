import Foundation

/// A SuiteQL value while a query runs. Booleans are NetSuite's `'T'`/`'F'` strings.
enum SQLValue: Sendable, Hashable {
    case null
    case number(Double)
    case string(String)
    case date(Date)

    var isNull: Bool { self == .null }

    /// Whether both are numbers (not NaN), strings or dates: values that compare with each other directly.
    func isKind(of other: SQLValue) -> Bool {
        switch (self, other) {
        case (.number(let number), .number): !number.isNaN
        case (.string, .string), (.date, .date): true
        default: false
        }
    }

    var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// Compares as Oracle does with implicit conversion: numbers with numbers (a numeric string converts),
    /// dates with dates (a date string converts), otherwise as text. `nil` when either side is NULL.
    static func compare(_ lhs: SQLValue, _ rhs: SQLValue) -> Int? {
        switch (lhs, rhs) {
        case (.null, _), (_, .null): return nil
        case (.number(let a), .number(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.date(let a), .date(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.number(let a), .string):
            guard let b = rhs.number else { return compareText(lhs.text, rhs.text) }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.string, .number(let b)):
            guard let a = lhs.number else { return compareText(lhs.text, rhs.text) }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.date(let a), .string(let text)):
            guard let b = SimulatorDates.parseDate(text) else { return compareText(lhs.text, text) }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let text), .date(let b)):
            guard let a = SimulatorDates.parseDate(text) else { return compareText(text, rhs.text) }
            return a < b ? -1 : (a > b ? 1 : 0)
        default:
            return compareText(lhs.text, rhs.text)
        }
    }

    private static func compareText(_ a: String, _ b: String) -> Int {
        a == b ? 0 : (a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : 1)
    }

    /// The value as text (for `||`, LIKE, and output of strings).
    var text: String {
        switch self {
        case .null: ""
        case .number(let value): JSONWriter.format(value)
        case .string(let value): value
        case .date(let value): SimulatorDates.dateString(value)
        }
    }

    /// NetSuite's output form: everything a string; dates in the account's date preference.
    func output(datePreference: String) -> String? {
        switch self {
        case .null: nil
        case .date(let date): SimulatorDates.format(date, preference: datePreference)
        default: text
        }
    }
}
