import Foundation

/// How an import makes a NetSuite record from a source row: per record field, a source (a column, a JSON path into
/// the row, or a constant), then steps applied in order; a sublist's lines come from an array in the row.
///
/// ```json
/// {"fields": {
///   "companyName": {"from": "name", "steps": ["trim", "title"]},
///   "subsidiary":  {"const": "1", "steps": [{"ref": "internal"}]},
///   "item":        {"from": "lines", "lines": {"item": {"from": "sku", "steps": [{"ref": "external"}]},
///                                              "quantity": {"from": "qty", "steps": ["number"]}}}
/// }}
/// ```
///
/// Written as JSON or YAML (``Mapping/parse(_:name:)``). The older `--map` form (`{"field": {"column", "constant",
/// "reference"}}`) is read as the same document.
public struct Mapping: Sendable, Hashable, Codable {
    public var fields: [String: FieldRule]

    public init(fields: [String: FieldRule]) {
        self.fields = fields
    }

    /// One record field's rule.
    public struct FieldRule: Sendable, Hashable, Codable {
        /// A column of the row, or a path into it (`customer.email`, `lines[0].sku`).
        public var from: String?
        /// A constant instead of a source.
        public var const: JSONValue?
        public var steps: [MappingStep]?
        /// A sublist: one line per element of the array at `from`, each line's fields mapped from its element.
        public var lines: [String: FieldRule]?

        public init(from: String? = nil, const: JSONValue? = nil, steps: [MappingStep]? = nil, lines: [String: FieldRule]? = nil) {
            self.from = from
            self.const = const
            self.steps = steps
            self.lines = lines
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case from, const, steps, lines }

        public init(from decoder: any Decoder) throws {
            // A misspelt key ("form", "step") would otherwise be dropped without a word.
            let names = try decoder.container(keyedBy: MappingStep.StepKey.self).allKeys.map(\.stringValue)
            if let unknown = names.first(where: { CodingKeys(rawValue: $0) == nil }) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "\"\(unknown)\" is not a key of a field's rule; the keys are from, const, steps and lines"))
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            from = try container.decodeIfPresent(String.self, forKey: .from)
            const = try container.decodeIfPresent(JSONValue.self, forKey: .const)
            steps = try container.decodeIfPresent([MappingStep].self, forKey: .steps)
            lines = try container.decodeIfPresent([String: FieldRule].self, forKey: .lines)
        }
    }

    private enum CodingKeys: String, CodingKey { case fields }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.fields) {
            let names = try decoder.container(keyedBy: MappingStep.StepKey.self).allKeys.map(\.stringValue)
            if let unknown = names.first(where: { $0 != "fields" }) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(unknown)\" is not a key of a mapping; it has fields"))
            }
            fields = try container.decode([String: FieldRule].self, forKey: .fields)
        } else {
            // The `--map` form of earlier versions: field → {column | constant, reference}.
            let legacy = try decoder.singleValueContainer().decode([String: LegacyFieldMapping].self)
            fields = legacy.mapValues(\.rule)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fields, forKey: .fields)
    }

    /// `column`, `constant`, `reference` (`internal`|`external`): one field of the older `--map` form.
    struct LegacyFieldMapping: Codable {
        var column: String?
        var constant: String?
        var reference: String?

        var rule: FieldRule {
            let steps: [MappingStep]? = reference.flatMap(MappingStep.Reference.init(rawValue:)).map { [.ref($0)] }
            return FieldRule(from: column, const: constant.map(JSONValue.string), steps: steps)
        }
    }

    /// The paths the document reads from a row (sublists' own fields aside), with the field that reads each,
    /// for checking a CSV header.
    var sourcePaths: [(path: String, field: String)] {
        var found: [(path: String, field: String)] = []
        for (field, rule) in fields.sorted(by: { $0.key < $1.key }) {
            if let from = rule.from { found.append((from, field)) }
            for case .concat(let parts) in rule.steps ?? [] {
                for case .source(let path) in parts { found.append((path, field)) }
            }
        }
        return found
    }

    /// The sublists the document fills; an upsert replaces them whole, so sending a row again never adds lines twice.
    public var sublists: [String] { fields.filter { $0.value.lines != nil }.map(\.key).sorted() }

    /// Reads a document from JSON or YAML text.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `mapping` and, where it can, the field and step.
    public static func parse(_ text: String, name: String = "the mapping") throws -> Mapping {
        let mapping: Mapping
        do {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("{") {
                mapping = try JSONDecoder().decode(Mapping.self, from: Data(text.utf8))
            } else {
                mapping = try JSONDecoder().decode(Mapping.self, from: try YAMLDocument.json(text))
            }
        } catch let error as SuiteBridgeError {
            throw error
        } catch let error as DecodingError {
            throw SuiteBridgeError(.invalidInput, "\(name) cannot be read: \(Self.describe(error)).",
                                   remedy: "Write {\"fields\": {\"<netsuiteField>\": {\"from\": \"column\", \"steps\": [\"trim\"]}}} (README, \"Mappings\").",
                                   field: "mapping")
        } catch {
            throw SuiteBridgeError(.invalidInput, "\(name) is not JSON or YAML: \(error).", remedy: "Check the file's syntax.", field: "mapping")
        }
        try mapping.validate()
        return mapping
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .dataCorrupted(let context): return "at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "at \(path(context.codingPath)): \(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Checks every rule and step.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `mapping.fields.<field>[.steps[i]]`.
    public func validate() throws {
        guard !fields.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "The mapping maps no field.", remedy: "Map at least one record field to a column or constant.", field: "mapping.fields")
        }
        try Self.validate(fields, prefix: "mapping.fields")
    }

    private static func validate(_ rules: [String: FieldRule], prefix: String) throws {
        for (field, rule) in rules.sorted(by: { $0.key < $1.key }) {
            let at = "\(prefix).\(field)"
            guard !field.isEmpty else { throw SuiteBridgeError(.invalidInput, "A field has no name.", remedy: "Name each NetSuite field.", field: prefix) }
            let concatOnly = rule.from == nil && rule.const == nil && (rule.steps ?? []).contains { if case .concat = $0 { true } else { false } }
            guard (rule.from == nil) != (rule.const == nil) || concatOnly else {
                throw SuiteBridgeError(.invalidInput, "The field \(field) needs exactly one of from or const.",
                                       remedy: "Give {\"from\": \"column\"} or {\"const\": value}.", field: at)
            }
            if let lines = rule.lines {
                guard rule.from != nil else {
                    throw SuiteBridgeError(.invalidInput, "The sublist \(field) needs from: the array in the row its lines come from.", remedy: "Give {\"from\": \"lines\", \"lines\": {…}}.", field: at)
                }
                guard !lines.isEmpty else { throw SuiteBridgeError(.invalidInput, "The sublist \(field) maps no field of its lines.", remedy: "Map at least one line field.", field: at + ".lines") }
                try validate(lines, prefix: at + ".lines")
            }
            for (index, step) in (rule.steps ?? []).enumerated() {
                try step.validate(field: "\(at).steps[\(index)]")
            }
        }
    }
}

extension MappingStep {
    /// Checks what can be checked before a row is read: patterns compile, date formats are known, names are given.
    func validate(field: String) throws {
        func invalid(_ message: String, _ remedy: String) -> SuiteBridgeError { SuiteBridgeError(.invalidInput, message, remedy: remedy, field: field) }
        switch self {
        case .replace(let pattern, _):
            do { _ = try NSRegularExpression(pattern: pattern) } catch {
                throw invalid("The pattern \(pattern) of replace is not a regular expression.", "Write an ICU regular expression, e.g. \"[^0-9]\".")
            }
        case .split(let by, _):
            guard !by.isEmpty else { throw invalid("split needs the text to split by.", "Give {\"split\": {\"by\": \",\", \"index\": 0}}.") }
        case .date(let from, let to):
            _ = try DatePattern(from, field: field)
            if let to { _ = try DatePattern(to, field: field) }
        case .lookup(let table):
            guard LookupTables.isTableName(table) else {
                throw invalid("\"\(table)\" is not a lookup table name.", "Use letters, digits, - and _ (suitebridge lookup list shows the tables).")
            }
        case .suiteql(let query):
            guard query.lowercased().contains("select"), query.contains("?") else {
                throw invalid("The suiteql step needs a SELECT with ? where the value goes.", "Write e.g. SELECT id FROM item WHERE itemid = ?.")
            }
        case .concat(let parts):
            guard !parts.isEmpty else { throw invalid("concat needs its parts.", "Give {\"concat\": [{\"from\": \"first\"}, \" \", {\"from\": \"last\"}]}.") }
        default: break
        }
    }
}

extension Mapping: ExpressibleByDictionaryLiteral {
    /// `["companyName": .init(from: "name")]`.
    public init(dictionaryLiteral elements: (String, FieldRule)...) {
        self.init(fields: Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
