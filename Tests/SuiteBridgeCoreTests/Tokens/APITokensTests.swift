import Foundation
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("API tokens")
struct APITokensTests {
    @Test("servers starting together on one store make exactly one first admin token", arguments: TestDatabases.kinds)
    func firstTokenOnce(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            let tokens = APITokens(store: store)
            let values = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 { group.addTask { try await tokens.createFirstIfNone(name: "admin", actor: "server") } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            let made = values.compactMap { $0 }
            #expect(made.count == 1)
            #expect(try await tokens.list().map(\.name) == ["admin"])
            #expect(try await tokens.authenticate(try #require(made.first)) == AuthenticatedToken(name: "admin", scope: .admin))
            #expect(try await tokens.createFirstIfNone(name: "admin", actor: "server") == nil)
        }
    }

    @Test("a token works until it is revoked; only its hash is stored", arguments: TestDatabases.kinds)
    func revoke(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            let tokens = APITokens(store: store)
            let value = try await tokens.create(name: "ci", actor: "admin")
            #expect(try await tokens.authenticate(value) == AuthenticatedToken(name: "ci", scope: .read))
            #expect(try await tokens.activeScope(of: "ci") == .read)
            let stored = try await store.read { try await $0.raw("SELECT token_hash FROM api_tokens").fetchAll().map { try $0.decode(column: "token_hash", as: String.self) } }
            #expect(stored.count == 1 && !stored[0].contains(value) && stored[0] != value)
            await #expect(throws: SuiteBridgeError.self) { try await tokens.create(name: "ci", actor: "admin") }
            try await tokens.revoke(name: "ci", actor: "admin")
            #expect(try await tokens.authenticate(value) == nil)
            #expect(try await tokens.activeScope(of: "ci") == nil)
        }
    }

    @Test("scopes are ordered metrics < read < operate < admin; each allows its level and those below")
    func scopes() throws {
        #expect(TokenScope.admin.allows(.operate) && TokenScope.operate.allows(.read) && TokenScope.read.allows(.metrics))
        #expect(!TokenScope.read.allows(.operate) && !TokenScope.metrics.allows(.read) && !TokenScope.operate.allows(.admin))
        #expect(try TokenScope(parsing: "OPERATE") == .operate)
        #expect(throws: SuiteBridgeError.self) { try TokenScope(parsing: "root") }
        let refusal = TokenScope.read.refusal(needing: .admin, to: "createInstance")
        #expect(refusal.code == .forbidden && refusal.message.contains("needs admin") && refusal.remedy.contains("--scope admin"))
    }

    @Test("tokens made before scopes existed become admin in the migration", arguments: TestDatabases.kinds)
    func migration(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            try await store.read { database in
                try await database.raw("INSERT INTO api_tokens (name, token_hash, created_at) VALUES ('old', 'x', '2026-01-01T00:00:00Z')").run()
            }
            #expect(try await APITokens(store: store).activeScope(of: "old") == .admin)
        }
    }
}
