/// Where a value is in a source row: a column, then members and array elements (`customer.email`, `lines[0].sku`).
/// A column whose name itself contains `.` or `[` is read whole when the row has it.
struct SourcePath: Sendable, Hashable {
    enum Step: Sendable, Hashable {
        case member(String)
        case element(Int)
    }

    let text: String
    /// The column the path starts at.
    let column: String
    /// What follows the column.
    let steps: [Step]

    init(_ text: String) {
        self.text = text
        var parts: [Step] = []
        var current = ""
        var index = text.startIndex
        var column: String?
        func flush() {
            guard !current.isEmpty else { return }
            if column == nil { column = current } else { parts.append(.member(current)) }
            current = ""
        }
        while index < text.endIndex {
            let character = text[index]
            if character == "." {
                flush()
            } else if character == "[", let close = text[index...].firstIndex(of: "]"), let number = Int(text[text.index(after: index)..<close]) {
                flush()
                if column == nil { column = "" }
                parts.append(.element(number))
                index = close
            } else {
                current.append(character)
            }
            index = text.index(after: index)
        }
        flush()
        self.column = column ?? text
        self.steps = parts
    }

    /// The value at this path in `row`; `nil` when any part is missing.
    func value(in row: SourceRow) -> JSONValue? {
        if let whole = row[text] { return whole }
        guard var value = row[column] else { return nil }
        for step in steps {
            if case .string(let nested) = value, let parsed = JSONValue.parse(nested) { value = parsed }
            switch (step, value) {
            case (.member(let name), .object(let members)):
                guard let member = members[name] else { return nil }
                value = member
            case (.element(let position), .array(let elements)):
                let at = position < 0 ? elements.count + position : position
                guard elements.indices.contains(at) else { return nil }
                value = elements[at]
            default:
                return nil
            }
        }
        return value
    }
}

/// A row as a mapping reads it: column to value. A CSV row's values are text; a JSON Lines row's values keep their
/// JSON types; a sublist line is one element of an array.
struct SourceRow: Sendable {
    var values: [String: JSONValue]

    init(values: [String: JSONValue]) { self.values = values }

    /// A flat row of text (CSV, or a JSON Lines row read as text): nested values that are JSON text are parsed when
    /// a path goes into them.
    init(text: [String: String]) { values = text.mapValues(JSONValue.string) }

    subscript(column: String) -> JSONValue? { values[column] }
}
