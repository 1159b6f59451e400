import CSV
import Foundation
import NetSuiteAuth

/// Writes rows with ordered columns as JSON Lines or CSV.
public struct RowWriter: Sendable {
    public enum Format: Sendable { case jsonl, csv }
    public let format: Format
    public private(set) var columns: [String] = []
    private var wroteHeader = false

    public init(format: Format) { self.format = format }

    /// The text of `rows` (with the CSV header before the first), given the columns seen so far.
    /// - Throws: in CSV, when a later page has a column the header lacks (it was NULL in every earlier row).
    public mutating func encode(_ rows: [[String: String]], pageColumns: [String]) throws -> Data {
        for column in pageColumns where !columns.contains(column) {
            if format == .csv && wroteHeader {
                throw SuiteBridgeError(.invalidInput, "The column \(column) first appears after the CSV header was written (it was NULL in every earlier row).",
                                       remedy: "Write JSON Lines (.jsonl), or select it with NVL(\(column), '') so it is never NULL.", field: "out")
            }
            columns.append(column)
        }
        switch format {
        case .jsonl:
            var text = ""
            for row in rows {
                text += "{"
                var first = true
                for column in columns {
                    guard let value = row[column] else { continue }
                    if !first { text += "," }
                    first = false
                    JSONString.append(column, to: &text)
                    text += ":"
                    JSONString.append(value, to: &text)
                }
                text += "}\n"
            }
            return Data(text.utf8)
        case .csv:
            let stream = OutputStream.toMemory()
            let writer = try CSVWriter(stream: stream)
            if !wroteHeader {
                try writer.write(row: columns)
                wroteHeader = true
            } else if rows.isEmpty {
                return Data()
            }
            for row in rows { try writer.write(row: columns.map { row[$0] ?? "" }) }
            writer.stream.close()
            var data = (writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data) ?? Data()
            data.append(UInt8(ascii: "\n"))
            return data
        }
    }

}
