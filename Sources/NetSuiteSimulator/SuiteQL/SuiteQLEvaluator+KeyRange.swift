import Foundation

extension SuiteQLEvaluator {
    // MARK: Key ranges

    /// The rows of a single-table query that its filter's key conditions leave, found by binary search, and the
    /// rest of the filter.
    ///
    /// A top-level `AND` condition `column > literal` (or `>=`, `<`, `<=`, either way round) over a column whose
    /// values are all of the literal's kind and in ascending order holds for one contiguous run of rows: keyset
    /// paging (`WHERE uniquekey > 123 ORDER BY uniquekey`) reads from there without testing a million rows. Any
    /// other condition stays in the returned filter and is tested row by row. `nil` when no condition qualifies.
    /// - Parameter rows: the rows of the query's one table (no joins), in the table's order.
    mutating func keyRange(of filter: SQLExpr, rows: [[SQLValue]]) -> (range: Range<Int>, rest: SQLExpr?)? {
        var range = 0..<rows.count
        var rest: [SQLExpr] = []
        var used = false
        var ascending: [Int: Bool] = [:]
        for condition in Self.conjuncts(of: filter) {
            guard let bound = keyBound(condition) else {
                rest.append(condition)
                continue
            }
            let column = bound.column
            let known = column == scopes[0].table.ascendingColumn && rows.first.map { $0[column].isKind(of: bound.value) } == true
            let sorted = known || (ascending[column] ?? Self.isAscending(rows, column: column, kind: bound.value))
            ascending[column] = sorted
            guard sorted else {
                rest.append(condition)
                continue
            }
            // The first row whose value is past the literal (`>`), or at or past it (`>=`).
            func firstRow(where passes: (Int) -> Bool) -> Int {
                var low = 0, high = rows.count
                while low < high {
                    let middle = (low + high) / 2
                    if passes(SQLValue.compare(rows[middle][column], bound.value) ?? 0) { high = middle } else { low = middle + 1 }
                }
                return low
            }
            let matching: Range<Int> = switch bound.comparison {
            case ">": firstRow { $0 > 0 }..<rows.count
            case ">=": firstRow { $0 >= 0 }..<rows.count
            case "<": 0..<firstRow { $0 >= 0 }
            default: 0..<firstRow { $0 > 0 }
            }
            range = range.clamped(to: matching)
            used = true
        }
        guard used else { return nil }
        let remaining = rest.dropFirst().reduce(rest.first) { combined, next in combined.map { .binary("AND", $0, next) } }
        return (range, remaining)
    }

    /// The conditions of a top-level `AND` chain.
    static func conjuncts(of expression: SQLExpr) -> [SQLExpr] {
        if case .binary("AND", let left, let right) = expression { return conjuncts(of: left) + conjuncts(of: right) }
        return [expression]
    }

    /// `column <comparison> value` with the column on the left, or nil when the condition is not a comparison of one
    /// of the query's columns with a non-NULL literal.
    private mutating func keyBound(_ condition: SQLExpr) -> (column: Int, comparison: String, value: SQLValue)? {
        let mirrored = [">": "<", ">=": "<=", "<": ">", "<=": ">="]
        guard case .binary(let comparison, let left, let right) = condition, let flipped = mirrored[comparison] else { return nil }
        let (columnSide, literal, operation): (SQLExpr, SQLValue, String)
        switch (left, right) {
        case (.column, .literal(let value)): (columnSide, literal, operation) = (left, value, comparison)
        case (.literal(let value), .column): (columnSide, literal, operation) = (right, value, flipped)
        default: return nil
        }
        guard !literal.isNull, case .column(let index)? = try? compile(columnSide, visible: scopes.count, allowAggregates: false) else { return nil }
        return (index, operation, literal)
    }

    /// Whether every row's value in `column` is of `kind`'s case and no smaller than the one before.
    static func isAscending(_ rows: [[SQLValue]], column: Int, kind: SQLValue) -> Bool {
        var previous: SQLValue?
        for row in rows {
            let value = row[column]
            guard value.isKind(of: kind) else { return false }
            if let previous, (SQLValue.compare(previous, value) ?? 1) > 0 { return false }
            previous = value
        }
        return true
    }
}
