import Foundation

/// The records of a CSV file (RFC 4180: fields separated by commas, records by LF or CRLF, fields that hold a comma,
/// a quote or a line break enclosed in double quotes, a quote in such a field doubled), read 64 KiB at a time,
/// each with the line it starts on and checked as it is read.
///
/// CSV.swift, which writes SuiteBridge's CSV exports, reads leniently: an invalid UTF-8 sequence ends a field early
/// and the rest of the row is read as a new one, and a quote that is never closed takes the rest of the file into
/// one field, both without an error. An import must say which line is wrong and lose nothing, so it reads with this.
final class CSVRecordReader {
    /// One record, or what makes it unreadable (the records after it can still be read).
    enum Record: Equatable {
        /// The record's fields (bytes; ``ImportSource`` checks that each is UTF-8) and the line it starts on.
        case fields([[UInt8]], line: Int)
        /// A line with nothing on it.
        case blank(line: Int)
        /// A record that cannot be read as fields: the message says why and how to fix it.
        case unreadable(String, line: Int)
    }

    /// A quote opened and never closed: everything after it would be one field, so nothing after it can be trusted.
    struct UnclosedQuote: Error, Equatable {
        /// The line of the record whose field opens the quote.
        var recordLine: Int
        /// The line the quote opens on.
        var quoteLine: Int
    }

    /// The longest record read: 1 MiB. A longer one is skipped without being held in memory.
    static let maximumLength = 1 << 20

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// The line the next byte is on, from 1.
    private var line = 1
    private var startedFile = false

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    deinit { try? handle.close() }

    private enum State {
        case fieldStart, unquoted, quoted, afterClosingQuote
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    /// The next record, or `nil` at the end of the file.
    /// - Throws: ``UnclosedQuote`` when the file ends inside a quoted field.
    func next() throws -> Record? {
        if !startedFile {
            startedFile = true
            // A UTF-8 byte order mark (Excel writes one) is not part of the first column's name.
            if peek() == 0xEF, peek(1) == 0xBB, peek(2) == 0xBF { position += 3 }
        }
        guard peek() != nil else { return nil }
        let recordLine = line
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var length = 0
        var state = State.fieldStart
        var quoteLine = line
        var problem: String?
        func keep(_ byte: UInt8) {
            length += 1
            if length <= Self.maximumLength { field.append(byte) } else if !field.isEmpty || !fields.isEmpty {
                field = []
                fields = []
            }
        }
        reading: while true {
            guard let byte = take() else {
                if state == .quoted { throw UnclosedQuote(recordLine: recordLine, quoteLine: quoteLine) }
                break reading
            }
            // Outside quotes, a comma ends the field and a line end the record.
            if state != .quoted {
                if byte == Self.comma {
                    fields.append(field)
                    field = []
                    state = .fieldStart
                    continue reading
                }
                if byte == Self.lineFeed { break reading }
                if byte == Self.carriageReturn, peek() == Self.lineFeed { continue reading }
            }
            switch state {
            case .fieldStart where byte == Self.quote:
                state = .quoted
                quoteLine = line
            case .fieldStart, .unquoted:
                // A quote inside an unquoted field is kept as it is (as most readers do).
                keep(byte)
                state = .unquoted
            case .quoted:
                if byte == Self.quote { state = .afterClosingQuote } else { keep(byte) }
            case .afterClosingQuote:
                if byte != Self.quote {
                    problem = problem ?? "field \(fields.count + 1) goes on after its closing quote (a quote inside a quoted field must be doubled: \"\")"
                }
                keep(byte)  // a doubled quote is one quote; after anything else the row is refused
                state = byte == Self.quote ? .quoted : .unquoted
            }
        }
        fields.append(field)
        if length > Self.maximumLength {
            return .unreadable("the row is longer than 1 MiB, the limit for one row; nothing of it was sent. Split the value, or import it another way", line: recordLine)
        }
        if let problem {
            return .unreadable(problem + "; nothing of the row was sent. Fix the quoting of that field", line: recordLine)
        }
        if fields.count == 1, fields[0].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }), length == fields[0].count, state != .afterClosingQuote {
            return .blank(line: recordLine)
        }
        return .fields(fields, line: recordLine)
    }

    /// The byte `offset` ahead of the next one, reading more of the file when needed.
    private func peek(_ offset: Int = 0) -> UInt8? {
        while position + offset >= buffer.count {
            if atEnd { return nil }
            fill()
        }
        return buffer[position + offset]
    }

    private func take() -> UInt8? {
        guard let byte = peek() else { return nil }
        position += 1
        if byte == Self.lineFeed { line += 1 }
        return byte
    }

    private func fill() {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let chunk = (try? handle.read(upToCount: 64 * 1024)) ?? nil
        if let chunk, !chunk.isEmpty { buffer += chunk } else { atEnd = true }
    }
}
