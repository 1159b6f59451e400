import AsyncAlgorithms
import Foundation

/// Pages of a SuiteQL query, fetched in parallel (up to the account's concurrency budget) and delivered in order,
/// with a bounded number of pages held in memory whatever the total.
///
/// NetSuite pages through at most 100,000 rows. When a query has more and `keyColumn` is given, the pager goes on
/// with keyset paging (`WHERE key > last … ORDER BY key`); the query must then end with `ORDER BY <key>` on a unique
/// key. Otherwise it stops with ``NetSuiteError/Code/queryCannotContinue`` saying why.
public struct SuiteQLPager: AsyncSequence, Sendable {
    public typealias Element = SuiteQLPage

    /// The most rows NetSuite pages through for one query.
    public static let rowCap = 100_000

    let client: NetSuiteClient
    public let query: String
    public let pageSize: Int
    public let parallelism: Int
    public let keyColumn: String?

    /// - Parameters:
    ///   - pageSize: rows per page, 1 to 1000 (default 1000).
    ///   - parallelism: pages fetched at once; default the account's concurrency limit.
    ///   - keyColumn: the unique column the query is ordered by, to continue past 100,000 rows.
    public init(client: NetSuiteClient, query: String, pageSize: Int = 1000, parallelism: Int? = nil, keyColumn: String? = nil) {
        self.client = client
        self.query = query
        self.pageSize = Swift.min(1000, Swift.max(1, pageSize))
        self.parallelism = Swift.max(1, parallelism ?? client.configuration.concurrencyLimit)
        self.keyColumn = keyColumn
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: AsyncThrowingChannel<SuiteQLPage, any Error>.AsyncIterator
        let task: TaskHolder

        public mutating func next() async throws -> SuiteQLPage? {
            try await iterator.next()
        }
    }

    /// Cancels the producer when the consumer stops iterating.
    final class TaskHolder: Sendable {
        let task: Task<Void, Never>
        init(_ task: Task<Void, Never>) { self.task = task }
        deinit { task.cancel() }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let channel = AsyncThrowingChannel<SuiteQLPage, any Error>()
        let pager = self
        let task = Task {
            do {
                try await pager.produce(into: channel)
                channel.finish()
            } catch {
                channel.fail(error)
            }
        }
        return AsyncIterator(iterator: channel.makeAsyncIterator(), task: TaskHolder(task))
    }

    /// Every row, in order.
    public var rows: AsyncThrowingFlatMapSequence<SuiteQLPager, AsyncSyncSequence<[SuiteQLRow]>> {
        flatMap { $0.rows.async }
    }

    // MARK: Producing

    static let label = "POST /query/v1/suiteql"

    func fetchRaw(_ text: String, offset: Int) async throws -> NetSuiteHTTPResponse {
        let body = try JSONSerialization.data(withJSONObject: ["q": text])
        return try await client.perform(.init(
            method: "POST", url: "\(client.configuration.baseURL)/services/rest/query/v1/suiteql?limit=\(pageSize)&offset=\(offset)",
            body: Array(body), contentType: "application/json", extraHeaders: [("Prefer", "transient")], idempotent: true,
            label: Self.label, recordType: "suiteql"))
    }

    private func produce(into channel: AsyncThrowingChannel<SuiteQLPage, any Error>) async throws {
        let requests = ConcurrencyLimiter(limit: parallelism)
        var segment = SegmentFetch(pager: self, text: query, requests: requests)
        while true {
            let current = segment
            // While this segment's pages are delivered, its last page (fetched first) lets the next segment start.
            async let following: SegmentFetch? = {
                guard let last = await current.buffer.lastPage() else { return nil }
                let beyondCap = last.totalResults.map { $0 > Self.rowCap } ?? last.hasMore
                guard beyondCap else { return nil }
                return SegmentFetch(pager: self, text: try continuation(after: last), requests: requests)
            }()
            do {
                while let page = try await current.buffer.next() {
                    await channel.send(page)
                    if Task.isCancelled {
                        // The consumer stopped reading: stop fetching.
                        current.cancel()
                        (try? await following)?.cancel()
                        return
                    }
                }
            } catch {
                current.cancel()
                (try? await following)?.cancel()
                throw error
            }
            guard let next = try await following else { return }
            segment = next
        }
    }

    /// One query's pages being fetched: the first `parallelism` pages go out at once, before the total is known
    /// (pages past the end come back empty and are dropped); workers parse outside their request slot; the
    /// reorder buffer holds at most `2 × parallelism` pages. NetSuite's budget is in use from the first request and
    /// memory stays bounded.
    final class SegmentFetch: Sendable {
        let buffer: ReorderBuffer<SuiteQLPage>
        private let task: Task<Void, Never>

        init(pager: SuiteQLPager, text: String, requests: ConcurrencyLimiter) {
            let buffer = ReorderBuffer<SuiteQLPage>(start: 0, end: nil, capacity: 2 * pager.parallelism, speculative: pager.parallelism)
            self.buffer = buffer
            task = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<(pager.parallelism + 2) {
                        group.addTask { await Self.work(pager: pager, text: text, requests: requests, buffer: buffer) }
                    }
                }
            }
        }

        func cancel() { task.cancel() }

        private static func work(pager: SuiteQLPager, text: String, requests: ConcurrencyLimiter, buffer: ReorderBuffer<SuiteQLPage>) async {
            while let index = await buffer.claim() {
                do {
                    try await requests.acquire()
                    let response: NetSuiteHTTPResponse
                    do {
                        response = try await pager.fetchRaw(text, offset: index * pager.pageSize)
                        await requests.release(.success)
                    } catch {
                        await requests.release(.other)
                        throw error
                    }
                    let page = try SuiteQLPage(body: response.body, request: SuiteQLPager.label)
                    if index == 0 {
                        // The first page tells how many there are (or, without totalResults, whether one more).
                        let reachable = page.totalResults.map { Swift.min($0, SuiteQLPager.rowCap) }
                        let pages = reachable.map { ($0 + pager.pageSize - 1) / pager.pageSize } ?? (page.hasMore ? Int.max : 1)
                        await buffer.setEnd(Swift.max(1, pages))
                    } else if page.totalResults == nil, !page.hasMore || page.offset + pager.pageSize >= SuiteQLPager.rowCap {
                        await buffer.setEnd(index + 1)
                    }
                    await buffer.complete(index, page)
                } catch {
                    await buffer.fail(error, at: index)
                }
            }
        }

        deinit { task.cancel() }
    }

    /// The query that continues after `page`'s last row, by key.
    func continuation(after page: SuiteQLPage) throws -> String {
        func cannot(_ why: String) -> NetSuiteError {
            NetSuiteError(
                code: .queryCannotContinue, request: "POST /query/v1/suiteql",
                message: "The query has more than 100,000 rows, NetSuite's most for one query, and cannot be continued: \(why)",
                remedy: "Order the query by a unique column and give it as the key (e.g. … ORDER BY id, with --key id), or split it with a WHERE on a date or id range.")
        }
        guard let keyColumn else { throw cannot("no key column was given.") }
        guard let plan = KeysetPlan(query: query, keyColumn: keyColumn) else {
            throw cannot("it must end with ORDER BY \(keyColumn) (ascending, no GROUP BY).")
        }
        guard let lastRow = page.rows.last, let lastValue = lastRow[keyColumn] else {
            throw cannot("the rows carry no \(keyColumn) value.")
        }
        return plan.query(after: lastValue)
    }
}

/// Rewrites `… [WHERE c] ORDER BY k` into `… WHERE (c) AND k > last ORDER BY k`.
struct KeysetPlan {
    var head: String
    var condition: String?
    var orderExpression: String

    init?(query: String, keyColumn: String) {
        let scanner = TopLevelScanner(query)
        guard let orderBy = scanner.lastKeyword("ORDER BY"), scanner.lastKeyword("GROUP BY") == nil else { return nil }
        var orderText = String(query[orderBy.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        if orderText.uppercased().hasSuffix(" ASC") { orderText = String(orderText.dropLast(4)).trimmingCharacters(in: .whitespaces) }
        let lastPart = orderText.split(separator: ".").last.map(String.init)?.lowercased()
        guard !orderText.contains(","), !orderText.contains(" "), lastPart == keyColumn.lowercased() else { return nil }
        orderExpression = orderText
        let beforeOrder = String(query[..<orderBy.lowerBound])
        if let whereRange = TopLevelScanner(beforeOrder).lastKeyword("WHERE") {
            head = String(beforeOrder[..<whereRange.lowerBound])
            condition = String(beforeOrder[whereRange.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            head = beforeOrder
            condition = nil
        }
    }

    func query(after value: String) -> String {
        let literal = Double(value) != nil ? value : "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        let keyCondition = "\(orderExpression) > \(literal)"
        let filter = condition.map { "(\($0)) AND \(keyCondition)" } ?? keyCondition
        return "\(head.trimmingCharacters(in: .whitespacesAndNewlines)) WHERE \(filter) ORDER BY \(orderExpression)"
    }
}

/// Finds keywords outside quotes and parentheses.
struct TopLevelScanner {
    let text: String
    init(_ text: String) { self.text = text }

    func lastKeyword(_ keyword: String) -> Range<String.Index>? {
        let words = keyword.split(separator: " ").map { String($0).uppercased() }
        var depth = 0
        var inQuote = false
        var found: Range<String.Index>?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "'" { inQuote.toggle() }
            if !inQuote {
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1 }
                if depth == 0, isWordStart(index), let end = match(words, at: index) { found = index..<end }
            }
            index = text.index(after: index)
        }
        return found
    }

    private func isWordStart(_ index: String.Index) -> Bool {
        index == text.startIndex || !(text[text.index(before: index)].isLetter || text[text.index(before: index)].isNumber || text[text.index(before: index)] == "_")
    }

    private func match(_ words: [String], at start: String.Index) -> String.Index? {
        var index = start
        for (position, word) in words.enumerated() {
            if position > 0 {
                guard index < text.endIndex, text[index].isWhitespace else { return nil }
                while index < text.endIndex && text[index].isWhitespace { index = text.index(after: index) }
            }
            guard let end = text.index(index, offsetBy: word.count, limitedBy: text.endIndex), text[index..<end].uppercased() == word else { return nil }
            index = end
        }
        if index < text.endIndex && (text[index].isLetter || text[index].isNumber || text[index] == "_") { return nil }
        return index
    }
}

extension NetSuiteClient {
    /// One page of a SuiteQL query, in one request: for a lookup that needs the first rows only.
    /// - Throws: ``NetSuiteError`` as any request does (a query NetSuite refuses names its message).
    public func suiteQLPage(_ query: String, limit: Int = 1000, offset: Int = 0) async throws -> SuiteQLPage {
        let pager = SuiteQLPager(client: self, query: query, pageSize: limit, parallelism: 1)
        let response = try await pager.fetchRaw(query, offset: offset)
        return try SuiteQLPage(body: response.body, request: SuiteQLPager.label)
    }

    /// Runs a SuiteQL query and pages through its rows; see ``SuiteQLPager``.
    public func suiteQL(_ query: String, pageSize: Int = 1000, parallelism: Int? = nil, keyColumn: String? = nil) -> SuiteQLPager {
        SuiteQLPager(client: self, query: query, pageSize: pageSize, parallelism: parallelism, keyColumn: keyColumn)
    }
}
