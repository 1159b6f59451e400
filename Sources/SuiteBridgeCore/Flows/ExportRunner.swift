import Foundation
import NetSuiteClient

/// Runs an export: the query's rows, page by page, to a file in a folder or to an HTTP endpoint in batches.
///
/// Incremental exports read from the saved watermark minus the overlap window, skip the rows of the window that
/// were exported unchanged, and return the new watermark, which the worker saves only when the run succeeds.
struct ExportRunner {
    let context: RunContext
    let client: NetSuiteClient

    static let watermarkFormat = "yyyy-MM-dd HH:mm:ss"

    static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = watermarkFormat
        return formatter
    }

    func run() async throws -> RunSummary {
        let flow = context.claimed.flow
        guard let export = flow.definition.export else { throw SuiteBridgeError(.invalidInput, "The flow has no export settings.", remedy: "") }
        let key = (export.keyColumn ?? "id").lowercased()
        let overlap = TimeInterval(export.overlapSeconds ?? 300)
        let formatter = Self.formatter()
        var query = export.query
        var previousBoundary: [String: String] = [:]
        var since = "1970-01-01 00:00:00"
        if export.watermarkColumn != nil {
            if let watermark = flow.watermark, let date = formatter.date(from: watermark) {
                since = formatter.string(from: date.addingTimeInterval(-overlap))
            }
            previousBoundary = context.claimed.boundary.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
            query = query.replacingOccurrences(of: "{{since}}", with: "TO_DATE('\(since)', 'YYYY-MM-DD HH24:MI:SS')")
        }
        var sink: any ExportSink = switch export.destination.type {
        case .folder: try FolderSink(destination: export.destination, flow: flow.name, runID: context.claimed.runID)
        case .http: HTTPSink(destination: export.destination, flow: flow.name, runID: context.claimed.runID, transport: context.worker.core.transport)
        }
        var summary = RunSummary()
        var skipped = 0
        let watermarkColumn = export.watermarkColumn?.lowercased()
        var newWatermark = flow.watermark
        var boundary: [String: String] = [:]
        do {
            for try await page in client.suiteQL(query, keyColumn: export.keyColumn) {
                var rows: [[String: String]] = []
                rows.reserveCapacity(page.rows.count)
                for row in page.rows {
                    summary.read += 1
                    if let watermarkColumn, let modified = row[watermarkColumn] {
                        if let id = row[key], previousBoundary[id] == modified {
                            skipped += 1
                            continue
                        }
                        if modified > (newWatermark ?? "") { newWatermark = modified }
                        if let id = row[key] { boundary[id] = modified }
                    }
                    rows.append(row.values)
                }
                try await sink.write(rows, columns: page.columns)
                summary.written += rows.count
                if boundary.count > 20_000, let newest = newWatermark, let date = formatter.date(from: newest) {
                    let cutoff = formatter.string(from: date.addingTimeInterval(-overlap))
                    boundary = boundary.filter { $0.value >= cutoff }
                }
            }
            try await sink.finish()
        } catch {
            await sink.abandon()
            throw error
        }
        summary.log = "read \(summary.read) rows, wrote \(summary.written) to \(sink.location)" + (skipped > 0 ? ", skipped \(skipped) already exported unchanged" : "") + "\n"
        if watermarkColumn != nil, let newest = newWatermark, let date = formatter.date(from: newest) {
            let cutoff = formatter.string(from: date.addingTimeInterval(-overlap))
            // Rows of the window exported earlier and not read again stay known, so they are not sent twice.
            let kept = boundary.merging(previousBoundary.filter { $0.value >= cutoff }) { current, _ in current }.filter { $0.value >= cutoff }
            summary.watermark = newest
            summary.boundary = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
        }
        return summary
    }
}

/// Where an export writes.
protocol ExportSink: Sendable {
    var location: String { get }
    mutating func write(_ rows: [[String: String]], columns: [String]) async throws
    mutating func finish() async throws
    func abandon() async
}

/// A file per run in a folder, written under a temporary name and renamed when complete.
struct FolderSink: ExportSink {
    let finalPath: String
    let partialPath: String
    var writer: RowWriter
    let handle: FileHandle

    var location: String { finalPath }

    init(destination: FlowDefinition.Destination, flow: String, runID: String) throws {
        let folder = destination.path ?? "."
        let format = destination.format ?? "jsonl"
        // Milliseconds, so the files of one flow sort in the order of its runs even when runs follow within a second.
        let formatter = ExportRunner.formatter()
        formatter.dateFormat = "yyyy-MM-dd'T'HHmmss.SSS"
        let stamp = formatter.string(from: Date())
        finalPath = (folder as NSString).appendingPathComponent("\(flow)-\(stamp)-\(runID.prefix(8)).\(format)")
        partialPath = finalPath + ".partial"
        writer = RowWriter(format: format == "csv" ? .csv : .jsonl)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: partialPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partialPath))
        } catch {
            throw SuiteBridgeError(.invalidInput, "The export folder \(folder) cannot be written.", remedy: "Create it or choose a writable folder.",
                                   field: "export.destination.path")
        }
    }

    mutating func write(_ rows: [[String: String]], columns: [String]) async throws {
        try handle.write(contentsOf: try writer.encode(rows, pageColumns: columns))
    }

    mutating func finish() async throws {
        try handle.synchronize()
        try handle.close()
        guard rename(partialPath, finalPath) == 0 else {
            throw SuiteBridgeError(.invalidInput, "The finished export could not be renamed to \(finalPath).", remedy: "Check the folder's permissions.",
                                   field: "export.destination.path")
        }
    }

    func abandon() async {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }
}

/// Batches of rows POSTed as JSON, each with an `Idempotency-Key` of run and batch, so a batch sent twice (a retry,
/// a resumed run) can be recognised by the receiver.
struct HTTPSink: ExportSink {
    let url: String
    let batchSize: Int
    let flow: String
    let runID: String
    let transport: HTTPClientTransport
    var pending: [[String: String]] = []
    var batch = 0

    var location: String { url }

    init(destination: FlowDefinition.Destination, flow: String, runID: String, transport: HTTPClientTransport) {
        url = destination.url ?? ""
        batchSize = max(1, destination.batchSize ?? 500)
        self.flow = flow
        self.runID = runID
        self.transport = transport
    }

    mutating func write(_ rows: [[String: String]], columns: [String]) async throws {
        pending += rows
        while pending.count >= batchSize {
            let chunk = Array(pending.prefix(batchSize))
            pending.removeFirst(batchSize)
            try await send(chunk)
        }
    }

    mutating func finish() async throws {
        if !pending.isEmpty || batch == 0 { try await send(pending) }
        pending = []
    }

    func abandon() async {}

    private mutating func send(_ rows: [[String: String]]) async throws {
        batch += 1
        let body = try JSONSerialization.data(withJSONObject: ["flow": flow, "run": runID, "batch": batch, "rows": rows], options: [.sortedKeys])
        let request = NetSuiteHTTPRequest(method: "POST", url: url, headers: [
            ("Content-Type", "application/json"), ("Idempotency-Key", "\(runID)-\(batch)"),
        ], body: Array(body))
        var lastProblem = ""
        for attempt in 1...4 {
            do {
                let response = try await transport.send(request, timeout: .seconds(60))
                if (200..<300).contains(response.status) { return }
                lastProblem = "HTTP \(response.status)"
                if response.status < 500 && response.status != 429 { break }
            } catch {
                lastProblem = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(200 * (1 << attempt)))
        }
        throw SuiteBridgeError(.invalidInput, "The export endpoint \(url) refused batch \(batch): \(lastProblem).",
                               remedy: "Check the endpoint; the run can be run again (batches carry Idempotency-Key headers).", field: "export.destination.url")
    }
}
