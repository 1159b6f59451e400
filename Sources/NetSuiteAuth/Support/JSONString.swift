/// JSON string literals written by hand where a whole `JSONEncoder` pass would cost too much (the simulator's
/// record and SuiteQL pages, export rows as JSON Lines). Visible to this package's modules only.
package enum JSONString {
    /// Appends `text` as a JSON string literal, quotes included: `"`, `\` and control characters escaped.
    package static func append(_ text: String, to output: inout String) {
        output += "\""
        // Most strings need no escaping: append them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
