import Foundation
import SQLKit

/// NetSuite requests per account and minute — sent, answered 429, the most in flight at once against the limit —
/// recorded by each server from its clients and summed over the servers, kept for eight days.
public struct RequestHistory: Sendable {
    let context: CoreContext

    /// One minute of one account.
    public struct Minute: Sendable, Hashable {
        public var start: Date
        public var requests: Int
        public var throttled: Int
        /// The most requests in flight at once (summed over the servers).
        public var inFlight: Int
        /// The concurrency limit the clients were configured with.
        public var limit: Int
    }

    /// How long minutes are kept.
    static let retention: TimeInterval = 8 * 86_400

    /// Adds what this process's clients did since the last call to the current minute's rows of `server`.
    public func record(server: String) async throws {
        let taken = await context.connectionCache.requestsSinceLastTake()
        var byAccount: [String: (limit: Int, sent: Int, throttled: Int, peak: Int)] = [:]
        for entry in taken {
            var sum = byAccount[entry.account] ?? (0, 0, 0, 0)
            sum.limit = max(sum.limit, entry.limit)
            sum.sent += entry.sent
            sum.throttled += entry.throttled
            sum.peak += entry.peakInFlight
            byAccount[entry.account] = sum
        }
        let now = context.now()
        let minute = StoreDate.string(Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60))
        let cutoff = StoreDate.string(now.addingTimeInterval(-Self.retention))
        let postgres = context.store.kind == .postgres
        let sums = byAccount
        try await context.store.transaction { database in
            for (account, sum) in sums where sum.sent > 0 || sum.peak > 0 {
                try await database.raw("""
                    INSERT INTO request_minutes (account, minute, server, requests, throttled, peak_in_flight, concurrency_limit)
                    VALUES (\(bind: account), \(bind: minute), \(bind: server), \(bind: sum.sent), \(bind: sum.throttled), \(bind: sum.peak), \(bind: sum.limit))
                    ON CONFLICT (account, minute, server) DO UPDATE SET
                        requests = request_minutes.requests + excluded.requests, throttled = request_minutes.throttled + excluded.throttled,
                        peak_in_flight = \(unsafeRaw: postgres ? "GREATEST" : "MAX")(request_minutes.peak_in_flight, excluded.peak_in_flight),
                        concurrency_limit = excluded.concurrency_limit
                    """).run()
            }
            try await database.raw("DELETE FROM request_minutes WHERE minute < \(bind: cutoff)").run()
        }
    }

    /// The accounts with history.
    public func accounts() async throws -> [String] {
        try await context.store.read { database in
            try await database.raw("SELECT DISTINCT account FROM request_minutes ORDER BY account").fetchAll().map { try $0.decode(column: "account", as: String.self) }
        }
    }

    /// An account's minutes in the last `hours`, oldest first; minutes without requests are left out.
    public func minutes(account: String, hours: Int = 24) async throws -> [Minute] {
        let since = StoreDate.string(context.now().addingTimeInterval(-Double(hours) * 3600))
        return try await context.store.read { database in
            try await database.raw("""
                SELECT minute, SUM(requests) AS requests, SUM(throttled) AS throttled, SUM(peak_in_flight) AS peak, MAX(concurrency_limit) AS lim
                FROM request_minutes WHERE account = \(bind: account) AND minute >= \(bind: since) GROUP BY minute ORDER BY minute
                """).fetchAll().map { row in
                Minute(start: StoreDate.date(try row.decode(column: "minute", as: String.self)) ?? Date(timeIntervalSince1970: 0),
                       requests: try row.decode(column: "requests", as: Int.self), throttled: try row.decode(column: "throttled", as: Int.self),
                       inFlight: try row.decode(column: "peak", as: Int.self), limit: try row.decode(column: "lim", as: Int.self))
            }
        }
    }

    /// Open errors in a flow's inbox (or all) at the end of each of the last `days` days, oldest first.
    public func openErrors(flow: String? = nil, days: Int = 30) async throws -> [(day: Date, open: Int)] {
        var flowID: String?
        if let flow { flowID = try await context.flows.flow(named: flow).id }
        let id = flowID
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = .gmt
        let today = utc.startOfDay(for: context.now())
        let ends = (0..<days).reversed().compactMap { utc.date(byAdding: .day, value: 1 - $0, to: today) }
        let since = StoreDate.string(ends.first.map { $0.addingTimeInterval(-86_400) } ?? today)
        let errors = try await context.store.read { database in
            let rows: [any SQLRow]
            if let id {
                rows = try await database.raw("""
                    SELECT first_seen_at, closed_at FROM inbox_errors WHERE flow_id = \(bind: id) AND (closed_at IS NULL OR closed_at >= \(bind: since))
                    """).fetchAll()
            } else {
                rows = try await database.raw("SELECT first_seen_at, closed_at FROM inbox_errors WHERE closed_at IS NULL OR closed_at >= \(bind: since)").fetchAll()
            }
            return try rows.map { (StoreDate.date(try $0.decode(column: "first_seen_at", as: String.self)) ?? .distantPast,
                                   StoreDate.date(try $0.decode(column: "closed_at", as: String?.self))) }
        }
        return ends.map { end in (end.addingTimeInterval(-86_400), errors.filter { $0.0 < end && ($0.1.map { $0 >= end } ?? true) }.count) }
    }
}

extension CoreContext {
    /// NetSuite requests over time, for charts.
    public var requestHistory: RequestHistory { RequestHistory(context: self) }
}
