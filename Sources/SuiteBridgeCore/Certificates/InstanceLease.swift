import Foundation
import SQLKit

/// One server at a time changes an instance's certificates unattended: a lease row per instance (on SQLite and on a
/// PostgreSQL store several servers share), taken before a rotation and given back after. A lease whose holder
/// died expires and can be taken again.
struct InstanceLease: Sendable {
    let store: Store
    let instanceID: String
    let holder: String

    /// How long a lease lasts: longer than any rotation (it talks to NetSuite a few times).
    static let duration: TimeInterval = 600

    /// Takes the lease; `false` when another holder has it.
    func acquire(now: Date) async throws -> Bool {
        let until = StoreDate.string(now.addingTimeInterval(Self.duration))
        let nowText = StoreDate.string(now)
        return try await store.read { database in
            !(try await database.raw("""
                INSERT INTO instance_leases (instance_id, holder, expires_at) VALUES (\(bind: instanceID), \(bind: holder), \(bind: until))
                ON CONFLICT (instance_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE instance_leases.expires_at < \(bind: nowText) OR instance_leases.holder = excluded.holder
                RETURNING instance_id
                """).fetchAll()).isEmpty
        }
    }

    /// Gives the lease back (only this holder's).
    func release() async {
        _ = try? await store.read { database in
            try await database.raw("DELETE FROM instance_leases WHERE instance_id = \(bind: instanceID) AND holder = \(bind: holder)").run()
        }
    }

    /// Runs `body` holding the lease, or returns `nil` at once when another holder has it.
    func whileHeld<T: Sendable>(now: Date, _ body: () async throws -> T) async throws -> T? {
        guard try await acquire(now: now) else { return nil }
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
