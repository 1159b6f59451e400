import Foundation
import Testing

@testable import NetSuiteClient

@Suite("SuiteQL page parser")
struct SuiteQLPageParserTests {
    static func value(_ json: String) throws -> String? {
        let page = try SuiteQLPageParser.parse(Array(#"{"items":[{"v":"#.utf8) + Array(json.utf8) + Array(#"}],"hasMore":false,"offset":0}"#.utf8))
        guard let position = page.names.firstIndex(of: "v") else { return nil }
        return page.rows.first?[position] ?? nil
    }

    @Test("escapes: a surrogate pair is one character; a high surrogate without its low one is U+FFFD and the next escape stands alone")
    func surrogates() throws {
        #expect(try Self.value(#""\uD83D\uDE00""#) == "😀")
        #expect(try Self.value(#""\uDaf9\u1Def9""#) == "\u{FFFD}\u{1DEF}9")  // found by fuzzing: it trapped on an underflow
        #expect(try Self.value(#""\uD800x""#) == "\u{FFFD}x")
        #expect(try Self.value(#""a\"b\\c\n""#) == "a\"b\\c\n")
    }

    @Test("truncated or malformed pages are errors, never a crash")
    func malformed() {
        for text in [#"{"items":[{"v":"\u12"#, #"{"items":[{"v":"\"#, #"{"items":[{"v":"#, "", "[", #"{"items":[{"v":"\uD800\u"#] {
            #expect(throws: SuiteQLPageParser.Malformed.self) { try SuiteQLPageParser.parse(Array(text.utf8)) }
        }
    }

    @Test("300 generated pages (columns in varying order, missing, NULL, repeated, escaped, links) read as JSONSerialization reads them")
    func generatedPages() throws {
        var random = SystemRandomNumberGenerator()
        let keys = ["id", "tranid", "linelastmodifieddate", "sbiso_linelastmodifieddate", "a", "custbody_x"]
        for _ in 0..<300 {
            var rows: [String] = []
            var expected: [[String: String]] = []
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                var members = [#""links":[]"#]
                var values: [String: String] = [:]
                // Mostly the same order as the row before, sometimes shuffled or thinned.
                var chosen = keys
                if Bool.random(using: &random) { chosen.shuffle(using: &random) }
                chosen = chosen.filter { _ in Int.random(in: 0..<5, using: &random) > 0 }
                if Int.random(in: 0..<6, using: &random) == 0, let again = chosen.first { chosen.append(again) }
                for key in chosen {
                    let escapedKey = Int.random(in: 0..<8, using: &random) == 0 ? key.replacingOccurrences(of: "a", with: #"a"#) : key
                    switch Int.random(in: 0..<6, using: &random) {
                    case 0:
                        members.append("\"\(escapedKey)\":null")
                    case 1:
                        members.append("\"\(escapedKey)\":12.5")
                        values[key] = "12.5"
                    default:
                        let value = "v\(Int.random(in: 0..<100, using: &random))"
                        members.append("\"\(escapedKey)\":\"\(value)\\n\"")
                        values[key] = value + "\n"
                    }
                }
                rows.append("{" + members.joined(separator: ",") + "}")
                expected.append(values)
            }
            let body = #"{"items":["# + rows.joined(separator: ",") + #"],"hasMore":false,"offset":0}"#
            let page = try SuiteQLPage(body: Array(body.utf8), request: "test")
            // JSONSerialization keeps the last of a repeated key too.
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let items = try #require(reference["items"] as? [[String: Any]])
            #expect(page.rows.map(\.values) == expected, "\(body)")
            #expect(page.rows.count == items.count)
            #expect(Set(page.columns) == Set(expected.flatMap(\.keys)) && page.columns.count == Set(page.columns).count, "\(body)")
            for (row, item) in zip(page.rows, items) {
                for (key, value) in item where !(value is NSNull) && key != "links" {
                    #expect(row[key] == "\(value)" || row[key] == (value as? NSNumber).map { "\($0)" }, "\(key) in \(body)")
                }
            }
        }
    }
}
