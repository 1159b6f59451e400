import Foundation
import Testing

@testable import NetSuiteSimulator

/// Hostile queries and filters get NetSuite's error, not a stack overflow: the parsers and the evaluators recurse
/// over the tree, on task stacks of a few hundred KiB.
@Suite("Simulator parsers are bounded")
struct ParserBoundsTests {
    static let catalog = SuiteQLTests.catalog(customers: 5)

    @Test("SuiteQL: 100,000 NOTs, 100,000 parentheses, unary signs, a chain of 100,000 ORs are refused as too complex")
    func suiteQLBounds() {
        let hostile = [
            "SELECT id FROM customer WHERE " + String(repeating: "NOT ", count: 100_000) + "id = 1",
            "SELECT id FROM customer WHERE " + String(repeating: "(", count: 100_000) + "id = 1" + String(repeating: ")", count: 100_000),
            "SELECT " + String(repeating: "- ", count: 100_000) + "1 FROM customer",  // "--" would start a comment
            "SELECT id FROM customer WHERE " + Array(repeating: "id = 1", count: 100_000).joined(separator: " OR "),
            "SELECT " + Array(repeating: "1", count: 100_000).joined(separator: " + ") + " FROM customer",
            "SELECT id FROM customer WHERE " + String(repeating: "ABS(", count: 100_000) + "id" + String(repeating: ")", count: 100_000) + " = 1",
        ]
        for query in hostile {
            #expect(throws: SuiteQLError.tooComplex) { try SuiteQLTests.run(query, Self.catalog) }
        }
    }

    @Test("SuiteQL: what real queries need stays allowed (nesting 50 deep, 400 conditions, IN lists of 1,000)")
    func suiteQLAllowed() throws {
        let nested = "SELECT id FROM customer WHERE " + String(repeating: "(", count: 50) + "id > 0" + String(repeating: ")", count: 50)
        #expect(try SuiteQLTests.run(nested, Self.catalog).rows.count == 5)
        let conditions = "SELECT id FROM customer WHERE " + (1...400).map { "id = \($0)" }.joined(separator: " OR ")
        #expect(try SuiteQLTests.run(conditions, Self.catalog).rows.count == 5)
        let list = "SELECT id FROM customer WHERE id IN (" + (1...1000).map(String.init).joined(separator: ", ") + ")"
        #expect(try SuiteQLTests.run(list, Self.catalog).rows.count == 5)
    }

    @Test("record q= filters: deep parentheses and endless AND chains are refused with NetSuite's 400")
    func filterBounds() throws {
        for text in [String(repeating: "(", count: 100_000) + "id EQUAL 1" + String(repeating: ")", count: 100_000),
                     Array(repeating: "id EQUAL 1", count: 100_000).joined(separator: " AND ")] {
            #expect { try RecordFilter.parse(text, type: .customer) } throws: { ($0 as? RecordError)?.status == 400 }
        }
        _ = try RecordFilter.parse(Array(repeating: "id EQUAL 1", count: 100).joined(separator: " OR "), type: .customer)
    }
}
