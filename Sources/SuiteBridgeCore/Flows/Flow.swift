import Foundation
import SQLKit

/// A flow as stored.
public struct Flow: Sendable, Hashable {
    public var id: String
    public var name: String
    public var definition: FlowDefinition
    /// The id of the instance it runs against (``FlowDefinition/instance`` is that instance's name). `nil` for a
    /// flow whose instance was removed before flows were tied to ids: such a flow runs no more.
    public var instanceID: String?
    public var state: FlowState
    /// Why it is paused or waiting, when it is.
    public var stateReason: String?
    /// The incremental export's saved watermark (`YYYY-MM-DD HH24:MI:SS`), after its last successful run.
    public var watermark: String?
    public var nextRunAt: Date?
    public var createdAt: Date
}
