import Foundation
import NetSuiteClient

/// A file per run in a folder inside the files root, written (mode 0600) under a temporary name and renamed when
/// complete.
struct FolderSink: ExportSink {
    let finalPath: String
    let partialPath: String
    var writer: RowWriter
    let handle: FileHandle

    var location: String { finalPath }

    init(destination: FlowDefinition.Destination, flow: String, runID: String, files: FileBoundary) throws {
        let folder = try files.makeFolder(destination.path ?? ".", field: "export.destination.path")
        let format = destination.format ?? "jsonl"
        // Milliseconds, so the files of one flow sort in the order of its runs even when runs follow within a second.
        let formatter = ExportRunner.formatter()
        formatter.dateFormat = "yyyy-MM-dd'T'HHmmss.SSS"
        let stamp = formatter.string(from: Date())
        finalPath = (folder as NSString).appendingPathComponent("\(flow)-\(stamp)-\(runID.prefix(8)).\(format)")
        partialPath = finalPath + ".partial"
        writer = RowWriter(format: format == "csv" ? .csv : .jsonl)
        handle = try files.createNewFile(partialPath, field: "export.destination.path")
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
