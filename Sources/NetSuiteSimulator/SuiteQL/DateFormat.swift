import Foundation
import NetSuiteAuth
import NIOConcurrencyHelpers

/// Oracle date formats: YYYY, MM, DD, HH24, HH, MI, SS, and literal text (quoted or punctuation).
struct DateFormat: Sendable {
    /// Formats read once each: `TO_CHAR` and `TO_DATE` run per row, with the same format every time.
    private static let parsed = NIOLockedValueBox<[String: DateFormat]>([:])

    /// The format, parsed once per process.
    static func named(_ format: String) -> DateFormat {
        if let known = parsed.withLockedValue({ $0[format] }) { return known }
        let made = DateFormat(format)
        parsed.withLockedValue { cache in
            if cache.count > 256 { cache.removeAll() }
            cache[format] = made
        }
        return made
    }

    enum Part: Sendable { case year, month, day, hour, minute, second, literal(String) }
    var parts: [Part] = []

    init(_ format: String) {
        var rest = Substring(format.uppercased())
        let original = format
        var offset = 0
        while !rest.isEmpty {
            if rest.hasPrefix("YYYY") { parts.append(.year); rest = rest.dropFirst(4); offset += 4 }
            else if rest.hasPrefix("HH24") { parts.append(.hour); rest = rest.dropFirst(4); offset += 4 }
            else if rest.hasPrefix("MM") { parts.append(.month); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("DD") { parts.append(.day); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("HH") { parts.append(.hour); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("MI") { parts.append(.minute); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("SS") { parts.append(.second); rest = rest.dropFirst(2); offset += 2 }
            else if rest.first == "\"" {
                let body = rest.dropFirst()
                let literal = body.prefix { $0 != "\"" }
                let start = original.index(original.startIndex, offsetBy: offset + 1)
                let end = original.index(start, offsetBy: literal.count)
                parts.append(.literal(String(original[start..<end])))
                rest = body.dropFirst(literal.count + 1)
                offset += literal.count + 2
            } else {
                parts.append(.literal(String(rest.first ?? " ")))
                rest = rest.dropFirst()
                offset += 1
            }
        }
    }

    func format(_ date: Date) -> String {
        let c = SimulatorDates.fields(date)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        var text = ""
        for part in parts {
            switch part {
            case .year: text += padded(c.year, 4)
            case .month: text += padded(c.month, 2)
            case .day: text += padded(c.day, 2)
            case .hour: text += padded(c.hour, 2)
            case .minute: text += padded(c.minute, 2)
            case .second: text += padded(c.second, 2)
            case .literal(let literal): text += literal
            }
        }
        return text
    }

    func parse(_ text: String) -> Date? {
        var rest = Substring(text)
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0
        func number(_ maxDigits: Int) -> Int? {
            let digits = rest.prefix(maxDigits).prefix { $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            return value
        }
        for part in parts {
            switch part {
            case .year: guard let v = number(4) else { return nil }; year = v
            case .month: guard let v = number(2) else { return nil }; month = v
            case .day: guard let v = number(2) else { return nil }; day = v
            case .hour: guard let v = number(2) else { return nil }; hour = v
            case .minute: guard let v = number(2) else { return nil }; minute = v
            case .second: guard let v = number(2) else { return nil }; second = v
            case .literal(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            }
        }
        guard rest.isEmpty else { return nil }
        return SimulatorDates.make(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}
