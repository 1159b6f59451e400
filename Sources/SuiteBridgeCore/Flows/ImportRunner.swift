import CSV
import Foundation
import NetSuiteClient
import SQLKit

/// Runs an import: each row of a CSV or JSON Lines file becomes an upsert by external id. Rows NetSuite refuses are
/// recorded with its message and path and written to the error file; the others go on. Progress is checkpointed
/// every chunk, and a run taken over by another worker resumes there (upserts make re-sent rows harmless).
struct ImportRunner {
    let context: RunContext
    let client: NetSuiteClient
    static let chunkSize = 200

    func run() async throws -> RunSummary {
        guard let spec = context.claimed.flow.definition.import else { throw SuiteBridgeError(.invalidInput, "The flow has no import settings.", remedy: "") }
        let rows = try Self.readRows(spec.source)
        let start = min(rows.count, context.claimed.checkpoint.flatMap(Int.init) ?? 0)
        let parallelism = max(1, client.configuration.concurrencyLimit * 2)
        var index = start
        while index < rows.count {
            let end = min(rows.count, index + Self.chunkSize)
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = index
                var running = 0
                while next < end || running > 0 {
                    while running < parallelism, next < end {
                        let number = next + 1
                        let row = rows[next]
                        group.addTask { try await upsert(row, number: number, spec: spec) }
                        next += 1
                        running += 1
                    }
                    try await group.next()
                    running -= 1
                }
            }
            index = end
            let refused = try await context.refusedCount()
            try await context.checkpoint(String(index), read: index, written: index - refused, failed: refused)
        }
        let refused = try await context.refusedCount()
        var summary = RunSummary(read: rows.count, written: rows.count - refused, failed: refused)
        if refused > 0 {
            let path = spec.errorFile ?? spec.source + ".errors.jsonl"
            try await writeErrorFile(path)
            summary.log = "\(rows.count) rows: \(rows.count - refused) upserted, \(refused) refused (see \(path))\n"
        } else {
            summary.log = "\(rows.count) rows upserted\n"
        }
        return summary
    }

    private func upsert(_ row: [String: String], number: Int, spec: FlowDefinition.Import) async throws {
        let externalID = row[spec.externalIdColumn].flatMap { $0.isEmpty ? nil : $0 }
        guard let externalID else {
            try await context.refuse(row: number, externalID: nil, message: "The row has no value in \(spec.externalIdColumn), its external id.", path: spec.externalIdColumn)
            return
        }
        var body: [String: Any] = ["externalId": externalID]
        for (field, mapping) in spec.mapping {
            guard let value = mapping.constant ?? mapping.column.flatMap({ row[$0] }), !value.isEmpty else { continue }
            switch mapping.reference {
            case "internal": body[field] = ["id": value]
            case "external": body[field] = ["externalId": value]
            default: body[field] = value
            }
        }
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        do {
            _ = try await client.records.upsert(spec.recordType, externalID: externalID, json: json)
        } catch let error as NetSuiteError where error.code == .response && (400..<500).contains(error.status ?? 0) && error.status != 429 {
            try await context.refuse(row: number, externalID: externalID, message: error.detail ?? error.message, path: error.errorPath)
        }
    }

    private func writeErrorFile(_ path: String) async throws {
        let runID = context.claimed.runID
        let refused = try await context.store.read { database in
            try await database.raw("SELECT row_number, external_id, message, path FROM run_errors WHERE run_id = \(bind: runID) ORDER BY row_number").all()
        }
        var lines = ""
        for row in refused {
            var object: [String: Any] = ["row": try row.decode(column: "row_number", as: Int.self), "message": try row.decode(column: "message", as: String.self)]
            if let id = try row.decode(column: "external_id", as: String?.self) { object["externalId"] = id }
            if let field = try row.decode(column: "path", as: String?.self) { object["path"] = field }
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(lines.utf8)) else {
            throw SuiteBridgeError(.invalidInput, "The error file \(path) cannot be written.", remedy: "Choose a writable errorFile.", field: "import.errorFile")
        }
    }

    /// The rows of a CSV file with a header, or of a JSON Lines file (values as text).
    static func readRows(_ path: String) throws -> [[String: String]] {
        guard let stream = InputStream(fileAtPath: path), FileManager.default.fileExists(atPath: path) else {
            throw SuiteBridgeError(.invalidInput, "The import source \(path) cannot be read.", remedy: "Give the path of a CSV or JSON Lines file.", field: "import.source")
        }
        if path.lowercased().hasSuffix(".jsonl") || path.lowercased().hasSuffix(".ndjson") {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            var rows: [[String: String]] = []
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    throw SuiteBridgeError(.invalidInput, "Line \(number + 1) of \(path) is not a JSON object.", remedy: "Fix the line.", field: "import.source")
                }
                rows.append(object.mapValues { value in
                    switch value {
                    case let text as String: text
                    case let number as NSNumber: number.stringValue
                    default: "\(value)"
                    }
                })
            }
            return rows
        }
        do {
            let reader = try CSVReader(stream: stream, hasHeaderRow: true)
            let header = reader.headerRow ?? []
            var rows: [[String: String]] = []
            while let fields = reader.next() {
                var row: [String: String] = [:]
                for (column, value) in zip(header, fields) { row[column] = value }
                rows.append(row)
            }
            return rows
        } catch {
            throw SuiteBridgeError(.invalidInput, "\(path) is not a CSV file with a header row: \(error).", remedy: "Fix the file, or use JSON Lines (.jsonl).", field: "import.source")
        }
    }
}
