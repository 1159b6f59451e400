/// The syntax tree of the SuiteQL subset the simulator runs.
indirect enum SQLExpr: Sendable, Hashable {
    case literal(SQLValue)
    case column(table: String?, name: String)
    case negate(SQLExpr)
    case not(SQLExpr)
    case binary(String, SQLExpr, SQLExpr)
    case like(SQLExpr, SQLExpr, negated: Bool)
    case inList(SQLExpr, [SQLExpr], negated: Bool)
    case between(SQLExpr, SQLExpr, SQLExpr, negated: Bool)
    case isNull(SQLExpr, negated: Bool)
    case function(String, [SQLExpr], distinct: Bool)
    case countStar
    case rownum
    case caseWhen([SQLWhen], otherwise: SQLExpr?)

    static let aggregateNames: Set<String> = ["COUNT", "SUM", "MIN", "MAX", "AVG"]

    var containsAggregate: Bool {
        switch self {
        case .countStar: true
        case .function(let name, let args, _): Self.aggregateNames.contains(name) || args.contains { $0.containsAggregate }
        case .literal, .column, .rownum: false
        case .negate(let e), .not(let e), .isNull(let e, _): e.containsAggregate
        case .binary(_, let a, let b), .like(let a, let b, _): a.containsAggregate || b.containsAggregate
        case .inList(let e, let list, _): e.containsAggregate || list.contains { $0.containsAggregate }
        case .between(let a, let b, let c, _): a.containsAggregate || b.containsAggregate || c.containsAggregate
        case .caseWhen(let whens, let otherwise):
            whens.contains { $0.condition.containsAggregate || $0.result.containsAggregate } || (otherwise?.containsAggregate ?? false)
        }
    }
}

struct SQLWhen: Sendable, Hashable {
    var condition: SQLExpr
    var result: SQLExpr
}

struct SQLSelectItem: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case all(table: String?)
        case expression(SQLExpr, alias: String?)
    }
    var kind: Kind
}

struct SQLTableRef: Sendable, Hashable {
    var table: String
    var alias: String
}

struct SQLJoin: Sendable, Hashable {
    var isLeft: Bool
    var table: SQLTableRef
    var condition: SQLExpr
}

struct SQLOrderItem: Sendable, Hashable {
    var expression: SQLExpr
    var ascending: Bool
}

struct SQLSelect: Sendable, Hashable {
    var distinct = false
    var top: Int?
    var items: [SQLSelectItem] = []
    var from: SQLTableRef
    var joins: [SQLJoin] = []
    var filter: SQLExpr?
    var groupBy: [SQLExpr] = []
    var having: SQLExpr?
    var orderBy: [SQLOrderItem] = []
}

/// Why a query cannot run, in NetSuite's words (the part after "Detailed unprocessed description follows.").
struct SuiteQLError: Error, Sendable, Equatable {
    var description: String

    static let unsupported = SuiteQLError(description: "Search error occurred: Invalid or unsupported search.")

    /// An expression nested deeper, or longer, than ``SQLParser/maximumDepth`` / ``SQLParser/maximumNodes``: refused
    /// before it could exhaust the stack of the parser or the evaluator (both recurse over the tree).
    static let tooComplex = SuiteQLError(description: "Search error occurred: The query is too complex (nested too deeply or too many conditions).")

    static func unknownIdentifier(_ name: String, available: String) -> SuiteQLError {
        SuiteQLError(description: "Search error occurred: Unknown identifier '\(name)'. Available identifiers are: {\(available)}.")
    }

    static func invalidSearchType(_ name: String) -> SuiteQLError {
        SuiteQLError(description: "Invalid search type: \(name).")
    }

    /// The whole `detail` NetSuite sends.
    var detail: String { "Invalid search query. Detailed unprocessed description follows. \(description)" }
}
