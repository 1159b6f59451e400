/// Hands out page indexes to fetch and gives completed pages back in index order, holding at most `capacity`
/// pages (in flight or waiting) ahead of the consumer.
actor ReorderBuffer<Page: Sendable> {
    private let range: Range<Int>
    private let capacity: Int
    private var nextToClaim: Int
    private var nextToDeliver: Int
    private var ready: [Int: Page] = [:]
    private var failure: (any Error)?
    private var consumer: CheckedContinuation<Page?, any Error>?
    private var claimers: [CheckedContinuation<Void, Never>] = []

    init(range: Range<Int>, capacity: Int) {
        self.range = range
        self.capacity = max(1, capacity)
        self.nextToClaim = range.lowerBound
        self.nextToDeliver = range.lowerBound
    }

    /// The next index to fetch, waiting while `capacity` pages are ahead of the consumer; `nil` when all are
    /// claimed or the fetch failed.
    func claim() async -> Int? {
        while failure == nil && nextToClaim < range.upperBound && nextToClaim >= nextToDeliver + capacity {
            await withCheckedContinuation { claimers.append($0) }
        }
        guard failure == nil, nextToClaim < range.upperBound else { return nil }
        defer { nextToClaim += 1 }
        return nextToClaim
    }

    func complete(_ index: Int, _ page: Page) {
        ready[index] = page
        if index == nextToDeliver, let consumer {
            self.consumer = nil
            consumer.resume(returning: take())
        }
    }

    func fail(_ error: any Error) {
        guard failure == nil else { return }
        failure = error
        consumer?.resume(throwing: error)
        consumer = nil
        wakeClaimers()
    }

    /// The next page in order, or `nil` after the last.
    func next() async throws -> Page? {
        if let failure { throw failure }
        guard nextToDeliver < range.upperBound else { return nil }
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
