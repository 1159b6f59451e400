import Foundation
import Testing
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

@Suite("Mappings: documents and steps")
struct MappingTests {
    /// Maps one value through `steps` (JSON) with the core over a fresh store: the value, or the refusal's message.
    static func map(_ value: JSONValue?, steps: String, row: [String: JSONValue] = [:], lookups: [(String, String)] = []) async throws -> Result<JSONValue?, MappingRefusal> {
        try await TestDatabases.withStore(.sqlite) { store, _ in
            let core = CoreContext(store: store, secrets: SecretBox(masterKey: .generate(source: .environment)), actor: "test")
            if !lookups.isEmpty { try await core.lookups.put("codes", entries: lookups.map { (key: $0.0, value: $0.1) }) }
            let mapping = try Mapping.parse(#"{"fields": {"f": {"from": "v", "steps": \#(steps)}}}"#)
            var values = row
            values["v"] = value
            do {
                let body = try await RecordMapper(mapping: mapping, resources: MappingResources(lookups: core.lookups, client: nil)).body(for: SourceRow(values: values))
                return .success(body["f"])
            } catch let refusal as MappingRefusal {
                return .failure(refusal)
            }
        }
    }

    @Test("each step: what it makes of a value", arguments: [
        (#"["trim"]"#, JSONValue.string("  Acme Ltd \n"), JSONValue?.some(.string("Acme Ltd"))),
        (#"["trim"]"#, .string("   "), nil),
        (#"["lower"]"#, .string("ÄBC"), .string("äbc")),
        (#"["upper"]"#, .string("gb"), .string("GB")),
        (#"["title"]"#, .string("ada LOVELACE"), .string("Ada Lovelace")),
        (#"[{"default": "US"}]"#, .string(""), .string("US")),
        (#"[{"default": "US"}]"#, .string("DE"), .string("DE")),
        (#"[{"replace": {"pattern": "[^0-9+]", "with": ""}}]"#, .string("+44 (20) 7946-0000"), .string("+442079460000")),
        (#"[{"replace": {"pattern": "(\\w+)@(\\w+)", "with": "$2:$1"}}]"#, .string("ada@example"), .string("example:ada")),
        (#"[{"split": {"by": " ", "index": -1}}]"#, .string("Ada King Lovelace"), .string("Lovelace")),
        (#"[{"split": {"by": ";"}}]"#, .string("first;second"), .string("first")),
        (#"["number"]"#, .string(" 1,234.50 "), .number("1234.50")),
        (#"["number"]"#, .string("-0.5"), .number("-0.5")),
        (#"["integer"]"#, .string("12.00"), .number("12")),
        (#"["integer"]"#, .number("7"), .number("7")),
        (#"["boolean"]"#, .string("Yes"), .bool(true)),
        (#"["boolean"]"#, .string("off"), .bool(false)),
        (#"[{"date": {"from": "DD.MM.YYYY"}}]"#, .string("29.02.2028"), .string("2028-02-29")),
        (#"[{"date": {"from": "M/D/YYYY", "to": "DD-Mon-YYYY"}}]"#, .string("3/7/2026"), .string("07-Mar-2026")),
        (#"[{"date": "DD-Mon-YYYY HH24:MI"}]"#, .string("07-mar-2026 14:05"), .string("2026-03-07T14:05:00")),
        (#"[{"map": {"Germany": "DE", "United Kingdom": "GB"}}]"#, .string("Germany"), .string("DE")),
        (#"[{"map": {"Germany": "DE"}}]"#, .string("France"), .string("France")),
        (#"[{"map": {"Germany": "DE"}, "else": "ZZ"}]"#, .string("France"), .string("ZZ")),
        (#"[{"ref": "internal"}]"#, .string("12"), .object(["id": .string("12")])),
        (#"[{"ref": "external"}]"#, .string("CUST-9"), .object(["externalId": .string("CUST-9")])),
        (#"["trim", "upper", {"map": {"UK": "GB"}}, {"default": "US"}]"#, .string(" uk "), .string("GB")),
    ])
    func step(steps: String, input: JSONValue, expected: JSONValue?) async throws {
        let result = try await Self.map(input, steps: steps)
        #expect(try result.get() == expected)
    }

    @Test("a step that cannot apply refuses the row, naming the field, the value and the step", arguments: [
        (#"["number"]"#, JSONValue.string("12 apples"), "\"12 apples\" is not a number", "step 1, number"),
        (#"["integer"]"#, .string("12.5"), "is not a whole number", "step 1, integer"),
        (#"["boolean"]"#, .string("maybe"), "is not true or false", "step 1, boolean"),
        (#"[{"date": {"from": "DD.MM.YYYY"}}]"#, .string("31.02.2026"), "is not a date written DD.MM.YYYY", "step 1, date"),
        (#"[{"date": {"from": "DD.MM.YYYY"}}]"#, .string("2026-02-01"), "is not a date written DD.MM.YYYY", "step 1, date"),
        (#"["trim", {"map": {"Germany": "DE"}, "else": "error"}]"#, .string("France "), "is not in the map", "step 2, map"),
        (#"[{"split": {"by": ",", "index": 3}}]"#, .string("a,b"), "has 2 parts split by \",\", none at index 3", "step 1, split"),
        (#"[{"lookup": "codes"}]"#, .string("XX"), "is not a key of the lookup table codes", "step 1, lookup"),
        (#"["upper"]"#, .array([.string("a")]), "is a list or an object, not text", "step 1, upper"),
    ])
    func refusal(steps: String, input: JSONValue, reason: String, step: String) async throws {
        let result = try await Self.map(input, steps: steps, lookups: [("DE", "Germany")])
        guard case .failure(let refusal) = result else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(refusal.field == "f" && refusal.step == step)
        #expect(refusal.message.contains(reason) && refusal.message.hasPrefix("The field f: "), "\(refusal.message)")
    }

    @Test("lookup tables: a key becomes its value; concat joins sources and literals; a missing source leaves the field out")
    func lookupAndConcat() async throws {
        #expect(try await Self.map(.string("DE"), steps: #"[{"lookup": "codes"}]"#, lookups: [("DE", "Germany")]).get() == .string("Germany"))
        let joined = try await Self.map(nil, steps: #"[{"concat": [{"from": "first"}, " ", {"from": "last"}]}]"#,
                                        row: ["first": .string("Ada"), "last": .string("Lovelace")])
        #expect(try joined.get() == .string("Ada Lovelace"))
        #expect(try await Self.map(nil, steps: #"["trim", "number"]"#).get() == nil)
        #expect(try await Self.map(.string(""), steps: #"["number"]"#).get() == nil)
    }

    @Test("paths into JSON values, and sublist lines from an array")
    func pathsAndLines() async throws {
        try await TestDatabases.withStore(.sqlite) { store, _ in
            let core = CoreContext(store: store, secrets: SecretBox(masterKey: .generate(source: .environment)), actor: "test")
            let mapping = try Mapping.parse("""
                {"fields": {
                  "email": {"from": "customer.email", "steps": ["lower"]},
                  "firstSku": {"from": "lines[0].sku"},
                  "item": {"from": "lines", "lines": {"item": {"from": "sku", "steps": [{"ref": "external"}]}, "quantity": {"from": "qty", "steps": ["number"]}}}
                }}
                """)
            #expect(mapping.sublists == ["item"])
            let mapper = RecordMapper(mapping: mapping, resources: MappingResources(lookups: core.lookups, client: nil))
            // A JSON Lines row as ImportSource reads it: nested values as JSON text.
            let row = SourceRow(text: ["customer": #"{"email":"ADA@EXAMPLE.COM"}"#, "lines": #"[{"qty":2,"sku":"A-1"},{"qty":"1.5","sku":"B-2"}]"#])
            let body = try await mapper.body(for: row)
            #expect(JSONValue.object(body).json == #"{"email":"ada@example.com","firstSku":"A-1","item":{"items":[{"item":{"externalId":"A-1"},"quantity":2},{"item":{"externalId":"B-2"},"quantity":1.5}]}}"#)
            await #expect(throws: MappingRefusal(field: "item[2].quantity", value: "x", step: "step 1, number", reason: "is not a number (write 1234.5; a comma may group thousands)")) {
                _ = try await mapper.body(for: SourceRow(text: ["lines": #"[{"qty":1,"sku":"A"},{"qty":"x","sku":"B"}]"#]))
            }
        }
    }

    @Test("a document in JSON, in YAML and in the older --map form is the same mapping")
    func documentForms() throws {
        let json = try Mapping.parse(#"{"fields": {"companyName": {"from": "name", "steps": ["trim"]}, "subsidiary": {"const": "1", "steps": [{"ref": "internal"}]}}}"#)
        let yaml = try Mapping.parse("""
            fields:
              companyName:
                from: name
                steps: [trim]
              subsidiary:
                const: "1"
                steps:
                  - ref: internal
            """)
        let legacy = try Mapping.parse(#"{"companyName": {"column": "name"}, "subsidiary": {"constant": "1", "reference": "internal"}}"#)
        #expect(json == yaml)
        #expect(legacy.fields["subsidiary"] == json.fields["subsidiary"])
        #expect(legacy.fields["companyName"]?.from == "name")
        // It is stored as the document, and read back the same.
        let stored = try JSONDecoder().decode(Mapping.self, from: JSONEncoder().encode(json))
        #expect(stored == json)
        // YAML types follow its core schema; dates stay text.
        let typed = try Mapping.parse("fields:\n  f: {const: 2026-01-02}\n  g: {const: 12}\n  h: {const: yes}\n  i: {const: true}\n")
        #expect(typed.fields["f"]?.const == .string("2026-01-02") && typed.fields["g"]?.const == .number("12"))
        #expect(typed.fields["h"]?.const == .string("yes") && typed.fields["i"]?.const == .bool(true))
    }

    @Test("a document that cannot work is refused before any row is read, naming the field and step", arguments: [
        (#"{"fields": {"a": {"from": "x", "steps": ["shout"]}}}"#, "mapping", "\"shout\" is not a step"),
        (#"{"fields": {"a": {"from": "x", "steps": ["default"]}}}"#, "mapping", "needs its argument"),
        (#"{"fields": {"a": {"from": "x", "steps": [{"replace": {"pattern": "(", "with": ""}}]}}}"#, "mapping.fields.a.steps[0]", "not a regular expression"),
        (#"{"fields": {"a": {"from": "x", "steps": [{"date": {"from": "MM/YYYY"}}]}}}"#, "mapping.fields.a.steps[0]", "needs a year, a month and a day"),
        (#"{"fields": {"a": {"from": "x", "const": "y"}}}"#, "mapping.fields.a", "exactly one of from or const"),
        (#"{"fields": {"a": {"from": "x", "steps": [{"suiteql": "SELECT id FROM item"}]}}}"#, "mapping.fields.a.steps[0]", "? where the value goes"),
        (#"{"fields": {"item": {"from": "x", "lines": {}}}}"#, "mapping.fields.item.lines", "maps no field"),
        (#"{"fields": {}}"#, "mapping.fields", "maps no field"),
        ("fields:\n  a: {from: x\n", "mapping", "YAML"),
        (#"{"fields": {"a": {"form": "x"}}}"#, "mapping", "\"form\" is not a key of a field's rule"),
    ])
    func invalid(text: String, field: String, message: String) throws {
        do {
            _ = try Mapping.parse(text)
            Issue.record("accepted \(text)")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .invalidInput && error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("date formats: NetSuite's preferences read and written, impossible dates refused")
    func datePatterns() throws {
        let german = try DatePattern("DD.MM.YYYY", field: "f")
        #expect(german.read("01.12.2026")?.iso == "2026-12-01")
        #expect(german.read("29.02.2027") == nil)
        #expect(german.read("1.12.2026")?.iso == "2026-12-01")
        let us = try DatePattern("M/D/YYYY", field: "f")
        #expect(us.write(try #require(german.read("05.03.2026"))) == "3/5/2026")
        #expect(try DatePattern("DD-Month-YY", field: "f").read("09-september-26")?.iso == "2026-09-09")
    }
}
