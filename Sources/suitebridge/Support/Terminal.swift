import Foundation
import SuiteBridgeCore
import Logging
import NetSuiteAuth
import NetSuiteClient

/// Output helpers: errors to standard error, JSON to standard output.
enum Terminal {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Client logs for commands: warnings only, to standard error (set SUITEBRIDGE_LOG_LEVEL=info for every request).
    static var quietLogger: Logger {
        var logger = Logger(label: "suitebridge.netsuite") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["SUITEBRIDGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }

    static func printError(_ error: NetSuiteError) {
        var text = "error: \(error.message)\n"
        if let code = error.errorCode {
            let detail = error.detail.flatMap { $0 == error.message ? nil : ": \($0)" } ?? ""
            text += "  netsuite: \(code)\(error.status.map { " (HTTP \($0))" } ?? "")\(detail)\n"
        }
        if let path = error.errorPath { text += "  field: \(path)\n" }
        text += "  fix: \(error.remedy)\n"
        standardError(text)
    }

    static func printError(_ error: SuiteBridgeError) {
        let field = error.field.map { "\($0): " } ?? ""
        standardError("error: \(field)\(error.message)\n" + (error.remedy.isEmpty ? "" : "  fix: \(error.remedy)\n"))
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
