import Foundation

/// Applies a ``Mapping`` to a source row: the NetSuite record body it stands for, or the ``MappingRefusal`` that
/// says which field, value and step could not apply. A source with no value (absent or empty) leaves the field
/// out unless a step (`default`, `concat`, `map`) gives it one; a step never turns a bad value into a silent null.
struct RecordMapper: Sendable {
    let mapping: Mapping
    let resources: MappingResources

    /// The record body (without `externalId`).
    /// - Throws: ``MappingRefusal``; a lookup or SuiteQL that fails for another reason (the store, NetSuite) throws
    ///   that error, so the run stops instead of refusing rows that are fine.
    func body(for row: SourceRow) async throws -> [String: JSONValue] {
        try await body(for: row, rules: mapping.fields, prefix: "")
    }

    private func body(for row: SourceRow, rules: [String: Mapping.FieldRule], prefix: String) async throws -> [String: JSONValue] {
        var body: [String: JSONValue] = [:]
        for (field, rule) in rules.sorted(by: { $0.key < $1.key }) {
            let name = prefix + field
            if let lineRules = rule.lines {
                if let lines = try await sublist(rule, lineRules, field: name, row: row) { body[field] = lines }
                continue
            }
            var value: JSONValue? = rule.const ?? rule.from.flatMap { SourcePath($0).value(in: row) }
            if case .string("")? = value { value = nil }
            if case .null? = value { value = nil }
            for (index, step) in (rule.steps ?? []).enumerated() {
                value = try await apply(step, to: value, row: row, field: name, position: index + 1)
            }
            if let value { body[field] = value }
        }
        return body
    }

    /// `{"items": [line, …]}` from the array at the rule's source.
    private func sublist(_ rule: Mapping.FieldRule, _ lineRules: [String: Mapping.FieldRule], field: String, row: SourceRow) async throws -> JSONValue? {
        guard var source = rule.from.flatMap({ SourcePath($0).value(in: row) }) else { return nil }
        if case .string(let text) = source {
            guard !text.isEmpty else { return nil }
            guard let parsed = JSONValue.parse(text) else {
                throw MappingRefusal(field: field, value: text, step: "lines", reason: "is not a list of lines (a JSON array)")
            }
            source = parsed
        }
        guard case .array(let elements) = source else {
            throw MappingRefusal(field: field, value: source.description, step: "lines", reason: "is not a list of lines (a JSON array)")
        }
        var lines: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element else {
                throw MappingRefusal(field: "\(field)[\(index + 1)]", value: element.description, step: "lines", reason: "is not an object with the line's values")
            }
            lines.append(.object(try await body(for: SourceRow(values: members), rules: lineRules, prefix: "\(field)[\(index + 1)].")))
        }
        return .object(["items": .array(lines)])
    }

    private func apply(_ step: MappingStep, to value: JSONValue?, row: SourceRow, field: String, position: Int) async throws -> JSONValue? {
        let label = "step \(position), \(step.name)"
        func refuse(_ reason: String, _ shown: JSONValue? = value) -> MappingRefusal {
            MappingRefusal(field: field, value: shown?.description, step: label, reason: reason)
        }
        func text() throws -> String? {
            guard let value else { return nil }
            guard let text = value.text else { throw refuse("is a list or an object, not text") }
            return text
        }
        switch step {
        case .trim: return try text().map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.flatMap(Self.nonEmpty)
        case .lower: return try text().map { .string($0.lowercased()) }
        case .upper: return try text().map { .string($0.uppercased()) }
        case .title: return try text().map { .string($0.capitalized) }
        case .default(let fallback): return value ?? fallback
        case .replace(let pattern, let with):
            guard let text = try text() else { return nil }
            let expression = try NSRegularExpression(pattern: pattern)
            let replaced = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: with)
            return Self.nonEmpty(.string(replaced))
        case .split(let by, let index):
            guard let text = try text() else { return nil }
            let parts = text.components(separatedBy: by)
            let at = index < 0 ? parts.count + index : index
            guard parts.indices.contains(at) else { throw refuse("has \(parts.count) part\(parts.count == 1 ? "" : "s") split by \"\(by)\", none at index \(index)") }
            return Self.nonEmpty(.string(parts[at]))
        case .concat(let parts):
            var out = ""
            for part in parts {
                switch part {
                case .literal(let literal): out += literal
                case .source(let path):
                    let part = SourcePath(path).value(in: row)
                    if let part, part != .null {
                        guard let text = part.text else { throw refuse("cannot be joined: \(path) is a list or an object", part) }
                        out += text
                    }
                }
            }
            return Self.nonEmpty(.string(out))
        case .number, .integer:
            guard let value else { return nil }
            let text: String
            switch value {
            case .number(let number): text = number
            case .string(let string): text = string
            default: throw refuse("is not a number")
            }
            let cleaned = text.filter { !$0.isWhitespace && $0 != "," && $0 != "_" }
            guard let number = Self.number(cleaned, integer: step == .integer) else {
                throw refuse(step == .integer ? "is not a whole number" : "is not a number (write 1234.5; a comma may group thousands)")
            }
            return .number(number)
        case .boolean:
            guard let value else { return nil }
            if case .bool = value { return value }
            guard let text = value.text?.trimmingCharacters(in: .whitespaces).lowercased() else { throw refuse("is not true or false") }
            if Self.trueSpellings.contains(text) { return .bool(true) }
            if Self.falseSpellings.contains(text) { return .bool(false) }
            throw refuse("is not true or false (accepted: \(Self.trueSpellings.joined(separator: "/")) and \(Self.falseSpellings.joined(separator: "/")))")
        case .date(let from, let to):
            guard let text = try text() else { return nil }
            let pattern = try DatePattern(from, field: "mapping.fields.\(field)")
            guard let moment = pattern.read(text) else { throw refuse("is not a date written \(from)") }
            if let to { return .string(try DatePattern(to, field: "mapping.fields.\(field)").write(moment)) }
            return .string(moment.iso)
        case .map(let table, let otherwise):
            guard let value else { return table[""] }
            if let mapped = table[value.text ?? value.json] { return mapped == .null ? nil : mapped }
            switch otherwise {
            case .keep: return value
            case .error: throw refuse("is not in the map (it knows \(table.keys.sorted().prefix(10).joined(separator: ", ")))")
            case .value(let replacement): return replacement == .null ? nil : replacement
            }
        case .lookup(let table):
            guard let key = try text() else { return nil }
            guard let found = try await resources.lookup(table, key: key) else { throw refuse("is not a key of the lookup table \(table)") }
            return .string(found)
        case .ref(let kind):
            guard let id = try text() else { return nil }
            return .object([kind == .internal ? "id" : "externalId": .string(id)])
        case .suiteql(let query):
            guard let key = try text() else { return nil }
            let literal = Double(key) != nil && !key.contains(where: \.isWhitespace) ? key : "'" + key.replacingOccurrences(of: "'", with: "''") + "'"
            let filled = query.replacingOccurrences(of: "?", with: literal)
            guard let found = try await resources.suiteQL(filled) else { throw refuse("matches no row of \(query)") }
            return .string(found)
        }
    }

    static let trueSpellings = ["true", "yes", "y", "1", "t", "on"]
    static let falseSpellings = ["false", "no", "n", "0", "f", "off"]

    private static func nonEmpty(_ value: JSONValue) -> JSONValue? {
        if case .string("") = value { return nil }
        return value
    }

    /// `text` as a JSON number (`+1.50` is `1.50`); with `integer`, only whole numbers (`12.0` is `12`).
    static func number(_ text: String, integer: Bool) -> String? {
        var digits = Substring(text)
        var sign = ""
        if let first = digits.first, first == "-" || first == "+" {
            if first == "-" { sign = "-" }
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        let trimmedWhole = whole.drop { $0 == "0" }
        let wholeText = trimmedWhole.isEmpty ? "0" : String(trimmedWhole)
        if integer {
            guard fraction.allSatisfy({ $0 == "0" }) else { return nil }
            return (wholeText == "0" ? "" : sign) + wholeText
        }
        return sign + wholeText + (fraction.isEmpty ? "" : "." + fraction)
    }
}
