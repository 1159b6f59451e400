import NIOConcurrencyHelpers
import SQLKit

extension SQLQueryFetcher {
    /// Every row of the query, in order.
    ///
    /// Instead of SQLKit's `all()`, which hands the rows from SQLite's thread pool to the caller through a captured
    /// variable: that hand-over is ordered by NIO's future and Swift's executor (libdispatch), which ThreadSanitizer
    /// does not see, so it was reported as a race. Here the rows pass through a lock it sees.
    package func fetchAll() async throws -> [any SQLRow] {
        let rows = NIOLockedValueBox<[any SQLRow]>([])
        try await run { row in rows.withLockedValue { $0.append(row) } }
        return rows.withLockedValue { $0 }
    }

    /// The first row, if any (SQLKit's `first()`, with the rows handed over through a lock as in ``fetchAll()``).
    package func fetchFirst() async throws -> (any SQLRow)? {
        (self as? any SQLPartialResultBuilder)?.limit(1)
        let first = NIOLockedValueBox<(any SQLRow)?>(nil)
        try await run { row in first.withLockedValue { if $0 == nil { $0 = row } } }
        return first.withLockedValue { $0 }
    }
}
