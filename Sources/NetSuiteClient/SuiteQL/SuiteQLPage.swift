import Foundation

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
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let items = object["items"] as? [[String: Any]]
        else {
            throw NetSuiteError(
                code: .malformedResponse, request: request, message: "The SuiteQL answer is not NetSuite's collection envelope.",
                remedy: "Check that the base URL points at NetSuite (or the simulator).")
        }
        rows = items.map { item in
            var values: [String: String] = [:]
            for (key, value) in item where key != "links" {
                switch value {
                case let text as String: values[key] = text
                case let number as NSNumber: values[key] = number.stringValue
                default: continue
                }
            }
            return SuiteQLRow(values: values)
        }
        offset = (object["offset"] as? NSNumber)?.intValue ?? 0
        hasMore = (object["hasMore"] as? Bool) ?? false
        totalResults = (object["totalResults"] as? NSNumber)?.intValue
        columns = Self.columnOrder(body: body, keys: Set(rows.flatMap(\.values.keys)))
    }

    /// Orders `keys` by where each first appears as `"key":` in the raw body (JSONSerialization loses the order).
    static func columnOrder(body: [UInt8], keys: Set<String>) -> [String] {
        guard !keys.isEmpty else { return [] }
        var firstSeen: [String: Int] = [:]
        var index = 0
        let quote = UInt8(ascii: "\""), colon = UInt8(ascii: ":"), backslash = UInt8(ascii: "\\")
        while index < body.count && firstSeen.count < keys.count {
            guard body[index] == quote, index == 0 || body[index - 1] != backslash else {
                index += 1
                continue
            }
            var end = index + 1
            while end < body.count && body[end] != quote { end += body[end] == backslash ? 2 : 1 }
            if end + 1 < body.count && body[end + 1] == colon {
                let key = String(decoding: body[(index + 1)..<end], as: UTF8.self)
                if keys.contains(key) && firstSeen[key] == nil { firstSeen[key] = index }
            }
            index = end + 1
        }
        return keys.sorted { (firstSeen[$0] ?? .max, $0) < (firstSeen[$1] ?? .max, $1) }
    }
}
