import Foundation
import SQLKit

/// What SuiteBridge has learned about an instance from NetSuite, kept across restarts and shared by every server:
/// record types NetSuite refuses batches for, the account's governance limits and when they were read.
public struct InstanceFacts: Sendable {
    let context: CoreContext

    /// The names facts are kept under.
    enum Name {
        /// `batch-unavailable:<recordType>`: NetSuite refused a batch request for the record type.
        static func batchUnavailable(_ recordType: String) -> String { "batch-unavailable:" + recordType.lowercased() }
        /// The last `governanceLimits` answer, as JSON, or why it could not be read.
        static let governance = "governance"
    }

    /// The value of a fact, if known.
    public func value(_ instanceID: String, _ name: String) async throws -> String? {
        try await context.store.read { database in
            try await database.raw("SELECT value FROM instance_facts WHERE instance_id = \(bind: instanceID) AND name = \(bind: name)")
                .fetchFirst()?.decode(column: "value", as: String.self)
        }
    }

    /// Records a fact (replacing the one of that name), or forgets it when `value` is `nil`.
    public func set(_ instanceID: String, _ name: String, _ value: String?) async throws {
        let now = StoreDate.string(context.now())
        try await context.store.transaction { database in
            guard let value else {
                try await database.raw("DELETE FROM instance_facts WHERE instance_id = \(bind: instanceID) AND name = \(bind: name)").run()
                return
            }
            // One statement, so servers (or batches) learning the same fact at once do not collide.
            try await database.raw("""
                INSERT INTO instance_facts (instance_id, name, value, updated_at) VALUES (\(bind: instanceID), \(bind: name), \(bind: value), \(bind: now))
                ON CONFLICT (instance_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """).run()
        }
    }

    /// Whether NetSuite has refused batches of `recordType` for this instance.
    func batchUnavailable(_ instanceID: String, recordType: String) async throws -> Bool {
        try await value(instanceID, Name.batchUnavailable(recordType)) != nil
    }
}

extension CoreContext {
    /// What SuiteBridge has learned about each instance from NetSuite.
    public var instanceFacts: InstanceFacts { InstanceFacts(context: self) }
}
