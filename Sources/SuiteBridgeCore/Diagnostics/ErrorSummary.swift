import NetSuiteClient

/// Short forms of errors for audit details and notes, where a whole NetSuite error would be too long.
enum ErrorSummary {
    /// `HTTP 403 INSUFFICIENT_PERMISSION` for a NetSuite error; the error's description otherwise.
    static func short(_ error: any Error) -> String {
        if let error = error as? NetSuiteError { return [error.status.map { "HTTP \($0)" }, error.errorCode].compactMap { $0 }.joined(separator: " ") }
        return "\(error)"
    }
}
