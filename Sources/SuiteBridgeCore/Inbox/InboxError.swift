import Foundation

/// A refused row kept in the error inbox until it is fixed: what was sent (or could not be), what NetSuite or the
/// mapping said, and how often it has failed.
public struct InboxError: Sendable, Hashable, Codable {
    /// Open until a later run or a retry upserts the same external id, or someone resolves or ignores it.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case open, resolved, ignored
    }

    public var id: String
    public var flow: String
    public var externalId: String?
    public var state: State
    /// The row's values as the source gave them (after `errors edit`, the edited ones).
    public var sourceRow: [String: String]
    /// The request body the row mapped to, as JSON, when it mapped.
    public var body: String?
    /// NetSuite's error code (`USER_ERROR`, …), `mapping` for a step that could not apply, or `source` for a row
    /// that could not be read.
    public var code: String
    public var message: String
    /// The field the error is about, when known.
    public var field: String?
    public var remedy: String?
    /// The source line it was last refused on.
    public var line: Int?
    public var runId: String?
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    public var attempts: Int
    /// When and by whom (a run, a retry, a person) it was resolved or ignored.
    public var closedAt: Date?
    public var closedBy: String?
}
