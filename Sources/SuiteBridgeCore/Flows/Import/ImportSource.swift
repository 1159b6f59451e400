import Foundation

/// The rows of an import file, read as they are needed (memory stays flat whatever the file's size): a CSV file
/// with a header row (``CSVRecordReader``), or JSON Lines (`.jsonl`, `.ndjson`; one JSON object per line).
///
/// Every row comes back with the line it starts on: as values, as blank, or refused with what is wrong and how to
/// fix it (the rows after it are still read). Where the rest of the file cannot be trusted (a quote never closed),
/// ``next()`` throws, naming the line.
struct ImportSource {
    enum Row: Sendable, Equatable {
        case values([String: String], line: Int)
        /// A line with nothing on it: skipped.
        case blank(line: Int)
        /// A row that cannot be read; `message` says what is wrong and how to fix it. `externalID` when it could be read.
        case refused(line: Int, externalID: String?, message: String)

        var line: Int {
            switch self {
            case .values(_, let line), .blank(let line), .refused(let line, _, _): line
            }
        }
    }

    private enum Reader {
        case csv(CSVRecordReader, header: [String])
        case jsonLines(LineReader)
    }
    private var reader: Reader
    private let path: String
    private let externalIDColumn: String
    /// Rows returned so far (blank and refused ones included).
    private(set) var count = 0

    /// A CSV file's columns, from its header row; `nil` for JSON Lines.
    var columns: [String]? {
        if case .csv(_, let header) = reader { header } else { nil }
    }

    /// Opens `path` and, for CSV, reads its header row.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `import.source` when the file cannot be read, or a CSV
    ///   file's header row is missing, unreadable, or names a column twice.
    init(path: String, externalIDColumn: String = "") throws {
        self.path = path
        self.externalIDColumn = externalIDColumn
        let unreadable = SuiteBridgeError(.invalidInput, "The import source \(path) cannot be read.", remedy: "Give the path of a CSV or JSON Lines file.", field: "import.source")
        guard FileManager.default.isReadableFile(atPath: path) else { throw unreadable }
        if path.lowercased().hasSuffix(".jsonl") || path.lowercased().hasSuffix(".ndjson") {
            guard let lines = LineReader(path: path) else { throw unreadable }
            reader = .jsonLines(lines)
            return
        }
        guard let csv = CSVRecordReader(path: path) else { throw unreadable }
        let noHeader = { (why: String) in
            SuiteBridgeError(.invalidInput, "\(path) has no usable header row: \(why).",
                             remedy: "The first line of a CSV import names its columns, separated by commas (save it from a spreadsheet as CSV UTF-8).", field: "import.source")
        }
        let first: CSVRecordReader.Record?
        do { first = try csv.next() } catch let error as CSVRecordReader.UnclosedQuote {
            throw noHeader("a quote on line \(error.quoteLine) is never closed")
        }
        switch first {
        case .fields(let fields, _):
            var header: [String] = []
            for (index, bytes) in fields.enumerated() {
                guard let name = String(validating: bytes, as: UTF8.self) else { throw noHeader("column \(index + 1)'s name is not UTF-8 text") }
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                if header.contains(trimmed) { throw noHeader("the column \"\(trimmed)\" is named twice") }
                header.append(trimmed)
            }
            reader = .csv(csv, header: header)
        case .unreadable(let message, _): throw noHeader(message)
        case .blank: throw noHeader("the first line is blank")
        case nil: throw noHeader("the file is empty")
        }
    }

    /// The next row, or `nil` at the end of the file.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` when the rest of the file cannot be trusted (a CSV quote that is
    ///   never closed), naming the line.
    mutating func next() throws -> Row? {
        let row: Row?
        switch reader {
        case .csv(let csv, let header):
            row = try nextCSV(csv, header: header)
        case .jsonLines(let lines):
            row = nextJSONLine(lines)
        }
        if row != nil { count += 1 }
        return row
    }

    private func nextCSV(_ csv: CSVRecordReader, header: [String]) throws -> Row? {
        let record: CSVRecordReader.Record?
        do { record = try csv.next() } catch let error as CSVRecordReader.UnclosedQuote {
            throw SuiteBridgeError(
                .invalidInput,
                "Line \(error.recordLine) of \(path): a quote opened on line \(error.quoteLine) is never closed, so the rest of the file would be read as one value. Nothing from line \(error.recordLine) on was imported.",
                remedy: "Close the quote (a quote inside a quoted value is written twice: \"\"), then run the flow again; the rows before it are already in NetSuite and are upserted again harmlessly.",
                field: "import.source")
        }
        switch record {
        case nil: return nil
        case .blank(let line): return .blank(line: line)
        case .unreadable(let message, let line): return .refused(line: line, externalID: nil, message: "Line \(line): \(message).")
        case .fields(let fields, let line):
            guard fields.count == header.count else {
                return .refused(line: line, externalID: nil, message: """
                    Line \(line) has \(fields.count) value\(fields.count == 1 ? "" : "s") but the header names \(header.count) columns; nothing of the row was sent. \
                    Give every row one value per column (quote values that contain a comma).
                    """)
            }
            var values: [String: String] = [:]
            var invalid: [String] = []
            for (column, bytes) in zip(header, fields) {
                if let text = String(validating: bytes, as: UTF8.self) { values[column] = text } else { invalid.append(column) }
            }
            guard invalid.isEmpty else {
                return .refused(line: line, externalID: values[externalIDColumn].flatMap { $0.isEmpty ? nil : $0 }, message: """
                    Line \(line): the value of \(invalid.map { "\"\($0)\"" }.joined(separator: ", ")) is not UTF-8 text; nothing of the row was sent. \
                    Save the file as CSV UTF-8, or fix the characters on that line.
                    """)
            }
            return .values(values, line: line)
        }
    }

    private func nextJSONLine(_ lines: LineReader) -> Row? {
        guard let read = lines.next() else { return nil }
        let line = lines.lineNumber
        guard case .text(var text) = read else {
            return .refused(line: line, externalID: nil, message: "Line \(line) of \(path) is longer than 1 MiB, the limit for one JSON Lines row; nothing of it was sent. Split the value, or import it another way.")
        }
        if line == 1, text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        if text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { return .blank(line: line) }
        guard String(validating: text, as: UTF8.self) != nil else {
            return .refused(line: line, externalID: nil, message: "Line \(line) of \(path) is not UTF-8 text; nothing of it was sent. Write the file as UTF-8 (JSON requires it).")
        }
        guard let object = try? JSONDecoder().decode([String: JSONLinesValue].self, from: Data(text)) else {
            return .refused(line: line, externalID: nil, message: "Line \(line) of \(path) is not a JSON object; nothing of it was sent. Write one object per line: {\"column\": \"value\", …}.")
        }
        return .values(object.compactMapValues(\.text), line: line)
    }
}

/// A JSON Lines value as the text a mapping reads: strings as they are, numbers as written (no rounding through
/// a binary floating-point value), `true`/`false`, arrays and objects as compact JSON; `null` as no value.
enum JSONLinesValue: Decodable, Equatable {
    case text(String?)

    var text: String? {
        if case .text(let value) = self { value } else { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .text(nil)
        } else if let value = try? container.decode(String.self) {
            self = .text(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .text(value ? "true" : "false")
        } else if let value = try? container.decode(Decimal.self) {
            self = .text(value.description)
        } else {
            let nested = try container.decode(JSONLinesNested.self)
            let data = try JSONEncoder.compactSorted.encode(nested)
            self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}

/// Any JSON value, to write an array or object back as JSON text.
private indirect enum JSONLinesNested: Codable {
    case null, bool(Bool), number(Decimal), string(String), array([JSONLinesNested]), object([String: JSONLinesNested])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Decimal.self) { self = .number(value) }
        else if let value = try? container.decode([JSONLinesNested].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONLinesNested].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

private extension JSONEncoder {
    static var compactSorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
