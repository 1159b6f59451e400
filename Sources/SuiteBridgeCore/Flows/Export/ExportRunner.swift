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
        case .folder: try FolderSink(destination: export.destination, flow: flow.name, runID: context.claimed.runID, files: context.worker.core.files)
        case .http: try await HTTPSink(destination: export.destination, flow: flow.name, runID: context.claimed.runID, policy: context.worker.core.destinations)
        }
        var summary = RunSummary()
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
                            summary.skipped += 1
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
        summary.log = "read \(summary.read) rows, wrote \(summary.written) to \(sink.location)" + (summary.skipped > 0 ? ", skipped \(summary.skipped) already exported unchanged" : "") + "\n"
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
