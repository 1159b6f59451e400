/// Tokenizes and parses the SuiteQL subset: SELECT [DISTINCT] [TOP n] … FROM t [alias] [[INNER|LEFT [OUTER]] JOIN …
/// ON …] [WHERE …] [GROUP BY …] [HAVING …] [ORDER BY … [ASC|DESC]].
struct SQLParser {
    enum Token: Sendable, Equatable {
        case word(String)  // identifiers and keywords, upper-cased; `original` keeps the case
        case quoted(String)
        case number(Double)
        case symbol(String)
        case end
    }

    private var tokens: [(token: Token, original: String)] = []
    private var position = 0
    /// How deep the expression being parsed is nested (parentheses, NOT, unary signs, CASE, function arguments).
    private var depth = 0
    /// Expression nodes made so far: a chain `a OR b OR …` is as deep a tree as it is long.
    private var nodes = 0

    /// The deepest nesting parsed: far beyond real queries, far within a 512 KiB task stack.
    static let maximumDepth = 100
    /// The longest chain of one operator (`a OR b OR …`), which the evaluator walks as deep as it is long.
    static let maximumChain = 500
    /// The most expression nodes in one query.
    static let maximumNodes = 20_000

    init(_ text: String) throws(SuiteQLError) {
        tokens = try Self.tokenize(text)
    }

    static func parse(_ text: String) throws(SuiteQLError) -> SQLSelect {
        var parser = try SQLParser(text)
        let select = try parser.parseSelect()
        if parser.peek != .end && parser.peek != .symbol(";") { throw .unsupported }
        return select
    }

    // MARK: Tokens

    private static func tokenize(_ text: String) throws(SuiteQLError) -> [(token: Token, original: String)] {
        var result: [(token: Token, original: String)] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func isWordStart(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s == "_" }
        func isWord(_ s: Unicode.Scalar) -> Bool { isWordStart(s) || ("0"..."9").contains(s) || s == "$" || s == "#" }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "-" && index + 1 < scalars.count && scalars[index + 1] == "-" {
                while index < scalars.count && scalars[index] != "\n" { index += 1 }
            } else if isWordStart(scalar) {
                var word = ""
                while index < scalars.count && isWord(scalars[index]) {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                result.append((.word(word.uppercased()), word))
            } else if ("0"..."9").contains(scalar) || (scalar == "." && index + 1 < scalars.count && ("0"..."9").contains(scalars[index + 1])) {
                var digits = ""
                while index < scalars.count && (("0"..."9").contains(scalars[index]) || scalars[index] == ".") {
                    digits.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard let number = Double(digits) else { throw .unsupported }
                result.append((.number(number), digits))
            } else if scalar == "'" {
                var text = ""
                index += 1
                while true {
                    guard index < scalars.count else { throw .unsupported }
                    if scalars[index] == "'" {
                        if index + 1 < scalars.count && scalars[index + 1] == "'" {
                            text += "'"
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    text.unicodeScalars.append(scalars[index])
                    index += 1
                }
                result.append((.quoted(text), text))
            } else if scalar == "\"" {
                var word = ""
                index += 1
                while index < scalars.count && scalars[index] != "\"" {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count else { throw .unsupported }
                index += 1
                result.append((.word(word.uppercased()), word))
            } else {
                let two = index + 1 < scalars.count ? String(scalar) + String(scalars[index + 1]) : ""
                if ["<=", ">=", "<>", "!=", "||"].contains(two) {
                    result.append((.symbol(two), two))
                    index += 2
                } else if "=<>(),.*+-/;".unicodeScalars.contains(scalar) {
                    result.append((.symbol(String(scalar)), String(scalar)))
                    index += 1
                } else {
                    throw .unsupported
                }
            }
        }
        result.append((.end, ""))
        return result
    }

    private var peek: Token { tokens[position].token }
    private func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)].token }

    private mutating func advance() -> (token: Token, original: String) {
        let current = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return current
    }

    private mutating func accept(_ keyword: String) -> Bool {
        if peek == .word(keyword) || peek == .symbol(keyword) {
            position += 1
            return true
        }
        return false
    }

    private mutating func expect(_ keyword: String) throws(SuiteQLError) {
        guard accept(keyword) else { throw .unsupported }
    }

    private static let reserved: Set<String> = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "JOIN", "INNER", "LEFT", "RIGHT", "OUTER", "ON",
        "AND", "OR", "NOT", "AS", "ASC", "DESC", "LIKE", "IN", "BETWEEN", "IS", "NULL", "DISTINCT", "TOP", "CASE", "WHEN",
        "THEN", "ELSE", "END", "UNION", "FULL", "CROSS", "NULLS", "FIRST", "LAST",
    ]

    private mutating func identifier() throws(SuiteQLError) -> String {
        let (token, original) = advance()
        guard case .word(let word) = token, !Self.reserved.contains(word) else { throw .unsupported }
        return original.lowercased()
    }

    // MARK: Statement

    private mutating func parseSelect() throws(SuiteQLError) -> SQLSelect {
        try expect("SELECT")
        var distinct = false
        if accept("DISTINCT") { distinct = true }
        var top: Int?
        if accept("TOP") {
            // A whole number a row count can be (found by fuzzing: TOP 3555…5 trapped converting to Int).
            guard case .number(let n) = advance().token, n >= 0, n == n.rounded(), let count = Int(exactly: min(n, 1e15)) else { throw .unsupported }
            top = count
        }
        var items: [SQLSelectItem] = []
        repeat {
            items.append(try parseSelectItem())
        } while accept(",")
        try expect("FROM")
        let from = try parseTableRef()
        var joins: [SQLJoin] = []
        while true {
            var isLeft = false
            if accept("LEFT") {
                _ = accept("OUTER")
                isLeft = true
            } else if accept("INNER") {
            } else if peek == .word("RIGHT") || peek == .word("FULL") || peek == .word("CROSS") || peek == .symbol(",") {
                throw .unsupported
            } else if peek != .word("JOIN") {
                break
            }
            try expect("JOIN")
            let table = try parseTableRef()
            try expect("ON")
            joins.append(SQLJoin(isLeft: isLeft, table: table, condition: try parseExpression()))
        }
        var select = SQLSelect(distinct: distinct, top: top, items: items, from: from, joins: joins)
        if accept("WHERE") { select.filter = try parseExpression() }
        if accept("GROUP") {
            try expect("BY")
            repeat { select.groupBy.append(try parseExpression()) } while accept(",")
        }
        if accept("HAVING") { select.having = try parseExpression() }
        if accept("ORDER") {
            try expect("BY")
            repeat {
                let expression = try parseExpression()
                var ascending = true
                if accept("DESC") { ascending = false } else { _ = accept("ASC") }
                if accept("NULLS") { if !accept("FIRST") { try expect("LAST") } }
                select.orderBy.append(SQLOrderItem(expression: expression, ascending: ascending))
            } while accept(",")
        }
        return select
    }

    private mutating func parseSelectItem() throws(SuiteQLError) -> SQLSelectItem {
        if accept("*") { return SQLSelectItem(kind: .all(table: nil)) }
        if case .word(let word) = peek, !Self.reserved.contains(word), peek(1) == .symbol("."), peek(2) == .symbol("*") {
            let table = try identifier()
            position += 2
            return SQLSelectItem(kind: .all(table: table))
        }
        let expression = try parseExpression()
        var alias: String?
        if accept("AS") {
            alias = try identifier()
        } else if case .word(let word) = peek, !Self.reserved.contains(word) {
            alias = try identifier()
        }
        return SQLSelectItem(kind: .expression(expression, alias: alias))
    }

    private mutating func parseTableRef() throws(SuiteQLError) -> SQLTableRef {
        let table = try identifier()
        var alias = table
        if accept("AS") {
            alias = try identifier()
        } else if case .word(let word) = peek, !Self.reserved.contains(word) {
            alias = try identifier()
        }
        return SQLTableRef(table: table, alias: alias)
    }

    // MARK: Expressions

    /// Enters one level of nesting, counting one node.
    /// - Throws: ``SuiteQLError/tooComplex`` beyond ``maximumDepth`` or ``maximumNodes``.
    private mutating func enter() throws(SuiteQLError) {
        depth += 1
        try count()
        if depth > Self.maximumDepth { throw .tooComplex }
    }

    private mutating func count() throws(SuiteQLError) {
        nodes += 1
        if nodes > Self.maximumNodes { throw .tooComplex }
    }

    mutating func parseExpression() throws(SuiteQLError) -> SQLExpr {
        try enter()
        defer { depth -= 1 }
        var left = try parseAnd()
        // A left-deep chain: each link makes the tree one level deeper for the evaluator.
        var chain = 0
        while accept("OR") {
            chain += 1
            if depth + chain > Self.maximumChain { throw .tooComplex }
            try count()
            left = .binary("OR", left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(SuiteQLError) -> SQLExpr {
        var left = try parseNot()
        var chain = 0
        while accept("AND") {
            chain += 1
            if depth + chain > Self.maximumChain { throw .tooComplex }
            try count()
            left = .binary("AND", left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(SuiteQLError) -> SQLExpr {
        if accept("NOT") {
            try enter()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parsePredicate()
    }

    private mutating func parsePredicate() throws(SuiteQLError) -> SQLExpr {
        let left = try parseAdditive()
        if case .symbol(let op) = peek, ["=", "<>", "!=", "<", "<=", ">", ">="].contains(op) {
            position += 1
            return .binary(op == "!=" ? "<>" : op, left, try parseAdditive())
        }
        if accept("IS") {
            let negated = accept("NOT")
            try expect("NULL")
            return .isNull(left, negated: negated)
        }
        let negated = accept("NOT")
        if accept("LIKE") { return .like(left, try parseAdditive(), negated: negated) }
        if accept("IN") {
            try expect("(")
            var list: [SQLExpr] = []
            repeat { list.append(try parseAdditive()) } while accept(",")
            try expect(")")
            if list.count > 1000 { throw .unsupported }
            return .inList(left, list, negated: negated)
        }
        if accept("BETWEEN") {
            let low = try parseAdditive()
            try expect("AND")
            return .between(left, low, try parseAdditive(), negated: negated)
        }
        if negated { throw .unsupported }
        return left
    }

    private mutating func parseAdditive() throws(SuiteQLError) -> SQLExpr {
        var left = try parseMultiplicative()
        var chain = 0
        while true {
            chain += 1
            if depth + chain > Self.maximumChain { throw .tooComplex }
            try count()
            if accept("+") { left = .binary("+", left, try parseMultiplicative()) }
            else if accept("-") { left = .binary("-", left, try parseMultiplicative()) }
            else if accept("||") { left = .binary("||", left, try parseMultiplicative()) }
            else { return left }
        }
    }

    private mutating func parseMultiplicative() throws(SuiteQLError) -> SQLExpr {
        var left = try parseUnary()
        var chain = 0
        while true {
            chain += 1
            if depth + chain > Self.maximumChain { throw .tooComplex }
            try count()
            if accept("*") { left = .binary("*", left, try parseUnary()) }
            else if accept("/") { left = .binary("/", left, try parseUnary()) }
            else { return left }
        }
    }

    private mutating func parseUnary() throws(SuiteQLError) -> SQLExpr {
        if accept("-") || accept("+") {
            let negative = tokens[position - 1].token == .symbol("-")
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return negative ? .negate(operand) : operand
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(SuiteQLError) -> SQLExpr {
        let (token, original) = advance()
        switch token {
        case .number(let value): return .literal(.number(value))
        case .quoted(let text): return .literal(.string(text))
        case .symbol("("):
            let inner = try parseExpression()
            try expect(")")
            return inner
        case .word("NULL"): return .literal(.null)
        case .word("ROWNUM"): return .rownum
        case .word("CASE"):
            var whens: [SQLWhen] = []
            while accept("WHEN") {
                let condition = try parseExpression()
                try expect("THEN")
                whens.append(SQLWhen(condition: condition, result: try parseExpression()))
            }
            let otherwise: SQLExpr? = accept("ELSE") ? try parseExpression() : nil
            try expect("END")
            if whens.isEmpty { throw .unsupported }
            return .caseWhen(whens, otherwise: otherwise)
        case .word(let word) where !Self.reserved.contains(word):
            var name = word
            var qualifier: String? = nil
            if peek == .symbol(".") {
                position += 1
                let (next, nextOriginal) = advance()
                guard case .word(let member) = next else { throw .unsupported }
                if peek == .symbol("(") {
                    name = word + "." + member  // BUILTIN.DF(…)
                } else {
                    qualifier = original.lowercased()
                    return .column(table: qualifier, name: nextOriginal.lowercased())
                }
            }
            if accept("(") {
                if name == "COUNT" && accept("*") {
                    try expect(")")
                    return .countStar
                }
                let distinct = accept("DISTINCT")
                var arguments: [SQLExpr] = []
                if !accept(")") {
                    repeat { arguments.append(try parseExpression()) } while accept(",")
                    try expect(")")
                }
                return .function(name, arguments, distinct: distinct)
            }
            return .column(table: nil, name: original.lowercased())
        default:
            throw .unsupported
        }
    }
}
