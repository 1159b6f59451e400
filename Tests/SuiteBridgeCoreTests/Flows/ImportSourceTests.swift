import Foundation
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Import files: every line accounted for")
struct ImportSourceTests {
    /// Writes `bytes` to a new file named `name` and reads every row (stopping at an error, which is returned).
    func read(_ bytes: [UInt8], name: String = "rows.csv") throws -> (rows: [ImportSource.Row], columns: [String]?, error: SuiteBridgeError?) {
        let folder = try TestFolder()
        let path = folder.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var source = try ImportSource(path: path, externalIDColumn: "ref")
        var rows: [ImportSource.Row] = []
        do {
            while let row = try source.next() { rows.append(row) }
        } catch let error as SuiteBridgeError {
            return (rows, source.columns, error)
        }
        #expect(source.count == rows.count)
        return (rows, source.columns, nil)
    }

    func read(_ text: String, name: String = "rows.csv") throws -> (rows: [ImportSource.Row], columns: [String]?, error: SuiteBridgeError?) {
        try read(Array(text.utf8), name: name)
    }

    @Test("CSV: a byte order mark, CRLF line ends, quoted commas, doubled quotes and line breaks inside quotes, each row with the line it starts on")
    func csvForms() throws {
        let read = try read("\u{FEFF}ref,name\r\nA1,\"Smith, Jones\"\r\nA2,\"say \"\"hi\"\"\"\r\nA3,\"two\nlines\"\r\nA4,plain\r\n")
        #expect(read.columns == ["ref", "name"])
        #expect(read.error == nil)
        #expect(read.rows == [
            .values(["ref": "A1", "name": "Smith, Jones"], line: 2),
            .values(["ref": "A2", "name": "say \"hi\""], line: 3),
            .values(["ref": "A3", "name": "two\nlines"], line: 4),
            .values(["ref": "A4", "name": "plain"], line: 6),
        ])
    }

    @Test("CSV: an invalid UTF-8 byte refuses exactly its row, naming line, column and external id; the next row is intact")
    func csvInvalidUTF8() throws {
        var bytes = Array("ref,name\n".utf8)
        for n in 1...12 {
            bytes += Array("R\(n),".utf8)
            bytes += n == 10 ? Array("Caf".utf8) + [0xE9] + Array(" Noir".utf8) : Array("Name \(n)".utf8)
            bytes += Array("\n".utf8)
        }
        let read = try read(bytes)
        #expect(read.rows.count == 12 && read.error == nil)
        guard case .refused(let line, let externalID, let message) = read.rows[9] else { Issue.record("row 10 not refused: \(read.rows[9])"); return }
        #expect(line == 11 && externalID == "R10")
        #expect(message.contains("\"name\"") && message.contains("UTF-8") && message.contains("Line 11"))
        #expect(read.rows[10] == .values(["ref": "R11", "name": "Name 11"], line: 12))
        #expect(read.rows.filter { if case .values = $0 { true } else { false } }.count == 11)
    }

    @Test("CSV: a quote never closed stops the file at that row's line: the rows before it are read, nothing after it")
    func csvUnclosedQuote() throws {
        let read = try read("ref,name\nA1,fine\nA2,\"never closed\nA3,lost\nA4,lost\n")
        #expect(read.rows == [.values(["ref": "A1", "name": "fine"], line: 2)])
        let error = try #require(read.error)
        #expect(error.message.contains("Line 3") && error.message.contains("never closed") && error.field == "import.source")
        #expect(error.remedy.contains("\"\""))
    }

    @Test("CSV: the wrong number of values, text after a closing quote, a blank line, a row over 1 MiB: each refused or skipped alone")
    func csvRowProblems() throws {
        let long = String(repeating: "x", count: (1 << 20) + 10)
        let read = try read("ref,name\nA1,one\nA2,two,extra\n\n  \nA3,\"quoted\"tail\nA4,\(long)\nA5,five\n")
        #expect(read.error == nil)
        #expect(read.rows.count == 7)
        #expect(read.rows[0] == .values(["ref": "A1", "name": "one"], line: 2))
        guard case .refused(3, nil, let columns) = read.rows[1] else { Issue.record("\(read.rows[1])"); return }
        #expect(columns.contains("3 values") && columns.contains("2 columns"))
        #expect(read.rows[2] == .blank(line: 4) && read.rows[3] == .blank(line: 5))
        guard case .refused(6, nil, let quote) = read.rows[4] else { Issue.record("\(read.rows[4])"); return }
        #expect(quote.contains("closing quote"))
        guard case .refused(7, nil, let tooLong) = read.rows[5] else { Issue.record("\(read.rows[5])"); return }
        #expect(tooLong.contains("1 MiB"))
        #expect(read.rows[6] == .values(["ref": "A5", "name": "five"], line: 8))
    }

    @Test("CSV: a header that is empty, names a column twice or has an unclosed quote is refused before any row")
    func csvHeaders() throws {
        for text in ["", "ref,ref\nA,B\n", "\"ref,name\nA,B\n", "\n"] {
            #expect(throws: SuiteBridgeError.self) { try read(text) }
        }
    }

    @Test("CSV: a header that lacks the external id or a mapped column fails the run before anything is sent, listing the header")
    func missingColumn() throws {
        let spec = FlowDefinition.Import(source: "c.csv", recordType: "customer", externalIdColumn: "ref", mapping: ["email": .init(from: "mail"), "subsidiary": .init(const: "1")])
        try ImportRunner.checkColumns(["ref", "mail"], of: spec)
        #expect { try ImportRunner.checkColumns(["ref", "email"], of: spec) } throws: {
            let error = $0 as? SuiteBridgeError
            return error?.field == "import.mapping" && error?.message.contains("\"mail\"") == true && error?.remedy.contains("ref, email") == true
        }
        #expect { try ImportRunner.checkColumns(["id", "mail"], of: spec) } throws: { ($0 as? SuiteBridgeError)?.message.contains("external id") == true }
    }

    @Test("JSON Lines: a byte order mark, CRLF, blank lines; numbers as written, booleans, null as no value, arrays as JSON; invalid UTF-8 refused alone")
    func jsonLines() throws {
        var bytes = Array("\u{FEFF}{\"ref\": \"J1\", \"n\": 12345678901234567890, \"price\": 19.90, \"ok\": true, \"gone\": null, \"tags\": [\"a\", 1]}\r\n".utf8)
        bytes += Array("\r\n".utf8)
        bytes += Array("{\"ref\": \"J2\", \"name\": \"Caf".utf8) + [0xE9] + Array("\"}\n".utf8)
        bytes += Array("[1, 2]\n{\"ref\": \"J3\"}".utf8)
        let read = try read(bytes, name: "rows.jsonl")
        #expect(read.error == nil && read.columns == nil)
        #expect(read.rows.count == 5)
        guard case .values(let first, 1) = read.rows[0] else { Issue.record("\(read.rows[0])"); return }
        #expect(first["ref"] == "J1" && first["n"] == "12345678901234567890" && first["ok"] == "true")
        #expect(Decimal(string: first["price"] ?? "") == Decimal(string: "19.9"))
        #expect(first["gone"] == nil && first["tags"] == #"["a",1]"#)
        #expect(read.rows[1] == .blank(line: 2))
        guard case .refused(3, nil, let utf8) = read.rows[2] else { Issue.record("\(read.rows[2])"); return }
        #expect(utf8.contains("UTF-8"))
        guard case .refused(4, nil, let notObject) = read.rows[3] else { Issue.record("\(read.rows[3])"); return }
        #expect(notObject.contains("not a JSON object"))
        #expect(read.rows[4] == .values(["ref": "J3"], line: 5))
    }

    @Test("external ids: the first line of each is remembered; empty ids never match")
    func externalIDs() {
        var seen = ExternalIDLines()
        #expect(seen.firstLine(of: "A", seenOn: 2) == nil)
        #expect(seen.firstLine(of: "B", seenOn: 3) == nil)
        #expect(seen.firstLine(of: "A", seenOn: 9) == 2)
        #expect(seen.firstLine(of: "", seenOn: 10) == nil && seen.firstLine(of: "", seenOn: 11) == nil)
    }
}
