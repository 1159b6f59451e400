import ArgumentParser
import Foundation
import SuiteBridgeCore
import NetSuiteClient

/// `suitebridge query "SELECT …" [--format F] [--limit N]`.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Run a SuiteQL query and print its rows (all pages, fetched in parallel, in order).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The SuiteQL query.")
    var query: String
    @Option(help: "table (default on a terminal), json, jsonl or csv.")
    var format: OutputFormat?
    @Option(help: "Stop after this many rows.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more.") }
    }

    func run() async throws {
        let client = try await connection.makeClient()
        let format = self.format ?? .automatic
        var rows: [[String: String]] = []
        var columns: [String] = []
        var writer = RowWriter(format: format == .csv ? .csv : .jsonl)
        let pageSize = limit.map { Swift.min(1000, $0) } ?? 1000
        var remaining = limit ?? .max
        for try await page in client.suiteQL(query, pageSize: pageSize) {
            let taken = Array(page.rows.prefix(remaining).map(\.values))
            remaining -= taken.count
            switch format {
            case .jsonl, .csv:
                FileHandle.standardOutput.write(try writer.encode(taken, pageColumns: page.columns))
            case .json, .table:
                for column in page.columns where !columns.contains(column) { columns.append(column) }
                rows += taken
            }
            if remaining <= 0 { break }
        }
        switch format {
        case .json:
            var text = "["
            var jsonl = RowWriter(format: .jsonl)
            let lines = String(decoding: try jsonl.encode(rows, pageColumns: columns), as: UTF8.self).split(separator: "\n")
            text += lines.joined(separator: ",\n ")
            print(text + "]")
        case .table:
            TableOutput.print(columns: columns, rows: rows)
        default:
            break
        }
    }
}

/// Aligned columns for a terminal.
enum TableOutput {
    static func print(columns: [String], rows: [[String: String]]) {
        guard !columns.isEmpty else {
            Swift.print("(no rows)")
            return
        }
        let widths = columns.map { column in min(48, max(column.count, rows.map { ($0[column] ?? "").count }.max() ?? 0)) }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { value, width in
                let clipped = value.count > width ? String(value.prefix(width - 1)) + "…" : value
                return clipped.padding(toLength: width, withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        Swift.print(line(columns))
        Swift.print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { Swift.print(line(columns.map { row[$0] ?? "" })) }
        Swift.print("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
    }
}
