import Foundation

/// Runs a parsed query over a catalog: joins, filter, grouping, projection, ordering, DISTINCT and TOP.
///
/// Files: this one (execution and joins), `+Compilation` (column names to row positions), `+Evaluation`
/// (expressions, functions, aggregates, LIKE); `DateFormat` (Oracle date formats).
struct SuiteQLEvaluator {
    /// An expression with its columns resolved to positions in the joined row.
    indirect enum Compiled: Sendable {
        case literal(SQLValue)
        case column(Int)
        case aggregate(Int)
        case rownum
        case negate(Compiled)
        case not(Compiled)
        case binary(String, Compiled, Compiled)
        case like(Compiled, Compiled, negated: Bool)
        case inList(Compiled, [Compiled], negated: Bool)
        case between(Compiled, Compiled, Compiled, negated: Bool)
        case isNull(Compiled, negated: Bool)
        case function(String, [Compiled])
        case caseWhen([(Compiled, Compiled)], otherwise: Compiled?)
    }

    struct Aggregate: Sendable {
        var name: String
        var argument: Compiled?
        var distinct: Bool
        var syntax: SQLExpr
    }

    struct Scope {
        var alias: String
        var table: SQLTable
        var offset: Int
    }

    let catalog: SuiteQLCatalog
    var scopes: [Scope] = []
    var aggregates: [Aggregate] = []

    init(catalog: SuiteQLCatalog) {
        self.catalog = catalog
    }

    /// The tables a query reads (for permission checks), or an error naming an unknown table.
    static func tables(of select: SQLSelect, in catalog: SuiteQLCatalog) throws(SuiteQLError) -> [SQLTable] {
        try ([select.from] + select.joins.map(\.table)).map { reference throws(SuiteQLError) in
            guard let table = catalog.tables[reference.table] else { throw .invalidSearchType(reference.table) }
            return table
        }
    }

    /// - Parameter projectingAtMost: compute the SELECT list of only this many rows (in order); the rest are counted.
    ///   NetSuite pages through 100,000 rows at most, so a larger result is never read past them.
    static func run(_ select: SQLSelect, catalog: SuiteQLCatalog, projectingAtMost: Int? = nil) throws(SuiteQLError) -> SuiteQLResult {
        var evaluator = SuiteQLEvaluator(catalog: catalog)
        return try evaluator.execute(select, projectingAtMost: projectingAtMost)
    }

    // MARK: Execution

    private mutating func execute(_ select: SQLSelect, projectingAtMost: Int? = nil) throws(SuiteQLError) -> SuiteQLResult {
        var width = 0
        for reference in [select.from] + select.joins.map(\.table) {
            guard let table = catalog.tables[reference.table] else { throw .invalidSearchType(reference.table) }
            if scopes.contains(where: { $0.alias == reference.alias }) { throw .unsupported }
            scopes.append(Scope(alias: reference.alias, table: table, offset: width))
            width += table.columns.count
        }

        // FROM and JOIN.
        var rows = scopes[0].table.rows
        for (index, join) in select.joins.enumerated() {
            let scope = scopes[index + 1]
            let condition = try compile(join.condition, visible: index + 2, allowAggregates: false)
            rows = Self.join(rows, leftWidth: scope.offset, right: scope.table.rows, rightOffset: scope.offset,
                             condition: condition, isLeft: join.isLeft)
        }

        // WHERE, with ROWNUM counting rows as they pass. Key conditions over one table's ordered column narrow the
        // rows by binary search first (rows outside the range fail them, so ROWNUM counts the same rows).
        if let filter = select.filter {
            var candidates = rows.indices
            var remaining: SQLExpr? = filter
            if select.joins.isEmpty, let keyRange = keyRange(of: filter, rows: rows) {
                candidates = keyRange.range
                remaining = keyRange.rest
            }
            if let remaining {
                let predicate = try compile(remaining, visible: scopes.count, allowAggregates: false)
                var kept: [[SQLValue]] = []
                kept.reserveCapacity(candidates.count)
                for row in rows[candidates] where Self.test(predicate, row: row, aggregates: [], rownum: kept.count + 1) == true {
                    kept.append(row)
                }
                rows = kept
            } else if candidates.count != rows.count {
                rows = Array(rows[candidates])
            }
        }

        // SELECT list.
        var names: [String] = []
        var projections: [Compiled] = []
        var unnamed = 0
        let grouped = !select.groupBy.isEmpty || select.items.contains {
            if case .expression(let e, _) = $0.kind { return e.containsAggregate }
            return false
        } || (select.having != nil)
        for item in select.items {
            switch item.kind {
            case .all(let table):
                if grouped { throw .unsupported }
                let chosen = table.map { alias in scopes.filter { $0.alias == alias } } ?? scopes
                if chosen.isEmpty, let table { throw .unknownIdentifier("\(table).*", available: available) }
                for scope in chosen {
                    for (index, column) in scope.table.columns.enumerated() {
                        names.append(column)
                        projections.append(.column(scope.offset + index))
                    }
                }
            case .expression(let expression, let alias):
                projections.append(try compile(expression, visible: scopes.count, allowAggregates: grouped))
                if let alias {
                    names.append(alias)
                } else if case .column(_, let name) = expression {
                    names.append(name)
                } else {
                    unnamed += 1
                    names.append("expr\(unnamed)")
                }
            }
        }

        // ORDER BY keys: an output name, a position, or an expression over the source row.
        enum OrderKey { case output(Int), source(Compiled) }
        var orderKeys: [(OrderKey, Bool)] = []
        for order in select.orderBy {
            if case .column(nil, let name) = order.expression, let index = names.firstIndex(of: name) {
                orderKeys.append((.output(index), order.ascending))
            } else if case .literal(.number(let position)) = order.expression {
                guard position >= 1, position <= Double(names.count) else { throw .unsupported }
                orderKeys.append((.output(Int(position) - 1), order.ascending))
            } else {
                orderKeys.append((.source(try compile(order.expression, visible: scopes.count, allowAggregates: grouped)), order.ascending))
            }
        }

        // Without grouping or DISTINCT, only the rows that can be read need their SELECT list: order by the keys
        // alone, and project a row when a page reads it.
        if let cap = projectingAtMost, !grouped, !select.distinct {
            let keyExpressions = orderKeys.map { key -> (Compiled, Bool) in
                switch key.0 {
                case .output(let position): (projections[position], key.1)
                case .source(let compiled): (compiled, key.1)
                }
            }
            func key(_ position: Int, of row: Int) -> SQLValue {
                let expression = keyExpressions[position].0
                if case .column(let index) = expression { return index < rows[row].count ? rows[row][index] : .null }
                return Self.evaluate(expression, row: rows[row], aggregates: [], rownum: row + 1)
            }
            func compare(_ lhs: Int, _ rhs: Int) -> Int {
                for position in keyExpressions.indices {
                    let order = Self.orderCompare(key(position, of: lhs), key(position, of: rhs))
                    if order != 0 { return keyExpressions[position].1 ? order : -order }
                }
                return 0
            }
            // Rows often come in the order asked for (tables are in key order): one table's rows (filtered rows keep
            // their order) by its ascending column need no check; otherwise checked pair by pair before sorting.
            var inTableOrder = false
            if select.joins.isEmpty, keyExpressions.count == 1, keyExpressions[0].1, case .column(let column) = keyExpressions[0].0 {
                inTableOrder = column == scopes[0].table.ascendingColumn
            }
            var order: [Int]?
            if !inTableOrder, !keyExpressions.isEmpty, !rows.indices.dropFirst().allSatisfy({ compare($0 - 1, $0) <= 0 }) {
                let keys = rows.indices.map { row in keyExpressions.indices.map { key($0, of: row) } }
                order = rows.indices.sorted { lhs, rhs in
                    for (position, expression) in keyExpressions.enumerated() {
                        let order = Self.orderCompare(keys[lhs][position], keys[rhs][position])
                        if order != 0 { return expression.1 ? order < 0 : order > 0 }
                    }
                    return lhs < rhs
                }
            }
            let total = min(rows.count, select.top ?? Int.max)
            return SuiteQLResult(columns: names, total: total, source: rows, order: order, projections: projections, count: min(total, cap))
        }

        // Evaluate: one output row per source row, or per group.
        var outputs: [(values: [SQLValue], keys: [SQLValue])] = []
        if grouped {
            let groupKeys = try select.groupBy.map { expression throws(SuiteQLError) in
                try compile(expression, visible: scopes.count, allowAggregates: false)
            }
            try checkGrouping(select, groupBy: select.groupBy)
            var order: [[SQLValue]] = []
            var groups: [[SQLValue]: [[SQLValue]]] = [:]
            for row in rows {
                let key = groupKeys.map { Self.evaluate($0, row: row, aggregates: [], rownum: 0).groupKey }
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(row)
            }
            if groupKeys.isEmpty && order.isEmpty {
                order = [[]]
                groups[[]] = []
            }
            let having = try select.having.map { expression throws(SuiteQLError) in
                try compile(expression, visible: scopes.count, allowAggregates: true)
            }
            for key in order {
                let members = groups[key] ?? []
                let values = aggregates.map { Self.aggregate($0, rows: members) }
                let representative = members.first ?? Array(repeating: .null, count: width)
                if let having, Self.test(having, row: representative, aggregates: values, rownum: 0) != true { continue }
                outputs.append((
                    projections.map { Self.evaluate($0, row: representative, aggregates: values, rownum: 0) },
                    orderKeys.compactMap { key -> SQLValue? in
                        if case .source(let compiled) = key.0 { return Self.evaluate(compiled, row: representative, aggregates: values, rownum: 0) }
                        return nil
                    }))
            }
        } else {
            outputs.reserveCapacity(rows.count)
            for (index, row) in rows.enumerated() {
                outputs.append((
                    projections.map { Self.evaluate($0, row: row, aggregates: [], rownum: index + 1) },
                    orderKeys.compactMap { key -> SQLValue? in
                        if case .source(let compiled) = key.0 { return Self.evaluate(compiled, row: row, aggregates: [], rownum: index + 1) }
                        return nil
                    }))
            }
        }

        func before(_ lhs: (values: [SQLValue], keys: [SQLValue]), _ rhs: (values: [SQLValue], keys: [SQLValue])) -> Int {
            var sourceIndex = 0
            for (key, ascending) in orderKeys {
                let a: SQLValue, b: SQLValue
                switch key {
                case .output(let index):
                    a = lhs.values[index]
                    b = rhs.values[index]
                case .source:
                    a = lhs.keys[sourceIndex]
                    b = rhs.keys[sourceIndex]
                    sourceIndex += 1
                }
                let order = Self.orderCompare(a, b)
                if order != 0 { return ascending ? order : -order }
            }
            return 0
        }
        // Rows often come in the order asked for (tables are in id order): check before sorting.
        let alreadyOrdered = orderKeys.isEmpty || zip(outputs, outputs.dropFirst()).allSatisfy { before($0, $1) <= 0 }
        if !alreadyOrdered {
            outputs = outputs.enumerated().sorted { lhs, rhs in
                let order = before(lhs.element, rhs.element)
                return order != 0 ? order < 0 : lhs.offset < rhs.offset
            }.map(\.element)
        }

        var result = outputs.map(\.values)
        if select.distinct {
            var seen = Set<[SQLValue]>()
            result = result.filter { seen.insert($0).inserted }
        }
        if let top = select.top, result.count > top { result = Array(result.prefix(top)) }
        return SuiteQLResult(columns: names, rows: result)
    }

    /// Sort order with NULLs last when ascending, as Oracle does.
    static func orderCompare(_ a: SQLValue, _ b: SQLValue) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        default: return SQLValue.compare(a, b) ?? 0
        }
    }

    var available: String {
        scopes.map { "\($0.alias)=\($0.table.name)" }.joined(separator: ", ")
    }

    /// Columns used outside aggregates must be grouped by.
    func checkGrouping(_ select: SQLSelect, groupBy: [SQLExpr]) throws(SuiteQLError) {
        func check(_ expression: SQLExpr) throws(SuiteQLError) {
            if groupBy.contains(expression) { return }
            switch expression {
            case .column: throw .unsupported
            case .countStar, .literal, .rownum: return
            case .function(let name, let args, _):
                if SQLExpr.aggregateNames.contains(name) { return }
                for arg in args { try check(arg) }
            case .negate(let e), .not(let e), .isNull(let e, _): try check(e)
            case .binary(_, let a, let b), .like(let a, let b, _):
                try check(a)
                try check(b)
            case .inList(let e, let list, _):
                try check(e)
                for item in list { try check(item) }
            case .between(let a, let b, let c, _):
                try check(a)
                try check(b)
                try check(c)
            case .caseWhen(let whens, let otherwise):
                for when in whens {
                    try check(when.condition)
                    try check(when.result)
                }
                if let otherwise { try check(otherwise) }
            }
        }
        for item in select.items {
            if case .expression(let expression, _) = item.kind { try check(expression) }
        }
        if let having = select.having { try check(having) }
    }

    // MARK: Joins

    static func join(
        _ left: [[SQLValue]], leftWidth: Int, right: [[SQLValue]], rightOffset: Int, condition: Compiled, isLeft: Bool
    ) -> [[SQLValue]] {
        let rightWidth = right.first?.count ?? 0
        let nulls = Array(repeating: SQLValue.null, count: rightWidth)
        var result: [[SQLValue]] = []
        // Equality between a left column and a right column: hash join.
        if case .binary("=", .column(let a), .column(let b)) = condition, (a < rightOffset) != (b < rightOffset) {
            let leftColumn = min(a, b)
            let rightColumn = max(a, b) - rightOffset
            var index: [SQLValue: [Int]] = [:]
            for (position, row) in right.enumerated() where !row[rightColumn].isNull {
                index[row[rightColumn].joinKey, default: []].append(position)
            }
            for row in left {
                let matches = row[leftColumn].isNull ? [] : (index[row[leftColumn].joinKey] ?? [])
                if matches.isEmpty {
                    if isLeft { result.append(row + nulls) }
                } else {
                    for position in matches { result.append(row + right[position]) }
                }
            }
            return result
        }
        for row in left {
            var matched = false
            for other in right {
                let combined = row + other
                if test(condition, row: combined, aggregates: [], rownum: 0) == true {
                    result.append(combined)
                    matched = true
                }
            }
            if !matched && isLeft { result.append(row + nulls) }
        }
        return result
    }
}
