import Foundation
import NetSuiteClient
import SQLKit
import NIOConcurrencyHelpers

/// An account's concurrency limit as rows in the shared PostgreSQL store: each request of any server holds one
/// slot row (`FOR UPDATE SKIP LOCKED`), so the servers together never exceed the limit and together can use all of
/// it. A slot held by a server that died is free again when its lease (longer than any request) expires.
public struct DatabaseConcurrencyBudget: ConcurrencyBudget {
    let store: Store
    let account: String
    let limit: Int
    let holder: String
    let lease: TimeInterval
    /// Whether this budget made sure its slot rows exist: once, not before every request.
    private let prepared = PreparedFlag()

    public init(store: Store, account: String, limit: Int, holder: String, lease: TimeInterval = 600) {
        self.store = store
        self.account = account
        self.limit = max(1, limit)
        self.holder = holder
        self.lease = lease
    }

    public func acquire() async throws -> Int {
        if !prepared.isSet {
            try await prepare()
            prepared.set()
        }
        var wait = 2.0
        while true {
            try Task.checkCancellation()
            if let slot = try await tryAcquire() { return slot }
            try await Task.sleep(for: .milliseconds(Double.random(in: wait...(wait * 2))))
            wait = min(wait * 1.5, 25)
        }
    }

    public func release(_ slot: Int) async {
        let (account, holder) = (self.account, self.holder)
        _ = try? await store.read { database in
            try await database.raw("""
                UPDATE concurrency_slots SET holder = NULL, expires_at = NULL WHERE account = \(bind: account) AND slot = \(bind: slot) AND holder = \(bind: holder)
                """).run()
        }
    }

    /// Makes sure the account has its slot rows.
    func prepare() async throws {
        let (account, limit) = (self.account, self.limit)
        let postgres = store.kind == .postgres
        try await store.read { database in
            let present = try await database.raw("SELECT COUNT(*) AS n FROM concurrency_slots WHERE account = \(bind: account)").fetchFirst()?.decode(column: "n", as: Int.self) ?? 0
            guard present < limit else { return }
            for slot in present..<limit {
                try await database.raw("""
                    INSERT INTO concurrency_slots (account, slot) VALUES (\(bind: account), \(bind: slot)) \(unsafeRaw: postgres ? "ON CONFLICT DO NOTHING" : "ON CONFLICT (account, slot) DO NOTHING")
                    """).run()
            }
        }
    }

    func tryAcquire() async throws -> Int? {
        let now = Date()
        let nowText = StoreDate.string(now)
        let until = StoreDate.string(now.addingTimeInterval(lease))
        let (account, limit, holder) = (self.account, self.limit, self.holder)
        let lock = store.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await store.transaction { database in
            guard let row = try await database.raw("""
                SELECT slot FROM concurrency_slots
                WHERE account = \(bind: account) AND slot < \(bind: limit) AND (holder IS NULL OR expires_at < \(bind: nowText))
                ORDER BY slot LIMIT 1\(unsafeRaw: lock)
                """).fetchFirst() else { return nil }
            let slot = try row.decode(column: "slot", as: Int.self)
            try await database.raw("""
                UPDATE concurrency_slots SET holder = \(bind: holder), expires_at = \(bind: until) WHERE account = \(bind: account) AND slot = \(bind: slot)
                """).run()
            return slot
        }
    }
}

/// A flag set once, shared by copies of a value.
final class PreparedFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    var isSet: Bool { value.withLockedValue { $0 } }
    func set() { value.withLockedValue { $0 = true } }
}
