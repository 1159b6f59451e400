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

    /// Orders `keys` as NetSuite wrote them (JSONSerialization loses the order): each item's keys are read from the
    /// raw body (an item starts at its `"links"` key), the longest item gives the order, and keys missing from it
    /// (NULL there) go after the key that precedes them in another item.
    static func columnOrder(body: [UInt8], keys: Set<String>) -> [String] {
        guard !keys.isEmpty else { return [] }
        var sequences: [[String]] = [[]]
        var index = 0
        let quote = UInt8(ascii: "\""), colon = UInt8(ascii: ":"), backslash = UInt8(ascii: "\\")
        while index < body.count {
            guard body[index] == quote else {
                index += 1
                continue
            }
            var end = index + 1
            while end < body.count && body[end] != quote { end += body[end] == backslash ? 2 : 1 }
            guard end < body.count else { break }
            if end + 1 < body.count && body[end + 1] == colon {
                let key = String(decoding: body[(index + 1)..<end], as: UTF8.self)
                if key == "links" {
                    sequences.append([])
                } else if keys.contains(key) {
                    sequences[sequences.count - 1].append(key)
                }
            }
            index = end + 1
        }
        var order = sequences.max { $0.count < $1.count } ?? []
        for sequence in sequences {
            for (position, key) in sequence.enumerated() where !order.contains(key) {
                let after = position > 0 ? order.firstIndex(of: sequence[position - 1]).map { $0 + 1 } : 0
                order.insert(key, at: after ?? order.count)
            }
        }
        return order + keys.subtracting(order).sorted()
    }
}
