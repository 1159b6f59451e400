import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NetSuiteClient
import OpenAPIRuntime
import NetSuiteSimulator
import SuiteBridgeAPIClient
import SuiteBridgeCore
import SuiteBridgeServer
import SuiteBridgeTestSupport
import Testing

@Suite("Inbound webhooks")
struct WebhookTests {
    static let mapping: Components.Schemas.Mapping = .init(fields: .init(additionalProperties: [
        "companyName": .init(from: "customer.name", steps: [try! .init(unvalidatedValue: "trim")]),
        "email": .init(from: "customer.email"),
        "subsidiary": .init(const: try! .init(unvalidatedValue: "1"), steps: [try! .init(unvalidatedValue: ["ref": "internal"])]),
    ]))

    static func deliver(_ harness: ServerHarness, _ endpoint: String, _ body: String, headers: HTTPFields) async throws -> TestResponse {
        try await harness.client.execute(uri: endpoint, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func signed(_ body: String, secret: String, id: String?, scheme: FlowDefinition.Webhook.Signature = .suitebridge) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        let name = HTTPField.Name(scheme == .shopify ? WebhookSignature.shopifyHeader : WebhookSignature.suitebridgeHeader)!
        headers[name] = WebhookSignature.sign(Data(body.utf8), secret: secret, scheme: scheme)
        if let id { headers[HTTPField.Name(scheme == .shopify ? "X-Shopify-Webhook-Id" : "X-Request-Id")!] = id }
        return headers
    }

    @Test("signed deliveries in both formats are stored once and imported; unsigned, wrongly signed, oversized, non-JSON and over-rate ones are refused and nothing is stored")
    func deliveries() async throws {
        // The rate limit's clock stands still until the test moves it.
        let clock = NIOLockedValueBox(Date())
        try await ServerHarness.run(webhookClock: { clock.withLockedValue { $0 } }) { harness in
            let api = harness.apiClient
            let created = try await api.createFlow(body: .json(.init(name: "shop", definition: .init(
                kind: .webhook, instance: "\(harness.realm)-tba",
                webhook: .init(recordType: "customer", externalIdField: "customer.id", mapping: Self.mapping, maxBytes: 2_000, ratePerSecond: 1))))).created.body.json
            let secret = try #require(created.signingSecret)
            let endpoint = try #require(created.endpoint)
            #expect(secret.hasPrefix("whsec_") && endpoint.hasPrefix("/hooks/"))
            // The secret is shown once: never in the flow afterwards.
            let shown = try await api.getFlow(path: .init(name: "shop")).ok.body.json
            #expect(shown.signingSecret == nil && shown.endpoint == endpoint)

            let order = #"{"customer": {"id": "SHOP-1", "name": " Ada Ltd ", "email": "ada@example.com"}}"#
            let first = try await Self.deliver(harness, endpoint, order, headers: Self.signed(order, secret: secret, id: "d-1"))
            #expect(first.status == .accepted && String(buffer: first.body).contains(#""duplicate":false"#))
            let again = try await Self.deliver(harness, endpoint, order, headers: Self.signed(order, secret: secret, id: "d-1"))
            #expect(again.status == .ok && String(buffer: again.body).contains(#""duplicate":true"#))
            let unsigned = try await Self.deliver(harness, endpoint, order, headers: [.contentType: "application/json"])
            #expect(unsigned.status == .unauthorized && String(buffer: unsigned.body).contains("X-SuiteBridge-Signature"))
            let forged = try await Self.deliver(harness, endpoint, order, headers: Self.signed(order, secret: "whsec_someone-elses-secret", id: "d-2"))
            #expect(forged.status == .unauthorized)
            let tampered = try await Self.deliver(harness, endpoint, order.replacingOccurrences(of: "Ada", with: "Eve"), headers: Self.signed(order, secret: secret, id: "d-3"))
            #expect(tampered.status == .unauthorized)
            let big = #"{"customer": {"id": "X", "name": ""# + String(repeating: "x", count: 3_000) + #""}}"#
            #expect(try await Self.deliver(harness, endpoint, big, headers: Self.signed(big, secret: secret, id: "d-4")).status == .contentTooLarge)
            #expect(try await Self.deliver(harness, "/hooks/no-such-hook", order, headers: Self.signed(order, secret: secret, id: "d-5")).status == .notFound)
            // A rate of 1 a second takes ten at once (two went above: d-1 and its repeat), then answers 429 with Retry-After.
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for n in 2...12 {
                let body = #"{"customer": {"id": "SHOP-\#(n)", "name": "Customer \#(n)"}}"#
                let response = try await Self.deliver(harness, endpoint, body, headers: Self.signed(body, secret: secret, id: "r-\(n)"))
                statuses.append(response.status)
                if response.status == .tooManyRequests { retryAfter = response.headers[.retryAfter] }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 8 && statuses.suffix(3).allSatisfy { $0 == .tooManyRequests } && retryAfter == "1", "\(statuses)")
            let notJSON = "SHOP-99"
            // A second later the bucket holds one more.
            clock.withLockedValue { $0 = $0.addingTimeInterval(1) }
            #expect(try await Self.deliver(harness, endpoint, notJSON, headers: Self.signed(notJSON, secret: secret, id: "d-6")).status == .badRequest)

            let core = harness.server.workspace.context
            #expect(try await core.webhooks.counts(flow: "shop") == ["queued": 9])
            let run = try #require(try await FlowWorker(context: core).runUntilIdle().last)
            #expect(run.state == .succeeded && run.rowsRead == 9 && run.rowsWritten == 9 && run.trigger == "webhook", "\(run.log) \(run.error ?? "")")
            let client = try await core.connections.client(for: "\(harness.realm)-tba")
            let page = try await client.suiteQLPage("SELECT companyname, email FROM customer WHERE externalid = 'SHOP-1'")
            #expect(page.rows.first?["companyname"] == "Ada Ltd" && page.rows.first?["email"] == "ada@example.com")
            #expect(try await core.webhooks.counts(flow: "shop") == ["imported": 9])
        }
    }

    @Test("Shopify's signature with the shop's own secret; a delivery the mapping or NetSuite refuses waits in the error inbox")
    func shopify() async throws {
        try await ServerHarness.run { harness in
            let secret = "shpss_0123456789abcdef0123456789abcdef"
            let created = try await harness.apiClient.createFlow(body: .json(.init(name: "orders", definition: .init(
                kind: .webhook, instance: "\(harness.realm)-tba",
                webhook: .init(recordType: "customer", externalIdField: "customer.id", mapping: Self.mapping, signature: .shopify)), signingSecret: secret))).created.body.json
            #expect(created.signingSecret == secret)
            let endpoint = try #require(created.endpoint)
            let good = #"{"customer": {"id": "S-1", "name": "Good"}}"#
            let nameless = #"{"customer": {"id": "S-2", "name": "  "}}"#
            for (body, id) in [(good, "w-1"), (nameless, "w-2")] {
                let response = try await Self.deliver(harness, endpoint, body, headers: Self.signed(body, secret: secret, id: id, scheme: .shopify))
                #expect(response.status == .accepted)
            }
            let wrongScheme = try await Self.deliver(harness, endpoint, good, headers: Self.signed(good, secret: secret, id: "w-3"))
            #expect(wrongScheme.status == .unauthorized && String(buffer: wrongScheme.body).contains("X-Shopify-Hmac-Sha256"))
            let core = harness.server.workspace.context
            let run = try #require(try await FlowWorker(context: core).runUntilIdle().last)
            #expect(run.rowsRead == 2 && run.rowsWritten == 1 && run.rowsFailed == 1, "\(run.log)")
            let errors = try await core.inbox.list(flow: "orders", state: .open)
            #expect(errors.count == 1 && errors.first?.externalId == "S-2" && errors.first?.field == "companyName" && errors.first?.line == nil, "\(errors)")
            // Fixed and retried from the inbox.
            let fixed = try await core.inbox.edit(id: try #require(errors.first).id, values: ["customer": #"{"id":"S-2","name":"Named now"}"#])
            #expect(try await core.inbox.retry(id: fixed.id).state == .resolved)
        }
    }

    @Test("a burst of 1,000 deliveries while NetSuite answers 429: every one accepted, then imported once")
    func burst() async throws {
        try await ServerHarness.run { harness in
            let created = try await harness.apiClient.createFlow(body: .json(.init(name: "burst", definition: .init(
                kind: .webhook, instance: "\(harness.realm)-tba",
                webhook: .init(recordType: "customer", externalIdField: "customer.id", mapping: Self.mapping, ratePerSecond: 10_000))))).created.body.json
            let secret = try #require(created.signingSecret)
            let endpoint = try #require(created.endpoint)
            // NetSuite's account takes 1 request at once, each held 10 ms; the instance is set to 5 (its ten batch
            // submissions go out together).
            try await harness.netsuite.setConcurrencyLimit(harness.realm, 1)
            try await harness.netsuite.setFaults(harness.realm, FaultSettings(latencyMs: 10))
            var accepted = 0
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 1...1_000 {
                    let body = #"{"customer": {"id": "B-\#(n)", "name": "Burst \#(n)"}}"#
                    group.addTask { try await Self.deliver(harness, endpoint, body, headers: Self.signed(body, secret: secret, id: "b-\(n)")).status }
                    if n % 20 == 0 { while let status = try await group.next() { if status == .accepted { accepted += 1 } } }
                }
                while let status = try await group.next() { if status == .accepted { accepted += 1 } }
            }
            #expect(accepted == 1_000)
            let core = harness.server.workspace.context
            let runs = try await FlowWorker(context: core).runUntilIdle()
            #expect(runs.allSatisfy { $0.state == .succeeded } && runs.map(\.rowsWritten).reduce(0, +) == 1_000, "\(runs.map(\.log))")
            let stats = try await harness.netsuite.stats(harness.realm)
            #expect(stats.throttled > 0, "NetSuite answered 429 during the burst")
            let client = try await core.connections.client(for: "\(harness.realm)-tba")
            let page = try await client.suiteQLPage("SELECT COUNT(*) AS n, COUNT(DISTINCT externalid) AS d FROM customer WHERE externalid LIKE 'B-%'")
            #expect(page.rows.first?["n"] == "1000" && page.rows.first?["d"] == "1000")
        }
    }
}
