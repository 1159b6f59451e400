import Foundation

/// A move of a TBA instance to OAuth 2 client credentials (NetSuite 2027.1 creates no new TBA integrations): a
/// linked OAuth 2 instance is prepared, proved, checked against the TBA one, and then takes over its flows; the TBA
/// instance stays as a standby for rollback for `keepDays`, then is retired.
public struct InstanceMigration: Sendable, Hashable, Codable {
    /// Where a migration stands. Every transition is driven by ``InstanceMigrations``.
    public enum State: String, Sendable, Hashable, Codable {
        /// The OAuth 2 instance and its certificate exist; NetSuite's side is being set up. Flows are on TBA.
        case prepared
        /// Flows run on the OAuth 2 instance; the TBA instance is the standby until ``InstanceMigration/standbyUntil``.
        case switched
        /// Flows were moved back to the TBA instance.
        case rolledBack
        /// The standby time passed: the TBA instance is retired (kept, but no longer a way back).
        case retired
    }

    public var id: String
    /// The TBA instance.
    public var from: String
    /// The OAuth 2 instance.
    public var to: String
    public var state: State
    public var keepDays: Int
    /// The flows moved at the switch (names).
    public var flows: [String]
    /// The last parity check, each read through both instances.
    public var parity: [ParityCheck]
    public var createdAt: Date
    public var switchedAt: Date?
    public var standbyUntil: Date?
    public var finishedAt: Date?

    /// One read made through both instances, and whether they agreed.
    public struct ParityCheck: Sendable, Hashable, Codable {
        public var name: String
        public var tba: String
        public var oauth2: String
        public var matches: Bool
    }
}

/// What `instance migrate NAME` prepared: the new instance, its certificate to upload, and NetSuite's steps.
public struct MigrationPlan: Sendable {
    public var migration: InstanceMigration
    /// The public certificate to upload in NetSuite (Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup).
    public var certificatePEM: String
    /// The client id the new instance uses (the integration record's consumer key unless another was given).
    public var clientID: String
    /// What to do in NetSuite, in order.
    public var steps: [String]
}
