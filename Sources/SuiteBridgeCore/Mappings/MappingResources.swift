import NIOConcurrencyHelpers
import NetSuiteClient

/// What mapping steps read beyond the row — lookup tables and SuiteQL — cached for one run (or one preview), so a
/// value looked up once is not asked for again. Never writes anything.
final class MappingResources: Sendable {
    private let lookups: LookupTables
    private let client: NetSuiteClient?
    private let cache = NIOLockedValueBox<[String: String?]>([:])

    init(lookups: LookupTables, client: NetSuiteClient?) {
        self.lookups = lookups
        self.client = client
    }

    /// The value of `key` in the lookup table, or `nil`.
    func lookup(_ table: String, key: String) async throws -> String? {
        try await cached("lookup\u{0}\(table)\u{0}\(key)") { try await self.lookups.value(table, key: key) }
    }

    /// The first column of the first row of `query`, or `nil` when it has no row.
    func suiteQL(_ query: String) async throws -> String? {
        guard let client else {
            throw SuiteBridgeError(.invalidInput, "A suiteql step needs the flow's NetSuite instance.", remedy: "", field: "mapping")
        }
        return try await cached("suiteql\u{0}\(query)") {
            let page = try await client.suiteQLPage(query, limit: 1)
            guard let row = page.rows.first, let column = page.columns.first else { return nil }
            return row[column]
        }
    }

    private func cached(_ key: String, _ fetch: () async throws -> String?) async throws -> String? {
        if let hit = cache.withLockedValue({ $0[key] }) { return hit }
        let value = try await fetch()
        cache.withLockedValue { $0[key] = .some(value) }
        return value
    }
}
