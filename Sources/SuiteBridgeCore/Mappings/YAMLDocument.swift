import Foundation
import Yams

/// YAML read as the JSON it stands for, through Yams: scalars typed by YAML 1.2's core schema (null, `true`/`false`,
/// numbers; everything else text: `yes`, `no`, `NO` and dates stay text), mappings with text keys.
enum YAMLDocument {
    /// YAML 1.2's core schema, not 1.1's (where `no` is false and `NO`, a country code, would be too).
    static let resolver: Resolver = {
        let rules: [(Tag.Name, String)] = [
            (.null, "^(?:~|null|Null|NULL|)$"),
            (.bool, "^(?:true|True|TRUE|false|False|FALSE)$"),
            (.int, "^[-+]?[0-9]+$"),
            (.float, "^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
        ]
        var resolver = Resolver.basic
        for (tag, pattern) in rules {
            if let next = try? resolver.appending(tag, pattern) { resolver = next }
        }
        return resolver
    }()

    /// The JSON text of a YAML document.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming the line of a syntax error, an alias, or a key that is not text.
    static func json(_ text: String) throws -> Data {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, Self.resolver)
        } catch let error as YamlError {
            throw SuiteBridgeError(.invalidInput, "The YAML cannot be read: \(error).", remedy: "Check the indentation and quotes on that line.", field: "mapping")
        }
        guard let node else { throw SuiteBridgeError(.invalidInput, "The YAML document is empty.", remedy: "Write the mapping's fields.", field: "mapping") }
        return Data(try value(node).json.utf8)
    }

    static func value(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return .bool(scalar.string.lowercased() == "true")
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                // As JSON writes numbers: `+12` is 12, `.5` is 0.5.
                guard let number = Decimal(string: scalar.string, locale: Locale(identifier: "en_US_POSIX")) else { return .string(scalar.string) }
                return .number(number.description)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(try sequence.map(value))
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, item) in mapping {
                guard case .scalar(let name) = key else {
                    throw SuiteBridgeError(.invalidInput, "Line \(key.mark?.line ?? 0) of the YAML: a key that is not text.", remedy: "Use text keys.", field: "mapping")
                }
                members[name.string] = try value(item)
            }
            return .object(members)
        case .alias:
            throw SuiteBridgeError(.invalidInput, "Line \(node.mark?.line ?? 0) of the YAML uses an alias (*name).", remedy: "Write the value out where it is used.", field: "mapping")
        }
    }
}
