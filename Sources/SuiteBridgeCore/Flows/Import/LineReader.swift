import Foundation

/// The lines of a file, read 64 KiB at a time. A line over ``maximumLength`` (1 MiB unless the reader is made with
/// another) is skipped without being held in memory and reported as ``Line/tooLong``.
final class LineReader {
    /// One line without its `\n`, or the note that it was too long to read.
    enum Line {
        case text(ArraySlice<UInt8>)
        case tooLong
    }

    /// The longest line read by default: 1 MiB.
    static let maximumLength = 1 << 20
    private let maximumLength: Int

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The number of the line last returned, from 1.
    private(set) var lineNumber = 0

    init?(path: String, maximumLength: Int = LineReader.maximumLength) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
        self.maximumLength = maximumLength
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
                return discarding || line.count > maximumLength ? .tooLong : .text(line)
            }
            if atEnd {
                guard start < buffer.count || discarding else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return discarding || line.count > maximumLength ? .tooLong : .text(line)
            }
            if buffer.count - start > maximumLength {
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
