import Foundation
import NetSuiteAuth

/// Output helpers: errors to standard error, JSON to standard output.
enum Terminal {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func printError(_ error: NetSuiteAuthError) {
        let field = error.field.map { "\($0): " } ?? ""
        standardError("error: \(field)\(error.message)\n  fix: \(error.remedy)\n")
    }

    /// Prints `value` as pretty JSON with sorted keys.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
