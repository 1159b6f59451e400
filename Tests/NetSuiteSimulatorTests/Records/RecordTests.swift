import Foundation
import HTTPTypes
import HummingbirdTesting
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator REST records")
struct RecordTests {
    static let base = "/services/rest/record/v1"

    @Test("list: NetSuite's paging envelope with absolute links on the request address")
    func listEnvelope() async throws {
        let harness = try await SimulatorHarness.make(records: 25)
        try await harness.withClient { client in
            let first = try await harness.signed(client, .get, Self.base + "/customer?limit=10")
            #expect(first.status == 200)
            #expect(first.headers[.contentType] == "application/vnd.oracle.resource+json; type=collection")
            let page = try #require(first.object)
            #expect(page["count"] == .number(10))
            #expect(page["hasMore"] == .bool(true))
            #expect(page["offset"] == .number(0))
            #expect(page["totalResults"] == .number(25))
            let links = try #require(page["links"]?.arrayValue?.compactMap { $0.objectValue })
            let rels = Dictionary(uniqueKeysWithValues: links.map { ($0["rel"]!.stringValue!, $0["href"]!.stringValue!) })
            #expect(rels["next"] == "http://localhost/services/rest/record/v1/customer?limit=10&offset=10")
            #expect(rels["last"] == "http://localhost/services/rest/record/v1/customer?limit=10&offset=20")
            #expect(rels["self"] == "http://localhost/services/rest/record/v1/customer?limit=10&offset=0")
            #expect(rels["prev"] == nil)
            let item = try #require(page["items"]?.arrayValue?.first?.objectValue)
            #expect(Set(item.keys) == ["links", "id"])

            let last = try #require(try await harness.signed(client, .get, Self.base + "/customer?limit=10&offset=20").object)
            #expect(last["count"] == .number(5))
            #expect(last["hasMore"] == .bool(false))
            let lastRels = Set(last["links"]?.arrayValue?.compactMap { $0.objectValue?["rel"]?.stringValue } ?? [])
            #expect(lastRels == ["first", "prev", "last", "self"])

            for bad in ["?limit=0", "?limit=1001", "?limit=10&offset=5", "?limit=abc"] {
                let reply = try await harness.signed(client, .get, Self.base + "/customer" + bad)
                #expect(reply.status == 400, "\(bad)")
                #expect(reply.errorCode == "INVALID_PARAMETER")
            }
        }
    }

    @Test("get: references with links and refName, sublists as stubs or expanded, fields selects")
    func getShapes() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        try await harness.withClient { client in
            let (store, _) = try await harness.netsuite.records(harness.credentials.accountId)
            let orderID = try #require(store.ids[.salesOrder]?.first)
            let stub = try #require(try await harness.signed(client, .get, Self.base + "/salesOrder/\(orderID)").object)
            #expect(stub["id"] == .string(String(orderID)))
            let entity = try #require(stub["entity"]?.objectValue)
            #expect(entity["refName"]?.stringValue?.isEmpty == false)
            #expect(entity["links"]?.arrayValue?.first?.objectValue?["href"]?.stringValue?.contains("/customer/") == true)
            #expect(stub["item"]?.objectValue?.keys == ["links"])
            #expect(stub["item"]?.objectValue?["links"]?.arrayValue?.first?.objectValue?["href"] == .string("http://localhost/services/rest/record/v1/salesorder/\(orderID)/item"))
            #expect(stub["tranDate"]?.stringValue?.count == 10)
            #expect(stub["createdDate"]?.stringValue?.hasSuffix("Z") == true)

            let expanded = try #require(try await harness.signed(client, .get, Self.base + "/salesOrder/\(orderID)?expandSubResources=true").object)
            let sublist = try #require(expanded["item"]?.objectValue)
            let lines = try #require(sublist["items"]?.arrayValue)
            #expect(sublist["totalResults"] == .number(Double(lines.count)))
            let line = try #require(lines.first?.objectValue)
            #expect(line["line"] == .number(1))
            #expect(line["item"]?.objectValue?["refName"] != nil)
            let amount = try #require(line["amount"]?.doubleValue)
            #expect(amount == (line["quantity"]?.doubleValue ?? 0) * (line["rate"]?.doubleValue ?? 0))

            let lineReply = try await harness.signed(client, .get, Self.base + "/salesOrder/\(orderID)/item/1")
            #expect(lineReply.status == 200)
            let selected = try #require(try await harness.signed(client, .get, Self.base + "/salesOrder/\(orderID)?fields=tranId,total").object)
            #expect(Set(selected.keys) == ["links", "id", "tranId", "total"])

            let missing = try await harness.signed(client, .get, Self.base + "/customer/999999")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "NONEXISTENT_ID")
            let byExternal = try #require(try await harness.signed(client, .get, Self.base + "/customer/eid:CUST-1").object)
            #expect(byExternal["externalId"] == .string("CUST-1"))
        }
    }

    @Test("create answers 204 with Location; PATCH changes only sent fields; DELETE removes")
    func createUpdateDelete() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client in
            let created = try await harness.signed(client, .post, Self.base + "/customer", body: #"{"companyName":"New Co","email":"a@new.example","externalId":"NEW-1"}"#)
            #expect(created.status == 204, "\(created.body)")
            let location = try #require(created.headers[.location])
            #expect(location.hasPrefix("http://localhost/services/rest/record/v1/customer/"))
            let id = try #require(location.split(separator: "/").last.map(String.init))
            let fetched = try #require(try await harness.signed(client, .get, Self.base + "/customer/\(id)").object)
            #expect(fetched["companyName"] == .string("New Co"))
            #expect(fetched["entityId"] == .string("New Co"))
            #expect(fetched["subsidiary"]?.objectValue?["id"] == .string("1"))

            let patched = try await harness.signed(client, .patch, Self.base + "/customer/\(id)", body: #"{"phone":"555-1234"}"#)
            #expect(patched.status == 204)
            let after = try #require(try await harness.signed(client, .get, Self.base + "/customer/\(id)").object)
            #expect(after["phone"] == .string("555-1234"))
            #expect(after["email"] == .string("a@new.example"))

            #expect(try await harness.signed(client, .delete, Self.base + "/customer/\(id)").status == 204)
            #expect(try await harness.signed(client, .get, Self.base + "/customer/\(id)").status == 404)
            #expect(try await harness.signed(client, .delete, Self.base + "/customer/\(id)").status == 404)
        }
    }

    @Test("upsert by external id creates once, then updates the same record")
    func upsert() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client in
            let first = try await harness.signed(client, .put, Self.base + "/customer/eid:SHOP-CUST-9", body: #"{"companyName":"Shop Customer"}"#)
            #expect(first.status == 204)
            let second = try await harness.signed(client, .put, Self.base + "/customer/eid:SHOP-CUST-9", body: #"{"companyName":"Shop Customer Renamed"}"#)
            #expect(second.status == 204)
            #expect(first.headers[.location] == second.headers[.location])
            let record = try #require(try await harness.signed(client, .get, Self.base + "/customer/eid:SHOP-CUST-9").object)
            #expect(record["companyName"] == .string("Shop Customer Renamed"))
            #expect(try await harness.netsuite.recordCounts(harness.credentials.accountId)["customer"] == 4)
            let bad = try await harness.signed(client, .put, Self.base + "/customer/100", body: #"{"companyName":"x"}"#)
            #expect(bad.status == 405)
        }
    }

    @Test("errors: INVALID_CONTENT with o:errorPath, USER_ERROR for a missing value, unknown fields")
    func writeErrors() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client in
            let badItem = try await harness.signed(
                client, .post, Self.base + "/salesOrder", body: #"{"entity":{"id":"100"},"item":{"items":[{"item":{"id":"9999"},"quantity":1}]}}"#)
            #expect(badItem.status == 400)
            #expect(badItem.errorCode == "INVALID_CONTENT")
            let detail = try #require(badItem.object?["o:errorDetails"]?.arrayValue?.first?.objectValue)
            #expect(detail["o:errorPath"] == .string("item.items[0].item"))
            #expect(detail["detail"]?.stringValue?.contains("Invalid Field Value 9999 for the following field: item") == true)

            let missing = try await harness.signed(client, .post, Self.base + "/customer", body: #"{"email":"x@y.example"}"#)
            #expect(missing.status == 400)
            #expect(missing.errorCode == "USER_ERROR")
            #expect(missing.body.contains("You must enter a value for Company Name."))

            let unknown = try await harness.signed(client, .post, Self.base + "/customer", body: #"{"companyName":"A","favouriteColour":"blue"}"#)
            #expect(unknown.errorCode == "INVALID_CONTENT")
            let wrongType = try await harness.signed(client, .post, Self.base + "/customer", body: #"{"companyName":"A","isInactive":"maybe"}"#)
            #expect(wrongType.errorCode == "INVALID_CONTENT")
            let notJSON = try await harness.signed(client, .post, Self.base + "/customer", body: "companyName=A")
            #expect(notJSON.status == 400)
            let duplicate = try await harness.signed(client, .post, Self.base + "/customer", body: #"{"companyName":"A","externalId":"CUST-1"}"#)
            #expect(duplicate.errorCode == "USER_ERROR")
            let dependent = try await harness.signed(client, .delete, Self.base + "/customer/100")
            #expect(dependent.errorCode == "USER_ERROR")
            let unknownType = try await harness.signed(client, .get, Self.base + "/vendorBill/1")
            #expect(unknownType.status == 404)
            #expect(try await harness.netsuite.recordCounts(harness.credentials.accountId)["customer"] == 3, "nothing was written")
        }
    }

    @Test("a new sales order computes amounts and totals; lines can be added by PATCH")
    func salesOrderLines() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client in
            let created = try await harness.signed(
                client, .post, Self.base + "/salesOrder",
                body: #"{"entity":{"externalId":"CUST-2"},"externalId":"WEB-1","item":{"items":[{"item":{"id":"200"},"quantity":2,"rate":10.5},{"item":{"externalId":"ITEM-2"},"quantity":1,"rate":4}]}}"#)
            #expect(created.status == 204, "\(created.body)")
            let order = try #require(try await harness.signed(client, .get, Self.base + "/salesOrder/eid:WEB-1?expandSubResources=true").object)
            #expect(order["total"] == .number(25))
            #expect(order["entity"]?.objectValue?["id"] == .string("101") || order["entity"]?.objectValue?["id"]?.stringValue != nil)
            #expect(order["tranId"]?.stringValue?.hasPrefix("SO") == true)
            let patched = try await harness.signed(client, .patch, Self.base + "/salesOrder/eid:WEB-1", body: #"{"item":{"items":[{"item":{"id":"200"},"quantity":1,"rate":5}]}}"#)
            #expect(patched.status == 204)
            let after = try #require(try await harness.signed(client, .get, Self.base + "/salesOrder/eid:WEB-1?expandSubResources=true").object)
            #expect(after["item"]?.objectValue?["items"]?.arrayValue?.count == 3)
            #expect(after["total"] == .number(30))
            let replaced = try await harness.signed(client, .patch, Self.base + "/salesOrder/eid:WEB-1?replace=item", body: #"{"item":{"items":[{"item":{"id":"200"},"quantity":1,"rate":1}]}}"#)
            #expect(replaced.status == 204)
            let final = try #require(try await harness.signed(client, .get, Self.base + "/salesOrder/eid:WEB-1").object)
            #expect(final["total"] == .number(1))
        }
    }

    struct FilterCase: Sendable, CustomTestStringConvertible {
        var q: String
        var expected: @Sendable (StoredRecord) -> Bool
        var testDescription: String { q }
    }

    static let filterCases: [FilterCase] = [
            FilterCase(q: "companyName START_WITH \"Acme\"", expected: { @Sendable (r: StoredRecord) in r.fields["companyName"]?.stringValue?.lowercased().hasPrefix("acme") == true }),
            FilterCase(q: "companyName CONTAIN \"ltd\"", expected: { @Sendable (r: StoredRecord) in r.fields["companyName"]?.stringValue?.lowercased().contains("ltd") == true }),
            FilterCase(q: "companyName IS \"Globex Ltd 2\"", expected: { @Sendable (r: StoredRecord) in r.fields["companyName"]?.stringValue == "Globex Ltd 2" }),
            FilterCase(q: "id EQUAL 105", expected: { @Sendable (r: StoredRecord) in r.id == 105 }),
            FilterCase(q: "id GREATER 110", expected: { @Sendable (r: StoredRecord) in r.id > 110 }),
            FilterCase(q: "id LESS 104 OR id GREATER 140", expected: { @Sendable (r: StoredRecord) in r.id < 104 || r.id > 140 }),
            FilterCase(q: "id ANY_OF [100, 107, 120]", expected: { @Sendable (r: StoredRecord) in [100, 107, 120].contains(r.id) }),
            FilterCase(q: "id BETWEEN [105, 110] AND isInactive IS false", expected: { @Sendable (r: StoredRecord) in (105...110).contains(r.id) && r.fields["isInactive"] == .bool(false) }),
            FilterCase(q: "isInactive IS true", expected: { @Sendable (r: StoredRecord) in r.fields["isInactive"] == .bool(true) }),
            FilterCase(q: "(id LESS 103 OR id GREATER 145) AND companyName CONTAIN_NOT \"Acme\"", expected: { @Sendable (r: StoredRecord) in (r.id < 103 || r.id > 145) && r.fields["companyName"]?.stringValue?.lowercased().contains("acme") != true }),
            FilterCase(q: "dateCreated AFTER \"6/1/2025\"", expected: { @Sendable (r: StoredRecord) in r.created >= SimulatorDates.make(year: 2025, month: 6, day: 2)! }),
            FilterCase(q: "lastModifiedDate BEFORE \"3/1/2025\"", expected: { @Sendable (r: StoredRecord) in r.lastModified < SimulatorDates.make(year: 2025, month: 3, day: 1)! }),
            FilterCase(q: "lastModifiedDate ON_OR_AFTER \"3/1/2025\"", expected: { @Sendable (r: StoredRecord) in r.lastModified >= SimulatorDates.make(year: 2025, month: 3, day: 1)! }),
            FilterCase(q: "dateCreated AFTER_NOT \"6/1/2025\"", expected: { @Sendable (r: StoredRecord) in r.created < SimulatorDates.make(year: 2025, month: 6, day: 2)! }),
        ]

    @Test("q= filters select what a direct evaluation selects", arguments: filterCases)
    func filters(_ filterCase: FilterCase) async throws {
        let q = filterCase.q
        let expected = filterCase.expected
        let harness = try await SimulatorHarness.make(records: 50)
        let (store, _) = try await harness.netsuite.records(harness.credentials.accountId)
        let want = (store.ids[.customer] ?? []).filter { expected(store.record(.customer, $0)!) }.map(String.init)
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let reply = try await harness.withClient { client in try await harness.signed(client, .get, Self.base + "/customer?q=\(encoded)") }
        #expect(reply.status == 200, "\(reply.body)")
        let got = reply.object?["items"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        #expect(got == want)
        #expect(!want.isEmpty || q.contains("IS true"), "the filter should select something: \(q)")
    }

    @Test("a malformed q= gets INVALID_PARAMETER on q")
    func badFilter() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client in
            for q in ["companyName", "companyName LIKES \"a\"", "shoeSize EQUAL 3", "(id EQUAL 1"] {
                let reply = try await harness.signed(client, .get, Self.base + "/customer?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(reply.status == 400, "\(q)")
                let detail = reply.object?["o:errorDetails"]?.arrayValue?.first?.objectValue
                #expect(detail?["o:errorQueryParam"] == .string("q"))
                #expect(detail?["detail"]?.stringValue?.hasPrefix("Invalid search query. Detailed unprocessed description follows.") == true)
            }
        }
    }

    @Test("q= dates are read in the account's date format; another format is refused naming the one to use")
    func filterDateFormats() async throws {
        let harness = try await SimulatorHarness.make(records: 20)
        let realm = harness.credentials.accountId
        let (store, _) = try await harness.netsuite.records(realm)
        let cut = try #require(SimulatorDates.make(year: 2025, month: 6, day: 13))
        let want = (store.ids[.customer] ?? []).filter { store.record(.customer, $0)!.lastModified >= cut }.map(String.init)
        try await harness.withClient { client in
            func ids(_ q: String) async throws -> SimulatorHarness.Reply {
                try await harness.signed(client, .get, Self.base + "/customer?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            }
            // M/D/YYYY, NetSuite's default.
            let american = try await ids("lastModifiedDate ON_OR_AFTER \"6/13/2025\"")
            #expect(american.object?["items"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == want)
            for wrong in ["2025-06-13", "13/6/2025", "June 13", "6/13/25"] {
                let refused = try await ids("lastModifiedDate ON_OR_AFTER \"\(wrong)\"")
                #expect(refused.status == 400 && refused.errorCode == "INVALID_PARAMETER", "\(wrong)")
                #expect(refused.body.contains("M/D/YYYY"), "\(wrong)")
            }
            try await harness.netsuite.setDatePreference(realm, "D/M/YYYY")
            let european = try await ids("lastModifiedDate ON_OR_AFTER \"13/6/2025\"")
            #expect(european.object?["items"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == want)
            #expect(try await ids("lastModifiedDate ON_OR_AFTER \"6/13/2025\"").status == 400)
            try await harness.netsuite.setDatePreference(realm, "YYYY-MM-DD")
            #expect(try await ids("lastModifiedDate ON_OR_AFTER \"2025-06-13\"").object?["items"]?.arrayValue?.count == want.count)
        }
        #expect(!want.isEmpty)
    }
}
