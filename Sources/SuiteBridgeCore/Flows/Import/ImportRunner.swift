import Foundation
import NetSuiteClient
import SQLKit

/// Runs an import: each row of a CSV or JSON Lines file becomes an upsert by external id. Rows NetSuite refuses are
/// recorded with its message and path and written to the error file; the others go on. Progress is checkpointed
/// every chunk, and a run taken over by another worker resumes there (upserts make re-sent rows harmless). The file
/// is read a chunk at a time (``ImportSource``).
struct ImportRunner {
    let context: RunContext
    let client: NetSuiteClient
    static let chunkSize = 200

    func run() async throws -> RunSummary {
        guard let spec = context.claimed.flow.definition.import else { throw SuiteBridgeError(.invalidInput, "The flow has no import settings.", remedy: "") }
        var source = try ImportSource(path: try context.worker.core.files.sourceFile(spec.source, field: "import.source"))
        source.skip(context.claimed.checkpoint.flatMap(Int.init) ?? 0)
        let parallelism = max(1, client.configuration.concurrencyLimit * 2)
        // A chunk at a time: read, upsert in parallel, checkpoint. Only one chunk's rows are in memory.
        while true {
            let first = source.count
            var chunk: [ImportSource.Row] = []
            while chunk.count < Self.chunkSize, let row = source.next() { chunk.append(row) }
            if chunk.isEmpty { break }
            try await withThrowingTaskGroup(of: Void.self) { group in
                var running = 0
                for (offset, row) in chunk.enumerated() {
                    if running == parallelism {
                        try await group.next()
                        running -= 1
                    }
                    let number = first + offset + 1
                    group.addTask {
                        switch row {
                        case .values(let values): try await upsert(values, number: number, spec: spec)
                        case .malformed(let message): try await context.refuse(row: number, externalID: nil, message: message, path: nil)
                        }
                    }
                    running += 1
                }
                try await group.waitForAll()
            }
            let refused = try await context.refusedCount()
            try await context.checkpoint(String(source.count), read: source.count, written: source.count - refused, failed: refused)
        }
        let total = source.count
        let refused = try await context.refusedCount()
        var summary = RunSummary(read: total, written: total - refused, failed: refused)
        if refused > 0 {
            let path = try await writeErrorFile(spec.errorFile ?? spec.source + ".errors.jsonl")
            summary.log = "\(total) rows: \(total - refused) upserted, \(refused) refused (see \(path))\n"
        } else {
            summary.log = "\(total) rows upserted\n"
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

    /// Writes the refused rows as JSON Lines; returns the file's path.
    private func writeErrorFile(_ path: String) async throws -> String {
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
        // A new file (mode 0600) beside the source; when the name is taken, the run's own name, so no file is replaced.
        let files = context.worker.core.files
        let handle: FileHandle
        var written = path
        do {
            handle = try files.createNewFile(path, field: "import.errorFile")
        } catch let error as SuiteBridgeError where error.code == .conflict {
            written = (path as NSString).deletingPathExtension + "-\(runID.prefix(8))." + ((path as NSString).pathExtension.isEmpty ? "jsonl" : (path as NSString).pathExtension)
            handle = try files.createNewFile(written, field: "import.errorFile")
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(lines.utf8))
        return written
    }
}
