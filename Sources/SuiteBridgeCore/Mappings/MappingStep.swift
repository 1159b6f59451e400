import Foundation

/// One step of a field's mapping, applied to the value in order: written as a bare name (`"trim"`) or a one-key
/// object (`{"default": "US"}`; `map` may carry `else` beside it).
public enum MappingStep: Sendable, Hashable, Codable {
    case trim, lower, upper, title
    /// The value when the source has none (absent or empty).
    case `default`(JSONValue)
    /// Replaces every match of a regular expression; `with` may use `$1`.
    case replace(pattern: String, with: String)
    /// The part at `index` (0-based; negative counts from the end) of the value split by `by`.
    case split(by: String, index: Int)
    /// The parts joined: literal text and sources (`{"from": "column"}`).
    case concat([ConcatPart])
    /// A JSON number, from `1234.5`, `1,234.50` or ` 12 `.
    case number
    /// A JSON integer; `12.0` is 12, `12.5` is refused.
    case integer
    /// `true`/`false` from true, yes, y, 1, t, on / false, no, n, 0, f, off (any case).
    case boolean
    /// A date read in `from` (`DD.MM.YYYY`, `M/D/YYYY`, `YYYY-MM-DD`, `DD-Mon-YYYY`, with `HH:MI[:SS]`), written as
    /// ISO 8601 (`YYYY-MM-DD`, the form NetSuite's REST API takes) or in `to`.
    case date(from: String, to: String?)
    /// A value in the table becomes its counterpart; another value is kept, refused, or replaced by `else`.
    case map([String: JSONValue], otherwise: MapOtherwise)
    /// The value is a key of a SuiteBridge lookup table and becomes its value.
    case lookup(String)
    /// The value is another record's internal id (`{"id": v}`) or external id (`{"externalId": v}`).
    case ref(Reference)
    /// The first column of the first row of a SuiteQL query, `?` replaced by the value (quoted); cached per run.
    case suiteql(String)

    public enum Reference: String, Sendable, Hashable, Codable { case `internal`, external }

    /// What `map` does with a value not in its table.
    public enum MapOtherwise: Sendable, Hashable {
        case keep, error
        case value(JSONValue)
    }

    /// A part of `concat`.
    public enum ConcatPart: Sendable, Hashable, Codable {
        case literal(String)
        case source(String)

        public init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .literal(text)
                return
            }
            let object = try decoder.container(keyedBy: StepKey.self)
            guard let path = try object.decodeIfPresent(String.self, forKey: StepKey("from")) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a concat part is text or {\"from\": \"column\"}"))
            }
            self = .source(path)
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .literal(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .source(let path):
                var object = encoder.container(keyedBy: StepKey.self)
                try object.encode(path, forKey: StepKey("from"))
            }
        }
    }

    /// Every step's name, as written in a document.
    public static let names = ["trim", "lower", "upper", "title", "default", "replace", "split", "concat", "number", "integer", "boolean", "date", "map",
                               "lookup", "ref", "suiteql"]

    /// The step's name, for messages.
    public var name: String {
        switch self {
        case .trim: "trim"
        case .lower: "lower"
        case .upper: "upper"
        case .title: "title"
        case .default: "default"
        case .replace: "replace"
        case .split: "split"
        case .concat: "concat"
        case .number: "number"
        case .integer: "integer"
        case .boolean: "boolean"
        case .date: "date"
        case .map: "map"
        case .lookup: "lookup"
        case .ref: "ref"
        case .suiteql: "suiteql"
        }
    }

    /// The steps written without an argument.
    private static func bare(_ name: String) -> MappingStep? {
        switch name {
        case "trim": .trim
        case "lower": .lower
        case "upper": .upper
        case "title": .title
        case "number": .number
        case "integer": .integer
        case "boolean": .boolean
        default: nil
        }
    }

    struct StepKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct ReplaceArguments: Codable { var pattern: String; var with: String? }
    private struct SplitArguments: Codable { var by: String; var index: Int? }
    private struct DateArguments: Codable { var from: String; var to: String? }

    public init(from decoder: any Decoder) throws {
        func corrupt(_ why: String) -> DecodingError { .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: why)) }
        if let bare = try? decoder.singleValueContainer().decode(String.self) {
            guard let step = Self.bare(bare) else {
                throw corrupt(Self.names.contains(bare) ? "the step \(bare) needs its argument: {\"\(bare)\": …}"
                              : "\"\(bare)\" is not a step; the steps are \(Self.names.joined(separator: ", "))")
            }
            self = step
            return
        }
        let object = try decoder.container(keyedBy: StepKey.self)
        let keys = object.allKeys.map(\.stringValue).filter { $0 != "else" }
        guard keys.count == 1, let name = keys.first else {
            throw corrupt("a step is a name or an object with one key (the step's name), not {\(object.allKeys.map(\.stringValue).sorted().joined(separator: ", "))}")
        }
        let key = StepKey(name)
        if object.contains(StepKey("else")), name != "map" { throw corrupt("only map takes else") }
        if let step = Self.bare(name) {  // {"trim": true} is "trim"
            self = step
            return
        }
        switch name {
        case "default": self = .default(try object.decode(JSONValue.self, forKey: key))
        case "replace":
            let arguments = try object.decode(ReplaceArguments.self, forKey: key)
            self = .replace(pattern: arguments.pattern, with: arguments.with ?? "")
        case "split":
            let arguments = try object.decode(SplitArguments.self, forKey: key)
            self = .split(by: arguments.by, index: arguments.index ?? 0)
        case "concat": self = .concat(try object.decode([ConcatPart].self, forKey: key))
        case "date":
            if let from = try? object.decode(String.self, forKey: key) {
                self = .date(from: from, to: nil)
            } else {
                let arguments = try object.decode(DateArguments.self, forKey: key)
                self = .date(from: arguments.from, to: arguments.to)
            }
        case "map":
            let table = try object.decode([String: JSONValue].self, forKey: key)
            let otherwise: MapOtherwise
            switch try object.decodeIfPresent(JSONValue.self, forKey: StepKey("else")) {
            case nil, .string("keep"): otherwise = .keep
            case .string("error"): otherwise = .error
            case .some(let value): otherwise = .value(value)
            }
            self = .map(table, otherwise: otherwise)
        case "lookup": self = .lookup(try object.decode(String.self, forKey: key))
        case "ref":
            let kind = try object.decode(String.self, forKey: key)
            guard let reference = Reference(rawValue: kind) else { throw corrupt("ref is internal or external, not \"\(kind)\"") }
            self = .ref(reference)
        case "suiteql": self = .suiteql(try object.decode(String.self, forKey: key))
        default:
            throw corrupt("\"\(name)\" is not a step; the steps are \(Self.names.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .trim, .lower, .upper, .title, .number, .integer, .boolean:
            var container = encoder.singleValueContainer()
            try container.encode(name)
            return
        default: break
        }
        var object = encoder.container(keyedBy: StepKey.self)
        let key = StepKey(name)
        switch self {
        case .default(let value): try object.encode(value, forKey: key)
        case .replace(let pattern, let with): try object.encode(ReplaceArguments(pattern: pattern, with: with), forKey: key)
        case .split(let by, let index): try object.encode(SplitArguments(by: by, index: index), forKey: key)
        case .concat(let parts): try object.encode(parts, forKey: key)
        case .date(let from, let to): try object.encode(DateArguments(from: from, to: to), forKey: key)
        case .map(let table, let otherwise):
            try object.encode(table, forKey: key)
            switch otherwise {
            case .keep: break
            case .error: try object.encode("error", forKey: StepKey("else"))
            case .value(let value): try object.encode(value, forKey: StepKey("else"))
            }
        case .lookup(let table): try object.encode(table, forKey: key)
        case .ref(let reference): try object.encode(reference.rawValue, forKey: key)
        case .suiteql(let query): try object.encode(query, forKey: key)
        case .trim, .lower, .upper, .title, .number, .integer, .boolean: break
        }
    }
}
