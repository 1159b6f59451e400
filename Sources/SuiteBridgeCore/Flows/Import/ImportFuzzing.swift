import Foundation

/// The import readers and the schedule parser, for the fuzz targets (`Fuzz/`): any bytes, rows or errors, never a
/// crash.
package enum CoreFuzzing {
    private static let folder = NSTemporaryDirectory() + "suitebridge-fuzz-\(getpid())"

    /// Reads `bytes` as a whole import file (CSV, or JSON Lines) to its end or its first unrecoverable error.
    package static func importFile(_ bytes: [UInt8], jsonLines: Bool) {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + (jsonLines ? "/input.jsonl" : "/input.csv")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        guard var source = try? ImportSource(path: path, externalIDColumn: "ref") else { return }
        var externalIDs = ExternalIDLines()
        while let row = try? source.next() {
            if case .values(let values, let line) = row { _ = externalIDs.firstLine(of: values["ref"] ?? "", seenOn: line) }
        }
    }

    /// Parses `text` as a flow schedule and asks for its next two runs.
    package static func schedule(_ text: String) {
        guard let schedule = try? FlowSchedule(parsing: text) else { return }
        let next = schedule.next(after: Date(timeIntervalSince1970: 1_790_000_000))
        _ = schedule.next(after: next)
    }
}
