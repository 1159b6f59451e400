import Crypto
import Foundation
import NetSuiteClient
import SQLKit

/// Runs an import: each row of a CSV or JSON Lines file becomes an upsert by external id.
///
/// Every line is accounted for: a row is upserted, refused (by NetSuite, or because it cannot be read, or because
/// its external id was already on an earlier line), or skipped (a blank line), so that read = written + failed +
/// skipped. Refused rows are recorded with their line, external id when known, message and path, and written to the
/// error file; the others go on. Where the rest of the file cannot be trusted (a CSV quote never closed), the rows
/// before that line are imported and the run fails naming it. A header that lacks a mapped column fails the run
/// before anything is sent. Progress is checkpointed every chunk, and a run taken over by another worker resumes
/// there (upserts make re-sent rows harmless). The file is read a chunk at a time (``ImportSource``).
struct ImportRunner {
    let context: RunContext
    let client: NetSuiteClient
    static let chunkSize = 200

    func run() async throws -> RunSummary {
        guard let spec = context.claimed.flow.definition.import else { throw SuiteBridgeError(.invalidInput, "The flow has no import settings.", remedy: "") }
        var source = try ImportSource(path: try context.worker.core.files.sourceFile(spec.source, field: "import.source"), externalIDColumn: spec.externalIdColumn)
        if let columns = source.columns { try Self.checkColumns(columns, of: spec) }
        var externalIDs = ExternalIDLines()
        var skipped = 0
        // A resumed run reads the rows done before without sending them, to know their external ids and blank lines.
        let resumeAt = context.claimed.checkpoint.flatMap(Int.init) ?? 0
        while source.count < resumeAt, let row = try source.next() {
            switch row {
            case .values(let values, let line): _ = externalIDs.firstLine(of: values[spec.externalIdColumn] ?? "", seenOn: line)
            case .blank: skipped += 1
            case .refused: break
            }
        }
        let parallelism = max(1, client.configuration.concurrencyLimit * 2)
        let sender = RecordSender(recordType: spec.recordType, externalIDPath: spec.externalIdColumn, mapping: spec.mapping,
                                  lookups: context.worker.core.lookups, client: client)
        let batching = spec.perRecord == true ? nil : context.batching
        // Batches take 100 rows a request: a chunk gives every request in flight a full batch.
        let chunkSize = batching == nil ? Self.chunkSize : max(Self.chunkSize, NetSuiteClient.Records.batchLimit * parallelism)
        var stoppedAt: (any Error)?
        // A chunk at a time: read, upsert in parallel, checkpoint. Only one chunk's rows are in memory.
        while stoppedAt == nil {
            var chunk: [ImportSource.Row] = []
            do {
                while chunk.count < chunkSize, let row = try source.next() { chunk.append(row) }
            } catch {
                stoppedAt = error  // the rows before it are still imported; nothing after it
            }
            if chunk.isEmpty { break }
            var sends: [(values: [String: String], line: Int)] = []
            for row in chunk {
                switch row {
                case .blank:
                    skipped += 1
                case .refused(let line, let externalID, let message):
                    try await context.refuse(row: line, .init(externalID: externalID, message: message, code: "source",
                                                              remedy: "Fix the line in the file, or give its values with errors edit, then retry."), sourceRow: [:], sourceLine: line)
                case .values(let values, let line):
                    let externalID = values[spec.externalIdColumn] ?? ""
                    if let first = externalIDs.firstLine(of: externalID, seenOn: line) {
                        try await context.refuse(row: line, .init(externalID: externalID, message: """
                            Line \(line): the external id \(externalID) is also on line \(first) of this file; this row was not sent, as it would overwrite \
                            that one. Keep one row per external id.
                            """, field: spec.externalIdColumn, code: "duplicate", remedy: "Keep one row per external id."), sourceRow: values, sourceLine: line)
                    } else {
                        sends.append((values, line))
                    }
                }
            }
            let outcomes = try await sender.sendAll(sends.map { (SourceRow(text: $0.values), $0.line) }, parallelism: parallelism, batching: batching)
            var upserted: [String] = []
            for (send, outcome) in zip(sends, outcomes) {
                switch outcome {
                case .upserted(let externalID): upserted.append(externalID)
                case .refused(let refusal): try await context.refuse(row: send.line, refusal, sourceRow: send.values, sourceLine: send.line)
                }
            }
            try await context.resolved(externalIDs: upserted)
            let refused = try await context.refusedCount()
            try await context.checkpoint(String(source.count), read: source.count, written: source.count - refused - skipped, failed: refused, skipped: skipped)
        }
        let total = source.count
        let refused = try await context.refusedCount()
        var summary = RunSummary(read: total, written: total - refused - skipped, failed: refused, skipped: skipped)
        let blank = skipped > 0 ? ", \(skipped) blank line\(skipped == 1 ? "" : "s") skipped" : ""
        summary.log = "\(total) rows read: \(summary.written) upserted, \(refused) refused\(blank)"
        if refused > 0 {
            let path = try await writeErrorFile(spec.errorFile ?? spec.source + ".errors.jsonl")
            summary.log += " (see \(path))"
        }
        summary.log += "\n"
        if let stoppedAt { throw stoppedAt }
        return summary
    }

    /// Fails before anything is sent when the CSV header lacks the external id column or a mapped column.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `import.mapping`, the column and the header's columns.
    static func checkColumns(_ columns: [String], of spec: FlowDefinition.Import) throws {
        var needed = [(column: spec.externalIdColumn, use: "the external id")]
        for (path, field) in spec.mapping.sourcePaths where !columns.contains(path) {
            needed.append((SourcePath(path).column, "the field \(field)"))
        }
        for (column, use) in needed where !columns.contains(column) {
            throw SuiteBridgeError(.invalidInput, "The header of \(spec.source) has no column \"\(column)\", which \(use) is read from; nothing was imported.",
                                   remedy: "Add the column to the file, or change the flow's mapping. The header's columns: \(columns.joined(separator: ", ")).",
                                   field: "import.mapping")
        }
    }

    /// Writes the refused rows as JSON Lines (`line`, `externalId`, `message`, `path`); returns the file's path.
    private func writeErrorFile(_ path: String) async throws -> String {
        let runID = context.claimed.runID
        let refused = try await context.store.read { database in
            try await database.raw("SELECT row_number, external_id, message, path FROM run_errors WHERE run_id = \(bind: runID) ORDER BY row_number").fetchAll()
        }
        var lines = ""
        for row in refused {
            var object: [String: Any] = ["line": try row.decode(column: "row_number", as: Int.self), "message": try row.decode(column: "message", as: String.self)]
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

/// The line each external id of a file was first seen on, to refuse a later row with the same id. Kept as the first
/// 8 bytes of each id's SHA-256 (the same in every process, so a resumed run rebuilds it), not the ids themselves.
struct ExternalIDLines {
    private var lines: [UInt64: Int] = [:]

    /// Records `externalID` on `line`; returns the earlier line it was on, if any. An empty id is never recorded.
    mutating func firstLine(of externalID: String, seenOn line: Int) -> Int? {
        guard !externalID.isEmpty else { return nil }
        let key = SHA256.hash(data: Data(externalID.utf8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        if let first = lines[key] { return first }
        lines[key] = line
        return nil
    }
}
