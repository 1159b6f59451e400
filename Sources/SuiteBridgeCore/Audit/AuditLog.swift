import Foundation
import SQLKit

/// One line of the audit log: who did what to which instance, when, and how it went. Never a secret value.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var sequence: Int
    public var at: Date
    /// Who acted: `cli:<user>`, an API token's name, or `scheduler`.
    public var actor: String
    public var instance: String?
    /// `instance.add`, `instance.edit`, `instance.test`, `certificate.rotate`, `keys.rotate`, ...
    public var action: AuditAction
    /// `success` or `failure`.
    public var outcome: String
    public var detail: String
}

/// Writes and reads the audit log.
public struct AuditLog: Sendable {
    public enum Outcome: String, Sendable { case success, failure }

    let store: Store

    /// An `audit_log` row as stored (the time as the store's text), decoded by SQLKit.
    private struct Row: Decodable {
        var seq: Int
        var at, actor, action, outcome, detail: String
        var instance: String?
    }

    public init(store: Store) {
        self.store = store
    }

    /// Appends an entry inside the caller's transaction, so the entry and the change commit together.
    static func append(_ database: any SQLDatabase, actor: String, instance: String?, action: AuditAction,
                       outcome: Outcome = .success, detail: String = "", at: Date = Date()) async throws {
        try await database.raw("""
            INSERT INTO audit_log (at, actor, instance, action, outcome, detail)
            VALUES (\(bind: StoreDate.string(at)), \(bind: actor), \(bind: instance), \(bind: action.rawValue), \(bind: outcome.rawValue), \(bind: detail))
            """).run()
    }

    /// Appends an entry on its own (for failures, where there is no change to commit with it).
    public func record(actor: String, instance: String?, action: AuditAction, outcome: Outcome, detail: String) async throws {
        try await store.read { database in
            try await Self.append(database, actor: actor, instance: instance, action: action, outcome: outcome, detail: detail)
        }
    }

    /// The newest entries first, for one instance or all.
    public func entries(instance: String? = nil, limit: Int = 200) async throws -> [AuditEntry] {
        try await store.read { database in
            let rows: [any SQLRow]
            if let instance {
                rows = try await database.raw("""
                    SELECT seq, at, actor, instance, action, outcome, detail FROM audit_log
                    WHERE instance = \(bind: instance) ORDER BY seq DESC LIMIT \(literal: limit)
                    """).fetchAll()
            } else {
                rows = try await database.raw("""
                    SELECT seq, at, actor, instance, action, outcome, detail FROM audit_log ORDER BY seq DESC LIMIT \(literal: limit)
                    """).fetchAll()
            }
            return try rows.map { row in
                let stored = try row.decode(model: Row.self)
                return AuditEntry(
                    sequence: stored.seq, at: StoreDate.date(stored.at) ?? Date(timeIntervalSince1970: 0), actor: stored.actor,
                    instance: stored.instance, action: AuditAction(rawValue: stored.action), outcome: stored.outcome, detail: stored.detail)
            }
        }
    }
}
