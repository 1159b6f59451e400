import Foundation

/// The rows a query returns, with lower-case column names.
///
/// A result run with `projectingAtMost` keeps its ordered source rows and computes a row's SELECT list when a page
/// asks for it: a query over a million rows is ready once it is filtered and ordered, and each page pays for its own
/// thousand rows.
struct SuiteQLResult: Sendable {
    var columns: [String]
    /// How many rows the query has in all.
    var total: Int
    /// How many rows can be read (all of them, or the first `projectingAtMost`).
    var count: Int { storage.count }

    private let storage: Storage

    /// Rows already computed: all of the query's rows.
    init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.total = rows.count
        storage = .rows(rows)
    }

    /// The first `count` rows of `source` in `order` (source order when nil), each projected when read.
    init(columns: [String], total: Int, source: [[SQLValue]], order: [Int]?, projections: [SuiteQLEvaluator.Compiled], count: Int) {
        self.columns = columns
        self.total = total
        storage = .deferred(Deferred(source: source, order: order, projections: projections, count: count))
    }

    /// Every row that can be read.
    var rows: [[SQLValue]] { rows(in: 0..<count) }

    /// The rows at `range`, clamped to the rows that can be read.
    func rows(in range: Range<Int>) -> [[SQLValue]] {
        let range = range.clamped(to: 0..<count)
        switch storage {
        case .rows(let rows): return Array(rows[range])
        case .deferred(let deferred): return range.map(deferred.row(at:))
        }
    }

    private enum Storage: Sendable {
        case rows([[SQLValue]])
        case deferred(Deferred)

        var count: Int {
            switch self {
            case .rows(let rows): rows.count
            case .deferred(let deferred): deferred.count
            }
        }
    }

    private struct Deferred: Sendable {
        var source: [[SQLValue]]
        var order: [Int]?
        var projections: [SuiteQLEvaluator.Compiled]
        var count: Int

        /// The output row at `position`; ROWNUM is the source row's number after the filter, as in a full run.
        func row(at position: Int) -> [SQLValue] {
            let index = order?[position] ?? position
            return projections.map { SuiteQLEvaluator.evaluate($0, row: source[index], aggregates: [], rownum: index + 1) }
        }
    }
}
