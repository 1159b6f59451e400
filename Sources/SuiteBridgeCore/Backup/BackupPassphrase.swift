import Foundation

/// The passphrase a backup's master key is sealed under: from `--passphrase-file` or `SUITEBRIDGE_BACKUP_PASSPHRASE`,
/// never a command-line argument.
public struct BackupPassphrase: Sendable {
    let text: String

    /// The shortest passphrase accepted: 12 characters.
    public static let minimumLength = 12
    /// The environment variable a passphrase may come from.
    public static let environmentVariable = "SUITEBRIDGE_BACKUP_PASSPHRASE"

    /// A passphrase from text.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for one shorter than ``minimumLength``.
    public init(_ text: String, source: String) throws {
        guard text.count >= Self.minimumLength else {
            throw SuiteBridgeError(.invalidInput, "The backup passphrase from \(source) has \(text.count) characters; at least \(Self.minimumLength) are needed.",
                                   remedy: "Use a longer passphrase (e.g. `openssl rand -base64 24`) and keep it apart from the backups.",
                                   field: "passphrase")
        }
        self.text = text
    }

    /// The passphrase from `file` (its first line), else from ``environmentVariable``.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` when neither gives one, or the file cannot be read.
    public static func resolve(file: String?, environment: [String: String]) throws -> BackupPassphrase {
        if let file {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw SuiteBridgeError(.invalidInput, "The passphrase file \(file) cannot be read.", remedy: "Check the path and its permissions.",
                                       field: "passphrase-file")
            }
            let line = contents.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return try BackupPassphrase(line.trimmingCharacters(in: CharacterSet(charactersIn: "\r")), source: file)
        }
        if let text = environment[environmentVariable], !text.isEmpty {
            return try BackupPassphrase(text, source: environmentVariable)
        }
        throw SuiteBridgeError(.invalidInput, "No backup passphrase was given.",
                               remedy: "Set \(environmentVariable) or pass --passphrase-file FILE (its first line is the passphrase).", field: "passphrase")
    }
}
