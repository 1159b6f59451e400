import Foundation
import Logging
import Metrics
import NetSuiteClient
import SQLKit

/// Counts and results of a run's work: `read` = `written` + `failed` + `skipped`.
struct RunSummary: Sendable {
    var read = 0
    var written = 0
    var failed = 0
    /// Read but deliberately not sent: blank lines of an import, rows an incremental export had sent unchanged.
    var skipped = 0
    var log = ""
    /// For an incremental export: the new watermark and the boundary rows, saved only after success.
    var watermark: String?
    var boundary: String?
}
