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
            #expect(try await tokens.authenticate(try #require(made.first)) == "admin")
            #expect(try await tokens.createFirstIfNone(name: "admin", actor: "server") == nil)
        }
    }

    @Test("a token works until it is revoked; only its hash is stored", arguments: TestDatabases.kinds)
    func revoke(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            let tokens = APITokens(store: store)
            let value = try await tokens.create(name: "ci", actor: "admin")
            #expect(try await tokens.authenticate(value) == "ci")
            let stored = try await store.read { try await $0.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) } }
            #expect(stored.count == 1 && !stored[0].contains(value) && stored[0] != value)
            await #expect(throws: SuiteBridgeError.self) { try await tokens.create(name: "ci", actor: "admin") }
            try await tokens.revoke(name: "ci", actor: "admin")
            #expect(try await tokens.authenticate(value) == nil)
        }
    }
}
