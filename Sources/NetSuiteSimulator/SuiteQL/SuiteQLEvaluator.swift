import Foundation

/// The rows a query returns, with lower-case column names.
struct SuiteQLResult: Sendable {
    var columns: [String]
    var rows: [[SQLValue]]
}

/// Runs a parsed query over a catalog: joins, filter, grouping, projection, ordering, DISTINCT and TOP.
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

    private struct Scope {
        var alias: String
        var table: SQLTable
        var offset: Int
    }

    private let catalog: SuiteQLCatalog
    private var scopes: [Scope] = []
    private var aggregates: [Aggregate] = []

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

    static func run(_ select: SQLSelect, catalog: SuiteQLCatalog) throws(SuiteQLError) -> SuiteQLResult {
        var evaluator = SuiteQLEvaluator(catalog: catalog)
        return try evaluator.execute(select)
    }

    // MARK: Execution

    private mutating func execute(_ select: SQLSelect) throws(SuiteQLError) -> SuiteQLResult {
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

        // WHERE, with ROWNUM counting rows as they pass.
        if let filter = select.filter {
            let predicate = try compile(filter, visible: scopes.count, allowAggregates: false)
            var kept: [[SQLValue]] = []
            kept.reserveCapacity(rows.count)
            for row in rows where Self.test(predicate, row: row, aggregates: [], rownum: kept.count + 1) == true {
                kept.append(row)
            }
            rows = kept
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
                guard position >= 1, Int(position) <= names.count else { throw .unsupported }
                orderKeys.append((.output(Int(position) - 1), order.ascending))
            } else {
                orderKeys.append((.source(try compile(order.expression, visible: scopes.count, allowAggregates: grouped)), order.ascending))
            }
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

    private var available: String {
        scopes.map { "\($0.alias)=\($0.table.name)" }.joined(separator: ", ")
    }

    /// Columns used outside aggregates must be grouped by.
    private func checkGrouping(_ select: SQLSelect, groupBy: [SQLExpr]) throws(SuiteQLError) {
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

    private static func join(
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

    // MARK: Compilation

    private mutating func compile(_ expression: SQLExpr, visible: Int, allowAggregates: Bool) throws(SuiteQLError) -> Compiled {
        func sub(_ e: SQLExpr) throws(SuiteQLError) -> Compiled { try compile(e, visible: visible, allowAggregates: allowAggregates) }
        switch expression {
        case .literal(let value): return .literal(value)
        case .rownum: return .rownum
        case .column(let table, let name):
            let candidates = scopes.prefix(visible).filter { table == nil || $0.alias == table }
            for scope in candidates {
                if let index = scope.table.columnIndex(name) { return .column(scope.offset + index) }
            }
            throw .unknownIdentifier(table.map { "\($0).\(name)" } ?? name, available: available)
        case .countStar:
            guard allowAggregates else { throw .unsupported }
            aggregates.append(Aggregate(name: "COUNT", argument: nil, distinct: false, syntax: expression))
            return .aggregate(aggregates.count - 1)
        case .function(let name, let args, let distinct) where SQLExpr.aggregateNames.contains(name):
            guard allowAggregates, args.count == 1, !args[0].containsAggregate else { throw .unsupported }
            let argument = try compile(args[0], visible: visible, allowAggregates: false)
            aggregates.append(Aggregate(name: name, argument: argument, distinct: distinct, syntax: expression))
            return .aggregate(aggregates.count - 1)
        case .function(let name, let args, _):
            guard Self.functions.contains(name) else { throw .unsupported }
            var compiled: [Compiled] = []
            for arg in args { compiled.append(try sub(arg)) }
            return .function(name, compiled)
        case .negate(let e): return .negate(try sub(e))
        case .not(let e): return .not(try sub(e))
        case .binary(let op, let a, let b): return .binary(op, try sub(a), try sub(b))
        case .like(let a, let b, let negated): return .like(try sub(a), try sub(b), negated: negated)
        case .inList(let e, let list, let negated):
            var items: [Compiled] = []
            for item in list { items.append(try sub(item)) }
            return .inList(try sub(e), items, negated: negated)
        case .between(let a, let b, let c, let negated): return .between(try sub(a), try sub(b), try sub(c), negated: negated)
        case .isNull(let e, let negated): return .isNull(try sub(e), negated: negated)
        case .caseWhen(let whens, let otherwise):
            var compiled: [(Compiled, Compiled)] = []
            for when in whens { compiled.append((try sub(when.condition), try sub(when.result))) }
            return .caseWhen(compiled, otherwise: try otherwise.map { e throws(SuiteQLError) in try sub(e) })
        }
    }

    static let functions: Set<String> = [
        "UPPER", "LOWER", "NVL", "COALESCE", "TO_DATE", "TO_CHAR", "TO_NUMBER", "TRUNC", "ROUND", "ABS", "LENGTH",
        "SUBSTR", "CONCAT", "BUILTIN.DF", "TRIM",
    ]

    // MARK: Evaluation

    static func aggregate(_ aggregate: Aggregate, rows: [[SQLValue]]) -> SQLValue {
        guard let argument = aggregate.argument else { return .number(Double(rows.count)) }
        var values = rows.map { evaluate(argument, row: $0, aggregates: [], rownum: 0) }.filter { !$0.isNull }
        if aggregate.distinct {
            var seen = Set<SQLValue>()
            values = values.filter { seen.insert($0.groupKey).inserted }
        }
        switch aggregate.name {
        case "COUNT": return .number(Double(values.count))
        case "SUM":
            let numbers = values.compactMap(\.number)
            return numbers.isEmpty ? .null : .number(numbers.reduce(0, +))
        case "AVG":
            let numbers = values.compactMap(\.number)
            return numbers.isEmpty ? .null : .number(numbers.reduce(0, +) / Double(numbers.count))
        case "MIN": return values.min { (SQLValue.compare($0, $1) ?? 0) < 0 } ?? .null
        case "MAX": return values.max { (SQLValue.compare($0, $1) ?? 0) < 0 } ?? .null
        default: return .null
        }
    }

    /// Three-valued logic: `true`, `false`, or `nil` (unknown, from a NULL).
    static func test(_ expression: Compiled, row: [SQLValue], aggregates: [SQLValue], rownum: Int) -> Bool? {
        func value(_ e: Compiled) -> SQLValue { evaluate(e, row: row, aggregates: aggregates, rownum: rownum) }
        switch expression {
        case .binary("AND", let a, let b):
            let left = test(a, row: row, aggregates: aggregates, rownum: rownum)
            if left == false { return false }
            let right = test(b, row: row, aggregates: aggregates, rownum: rownum)
            if right == false { return false }
            return left == true && right == true ? true : nil
        case .binary("OR", let a, let b):
            let left = test(a, row: row, aggregates: aggregates, rownum: rownum)
            if left == true { return true }
            let right = test(b, row: row, aggregates: aggregates, rownum: rownum)
            if right == true { return true }
            return left == false && right == false ? false : nil
        case .not(let e):
            return test(e, row: row, aggregates: aggregates, rownum: rownum).map { !$0 }
        case .binary(let op, let a, let b) where ["=", "<>", "<", "<=", ">", ">="].contains(op):
            guard let order = SQLValue.compare(value(a), value(b)) else { return nil }
            switch op {
            case "=": return order == 0
            case "<>": return order != 0
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        case .like(let a, let b, let negated):
            let subject = value(a), pattern = value(b)
            if subject.isNull || pattern.isNull { return nil }
            let matched = like(Array(subject.text.unicodeScalars), Array(pattern.text.unicodeScalars))
            return negated ? !matched : matched
        case .inList(let e, let list, let negated):
            let subject = value(e)
            if subject.isNull { return nil }
            var sawNull = false
            for item in list {
                let candidate = value(item)
                if candidate.isNull { sawNull = true; continue }
                if SQLValue.compare(subject, candidate) == 0 { return !negated }
            }
            return sawNull ? nil : negated
        case .between(let e, let low, let high, let negated):
            guard let a = SQLValue.compare(value(e), value(low)), let b = SQLValue.compare(value(e), value(high)) else { return nil }
            let inside = a >= 0 && b <= 0
            return negated ? !inside : inside
        case .isNull(let e, let negated):
            let isNull = value(e).isNull
            return negated ? !isNull : isNull
        default:
            let result = value(expression)
            if result.isNull { return nil }
            return result.text == "T" || (result.number.map { $0 != 0 } ?? false)
        }
    }

    static func evaluate(_ expression: Compiled, row: [SQLValue], aggregates: [SQLValue], rownum: Int) -> SQLValue {
        func value(_ e: Compiled) -> SQLValue { evaluate(e, row: row, aggregates: aggregates, rownum: rownum) }
        switch expression {
        case .literal(let v): return v
        case .column(let index): return index < row.count ? row[index] : .null
        case .aggregate(let index): return index < aggregates.count ? aggregates[index] : .null
        case .rownum: return .number(Double(rownum))
        case .negate(let e):
            guard let n = value(e).number else { return .null }
            return .number(-n)
        case .binary("||", let a, let b):
            return .string(value(a).text + value(b).text)
        case .binary(let op, let a, let b) where ["+", "-", "*", "/"].contains(op):
            let left = value(a), right = value(b)
            if case .date(let date) = left, let days = right.number {
                return .date(date.addingTimeInterval((op == "-" ? -days : days) * 86_400))
            }
            guard let x = left.number, let y = right.number else { return .null }
            switch op {
            case "+": return .number(x + y)
            case "-": return .number(x - y)
            case "*": return .number(x * y)
            default: return y == 0 ? .null : .number(x / y)
            }
        case .caseWhen(let whens, let otherwise):
            for (condition, result) in whens where test(condition, row: row, aggregates: aggregates, rownum: rownum) == true {
                return value(result)
            }
            return otherwise.map(value) ?? .null
        case .function(let name, let args):
            let values = args.map(value)
            return function(name, values)
        default:
            guard let result = test(expression, row: row, aggregates: aggregates, rownum: rownum) else { return .null }
            return .string(result ? "T" : "F")
        }
    }

    private static func function(_ name: String, _ values: [SQLValue]) -> SQLValue {
        let first = values.first ?? .null
        switch name {
        case "UPPER": return first.isNull ? .null : .string(first.text.uppercased())
        case "LOWER": return first.isNull ? .null : .string(first.text.lowercased())
        case "TRIM": return first.isNull ? .null : .string(first.text.trimmingCharacters(in: .whitespaces))
        case "NVL", "COALESCE": return values.first { !$0.isNull } ?? .null
        case "LENGTH": return first.isNull ? .null : .number(Double(first.text.count))
        case "ABS": return first.number.map { .number(abs($0)) } ?? .null
        case "CONCAT": return .string(values.map(\.text).joined())
        case "BUILTIN.DF": return first.isNull ? .null : .string(first.text)
        case "TO_NUMBER": return first.number.map(SQLValue.number) ?? .null
        case "ROUND":
            guard let n = first.number else { return .null }
            let places = values.count > 1 ? (values[1].number ?? 0) : 0
            let factor = pow(10, places)
            return .number((n * factor).rounded() / factor)
        case "TRUNC":
            if case .date(let date) = first {
                let day = SimulatorDates.calendar.startOfDay(for: date)
                return .date(day)
            }
            return first.number.map { .number($0 < 0 ? ($0).rounded(.up) : ($0).rounded(.down)) } ?? .null
        case "SUBSTR":
            guard !first.isNull, let start = values.count > 1 ? values[1].number : nil else { return .null }
            let characters = Array(first.text)
            var from = Int(start) - 1
            if Int(start) < 0 { from = characters.count + Int(start) }
            from = max(0, from)
            guard from < characters.count else { return .null }
            let length = values.count > 2 ? Int(values[2].number ?? 0) : characters.count - from
            return .string(String(characters[from..<min(characters.count, from + max(0, length))]))
        case "TO_DATE":
            guard !first.isNull else { return .null }
            if case .date = first { return first }
            let format = values.count > 1 ? values[1].text : "MM/DD/YYYY"
            return DateFormat(format).parse(first.text).map(SQLValue.date) ?? .null
        case "TO_CHAR":
            guard !first.isNull else { return .null }
            if case .date(let date) = first {
                return .string(DateFormat(values.count > 1 ? values[1].text : "MM/DD/YYYY").format(date))
            }
            return .string(first.text)
        default: return .null
        }
    }

    /// SQL LIKE: `%` any run, `_` one character.
    static func like(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var dp = Array(repeating: false, count: text.count + 1)
        dp[0] = true
        for p in pattern {
            var next = Array(repeating: false, count: text.count + 1)
            if p == "%" {
                var any = false
                for i in 0...text.count {
                    any = any || dp[i]
                    next[i] = any
                }
            } else {
                for i in 0..<text.count where dp[i] && (p == "_" || p == text[i]) { next[i + 1] = true }
            }
            dp = next
        }
        return dp[text.count]
    }
}

extension SQLValue {
    /// Equal keys for values SQL considers equal: numbers and numeric strings, dates, text.
    var joinKey: SQLValue {
        if let number { return .number(number) }
        return self
    }

    var groupKey: SQLValue { joinKey }
}

/// Oracle date formats: YYYY, MM, DD, HH24, HH, MI, SS, and literal text (quoted or punctuation).
struct DateFormat {
    enum Part { case year, month, day, hour, minute, second, literal(String) }
    var parts: [Part] = []

    init(_ format: String) {
        var rest = Substring(format.uppercased())
        let original = format
        var offset = 0
        while !rest.isEmpty {
            if rest.hasPrefix("YYYY") { parts.append(.year); rest = rest.dropFirst(4); offset += 4 }
            else if rest.hasPrefix("HH24") { parts.append(.hour); rest = rest.dropFirst(4); offset += 4 }
            else if rest.hasPrefix("MM") { parts.append(.month); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("DD") { parts.append(.day); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("HH") { parts.append(.hour); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("MI") { parts.append(.minute); rest = rest.dropFirst(2); offset += 2 }
            else if rest.hasPrefix("SS") { parts.append(.second); rest = rest.dropFirst(2); offset += 2 }
            else if rest.first == "\"" {
                let body = rest.dropFirst()
                let literal = body.prefix { $0 != "\"" }
                let start = original.index(original.startIndex, offsetBy: offset + 1)
                let end = original.index(start, offsetBy: literal.count)
                parts.append(.literal(String(original[start..<end])))
                rest = body.dropFirst(literal.count + 1)
                offset += literal.count + 2
            } else {
                parts.append(.literal(String(rest.first ?? " ")))
                rest = rest.dropFirst()
                offset += 1
            }
        }
    }

    func format(_ date: Date) -> String {
        let c = SimulatorDates.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return parts.map { part in
            switch part {
            case .year: String(format: "%04d", c.year ?? 0)
            case .month: String(format: "%02d", c.month ?? 0)
            case .day: String(format: "%02d", c.day ?? 0)
            case .hour: String(format: "%02d", c.hour ?? 0)
            case .minute: String(format: "%02d", c.minute ?? 0)
            case .second: String(format: "%02d", c.second ?? 0)
            case .literal(let text): text
            }
        }.joined()
    }

    func parse(_ text: String) -> Date? {
        var rest = Substring(text)
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0
        func number(_ maxDigits: Int) -> Int? {
            let digits = rest.prefix(maxDigits).prefix { $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            return value
        }
        for part in parts {
            switch part {
            case .year: guard let v = number(4) else { return nil }; year = v
            case .month: guard let v = number(2) else { return nil }; month = v
            case .day: guard let v = number(2) else { return nil }; day = v
            case .hour: guard let v = number(2) else { return nil }; hour = v
            case .minute: guard let v = number(2) else { return nil }; minute = v
            case .second: guard let v = number(2) else { return nil }; second = v
            case .literal(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            }
        }
        guard rest.isEmpty else { return nil }
        return SimulatorDates.make(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}
