/// A command-line failure that is not a `NetSuiteAuthError`: a file that cannot be read or written, a missing secret.
struct CLIError: Error {
    var message: String
    /// A usage error (exit 2) rather than a failure (exit 1).
    var isUsage = false

    static func usage(_ message: String) -> CLIError {
        CLIError(message: message, isUsage: true)
    }
}
