import Foundation
import HTTPTypes
import HummingbirdTesting
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator metadata catalog and custom fields")
struct MetadataCatalogTests {
    static let catalog = "/services/rest/record/v1/metadata-catalog"

    @Test("the list: each record type with canonical, swagger, schema and describes links; select narrows it; bad names are refused")
    func list() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        try await harness.withClient { client in
            for path in [Self.catalog, Self.catalog + "/"] {
                let items = try #require(try await harness.signed(client, .get, path).object?["items"]?.arrayValue)
                #expect(items.count == RecordType.allCases.count)
                let customer = try #require(items.compactMap(\.objectValue).first { $0["name"] == .string("customer") })
                let linkValues = try #require(customer["links"]?.arrayValue)
                let links = linkValues.compactMap(\.objectValue)
                #expect(links.map { $0["rel"]?.stringValue } == ["canonical", "alternate", "alternate", "describes"])
                #expect(links.compactMap { $0["mediaType"]?.stringValue } == ["application/json", "application/swagger+json", "application/schema+json"])
                #expect(links.allSatisfy { $0["href"] == .string("\(SimulatorHarness.origin)\(Self.catalog)/customer") })
            }
            let selected = try #require(try await harness.signed(client, .get, Self.catalog + "?select=customer,salesOrder").object?["items"]?.arrayValue)
            #expect(selected.compactMap { $0.objectValue?["name"]?.stringValue } == ["customer", "salesorder"])
            let unknown = try await harness.signed(client, .get, Self.catalog + "?select=customer,nothing")
            #expect(unknown.status == 400 && unknown.errorCode == "INVALID_PARAMETER" && unknown.body.contains("nothing"))
            let malformed = try await harness.signed(client, .get, Self.catalog + "/customer,%20salesOrder")
            #expect(malformed.status == 400 && malformed.errorCode == "INVALID_REQUEST")
            let plain = try #require(try await harness.signed(client, .get, Self.catalog + "/customer").object)
            #expect(plain["name"] == .string("customer"))
        }
    }

    @Test("a custom field added through the admin API: in the JSON schema with x-ns-custom-field, in records, in SuiteQL; wrong values and ids refused")
    func customField() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        try await harness.withClient { client in
            func admin(_ body: String) async throws -> SimulatorHarness.Reply {
                try await SimulatorHarness.send(client, .post, "/simulator/v1/accounts/1234567_SB1/custom-fields", headers: ["Content-Type": "application/json"], body: body)
            }
            #expect(try await admin(#"{"recordType":"customer","id":"custentity_tier","type":"integer","label":"Tier"}"#).status == 200)
            #expect(try await admin(#"{"recordType":"salesOrder","id":"custbody_shipped_at","type":"datetime","label":"Shipped at"}"#).status == 200)
            let wrongPrefix = try await admin(#"{"recordType":"customer","id":"custbody_tier","type":"text","label":"Tier"}"#)
            #expect(wrongPrefix.status == 400 && wrongPrefix.body.contains("custentity_"))
            #expect(try await admin(#"{"recordType":"contact","id":"custentity_tier","type":"text","label":"Again"}"#).status == 400, "ids are unique across entities")
            #expect(try await admin(#"{"recordType":"customer","id":"custentity_x","type":"colour","label":"X"}"#).status == 400)

            let schemaReply = try await harness.signed(client, .get, Self.catalog + "/customer", headers: ["Accept": "application/schema+json"])
            #expect(schemaReply.headers[.contentType] == "application/schema+json")
            let schema = try #require(schemaReply.object)
            #expect(schema["$schema"] == .string("https://json-schema.org/draft-06/hyper-schema#"))
            let properties = try #require(schema["properties"]?.objectValue)
            let tier = try #require(properties["custentity_tier"]?.objectValue)
            #expect(tier["type"] == .string("integer") && tier["format"] == .string("int64") && tier["title"] == .string("Tier"))
            #expect(tier["x-ns-custom-field"] == .bool(true))
            #expect(properties["companyName"]?.objectValue?["x-ns-custom-field"] == nil)
            #expect(properties["isInactive"]?.objectValue?["type"] == .string("boolean"))
            #expect(properties["lastModifiedDate"]?.objectValue?["format"] == .string("date-time"))
            #expect(properties["subsidiary"]?.objectValue?["properties"]?.objectValue?["refName"] != nil)
            let filterable = try #require(schema["x-ns-filterable"]?.arrayValue)
            #expect(filterable.contains(.string("custentity_tier")) && filterable.contains(.string("lastModifiedDate")))

            let put = try await harness.signed(client, .put, "/services/rest/record/v1/customer/eid:TIER-1",
                                               body: #"{"companyName":"Tiered","subsidiary":{"id":"1"},"custentity_tier":3}"#)
            #expect(put.status == 204)
            let record = try #require(try await harness.signed(client, .get, "/services/rest/record/v1/customer/eid:TIER-1").object)
            #expect(record["custentity_tier"] == .number(3))
            let bad = try await harness.signed(client, .patch, "/services/rest/record/v1/customer/eid:TIER-1", body: #"{"custentity_tier":2.5}"#)
            #expect(bad.status == 400 && bad.errorCode == "INVALID_CONTENT")
            #expect(bad.object?["o:errorDetails"]?.arrayValue?.first?.objectValue?["o:errorPath"] == .string("custentity_tier"))
            let rows = try #require(try await harness.suiteQL(client, "SELECT externalid, custentity_tier FROM customer WHERE custentity_tier = 3").object?["items"]?.arrayValue)
            #expect(rows.count == 1 && rows.first?.objectValue?["custentity_tier"] == .string("3"))
            let others = try #require(try await harness.suiteQL(client, "SELECT COUNT(*) AS n FROM customer WHERE custentity_tier IS NULL").object?["items"]?.arrayValue)
            #expect(others.first?.objectValue?["n"] == .string("5"), "records without a value read as NULL")

            let order = try await harness.signed(client, .post, "/services/rest/record/v1/salesOrder",
                                                 body: #"{"entity":{"id":"100"},"item":{"items":[{"item":{"id":"200"},"quantity":1}]},"custbody_shipped_at":"2026-11-30T08:15:00Z"}"#)
            #expect(order.status == 204, "\(order.body)")
            let shipped = try #require(try await harness.suiteQL(
                client, "SELECT TO_CHAR(custbody_shipped_at, 'YYYY-MM-DD HH24:MI') AS at FROM transaction WHERE custbody_shipped_at IS NOT NULL").object?["items"]?.arrayValue)
            #expect(shipped.first?.objectValue?["at"] == .string("2026-11-30 08:15"))

            // Deleted with its values: gone from the catalog, records and SuiteQL; a second delete finds nothing.
            let path = "/simulator/v1/accounts/1234567_SB1/custom-fields/custentity_tier"
            #expect(try await SimulatorHarness.send(client, .delete, path).status == 204)
            #expect(try await SimulatorHarness.send(client, .delete, path).status == 404)
            let after = try #require(try await harness.signed(client, .get, Self.catalog + "/customer", headers: ["Accept": "application/schema+json"]).object)
            #expect(after["properties"]?.objectValue?["custentity_tier"] == nil)
            #expect(try await harness.signed(client, .get, "/services/rest/record/v1/customer/eid:TIER-1").object?["custentity_tier"] == nil)
            #expect(try await harness.suiteQL(client, "SELECT custentity_tier FROM customer").errorCode == "INVALID_PARAMETER")
        }
    }

    @Test("OpenAPI 3.0 per record type: paths, the record and collection schemas, the error body")
    func openAPI() async throws {
        let harness = try await SimulatorHarness.make(records: 5)
        try await harness.withClient { client in
            let reply = try await harness.signed(client, .get, Self.catalog + "/salesOrder", headers: ["Accept": "application/swagger+json"])
            #expect(reply.headers[.contentType] == "application/swagger+json")
            let document = try #require(reply.object)
            #expect(document["openapi"] == .string("3.0.1"))
            let paths = try #require(document["paths"]?.objectValue)
            #expect(paths["/salesorder"] != nil && paths["/salesorder/{id}"] != nil)
            let schemas = try #require(document["components"]?.objectValue?["schemas"]?.objectValue)
            #expect(schemas["salesorder"]?.objectValue?["properties"]?.objectValue?["item"] != nil)
            #expect(schemas["salesorderCollection"] != nil && schemas["rest_error"] != nil)
        }
    }
}
