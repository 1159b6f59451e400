/// One SuiteQL row: lower-case column names to NetSuite's string values (NULL columns are absent).
public struct SuiteQLRow: Sendable, Hashable {
    public var values: [String: String]

    public init(values: [String: String]) { self.values = values }

    public subscript(column: String) -> String? { values[column.lowercased()] }
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
        var order: [String] = []
        var rows: [SuiteQLRow] = []
        rows.reserveCapacity(envelope.rows.count)
        for pairs in envelope.rows {
            var values: [String: String] = [:]
            values.reserveCapacity(pairs.count)
            for (position, pair) in pairs.enumerated() {
                values[pair.key] = pair.value
                if !order.contains(pair.key) {
                    // A column first seen here goes after the column that precedes it in this row.
                    let after = position > 0 ? order.firstIndex(of: pairs[position - 1].key).map { $0 + 1 } : 0
                    order.insert(pair.key, at: after ?? order.count)
                }
            }
            rows.append(SuiteQLRow(values: values))
        }
        self.rows = rows
        self.columns = order
        self.offset = envelope.offset
        self.hasMore = envelope.hasMore
        self.totalResults = envelope.totalResults
    }
}
