import Foundation

/// A date format as NetSuite writes its preferences (`DD.MM.YYYY`, `M/D/YYYY`, `DD-Mon-YYYY`, `YYYY-MM-DD HH24:MI:SS`),
/// to read a date in and write one out. Tokens: `YYYY`, `YY`, `MM`/`M`, `DD`/`D`, `Mon` (Jan), `Month` (January),
/// `HH24`/`HH`, `MI`, `SS`; anything else is literal.
struct DatePattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case year4, year2, month, monthPadded, day, dayPadded, monthAbbreviation, monthName, hour, minute, second
        case literal(Character)
    }

    let text: String
    let tokens: [Token]

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    /// A date and maybe a time of day.
    struct Moment: Sendable, Hashable {
        var year: Int, month: Int, day: Int
        var hour: Int?, minute: Int?, second: Int?

        /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with a time.
        var iso: String {
            let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            guard let hour else { return date }
            return date + "T" + pad(hour, 2) + ":" + pad(minute ?? 0, 2) + ":" + pad(second ?? 0, 2)
        }
    }

    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `field` when the pattern has no year, month or day.
    init(_ text: String, field: String) throws {
        self.text = text
        var tokens: [Token] = []
        var rest = Substring(text)
        let table: [(String, Token)] = [("YYYY", .year4), ("HH24", .hour), ("MONTH", .monthName), ("MON", .monthAbbreviation), ("YY", .year2), ("MM", .monthPadded),
                                        ("DD", .dayPadded), ("HH", .hour), ("MI", .minute), ("SS", .second), ("M", .month), ("D", .day)]
        next: while let first = rest.first {
            for (name, token) in table where rest.uppercased().hasPrefix(name) {
                tokens.append(token)
                rest = rest.dropFirst(name.count)
                continue next
            }
            tokens.append(.literal(first))
            rest = rest.dropFirst()
        }
        self.tokens = tokens
        let has = { (options: [Token]) in tokens.contains { options.contains($0) } }
        guard has([.year4, .year2]), has([.month, .monthPadded, .monthAbbreviation, .monthName]), has([.day, .dayPadded]) else {
            throw SuiteBridgeError(.invalidInput, "The date format \"\(text)\" needs a year, a month and a day.",
                                   remedy: "Write it as NetSuite's date preferences do, e.g. DD.MM.YYYY or M/D/YYYY.", field: field)
        }
    }

    /// Reads `text` in this format; `nil` when it does not fit or is not a real date (31.02.2026).
    func read(_ text: String) -> Moment? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var year: Int?, month: Int?, day: Int?, hour: Int?, minute: Int?, second: Int?
        func digits(_ least: Int, _ most: Int) -> Int? {
            let run = rest.prefix(most).prefix { $0.isASCII && $0.isNumber }
            guard run.count >= least, let value = Int(run) else { return nil }
            rest = rest.dropFirst(run.count)
            return value
        }
        for token in tokens {
            switch token {
            case .year4: guard let value = digits(4, 4) else { return nil }; year = value
            case .year2: guard let value = digits(2, 2) else { return nil }; year = value < 70 ? 2000 + value : 1900 + value
            case .month, .monthPadded: guard let value = digits(1, 2) else { return nil }; month = value
            case .day, .dayPadded: guard let value = digits(1, 2) else { return nil }; day = value
            case .hour: guard let value = digits(1, 2) else { return nil }; hour = value
            case .minute: guard let value = digits(2, 2) else { return nil }; minute = value
            case .second: guard let value = digits(2, 2) else { return nil }; second = value
            case .monthAbbreviation, .monthName:
                let word = rest.prefix { $0.isLetter }.lowercased()
                guard word.count >= 3, let index = Self.months.firstIndex(where: { token == .monthName ? $0 == word : $0.hasPrefix(word) && word.count == 3 }) else { return nil }
                month = index + 1
                rest = rest.dropFirst(word.count)
            case .literal(let character):
                guard rest.first == character else { return nil }
                rest = rest.dropFirst()
            }
        }
        guard rest.isEmpty, let year, let month, let day, (1...12).contains(month), (1...Self.days(in: month, of: year)).contains(day) else { return nil }
        if let hour, !(0...23).contains(hour) { return nil }
        if let minute, !(0...59).contains(minute) { return nil }
        if let second, !(0...59).contains(second) { return nil }
        return Moment(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// `moment` written in this format.
    func write(_ moment: Moment) -> String {
        var out = ""
        for token in tokens {
            switch token {
            case .year4: out += pad(moment.year, 4)
            case .year2: out += pad(moment.year % 100, 2)
            case .month: out += String(moment.month)
            case .monthPadded: out += pad(moment.month, 2)
            case .day: out += String(moment.day)
            case .dayPadded: out += pad(moment.day, 2)
            case .monthAbbreviation: out += String(Self.months[moment.month - 1].prefix(3)).capitalized
            case .monthName: out += Self.months[moment.month - 1].capitalized
            case .hour: out += pad(moment.hour ?? 0, 2)
            case .minute: out += pad(moment.minute ?? 0, 2)
            case .second: out += pad(moment.second ?? 0, 2)
            case .literal(let character): out.append(character)
            }
        }
        return out
    }

    static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
