/// Reads a SuiteQL collection envelope straight from its bytes, keeping the order of each row's columns.
///
/// Faster than Foundation's JSONSerialization on these pages (flat rows of strings) and order-preserving, which
/// JSONSerialization is not. Values that are not strings (numbers, booleans) are kept as their text; `null`s and
/// `links` are dropped.
struct SuiteQLPageParser {
    struct Envelope {
        var rows: [[(key: String, value: String)]] = []
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
            case "items": envelope.rows = try parseItems()
            case "offset": envelope.offset = Int(try parseScalarText() ?? "0") ?? 0
            case "hasMore": envelope.hasMore = try parseScalarText() == "true"
            case "totalResults": envelope.totalResults = try parseScalarText().flatMap { Int($0) }
            default: try skipValue()
            }
        } while try comma(closing: UInt8(ascii: "}"))
        return envelope
    }

    private mutating func parseItems() throws -> [[(key: String, value: String)]] {
        var rows: [[(key: String, value: String)]] = []
        try expect(UInt8(ascii: "["))
        if try peekIs(UInt8(ascii: "]")) { return rows }
        repeat {
            var row: [(key: String, value: String)] = []
            try expect(UInt8(ascii: "{"))
            if try !peekIs(UInt8(ascii: "}")) {
                repeat {
                    let key = try parseString()
                    try expect(UInt8(ascii: ":"))
                    if key == "links" {
                        try skipValue()
                    } else if let value = try parseScalarText() {
                        row.append((key, value))
                    }
                } while try comma(closing: UInt8(ascii: "}"))
            }
            rows.append(row)
        } while try comma(closing: UInt8(ascii: "]"))
        return rows
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
