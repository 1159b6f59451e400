import Foundation
import NetSuiteAuth

/// A record collection filter (`q=`): `field OPERATOR value` conditions joined by AND/OR, with parentheses.
/// Values are bare words, `"quoted"` text, numbers, or `[a, b]` lists (ANY_OF, BETWEEN).
indirect enum RecordFilter: Sendable {
    case condition(field: String, op: String, values: [String])
    case and(RecordFilter, RecordFilter)
    case or(RecordFilter, RecordFilter)

    static let stringOperators: Set<String> = ["CONTAIN", "IS", "START_WITH", "END_WITH"]
    static let numberOperators: Set<String> = ["ANY_OF", "BETWEEN", "EQUAL", "GREATER", "GREATER_OR_EQUAL", "LESS", "LESS_OR_EQUAL"]
    static let dateOperators: Set<String> = ["AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE"]
    static let unary: Set<String> = ["EMPTY", "EMPTY_NOT"]

    static func isKnown(_ op: String) -> Bool {
        if unary.contains(op) { return true }
        let base = op.hasSuffix("_NOT") ? String(op.dropLast(4)) : op
        return stringOperators.contains(base) || numberOperators.contains(base) || dateOperators.contains(base)
    }

    /// Parses a `q` value. Date operators take dates in the account's date-format preference (`1/15/2024` for
    /// `M/D/YYYY`), as N/query does.
    /// - Parameters:
    ///   - fields: the fields that may be named (default: the type's standard fields; pass the store's schema to
    ///     include custom fields).
    ///   - datePreference: `M/D/YYYY` (NetSuite's default), `D/M/YYYY` or `YYYY-MM-DD`.
    /// - Throws: a `RecordError` with NetSuite's "Invalid search query" wording and `o:errorQueryParam` `q`; a date
    ///   in another format names the format to use.
    static func parse(
        _ text: String, type: RecordType, fields: [String: FieldKind]? = nil, datePreference: String = "M/D/YYYY"
    ) throws(RecordError) -> RecordFilter {
        var parser = Parser(tokens: try tokenize(text), type: type, fields: fields ?? type.schema, datePreference: datePreference)
        let filter = try parser.parseOr()
        guard parser.atEnd else { throw invalid("Unexpected \(parser.current ?? "end").") }
        return filter
    }

    static func invalid(_ reason: String) -> RecordError {
        RecordError(
            status: 400, code: NetSuiteErrorCode.invalidParameter,
            detail: "Invalid search query. Detailed unprocessed description follows. \(reason)", queryParam: "q")
    }

    private static func tokenize(_ text: String) throws(RecordError) -> [String] {
        var tokens: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
            } else if "()[],".contains(character) {
                tokens.append(String(character))
                index = text.index(after: index)
            } else if character == "\"" {
                var value = ""
                index = text.index(after: index)
                while index < text.endIndex && text[index] != "\"" {
                    value.append(text[index])
                    index = text.index(after: index)
                }
                guard index < text.endIndex else { throw invalid("Unterminated quoted value.") }
                index = text.index(after: index)
                tokens.append("\"" + value)
            } else {
                var word = ""
                while index < text.endIndex && !text[index].isWhitespace && !"()[],\"".contains(text[index]) {
                    word.append(text[index])
                    index = text.index(after: index)
                }
                tokens.append(word)
            }
        }
        return tokens
    }

    private struct Parser {
        var tokens: [String]
        var type: RecordType
        var fields: [String: FieldKind]
        var datePreference: String
        var position = 0
        /// Parentheses open now, and conditions joined so far: both bounded, since parsing and matching recurse.
        var depth = 0
        var joins = 0

        /// The deepest nesting of parentheses, and the most conditions joined by AND and OR.
        static let maximumDepth = 50
        static let maximumJoins = 500

        mutating func join() throws(RecordError) {
            joins += 1
            if joins > Self.maximumJoins { throw invalid("The filter joins more than \(Self.maximumJoins) conditions.") }
        }

        var atEnd: Bool { position >= tokens.count }
        var current: String? { atEnd ? nil : tokens[position] }

        mutating func next() -> String? {
            defer { position += 1 }
            return current
        }

        mutating func parseOr() throws(RecordError) -> RecordFilter {
            var left = try parseAnd()
            while current?.uppercased() == "OR" {
                position += 1
                try join()
                left = .or(left, try parseAnd())
            }
            return left
        }

        mutating func parseAnd() throws(RecordError) -> RecordFilter {
            var left = try parseTerm()
            while current?.uppercased() == "AND" {
                position += 1
                try join()
                left = .and(left, try parseTerm())
            }
            return left
        }

        mutating func parseTerm() throws(RecordError) -> RecordFilter {
            if current == "(" {
                position += 1
                depth += 1
                defer { depth -= 1 }
                if depth > Self.maximumDepth { throw invalid("The filter nests parentheses more than \(Self.maximumDepth) deep.") }
                let inner = try parseOr()
                guard next() == ")" else { throw invalid("Missing ).") }
                return inner
            }
            guard let field = next(), field.first?.isLetter == true else { throw invalid("Expected a field name.") }
            guard fields[field] != nil || ["id", "lastModifiedDate", type.createdField, "itemType", "total"].contains(field) else {
                throw invalid("Search error occurred: Unknown identifier '\(field)'. Available identifiers are: {\(type.rawValue.lowercased())=\(type.rawValue.lowercased())}.")
            }
            guard let op = next()?.uppercased(), RecordFilter.isKnown(op) else {
                throw invalid("Unknown operator after \(field).")
            }
            if RecordFilter.unary.contains(op) { return .condition(field: field, op: op, values: []) }
            var values: [String] = []
            if current == "[" || current == "(" {
                let close = current == "[" ? "]" : ")"
                position += 1
                while let token = next(), token != close {
                    if token == "," { continue }
                    values.append(token.hasPrefix("\"") ? String(token.dropFirst()) : token)
                }
            } else {
                guard let value = next() else { throw invalid("Missing value after \(op).") }
                values.append(value.hasPrefix("\"") ? String(value.dropFirst()) : value)
            }
            if values.isEmpty { throw invalid("Missing value after \(op).") }
            if RecordFilter.dateOperators.contains(op.hasSuffix("_NOT") ? String(op.dropLast(4)) : op) {
                // Kept as ISO dates once read in the account's format.
                values = try values.map { value throws(RecordError) in
                    guard let date = SimulatorDates.parse(value, preference: datePreference) else {
                        throw invalid("Invalid date value '\(value)' for \(field). Enter dates in your date format preference, \(datePreference).")
                    }
                    return SimulatorDates.dateString(date)
                }
            }
            return .condition(field: field, op: op, values: values)
        }
    }

    /// Whether `record` matches.
    func matches(_ record: StoredRecord, type: RecordType) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(record, type: type) && b.matches(record, type: type)
        case .or(let a, let b): return a.matches(record, type: type) || b.matches(record, type: type)
        case .condition(let field, let op, let values):
            let negated = op.hasSuffix("_NOT") && op != "EMPTY_NOT"
            let base = negated ? String(op.dropLast(4)) : op
            let result = Self.test(Self.value(of: field, in: record, type: type), base: base, values: values)
            return negated ? !result : result
        }
    }

    private static func value(of field: String, in record: StoredRecord, type: RecordType) -> JSONValue? {
        switch field {
        case "id": return .number(Double(record.id))
        case "lastModifiedDate": return .string(SimulatorDates.dateTimeString(record.lastModified))
        case type.createdField: return .string(SimulatorDates.dateTimeString(record.created))
        default:
            let value = record.fields[field]
            if let id = value?.objectValue?["id"] { return id }
            return value
        }
    }

    private static func test(_ value: JSONValue?, base: String, values: [String]) -> Bool {
        let text = value?.scalarText
        switch base {
        case "EMPTY": return text == nil || text == ""
        case "EMPTY_NOT": return !(text == nil || text == "")
        default: break
        }
        guard let text, let first = values.first else { return false }
        switch base {
        case "IS":
            if let flag = value?.boolValue { return flag == (first.lowercased() == "true" || first == "T") }
            return text.lowercased() == first.lowercased()
        case "CONTAIN": return text.lowercased().contains(first.lowercased())
        case "START_WITH": return text.lowercased().hasPrefix(first.lowercased())
        case "END_WITH": return text.lowercased().hasSuffix(first.lowercased())
        case "ANY_OF": return values.contains { numberEqual(text, $0) || $0 == text }
        case "EQUAL": return numberEqual(text, first)
        case "GREATER", "GREATER_OR_EQUAL", "LESS", "LESS_OR_EQUAL", "BETWEEN":
            guard let number = Double(text), let bound = Double(first) else { return false }
            switch base {
            case "GREATER": return number > bound
            case "GREATER_OR_EQUAL": return number >= bound
            case "LESS": return number < bound
            case "LESS_OR_EQUAL": return number <= bound
            default:
                guard values.count >= 2, let upper = Double(values[1]) else { return false }
                return number >= bound && number <= upper
            }
        case "AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE":
            guard let date = SimulatorDates.parseDate(text), let bound = SimulatorDates.parseDate(first) else { return false }
            let day = SimulatorDates.calendar.startOfDay(for: date)
            let boundDay = SimulatorDates.calendar.startOfDay(for: bound)
            switch base {
            case "AFTER": return day > boundDay
            case "BEFORE": return day < boundDay
            case "ON": return day == boundDay
            case "ON_OR_AFTER": return day >= boundDay
            default: return day <= boundDay
            }
        default: return false
        }
    }

    private static func numberEqual(_ a: String, _ b: String) -> Bool {
        if let x = Double(a), let y = Double(b) { return x == y }
        return a == b
    }
}
