import Foundation

/// Oracle date formats: YYYY, MM, DD, HH24, HH, MI, SS, and literal text (quoted or punctuation).
struct DateFormat {
    enum Part { case year, month, day, hour, minute, second, literal(String) }
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
        let c = SimulatorDates.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return parts.map { part in
            switch part {
            case .year: String(format: "%04d", c.year ?? 0)
            case .month: String(format: "%02d", c.month ?? 0)
            case .day: String(format: "%02d", c.day ?? 0)
            case .hour: String(format: "%02d", c.hour ?? 0)
            case .minute: String(format: "%02d", c.minute ?? 0)
            case .second: String(format: "%02d", c.second ?? 0)
            case .literal(let text): text
            }
        }.joined()
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
