/// One SuiteQL row: lower-case column names to NetSuite's string values (NULL columns are absent).
///
/// The rows of a page share one table of their columns and hold only their values, by position: a page of 1,000
/// rows costs one array per row instead of one dictionary.
public struct SuiteQLRow: Sendable, Hashable {
    /// The column names a page's rows have values for, each at its position; shared by the page's rows.
    final class Layout: Sendable {
        let names: [String]
        let positions: [String: Int]

        init(names: [String]) {
            self.names = names
            positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let layout: Layout
    /// Values by position in `layout` (a row read before a column first appeared is shorter).
    let fields: [String?]

    init(layout: Layout, fields: [String?]) {
        self.layout = layout
        self.fields = fields
    }

    public init(values: [String: String]) {
        let names = values.keys.sorted()
        self.init(layout: Layout(names: names), fields: names.map { values[$0] })
    }

    /// Every non-NULL column and its value.
    public var values: [String: String] {
        var values: [String: String] = [:]
        values.reserveCapacity(fields.count)
        for (position, field) in fields.enumerated() {
            if let field { values[layout.names[position]] = field }
        }
        return values
    }

    public subscript(column: String) -> String? {
        guard let position = layout.positions[column] ?? layout.positions[column.lowercased()] else { return nil }
        return value(at: position)
    }

    /// The value at `position`, a position ``SuiteQLPage/position(of:)`` gave for this row's page; `nil` for NULL.
    public func value(at position: Int) -> String? {
        position < fields.count ? fields[position] : nil
    }

    public static func == (lhs: SuiteQLRow, rhs: SuiteQLRow) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
}

/// One page of a SuiteQL result.
public struct SuiteQLPage: Sendable {
    public var rows: [SuiteQLRow]
    /// The columns in the order NetSuite wrote them (first appearance across the page).
    public var columns: [String]
    public var offset: Int
    public var hasMore: Bool
    /// How many rows the query has in all (may exceed what offset paging reaches).
    public var totalResults: Int?

    /// Reads NetSuite's collection envelope.
    init(body: [UInt8], request: String) throws {
        let envelope: SuiteQLPageParser.Envelope
        do {
            envelope = try SuiteQLPageParser.parse(body)
        } catch {
            throw NetSuiteError(
                code: .malformedResponse, request: request, message: "The SuiteQL answer is not NetSuite's collection envelope.",
                remedy: "Check that the base URL points at NetSuite (or the simulator).")
        }
        let layout = SuiteQLRow.Layout(names: envelope.names)
        self.rows = envelope.rows.map { SuiteQLRow(layout: layout, fields: $0) }
        self.columns = envelope.order
        self.offset = envelope.offset
        self.hasMore = envelope.hasMore
        self.totalResults = envelope.totalResults
        self.layout = layout
    }

    let layout: SuiteQLRow.Layout

    /// Where `column`'s value is in each of this page's rows (``SuiteQLRow/value(at:)``), or `nil` when no row of
    /// the page has it.
    public func position(of column: String) -> Int? { layout.positions[column] }
}
