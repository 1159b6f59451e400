import Crypto
import Foundation
import SQLKit

/// An API token as stored: its name (the actor in the audit log) and dates. The token itself is shown once, when
/// it is created; only its SHA-256 is kept.
public struct APIToken: Sendable, Hashable, Codable {
    public var name: String
    public var scope: TokenScope
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// The tokens that open the HTTP API and the dashboard.
public struct APITokens: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    public init(store: Store, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Creates a token called `name` with `scope` and returns its value, which is not stored and cannot be shown again.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for a bad name, `.conflict` for a name in use.
    public func create(name: String, scope: TokenScope = .read, actor: String) async throws -> String {
        let name = try InstanceValidation.name(name)
        let value = "sbt_" + Self.randomText()
        let hash = Self.hash(value)
        let date = now()
        try await store.transaction { database in
            if try await database.raw("SELECT name FROM api_tokens WHERE name = \(bind: name)").fetchFirst() != nil {
                throw SuiteBridgeError(.conflict, "A token named \"\(name)\" exists.", remedy: "Choose another name, or revoke that one first.", field: "name")
            }
            try await Self.insert(database, name: name, scope: scope, hash: hash, date: date, actor: actor)
        }
        return value
    }

    /// Creates the first token, called `name`, with scope `admin`, when the store has none, and returns its value;
    /// `nil` when a token exists. Atomic: several servers starting at once on one PostgreSQL store make one token between them.
    public func createFirstIfNone(name: String, actor: String) async throws -> String? {
        let name = try InstanceValidation.name(name)
        let value = "sbt_" + Self.randomText()
        let hash = Self.hash(value)
        let date = now()
        let kind = store.kind
        let created = try await store.transaction { database -> Bool in
            if kind == .postgres {
                // SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs a lock for "check, then insert".
                try await database.raw("SELECT pg_advisory_xact_lock(7031963)").run()
            }
            guard try await database.raw("SELECT name FROM api_tokens LIMIT 1").fetchFirst() == nil else { return false }
            try await Self.insert(database, name: name, scope: .admin, hash: hash, date: date, actor: actor)
            return true
        }
        return created ? value : nil
    }

    /// The token's name and scope when `value` is a valid, unrevoked token; `nil` otherwise. Records its last use.
    public func authenticate(_ value: String) async throws -> AuthenticatedToken? {
        guard value.hasPrefix("sbt_"), value.count < 200 else { return nil }
        let hash = Self.hash(value)
        let date = now()
        return try await store.read { database in
            guard let row = try await database.raw("SELECT name, scope, revoked_at FROM api_tokens WHERE token_hash = \(bind: hash)").fetchFirst(),
                  try row.decode(column: "revoked_at", as: String?.self) == nil
            else { return nil }
            let name = try row.decode(column: "name", as: String.self)
            try await database.raw("UPDATE api_tokens SET last_used_at = \(bind: StoreDate.string(date)) WHERE name = \(bind: name)").run()
            return AuthenticatedToken(name: name, scope: TokenScope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .read)
        }
    }

    /// The scope of the unrevoked token `name`, or `nil` when it was revoked or never existed: a dashboard session
    /// ends with its token.
    public func activeScope(of name: String) async throws -> TokenScope? {
        try await store.read { database in
            try await database.raw("SELECT scope FROM api_tokens WHERE name = \(bind: name) AND revoked_at IS NULL").fetchFirst()
                .map { TokenScope(rawValue: try $0.decode(column: "scope", as: String.self)) ?? .read }
        }
    }

    /// Every token, revoked ones included.
    public func list() async throws -> [APIToken] {
        try await store.read { database in
            try await database.raw("SELECT name, scope, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY name").fetchAll().map { row in
                APIToken(name: try row.decode(column: "name", as: String.self),
                         scope: TokenScope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .read,
                         createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
                         lastUsedAt: StoreDate.date(try row.decode(column: "last_used_at", as: String?.self)),
                         revokedAt: StoreDate.date(try row.decode(column: "revoked_at", as: String?.self)))
            }
        }
    }

    /// Revokes a token; it stops working at once.
    public func revoke(name: String, actor: String) async throws {
        let date = now()
        try await store.transaction { database in
            guard try await database.raw("SELECT name FROM api_tokens WHERE name = \(bind: name) AND revoked_at IS NULL").fetchFirst() != nil else {
                throw SuiteBridgeError(.notFound, "There is no active token named \"\(name)\".", remedy: "Run `suitebridge tokens list`.", field: "name")
            }
            try await database.raw("UPDATE api_tokens SET revoked_at = \(bind: StoreDate.string(date)) WHERE name = \(bind: name)").run()
            try await AuditLog.append(database, actor: actor, instance: nil, action: .tokenRevoke, detail: name, at: date)
        }
    }

    /// Stores a new token's hash and records its creation.
    private static func insert(_ database: any SQLDatabase, name: String, scope: TokenScope, hash: String, date: Date, actor: String) async throws {
        try await database.raw("""
            INSERT INTO api_tokens (name, token_hash, scope, created_at)
            VALUES (\(bind: name), \(bind: hash), \(bind: scope.rawValue), \(bind: StoreDate.string(date)))
            """).run()
        try await AuditLog.append(database, actor: actor, instance: nil, action: .tokenCreate, detail: "\(name) (scope \(scope))", at: date)
    }

    static func hash(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes as base64url without padding.
    public static func randomText(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
