import Foundation
import Hummingbird
import SuiteBridgeCore

extension Dashboard {
    /// Per account, the last 24 hours a minute at a time: requests and 429s, and concurrency in use against the limit.
    func addChartPages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/charts") { _, context in
            let history = server.core(for: context).requestHistory
            try await history.record(server: server.historyID)  // this server's requests up to now
            let now = server.core.now()
            let end = (now.timeIntervalSince1970 / 60).rounded(.down) * 60
            let start = end - 1439 * 60
            var accounts: [[String: Any]] = []
            for (index, account) in try await history.accounts().enumerated() {
                var requests = [Double](repeating: 0, count: 1440)
                var throttled = requests
                var inUse = requests
                var limit = requests
                var lastLimit = 0.0
                let minutes = try await history.minutes(account: account, hours: 24)
                var byMinute: [Int: RequestHistory.Minute] = [:]
                for minute in minutes { byMinute[Int((minute.start.timeIntervalSince1970 - start) / 60)] = minute }
                for slot in 0..<1440 {
                    if let minute = byMinute[slot] {
                        requests[slot] = Double(minute.requests)
                        throttled[slot] = Double(minute.throttled)
                        inUse[slot] = Double(minute.inFlight)
                        lastLimit = Double(minute.limit)
                    }
                    limit[slot] = lastLimit == 0 ? Double(minutes.first?.limit ?? 0) : lastLimit
                }
                let first = Date(timeIntervalSince1970: start).formatted(.iso8601)
                let last = Date(timeIntervalSince1970: end).formatted(.iso8601)
                accounts.append([
                    "account": account,
                    "requests": SVGChart(id: "requests-\(index)", title: "NetSuite requests of \(account)", firstLabel: first, lastLabel: last, series: [
                        .init(name: "requests", values: requests, style: .line, color: "#1d3557"),
                        .init(name: "429 answers", values: throttled, style: .line, color: "#c0392b"),
                    ], unit: "a minute, last 24 hours").html,
                    "concurrency": SVGChart(id: "concurrency-\(index)", title: "Concurrency of \(account)", firstLabel: first, lastLabel: last, series: [
                        .init(name: "most in flight", values: inUse, style: .line, color: "#2a9d8f"),
                        .init(name: "limit", values: limit, style: .dashedLine, color: "#e76f51"),
                    ], unit: "requests at once, a minute at a time").html,
                ])
            }
            return page("charts", title: "Charts", ["accounts": accounts, "hasAccounts": !accounts.isEmpty], context: context)
        }
    }

    /// Rows and seconds of a flow's last 50 runs, oldest first.
    func runCharts(_ runs: [Run]) -> [String: String] {
        let ordered = Array(runs.prefix(50).reversed())
        guard let first = ordered.first, let last = ordered.last else { return [:] }
        let firstLabel = first.queuedAt.formatted(.iso8601)
        let lastLabel = last.queuedAt.formatted(.iso8601)
        return [
            "rowsChart": SVGChart(id: "rows", title: "Rows per run", firstLabel: firstLabel, lastLabel: lastLabel, series: [
                .init(name: "written", values: ordered.map { Double($0.rowsWritten) }, style: .bars, color: "#2a9d8f"),
                .init(name: "failed", values: ordered.map { Double($0.rowsFailed) }, style: .line, color: "#c0392b"),
            ], unit: "rows, last \(ordered.count) runs").html,
            "secondsChart": SVGChart(id: "seconds", title: "Duration per run", firstLabel: firstLabel, lastLabel: lastLabel, series: [
                .init(name: "seconds", values: ordered.map { $0.duration ?? 0 }, style: .bars, color: "#1d3557"),
            ], unit: "seconds, last \(ordered.count) runs").html,
        ]
    }

    /// Open errors at the end of each of the last 30 days.
    func inboxChart(_ core: CoreContext, flow: String?) async throws -> String {
        let days = try await core.requestHistory.openErrors(flow: flow, days: 30)
        guard let first = days.first, let last = days.last else { return "" }
        return SVGChart(id: "inbox", title: "Open errors" + (flow.map { " of \($0)" } ?? ""), firstLabel: Dashboard.day(first.day), lastLabel: Dashboard.day(last.day),
                        series: [.init(name: "open errors", values: days.map { Double($0.open) }, style: .bars, color: "#c0392b")],
                        unit: "at the end of each day, last 30 days").html
    }
}
