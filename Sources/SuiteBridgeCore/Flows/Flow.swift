import Foundation
import SQLKit

/// A flow as stored.
public struct Flow: Sendable, Hashable {
    public var id: String
    public var name: String
    public var definition: FlowDefinition
    public var state: FlowState
    /// Why it is paused or waiting, when it is.
    public var stateReason: String?
    /// The incremental export's saved watermark (`YYYY-MM-DD HH24:MI:SS`), after its last successful run.
    public var watermark: String?
    public var nextRunAt: Date?
    public var createdAt: Date
}
