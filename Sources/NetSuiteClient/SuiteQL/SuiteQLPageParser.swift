/// Reads a SuiteQL collection envelope straight from its bytes into rows of values by column position.
///
/// Faster than Foundation's JSONSerialization on these pages (flat rows of strings) and order-preserving, which
/// JSONSerialization is not. Values that are not strings (numbers, booleans) are kept as their text; `null`s and
/// `links` are dropped. Rows mostly repeat the previous row's columns in its order, so a key is first compared as
/// bytes with the name the previous row had in its place, and only becomes a string when it differs.
struct SuiteQLPageParser {
    struct Envelope {
        /// Column names by position: the order each was first seen in, across rows.
        var names: [String] = []
        /// The columns in the order NetSuite writes them: a column first seen in a later row goes after the column
        /// that precedes it there.
        var order: [String] = []
        /// Values by position in `names` (a row read before a column first appeared is shorter).
        var rows: [[String?]] = []
        var offset = 0
        var hasMore = false
        var totalResults: Int?
    }

    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ bytes: [UInt8]) throws -> Envelope {
        var parser = SuiteQLPageParser(bytes)
        return try parser.parseEnvelope()
    }

    private mutating func parseEnvelope() throws -> Envelope {
        var envelope = Envelope()
        try expect(UInt8(ascii: "{"))
        if try peekIs(UInt8(ascii: "}")) { return envelope }
        repeat {
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            switch key {
            case "items": try parseItems(into: &envelope)
            case "offset": envelope.offset = Int(try parseScalarText() ?? "0") ?? 0
            case "hasMore": envelope.hasMore = try parseScalarText() == "true"
            case "totalResults": envelope.totalResults = try parseScalarText().flatMap { Int($0) }
            default: try skipValue()
            }
        } while try comma(closing: UInt8(ascii: "}"))
        return envelope
    }

    private mutating func parseItems(into envelope: inout Envelope) throws {
        try expect(UInt8(ascii: "["))
        if try peekIs(UInt8(ascii: "]")) { return }
        var positions: [String: Int] = [:]
        var nameBytes: [[UInt8]] = []
        var previous: [Int] = []
        repeat {
            var fields = [String?](repeating: nil, count: envelope.names.count)
            var slots: [Int] = []
            slots.reserveCapacity(previous.count)
            try expect(UInt8(ascii: "{"))
            if try !peekIs(UInt8(ascii: "}")) {
                repeat {
                    // The key: the previous row's column in this place, or a name looked up (or new).
                    let expected = slots.count < previous.count ? previous[slots.count] : nil
                    let key = try parseKey(expecting: expected.map { ($0, nameBytes[$0]) })
                    try expect(UInt8(ascii: ":"))
                    if case .links = key {
                        try skipValue()
                        continue
                    }
                    guard let value = try parseScalarText() else { continue }
                    let position: Int
                    switch key {
                    case .links: continue  // its value was skipped above
                    case .column(let known): position = known
                    case .name(let name):
                        if let known = positions[name] {
                            position = known
                        } else {
                            // A column first seen here goes after the column that precedes it in this row.
                            position = envelope.names.count
                            envelope.names.append(name)
                            nameBytes.append(Array(name.utf8))
                            positions[name] = position
                            fields.append(nil)
                            let after = slots.last.flatMap { envelope.order.firstIndex(of: envelope.names[$0]) }.map { $0 + 1 } ?? 0
                            envelope.order.insert(name, at: after)
                        }
                    }
                    slots.append(position)
                    // A column named twice in a row keeps its last value, as a dictionary would.
                    fields[position] = value
                } while try comma(closing: UInt8(ascii: "}"))
            }
            previous = slots
            envelope.rows.append(fields)
        } while try comma(closing: UInt8(ascii: "]"))
    }

    /// What a row's key is.
    private enum Key {
        case links
        /// The column ``parseKey(expecting:)`` was given, whose name the key's bytes equal.
        case column(Int)
        /// Any other name (not yet compared with the page's columns).
        case name(String)
    }

    private static let linksKey = Array("links".utf8)

    /// A row's key, compared as bytes with the expected column's name (and `links`) before it is made a string.
    private mutating func parseKey(expecting expected: (position: Int, name: [UInt8])?) throws -> Key {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed() }
        let start = index + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            func matches(_ name: [UInt8]) -> Bool {
                guard name.count == end - start else { return false }
                for offset in name.indices where bytes[start + offset] != name[offset] { return false }
                return true
            }
            if let expected, matches(expected.name) {
                index = end + 1
                return .column(expected.position)
            }
            if matches(Self.linksKey) {
                index = end + 1
                return .links
            }
        }
        // Escapes, or a name other than the expected one.
        let text = try parseString()
        return text == "links" ? .links : .name(text)
    }

    // MARK: Scanning

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw Malformed() }
        index += 1
    }

    /// Consumes `byte` if it is next.
    private mutating func peekIs(_ byte: UInt8) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        if bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    /// After a member: `true` on a comma, `false` on `closing`.
    private mutating func comma(closing: UInt8) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == closing else { throw Malformed() }
        index += 1
        return false
    }

    /// A string, number, boolean as text; `nil` for null. Arrays and objects are malformed here.
    private mutating func parseScalarText() throws -> String? {
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "\""): return try parseString()
        case UInt8(ascii: "n"):
            index += 4
            return nil
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            try skipValue()
            return nil
        default:
            let start = index
            while index < bytes.count, !",}] \n\r\t".utf8.contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    private mutating func parseString() throws -> String {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed() }
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count else { throw Malformed() }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var output = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: output, as: UTF8.self)
            }
            if byte != UInt8(ascii: "\\") {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { throw Malformed() }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar), index + 5 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    // A high surrogate joins only a low one that follows (found by fuzzing: "\uDaf9\u1Def" underflowed);
                    // otherwise it becomes U+FFFD and the next escape is read on its own.
                    let saved = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = saved
                    }
                }
                output += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: output.append(escaped)
            }
        }
        throw Malformed()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
            throw Malformed()
        }
        index += 4
        return value
    }

    private mutating func skipValue() throws {
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "\""): _ = try parseString()
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let closing = bytes[index] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            index += 1
            if try peekIs(closing) { return }
            repeat {
                if closing == UInt8(ascii: "}") {
                    _ = try parseString()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue()
            } while try comma(closing: closing)
        default: _ = try parseScalarText()
        }
    }
}
