import Foundation
import NetSuiteClient

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
