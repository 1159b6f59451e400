import Foundation
import HTTPTypes
import HummingbirdTesting
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator SuiteQL")
struct SuiteQLTests {
    static func catalog(customers: Int = 60) -> SuiteQLCatalog {
        var store = RecordStore()
        DataSetGenerator(customers: customers, seed: 3).generate(into: &store)
        return SuiteQLCatalog(store: store)
    }

    static func run(_ query: String, _ catalog: SuiteQLCatalog) throws -> SuiteQLResult {
        try SuiteQLEvaluator.run(try SQLParser.parse(query), catalog: catalog)
    }

    @Test("projecting only the rows that can be read gives the same first rows and the same total as projecting all")
    func projectingAtMost() throws {
        let catalog = Self.catalog()
        for query in [
            "SELECT id, companyname FROM customer ORDER BY id",
            "SELECT id, companyname, ROWNUM AS n FROM customer ORDER BY companyname DESC, id",
            "SELECT t.*, TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS iso FROM transaction t WHERE t.id > 20 ORDER BY t.id",
            "SELECT TOP 7 id, email FROM customer ORDER BY email",
            "SELECT entity, foreigntotal FROM transaction ORDER BY 2 DESC, 1",
            "SELECT id FROM contact",
        ] {
            let all = try Self.run(query, catalog)
            let capped = try SuiteQLEvaluator.run(try SQLParser.parse(query), catalog: catalog, projectingAtMost: 5)
            #expect(capped.total == all.rows.count && capped.columns == all.columns, "\(query)")
            #expect(capped.rows == Array(all.rows.prefix(5)), "\(query)")
        }
    }

    @Test("key conditions read by binary search give the rows a row-by-row filter gives; other conditions are not narrowed")
    func keyRanges() throws {
        let catalog = Self.catalog()
        let lines = try #require(catalog.tables["transactionline"]).rows.count
        let keys = try #require(catalog.tables["transactionline"]).rows.map { $0[3].number ?? -1 }
        let middle = Int(keys[keys.count / 2])
        // Each query twice: the key column as it is (narrowed by binary search), and as `+ 0` (tested row by row).
        for condition in [
            "K > \(middle)", "K >= \(middle)", "K < \(middle)", "K <= \(middle)", "\(middle) < K", "\(middle) >= K",
            "K > \(middle) AND t.quantity < 0", "K > \(middle) AND K <= \(middle + 40_000)", "K > \(middle) AND ROWNUM <= 9",
            "K > 999999999", "K < -1", "K >= \(Int(keys[0]))", "K > '\(middle)'",
        ] {
            let narrowed = condition.replacingOccurrences(of: "K", with: "t.uniquekey")
            let scanned = condition.replacingOccurrences(of: "K", with: "(t.uniquekey + 0)")
            for tail in [" ORDER BY t.uniquekey", " ORDER BY t.item DESC", ""] {
                let fast = "SELECT t.*, ROWNUM AS n FROM transactionline t WHERE \(narrowed)\(tail)"
                let slow = "SELECT t.*, ROWNUM AS n FROM transactionline t WHERE \(scanned)\(tail)"
                #expect(try Self.run(fast, catalog).rows == Self.run(slow, catalog).rows, "\(fast)")
                let capped = try SuiteQLEvaluator.run(try SQLParser.parse(fast), catalog: catalog, projectingAtMost: 50)
                let all = try Self.run(slow, catalog)
                #expect(capped.total == all.total && capped.rows == Array(all.rows.prefix(50)), "\(fast)")
                #expect(capped.rows(in: 20..<70) == Array(all.rows.prefix(50).dropFirst(20)), "\(fast)")
            }
        }

        // Which conditions narrow: an ordered column of the literal's kind, in a top-level AND.
        func narrows(_ filter: String, _ table: String) throws -> Range<Int>? {
            let select = try SQLParser.parse("SELECT * FROM \(table) t WHERE \(filter)")
            var evaluator = SuiteQLEvaluator(catalog: catalog)
            let source = try #require(catalog.tables[table])
            evaluator.scopes = [.init(alias: "t", table: source, offset: 0)]
            return try evaluator.keyRange(of: #require(select.filter), rows: source.rows)?.range
        }
        #expect(catalog.tables["transactionline"]?.ascendingColumn == 3 && catalog.tables["customer"]?.ascendingColumn == 0)
        let shuffled = SQLTable(name: "x", columns: ["id"], rows: [[.number(2)], [.number(1)]], permission: "")
        #expect(shuffled.ascendingColumn == nil, "rows out of key order are not taken as ordered")
        #expect(try narrows("t.uniquekey > \(middle)", "transactionline") == (keys.count / 2 + 1)..<lines)
        #expect(try narrows("t.id > 10 AND t.companyname LIKE 'A%'", "customer") != nil)
        #expect(try narrows("t.companyname > 'M'", "customer") == nil, "company names are not in row order")
        #expect(try narrows("t.id > '10'", "customer") == nil, "a text literal against numbers compares by conversion")
        #expect(try narrows("t.id > 10 OR t.id < 3", "customer") == nil, "OR is tested row by row")
        #expect(try narrows("t.id > NULL", "customer") == nil)
    }

    // MARK: Differential: generated queries against a direct evaluation

    /// One generated condition: its SQL text and a direct evaluation over a row (nil = unknown).
    struct Condition {
        var sql: String
        var test: ([String: SQLValue]) -> Bool?
    }

    static func randomCondition(_ random: inout SeededGenerator, depth: Int = 0) -> Condition {
        let choice = depth > 1 ? Int.random(in: 0..<8, using: &random) : Int.random(in: 0..<11, using: &random)
        func number(_ row: [String: SQLValue], _ column: String) -> Double? { row[column]?.number }
        func text(_ row: [String: SQLValue], _ column: String) -> String? {
            if case .string(let value)? = row[column] { return value }
            return nil
        }
        switch choice {
        case 0:
            let bound = Int.random(in: 90...260, using: &random)
            let ops = ["=", "<>", "<", "<=", ">", ">="]
            let op = ops[Int.random(in: 0..<ops.count, using: &random)]
            return Condition(sql: "id \(op) \(bound)") { row in
                guard let id = number(row, "id") else { return nil }
                let b = Double(bound)
                switch op {
                case "=": return id == b
                case "<>": return id != b
                case "<": return id < b
                case "<=": return id <= b
                case ">": return id > b
                default: return id >= b
                }
            }
        case 1:
            let letters = ["A%", "%Ltd%", "%1", "G_obex%", "%Inc 1_"]
            let pattern = letters[Int.random(in: 0..<letters.count, using: &random)]
            return Condition(sql: "companyname LIKE '\(pattern)'") { row in
                guard let value = text(row, "companyname") else { return nil }
                let regex = "^" + NSRegularExpression.escapedPattern(for: pattern)
                    .replacingOccurrences(of: "%", with: ".*").replacingOccurrences(of: "_", with: ".") + "$"
                return value.range(of: regex, options: .regularExpression) != nil
            }
        case 2:
            let flag = Bool.random(using: &random) ? "T" : "F"
            return Condition(sql: "isinactive = '\(flag)'") { row in text(row, "isinactive").map { $0 == flag } }
        case 3:
            let values = (0..<Int.random(in: 1...4, using: &random)).map { _ in Int.random(in: 95...200, using: &random) }
            return Condition(sql: "id IN (\(values.map(String.init).joined(separator: ", ")))") { row in
                number(row, "id").map { id in values.contains { Double($0) == id } }
            }
        case 4:
            let low = Int.random(in: 95...180, using: &random)
            let high = low + Int.random(in: 0...40, using: &random)
            return Condition(sql: "id BETWEEN \(low) AND \(high)") { row in
                number(row, "id").map { $0 >= Double(low) && $0 <= Double(high) }
            }
        case 5:
            let month = Int.random(in: 1...12, using: &random)
            let bound = SimulatorDates.make(year: 2025, month: month, day: 1)!
            return Condition(sql: "datecreated >= TO_DATE('2025-\(String(format: "%02d", month))-01', 'YYYY-MM-DD')") { row in
                if case .date(let date)? = row["datecreated"] { return date >= bound }
                return nil
            }
        case 6:
            return Condition(sql: "comments IS NULL") { row in row["comments"] == nil || row["comments"] == .null }
        case 7:
            return Condition(sql: "email IS NOT NULL") { row in !(row["email"] == nil || row["email"] == .null) }
        case 8:
            let a = randomCondition(&random, depth: depth + 1), b = randomCondition(&random, depth: depth + 1)
            return Condition(sql: "(\(a.sql) AND \(b.sql))") { row in
                let x = a.test(row), y = b.test(row)
                if x == false || y == false { return false }
                return x == true && y == true ? true : nil
            }
        case 9:
            let a = randomCondition(&random, depth: depth + 1), b = randomCondition(&random, depth: depth + 1)
            return Condition(sql: "(\(a.sql) OR \(b.sql))") { row in
                let x = a.test(row), y = b.test(row)
                if x == true || y == true { return true }
                return x == false && y == false ? false : nil
            }
        default:
            let a = randomCondition(&random, depth: depth + 1)
            return Condition(sql: "NOT (\(a.sql))") { row in a.test(row).map { !$0 } }
        }
    }

    @Test("300 generated filters and orderings give what a direct evaluation gives")
    func differential() throws {
        let catalog = Self.catalog()
        let table = try #require(catalog.tables["customer"])
        let rows = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.columns, $0)) }
        var random = SeededGenerator(seed: 42)
        var nonEmpty = 0, partial = 0
        for _ in 0..<300 {
            let condition = Self.randomCondition(&random)
            let descending = Bool.random(using: &random)
            let orderColumn = ["companyname", "id", "datecreated"][Int.random(in: 0..<3, using: &random)]
            let query = "SELECT id, companyname, isinactive FROM customer WHERE \(condition.sql) ORDER BY \(orderColumn) \(descending ? "DESC" : "ASC"), id"
            let result = try Self.run(query, catalog)
            let expected = rows.filter { condition.test($0) == true }.sorted { a, b in
                let order = SuiteQLEvaluator.orderCompare(a[orderColumn] ?? .null, b[orderColumn] ?? .null)
                if order != 0 { return descending ? order > 0 : order < 0 }
                return (a["id"]?.number ?? 0) < (b["id"]?.number ?? 0)
            }.map { $0["id"]?.number ?? -1 }
            #expect(result.rows.map { $0[0].number ?? -1 } == expected, "\(query)")
            #expect(result.columns == ["id", "companyname", "isinactive"])
            if !expected.isEmpty { nonEmpty += 1 }
            if !expected.isEmpty && expected.count < rows.count { partial += 1 }
        }
        #expect(nonEmpty > 150 && partial > 100, "the generated filters select a variety of rows: \(nonEmpty), \(partial)")
    }

    @Test("GROUP BY with COUNT and SUM equals a direct grouping")
    func grouping() throws {
        let catalog = Self.catalog()
        let result = try Self.run(
            "SELECT t.entity, COUNT(*) AS n, SUM(t.foreigntotal) AS total, MAX(t.trandate) latest FROM transaction t WHERE t.type = 'SalesOrd' GROUP BY t.entity ORDER BY total DESC",
            catalog)
        #expect(result.columns == ["entity", "n", "total", "latest"])
        let table = try #require(catalog.tables["transaction"])
        let rows = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.columns, $0)) }.filter { $0["type"] == .string("SalesOrd") }
        var totals: [String: (Int, Double)] = [:]
        for row in rows {
            let key = row["entity"]?.text ?? ""
            totals[key, default: (0, 0)].0 += 1
            totals[key, default: (0, 0)].1 += row["foreigntotal"]?.number ?? 0
        }
        #expect(result.rows.count == totals.count)
        for row in result.rows {
            let expected = try #require(totals[row[0].text])
            #expect(row[1].number == Double(expected.0))
            #expect(abs((row[2].number ?? 0) - expected.1) < 0.001)
        }
        let sums = result.rows.map { $0[2].number ?? 0 }
        #expect(sums == sums.sorted(by: >))
        let overall = try Self.run("SELECT COUNT(*) FROM customer", catalog)
        #expect(overall.columns == ["expr1"])
        #expect(overall.rows == [[.number(60)]])
    }

    @Test("INNER and LEFT JOIN on equality")
    func joins() throws {
        let catalog = Self.catalog(customers: 20)
        let inner = try Self.run(
            "SELECT t.tranid, c.companyname, tl.quantity FROM transaction t INNER JOIN customer c ON t.entity = c.id INNER JOIN transactionline tl ON tl.transaction = t.id WHERE tl.mainline = 'F' ORDER BY t.id, tl.linesequencenumber",
            catalog)
        let lines = try #require(catalog.tables["transactionline"]).rows.filter { $0[9] == .string("F") }
        #expect(inner.rows.count == lines.count)
        #expect(inner.rows.allSatisfy { ($0[2].number ?? 0) < 0 }, "sales lines have negative quantities")
        let left = try Self.run(
            "SELECT c.id, t.id AS tid FROM customer c LEFT JOIN transaction t ON t.entity = c.id AND t.type = 'CustRfnd' ORDER BY c.id", catalog)
        #expect(left.rows.count == 20)
        #expect(left.rows.filter { !$0[1].isNull }.count == 1, "one refund in 20 customers (every 25th)")
    }

    @Test("TOP, ROWNUM, DISTINCT, aliases, expressions and functions")
    func features() throws {
        let catalog = Self.catalog(customers: 30)
        #expect(try Self.run("SELECT TOP 5 id FROM customer ORDER BY id DESC", catalog).rows.count == 5)
        #expect(try Self.run("SELECT id FROM customer WHERE ROWNUM <= 7", catalog).rows.count == 7)
        let distinct = try Self.run("SELECT DISTINCT subsidiary FROM customer ORDER BY subsidiary", catalog)
        #expect(distinct.rows.map { $0[0].text } == ["1", "2", "3"])
        let expressions = try Self.run(
            "SELECT UPPER(companyname) AS name, id * 2 doubled, NVL(comments, 'none') c, TO_CHAR(datecreated, 'YYYY-MM-DD\"T\"HH24:MI:SS') iso, CASE WHEN isinactive = 'T' THEN 'inactive' ELSE 'active' END state FROM customer WHERE id = 100",
            catalog)
        #expect(expressions.columns == ["name", "doubled", "c", "iso", "state"])
        let row = try #require(expressions.rows.first)
        #expect(row[0].text == row[0].text.uppercased())
        #expect(row[1] == .number(200))
        #expect(row[2] == .string("none"))
        #expect(row[3].text.count == 19 && row[3].text.contains("T"))
        #expect(row[4] == .string("active"))
        let star = try Self.run("SELECT * FROM subsidiary", catalog)
        #expect(star.columns.first == "id" && star.rows.count == 3)
    }

    @Test(
        "queries it cannot run get NetSuite's wording",
        arguments: [
            ("SELECT nosuchcolumn FROM customer", "Unknown identifier 'nosuchcolumn'. Available identifiers are: {customer=customer}."),
            ("SELECT id FROM vendorthing", "Invalid search type: vendorthing."),
            ("SELECT id FROM", "Invalid or unsupported search."),
            ("DELETE FROM customer", "Invalid or unsupported search."),
            ("SELECT id, COUNT(*) FROM customer", "Invalid or unsupported search."),
            ("SELECT id FROM customer WHERE companyname = 'unterminated", "Invalid or unsupported search."),
            ("SELECT c.nope FROM customer c", "Unknown identifier 'c.nope'. Available identifiers are: {c=customer}."),
        ])
    func errors(query: String, reason: String) {
        let catalog = Self.catalog(customers: 2)
        do {
            _ = try Self.run(query, catalog)
            Issue.record("\(query) ran")
        } catch let error as SuiteQLError {
            #expect(error.detail.hasPrefix("Invalid search query. Detailed unprocessed description follows."))
            #expect(error.detail.hasSuffix(reason), "\(error.detail)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("over HTTP: lower-case keys, string values, NULLs omitted, dates in the account's format, paging envelope")
    func overHTTP() async throws {
        let harness = try await SimulatorHarness.make(records: 30)
        try await harness.withClient { client in
            let reply = try await harness.suiteQL(client, "SELECT ID, CompanyName, Comments, DateCreated, balanceX FROM customer", limit: 10)
            #expect(reply.status == 400, "balanceX is unknown")
            let page = try #require(try await harness.suiteQL(client, "SELECT ID, CompanyName, Comments, DateCreated FROM customer ORDER BY id", limit: 10, offset: 10).object)
            #expect(page["count"] == .number(10))
            #expect(page["offset"] == .number(10))
            #expect(page["totalResults"] == .number(30))
            #expect(page["hasMore"] == .bool(true))
            let item = try #require(page["items"]?.arrayValue?.first?.objectValue)
            #expect(Set(item.keys) == ["links", "id", "companyname", "datecreated"], "comments is NULL and omitted")
            #expect(item["links"] == .array([]))
            #expect(item["id"] == .string("130") || item["id"]?.stringValue != nil)
            let date = try #require(item["datecreated"]?.stringValue)
            #expect(date.split(separator: "/").count == 3, "M/D/YYYY: \(date)")
            try await harness.netsuite.setDatePreference(harness.credentials.accountId, "YYYY-MM-DD")
            let iso = try #require(try await harness.suiteQL(client, "SELECT datecreated FROM customer WHERE id = 100").object)
            #expect(iso["items"]?.arrayValue?.first?.objectValue?["datecreated"]?.stringValue?.split(separator: "-").count == 3)

            let noPrefer = try await harness.signed(client, .post, "/services/rest/query/v1/suiteql", body: #"{"q":"SELECT id FROM customer"}"#)
            #expect(noPrefer.status == 400)
            for (limit, offset, parameter) in [(1001, 0, "limit"), (10, 5, "offset"), (1000, 100_000, "offset")] {
                let bad = try await harness.suiteQL(client, "SELECT id FROM customer", limit: limit, offset: offset)
                #expect(bad.status == 400)
                #expect(bad.object?["o:errorDetails"]?.arrayValue?.first?.objectValue?["o:errorQueryParam"] == .string(parameter))
            }
            let unknown = try await harness.suiteQL(client, "SELECT id FROM nothing")
            #expect(unknown.errorCode == "INVALID_PARAMETER")
            #expect(unknown.object?["o:errorDetails"]?.arrayValue?.first?.objectValue?["o:errorQueryParam"] == .string("q"))
        }
    }

    @Test("the 100,000-row cap: pages stop at it while totalResults tells the whole count")
    func rowCap() async throws {
        let harness = try await SimulatorHarness.make(records: 17_000)
        try await harness.withClient { client in
            let last = try #require(try await harness.suiteQL(client, "SELECT uniquekey FROM transactionline ORDER BY uniquekey", limit: 1000, offset: 99_000).object)
            let total = try #require(last["totalResults"]?.doubleValue)
            #expect(total > 100_000)
            #expect(last["count"] == .number(1000))
            #expect(last["hasMore"] == .bool(false))
            let beyond = try await harness.suiteQL(client, "SELECT uniquekey FROM transactionline ORDER BY uniquekey", limit: 1000, offset: 100_000)
            #expect(beyond.status == 400)
            let lastKey = try #require(last["items"]?.arrayValue?.last?.objectValue?["uniquekey"]?.stringValue)
            let keyset = try #require(try await harness.suiteQL(client, "SELECT uniquekey FROM transactionline WHERE uniquekey > \(lastKey) ORDER BY uniquekey").object)
            #expect(keyset["totalResults"] == .number(total - 100_000))
        }
    }

    @Test("DeletedRecord: each REST deletion appears with type, record id, name, who and when; the table needs the Deleted Records permission")
    func deletedRecords() async throws {
        let harness = try await SimulatorHarness.make(records: 20)
        let realm = harness.credentials.accountId
        try await harness.withClient { client in
            let created = try await harness.signed(client, .put, "/services/rest/record/v1/customer/eid:GONE-1",
                                                   body: #"{"companyName":"Gone Ltd","subsidiary":{"id":"1"}}"#)
            #expect(created.status == 204)
            let id = try #require(created.headers[.location]?.split(separator: "/").last.map(String.init))
            // Without the permission (the seed guide's role lacks it): refused, naming it.
            let refused = try await harness.suiteQL(client, "SELECT recordid FROM DeletedRecord")
            #expect(refused.status == 403)
            #expect(refused.body.contains(Permission.deletedRecords))
            // The admin API sets one permission of a role, as the role editor does.
            let path = "/simulator/v1/accounts/\(realm)/roles/1/permissions"
            let badLevel = try await SimulatorHarness.send(client, .put, path, headers: ["Content-Type": "application/json"], body: #"{"permission":"Deleted Records","level":"Some"}"#)
            #expect(badLevel.status == 400 && badLevel.body.contains("View"))
            let granted = try await SimulatorHarness.send(client, .put, path, headers: ["Content-Type": "application/json"], body: #"{"permission":"Deleted Records","level":"View"}"#)
            #expect(granted.status == 200, "\(granted.body)")
            let none = try #require(try await harness.suiteQL(client, "SELECT recordid FROM DeletedRecord").object)
            #expect(none["totalResults"] == .number(0))

            #expect(try await harness.signed(client, .delete, "/services/rest/record/v1/customer/\(id)").status == 204)
            #expect(try await harness.signed(client, .delete, "/services/rest/record/v1/customer/\(id)").status == 404, "deleted once only")
            let page = try #require(try await harness.suiteQL(
                client, "SELECT recordid, type, name, deletedby, context, TO_CHAR(deleteddate, 'YYYY-MM-DD') AS day FROM DeletedRecord WHERE type = 'customer'").object)
            let rows = try #require(page["items"]?.arrayValue)
            #expect(rows.count == 1)
            let row = try #require(rows.first?.objectValue)
            #expect(row["recordid"] == .string(id))
            #expect(row["type"] == .string("customer"))
            #expect(row["name"] == .string("Gone Ltd"))
            #expect(row["deletedby"] != nil && row["context"] == .string("REST Web Services"))
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "UTC")
            #expect(row["day"] == .string(formatter.string(from: await harness.netsuite.now())))
        }
    }
}
