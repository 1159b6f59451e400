import Testing

@testable import NetSuiteClient

@Suite("SuiteQL page parser")
struct SuiteQLPageParserTests {
    static func value(_ json: String) throws -> String? {
        let page = try SuiteQLPageParser.parse(Array(#"{"items":[{"v":"#.utf8) + Array(json.utf8) + Array(#"}],"hasMore":false,"offset":0}"#.utf8))
        return page.rows.first?.first { $0.key == "v" }?.value
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
}
