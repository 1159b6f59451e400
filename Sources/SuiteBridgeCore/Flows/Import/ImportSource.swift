import CSV
import Foundation

/// The rows of an import file, read as they are needed (memory stays flat whatever the file's size): a CSV file
/// with a header row, or JSON Lines (`.jsonl`, `.ndjson`; values as text).
struct ImportSource {
    /// One row, or a JSON Lines line that is not a JSON object (refused with this message; the rest go on).
    enum Row: Sendable {
        case values([String: String])
        case malformed(String)
    }

    private enum Reader {
        case csv(CSVReader, header: [String])
        case jsonLines(LineReader)
    }
    private var reader: Reader
    private let path: String
    /// Rows returned so far.
    private(set) var count = 0

    /// Opens `path`.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `import.source` when the file cannot be read, or a CSV
    ///   file has no header row.
    init(path: String) throws {
        self.path = path
        let unreadable = SuiteBridgeError(.invalidInput, "The import source \(path) cannot be read.", remedy: "Give the path of a CSV or JSON Lines file.", field: "import.source")
        guard FileManager.default.isReadableFile(atPath: path) else { throw unreadable }
        if path.lowercased().hasSuffix(".jsonl") || path.lowercased().hasSuffix(".ndjson") {
            guard let lines = LineReader(path: path) else { throw unreadable }
            reader = .jsonLines(lines)
        } else {
            guard let stream = InputStream(fileAtPath: path) else { throw unreadable }
            do {
                let csv = try CSVReader(stream: stream, hasHeaderRow: true)
                reader = .csv(csv, header: csv.headerRow ?? [])
            } catch {
                throw SuiteBridgeError(.invalidInput, "\(path) is not a CSV file with a header row: \(error).", remedy: "Fix the file, or use JSON Lines (.jsonl).", field: "import.source")
            }
        }
    }

    /// The next row, or `nil` at the end of the file.
    mutating func next() -> Row? {
        switch reader {
        case .csv(let csv, let header):
            guard let fields = csv.next() else { return nil }
            count += 1
            var row: [String: String] = [:]
            for (column, value) in zip(header, fields) { row[column] = value }
            return .values(row)
        case .jsonLines(let lines):
            while let read = lines.next() {
                guard case .text(let line) = read else {
                    count += 1
                    return .malformed("Line \(lines.lineNumber) of \(path) is longer than 1 MiB, the limit for one JSON Lines row; nothing of it was sent.")
                }
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
                count += 1
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                    return .malformed("Line \(lines.lineNumber) of \(path) is not a JSON object.")
                }
                return .values(object.mapValues { value in
                    switch value {
                    case let text as String: text
                    case let number as NSNumber: number.stringValue
                    default: "\(value)"
                    }
                })
            }
            return nil
        }
    }

    /// Skips `rows` rows (a resumed run's checkpoint).
    mutating func skip(_ rows: Int) {
        while count < rows, next() != nil {}
    }
}

/// The lines of a file, read 64 KiB at a time. A line over ``maximumLength`` is skipped without being held in
/// memory and reported as ``Line/tooLong``.
final class LineReader {
    /// One line without its `\n`, or the note that it was too long to read.
    enum Line {
        case text(ArraySlice<UInt8>)
        case tooLong
    }

    /// The longest line read: 1 MiB.
    static let maximumLength = 1 << 20

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The number of the line last returned, from 1.
    private(set) var lineNumber = 0

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next line, or `nil` at the end.
    func next() -> Line? {
        var discarding = false
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return discarding || line.count > Self.maximumLength ? .tooLong : .text(line)
            }
            if atEnd {
                guard start < buffer.count || discarding else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return discarding || line.count > Self.maximumLength ? .tooLong : .text(line)
            }
            if buffer.count - start > Self.maximumLength {
                // Too long to be a row: drop what was read of it and look for its end.
                discarding = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            let chunk = (try? handle.read(upToCount: 64 * 1024)) ?? nil
            buffer.removeFirst(start)
            start = 0
            if let chunk, !chunk.isEmpty { buffer += chunk } else { atEnd = true }
        }
    }
}
