import Foundation
import SQLKit

/// A run of a flow.
public struct Run: Sendable, Hashable, Codable {
    public var id: String
    public var flowID: String
    public var flowName: String
    public var state: RunState
    /// `manual`, `schedule`, or `credentials-restored`.
    public var trigger: String
    public var queuedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var attempts: Int
    public var rowsRead: Int
    public var rowsWritten: Int
    public var rowsFailed: Int
    /// Read but deliberately not sent (blank lines; rows an incremental export had sent unchanged):
    /// `rowsRead` = `rowsWritten` + `rowsFailed` + `rowsSkipped`.
    public var rowsSkipped: Int
    public var error: String?
    public var log: String

    /// Seconds from start to finish (or to now while it runs).
    public var duration: TimeInterval? {
        startedAt.map { (finishedAt ?? Date()).timeIntervalSince($0) }
    }
}
