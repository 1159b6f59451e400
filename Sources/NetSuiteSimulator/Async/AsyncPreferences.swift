import Foundation
import HTTPTypes

/// What a request asks of asynchronous processing through its `Prefer` headers.
struct AsyncPreferences: Sendable {
    /// `Prefer: respond-async`.
    var respondAsync = false
    /// `Prefer: batch-processing="parallel"` (sequential is the default since 2026.2).
    var parallel = false

    static let idempotencyKeyHeader = "X-NetSuite-Idempotency-Key"
    static let jobPath = "/services/rest/async/v1/job"

    init(_ headers: HTTPFields) {
        let preferences = headers.filter { $0.name.canonicalName == "prefer" }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        respondAsync = preferences.contains("respond-async")
        parallel = preferences.contains { $0.replacingOccurrences(of: "\"", with: "") == "batch-processing=parallel" }
    }
}
