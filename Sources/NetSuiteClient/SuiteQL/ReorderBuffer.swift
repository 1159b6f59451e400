/// Hands out page indexes to fetch and gives completed pages back in index order, holding at most `capacity`
/// pages (in flight or waiting) ahead of the consumer.
///
/// The number of pages may be unknown at first: until ``setEnd(_:)`` is called, only the first `speculative`
/// indexes are handed out (a first wave fetched at once), and failures of pages that turn out to lie past the
/// end are ignored.
actor ReorderBuffer<Page: Sendable> {
    private let start: Int
    private var end: Int?
    private let capacity: Int
    private let speculative: Int
    private var nextToClaim: Int
    private var nextToDeliver: Int
    private var ready: [Int: Page] = [:]
    private var pendingFailures: [Int: any Error] = [:]
    private var failure: (any Error)?
    private var consumer: CheckedContinuation<Page?, any Error>?
    private var claimers: [CheckedContinuation<Void, Never>] = []
    /// The last page is fetched first once the end is known, so what follows it (a keyset continuation) can start
    /// early; it is kept here for ``lastPage()``.
    private var lastClaimed = false
    private var lastCopy: Page?
    private var lastWaiters: [CheckedContinuation<Page?, Never>] = []

    init(start: Int, end: Int?, capacity: Int, speculative: Int = 1) {
        self.start = start
        self.end = end
        self.capacity = max(1, capacity)
        self.speculative = max(1, speculative)
        self.nextToClaim = start
        self.nextToDeliver = start
    }

    private var claimLimit: Int {
        let window = nextToDeliver + capacity
        guard let end else { return min(window, start + speculative) }
        return min(window, end)
    }

    /// The next index to fetch, waiting while `capacity` pages are ahead of the consumer (or the end is unknown
    /// past the first wave); `nil` when all are claimed or the fetch failed.
    func claim() async -> Int? {
        while true {
            if failure != nil { return nil }
            if let end, end != .max, !lastClaimed, end - 1 > nextToClaim {
                lastClaimed = true
                return end - 1
            }
            if let end, end != .max, lastClaimed, nextToClaim == end - 1 { nextToClaim += 1 }
            if let end, nextToClaim >= end { return nil }
            if nextToClaim < claimLimit {
                defer { nextToClaim += 1 }
                return nextToClaim
            }
            await withCheckedContinuation { claimers.append($0) }
        }
    }

    /// The last page, once the end is known and that page is fetched; `nil` if the fetch failed.
    func lastPage() async -> Page? {
        if failure != nil { return nil }
        if let lastCopy { return lastCopy }
        return await withCheckedContinuation { lastWaiters.append($0) }
    }

    private func offerLast(_ index: Int, _ page: Page) {
        guard let end, index == end - 1, lastCopy == nil else { return }
        lastCopy = page
        let waiting = lastWaiters
        lastWaiters = []
        for waiter in waiting { waiter.resume(returning: page) }
    }

    /// Sets the number of pages (`end` is exclusive) once it is known.
    func setEnd(_ end: Int) {
        self.end = max(end, nextToDeliver)
        for (index, error) in pendingFailures where index < self.end ?? 0 {
            fail(error)
            return
        }
        pendingFailures = [:]
        for index in ready.keys where index >= self.end ?? .max { ready[index] = nil }
        if let end = self.end, let page = ready[end - 1] { offerLast(end - 1, page) }
        wakeClaimers()
        if let consumer, nextToDeliver >= self.end ?? .max {
            self.consumer = nil
            consumer.resume(returning: nil)
        }
    }

    func complete(_ index: Int, _ page: Page) {
        if let end, index >= end { return }
        ready[index] = page
        offerLast(index, page)
        if index == nextToDeliver, let consumer {
            self.consumer = nil
            consumer.resume(returning: take())
        }
    }

    /// Records a failed page; one past a still unknown end is held until the end is known.
    func fail(_ error: any Error, at index: Int) {
        if let end {
            if index < end { fail(error) }
        } else if index == start {
            fail(error)
        } else {
            pendingFailures[index] = error
        }
    }

    func fail(_ error: any Error) {
        guard failure == nil else { return }
        failure = error
        consumer?.resume(throwing: error)
        consumer = nil
        wakeClaimers()
        let waiting = lastWaiters
        lastWaiters = []
        for waiter in waiting { waiter.resume(returning: nil) }
    }

    /// The next page in order, or `nil` after the last.
    func next() async throws -> Page? {
        if let failure { throw failure }
        if let end, nextToDeliver >= end { return nil }
        if ready[nextToDeliver] != nil { return take() }
        return try await withCheckedThrowingContinuation { consumer = $0 }
    }

    private func take() -> Page? {
        let page = ready.removeValue(forKey: nextToDeliver)
        nextToDeliver += 1
        wakeClaimers()
        return page
    }

    private func wakeClaimers() {
        let waiting = claimers
        claimers = []
        for claimer in waiting { claimer.resume() }
    }
}
