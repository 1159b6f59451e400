import Foundation

extension SuiteQLEvaluator {
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

    static func function(_ name: String, _ values: [SQLValue]) -> SQLValue {
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
            // Positions and lengths are clamped to what a string can hold: a huge or non-finite number must not trap.
            func position(_ value: Double) -> Int? { value.isFinite ? Int(max(-1e12, min(1e12, value)).rounded(.towardZero)) : nil }
            guard !first.isNull, let startValue = values.count > 1 ? values[1].number : nil, let start = position(startValue) else { return .null }
            let characters = Array(first.text)
            var from = start - 1
            if start < 0 { from = characters.count + start }
            from = max(0, from)
            guard from < characters.count else { return .null }
            guard let length = values.count > 2 ? position(values[2].number ?? 0) : characters.count - from else { return .null }
            return .string(String(characters[from..<min(characters.count, from + max(0, length))]))
        case "TO_DATE":
            guard !first.isNull else { return .null }
            if case .date = first { return first }
            let format = values.count > 1 ? values[1].text : "MM/DD/YYYY"
            return DateFormat.named(format).parse(first.text).map(SQLValue.date) ?? .null
        case "TO_CHAR":
            guard !first.isNull else { return .null }
            if case .date(let date) = first {
                return .string(DateFormat.named(values.count > 1 ? values[1].text : "MM/DD/YYYY").format(date))
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
