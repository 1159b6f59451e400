import Foundation

/// Where the mirror of one table stands, as the destination's `_suitebridge_state` table holds it: saved in the same
/// transaction as the rows it describes, so a crash at any point resumes without loss or duplicates.
public struct MirrorTableState: Sendable, Hashable, Codable {
    /// Whether the table is still being loaded for the first time, or kept current by changes.
    public enum Phase: String, Sendable, Hashable, Codable {
        case loading
        case current
    }

    public var table: String
    /// The flow that mirrors it (one flow per destination table).
    public var flow: String
    public var phase: Phase
    /// During the first load: the paging key of the last row written; the load continues after it.
    public var resumeKey: String?
    /// When the first load began (kept across a crash): the watermark once it completes.
    public var loadStartedAt: Date?
    /// Rows changed and records deleted since this instant (minus the overlap window) are read next.
    public var watermark: Date?
    /// The newest change NetSuite showed for a row of the table.
    public var lastChange: Date?
    /// When a run last finished with the table.
    public var syncedAt: Date?
    /// Rows in the destination table (deleted ones kept with `--keep-deleted` included).
    public var rows: Int
    /// The last run's error with this table, until a run succeeds with it.
    public var lastError: String?
    /// Columns the destination keeps that NetSuite no longer has (a removed custom field).
    public var removedColumns: [String]
    /// Catalog fields SuiteQL has no column for (sublists, fields of the record form only): not probed again.
    public var notInSuiteQL: [String] = []

    public init(table: String, flow: String, phase: Phase = .loading, resumeKey: String? = nil, watermark: Date? = nil, lastChange: Date? = nil,
                syncedAt: Date? = nil, rows: Int = 0, lastError: String? = nil, removedColumns: [String] = []) {
        self.table = table
        self.flow = flow
        self.phase = phase
        self.resumeKey = resumeKey
        self.watermark = watermark
        self.lastChange = lastChange
        self.syncedAt = syncedAt
        self.rows = rows
        self.lastError = lastError
        self.removedColumns = removedColumns
    }

    /// How old the mirror may be at `now`: every change before the watermark is in it.
    public func lag(at now: Date) -> TimeInterval? {
        guard phase == .current, let watermark else { return nil }
        return max(0, now.timeIntervalSince(watermark))
    }
}
