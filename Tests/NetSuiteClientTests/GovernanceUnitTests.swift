import Foundation
import Testing

@testable import NetSuiteClient
@testable import NetSuiteSimulator

@Suite("Limiter, retry policy and keyset planning (no I/O)")
struct GovernanceUnitTests {
    @Test("a throttled answer sets the window to what was still in flight; above that it grows slowly")
    func window() async throws {
        let limiter = ConcurrencyLimiter(limit: 8)
        #expect(await limiter.window == 8)
        for _ in 0..<5 { try await limiter.acquire() }
        await limiter.release(.throttled)
        #expect(await limiter.window == 4, "4 requests were still in flight when the 429 came")
        #expect(await limiter.learnedLimit == 4)
        await limiter.release(.throttled)
        #expect(await limiter.window == 4, "a second throttle from the same burst does not lower it again")
        for _ in 0..<3 { await limiter.release(.success) }
        #expect(abs(await limiter.window - 4.0746) < 0.001, "above the learned limit it grows a tenth as fast")
        for _ in 0..<60 {
            try await limiter.acquire()
            await limiter.release(.success)
        }
        #expect(await limiter.learnedLimit == 5, "a level held long enough becomes the likely limit")
        let held = await limiter.window
        for _ in 0..<Int(held) { try await limiter.acquire() }
        await limiter.release(.throttled)
        #expect(await limiter.window == held.rounded(.down) - 1, "a probe that was one too many steps back by one")
        for _ in 0..<(Int(held) - 1) { await limiter.release(.success) }
        for _ in 0..<3000 {
            try await limiter.acquire()
            await limiter.release(.success)
        }
        #expect(await limiter.window == 8, "never above the configured limit")
        #expect(await limiter.throttleEvents == 2)
    }

    @Test("waiters are served in order, never more than the window in flight; a cancelled waiter leaves")
    func waiters() async throws {
        let limiter = ConcurrencyLimiter(limit: 2)
        try await limiter.acquire()
        try await limiter.acquire()
        let order = OrderLog()
        let first = Task { try await limiter.acquire(); await order.add(1) }
        try await Task.sleep(for: .milliseconds(20))
        let cancelled = Task { try await limiter.acquire(); await order.add(99) }
        try await Task.sleep(for: .milliseconds(20))
        let second = Task { try await limiter.acquire(); await order.add(2) }
        try await Task.sleep(for: .milliseconds(20))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await limiter.release(.success)
        await limiter.release(.success)
        try await first.value
        try await second.value
        #expect(await order.values == [1, 2])
        #expect(await limiter.inFlight == 2)
        #expect(await limiter.maxInFlight == 2)
    }

    actor OrderLog {
        var values: [Int] = []
        func add(_ value: Int) { values.append(value) }
    }

    @Test("backoff delays are full jitter under an exponential, capped ceiling")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        // Seeded, so a failure repeats. (Not the system generator: an inout of that empty struct captured by a closure
        // crashes ThreadSanitizer's own bookkeeping when tests run in parallel; Scripts/tsan.sh.)
        var generator = SeededGenerator(seed: 0x5EED)
        for retry in 1...8 {
            let ceiling = min(1.0, 0.1 * pow(2, Double(retry - 1)))
            let delays = (0..<200).map { _ in policy.delay(beforeRetry: retry, using: &generator) }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(Int(ceiling * 1000) + 1) })
            #expect(delays.contains { $0 < .milliseconds(Int(ceiling * 500)) }, "full jitter reaches the lower half")
        }
        let throttled = (0..<200).map { _ in policy.delay(beforeRetry: 1, throttled: true, using: &generator) }
        #expect(throttled.allSatisfy { $0 <= .milliseconds(51) }, "after a 429 the first ceiling is 50 ms")
    }

    @Test("keyset continuation rewrites WHERE and ORDER BY, and refuses queries it cannot continue")
    func keyset() {
        let plain = KeysetPlan(query: "SELECT id, companyname FROM customer ORDER BY id", keyColumn: "id")
        #expect(plain?.query(after: "123") == "SELECT id, companyname FROM customer WHERE id > 123 ORDER BY id")
        let filtered = KeysetPlan(query: "SELECT t.id FROM transaction t WHERE t.type = 'SalesOrd' OR t.memo = 'order by x' ORDER BY t.id ASC", keyColumn: "id")
        #expect(filtered?.query(after: "9") == "SELECT t.id FROM transaction t WHERE (t.type = 'SalesOrd' OR t.memo = 'order by x') AND t.id > 9 ORDER BY t.id")
        let text = KeysetPlan(query: "select tranid from transaction order by tranid", keyColumn: "tranid")
        #expect(text?.query(after: "SO'1") == "select tranid from transaction WHERE tranid > 'SO''1' ORDER BY tranid")
        #expect(KeysetPlan(query: "SELECT id FROM customer", keyColumn: "id") == nil)
        #expect(KeysetPlan(query: "SELECT id FROM customer ORDER BY id DESC", keyColumn: "id") == nil)
        #expect(KeysetPlan(query: "SELECT id FROM customer ORDER BY companyname", keyColumn: "id") == nil)
        #expect(KeysetPlan(query: "SELECT entity, COUNT(*) FROM transaction GROUP BY entity ORDER BY entity", keyColumn: "entity") == nil)
    }

    @Test("pages parse with escapes, keep NetSuite's column order even when the first rows lack some (NULL)")
    func columnOrder() throws {
        let body = Array(#"{"links":[{"rel":"self","href":"x"}],"count":2,"hasMore":true,"items":[{"links":[],"id":"1","b":"x \"q\" \u00e9\ud83d\ude00"},{"links":[],"id":"2","a":"y","b":"z","c":"w","n":3,"t":true,"z":null}],"offset":1000,"totalResults":5000}"#.utf8)
        let page = try SuiteQLPage(body: body, request: "test")
        #expect(page.columns == ["id", "a", "b", "c", "n", "t"])
        #expect(page.rows[0]["b"] == "x \"q\" é😀")
        #expect(page.rows[1]["n"] == "3" && page.rows[1]["t"] == "true" && page.rows[1]["z"] == nil)
        #expect(page.offset == 1000 && page.hasMore && page.totalResults == 5000)
        #expect(throws: NetSuiteError.self) { try SuiteQLPage(body: Array("<html>".utf8), request: "test") }
    }
}
