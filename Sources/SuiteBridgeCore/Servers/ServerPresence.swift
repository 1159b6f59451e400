import Foundation
import Logging
import SQLKit

/// A running server's heartbeat in the store (`servers`), and what it does on each beat: when another process has
/// rotated the master key, switch to the new key if this server's key file holds it, else say to restart.
///
/// `keys rotate` reads the heartbeats (``live(in:now:)``) and refuses while a server that cannot follow is alive.
public struct ServerPresence: Sendable {
    /// What a heartbeat found about the master key.
    public enum KeyState: Sendable, Equatable {
        /// The store is sealed with the key this server holds.
        case current
        /// Another process rotated the key and this server switched to it.
        case switched(to: String)
        /// The store's key is not available to this server: it stores no secrets until restarted with it.
        case stale(storeKeyID: String)
    }

    let context: CoreContext
    /// This server's row id: host, process and a random part.
    public let id: String

    /// How often a server beats.
    public static let interval: TimeInterval = 10
    /// A server not seen for this long is taken as gone.
    public static let liveFor: TimeInterval = 45
    /// Rows of servers gone this long are deleted.
    static let forgetAfter: TimeInterval = 86_400

    public init(context: CoreContext, id: String? = nil) {
        self.context = context
        self.id = id ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Records (or refreshes) this server's row and checks the store's master key.
    @discardableResult
    public func beat() async throws -> KeyState {
        let secrets = context.secrets
        let stored = try await context.store.read { database in
            try await database.raw("SELECT value FROM suitebridge_meta WHERE name = \(bind: Workspace.keyIDName)").fetchFirst()?.decode(column: "value", as: String.self)
        }
        var state = KeyState.current
        if let stored, stored != secrets.masterKey.id {
            state = secrets.followStore(keyID: stored) ? .switched(to: stored) : .stale(storeKeyID: stored)
        }
        let key = secrets.masterKey
        let now = StoreDate.string(context.now())
        let forget = StoreDate.string(context.now().addingTimeInterval(-Self.forgetAfter))
        let (id, host, pid) = (self.id, ProcessInfo.processInfo.hostName, Int(getpid()))
        try await context.store.read { database in
            try await database.raw("""
                INSERT INTO servers (id, host, pid, key_id, key_source, started_at, seen_at)
                VALUES (\(bind: id), \(bind: host), \(bind: pid), \(bind: key.id), \(bind: key.source.description), \(bind: now), \(bind: now))
                ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, key_source = excluded.key_source, seen_at = excluded.seen_at
                """).run()
            try await database.raw("DELETE FROM servers WHERE seen_at < \(bind: forget)").run()
        }
        return state
    }

    /// Removes this server's row (on a clean shutdown).
    public func leave() async {
        let id = self.id
        _ = try? await context.store.read { try await $0.raw("DELETE FROM servers WHERE id = \(bind: id)").run() }
    }

    /// Beats every ``interval`` until cancelled, logging a key switch or a stale key once each.
    public func run(logger: Logger) async {
        var reported: KeyState = .current
        while !Task.isCancelled {
            do {
                switch try await beat() {
                case .current:
                    reported = .current
                case .switched(let id):
                    logger.notice("the master key was rotated by another process; this server now uses it", metadata: ["key": "\(id)"])
                    reported = .current
                case .stale(let id) where reported != .stale(storeKeyID: id):
                    logger.error("the master key was rotated and this server cannot read the new one: it stores no secrets and opens none sealed since; restart it with the new key",
                                 metadata: ["store key": "\(id)", "held key": "\(context.secrets.masterKey.id)"])
                    reported = .stale(storeKeyID: id)
                case .stale:
                    break
                }
            } catch {
                logger.warning("server heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(Self.interval))
        }
    }

    /// The servers seen within ``liveFor`` of `now`.
    public static func live(in store: Store, now: Date) async throws -> [LiveServer] {
        let since = StoreDate.string(now.addingTimeInterval(-liveFor))
        return try await store.read { database in
            try await database.raw("SELECT id, host, pid, key_id, key_source, started_at, seen_at FROM servers WHERE seen_at >= \(bind: since) ORDER BY started_at").fetchAll().map {
                LiveServer(id: try $0.decode(column: "id", as: String.self), host: try $0.decode(column: "host", as: String.self),
                           pid: try $0.decode(column: "pid", as: Int.self), keyID: try $0.decode(column: "key_id", as: String.self),
                           keySource: try $0.decode(column: "key_source", as: String.self),
                           startedAt: StoreDate.date(try $0.decode(column: "started_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
                           seenAt: StoreDate.date(try $0.decode(column: "seen_at", as: String.self)) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }
}
