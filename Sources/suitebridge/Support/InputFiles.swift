import Foundation

/// Reading inputs from files and the environment.
enum InputFiles {
    /// The text of `path`, or a CLI error naming `field`.
    static func read(_ path: String, field: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw CLIError(
                message: "\(field): cannot read \(path): \(exists ? "permission denied" : "no such file").\n  fix: give the path of the \(field) file."
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A secret from a file (`--…-file`) or else an environment variable; trailing line breaks are removed.
    static func secret(field: String, file: String?, environment variable: String, fileOption: String) throws -> String {
        if let file {
            return try read(file, field: field).trimmingCharacters(in: .newlines)
        }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty {
            return value
        }
        throw CLIError.usage(
            "\(field): not given.\n  fix: set the environment variable \(variable), or pass \(fileOption) FILE (secrets are never command-line flags)."
        )
    }
}
