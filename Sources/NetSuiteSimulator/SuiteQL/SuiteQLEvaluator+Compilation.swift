import Foundation

extension SuiteQLEvaluator {
    // MARK: Compilation

    mutating func compile(_ expression: SQLExpr, visible: Int, allowAggregates: Bool) throws(SuiteQLError) -> Compiled {
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
}
