import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import Testing
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

/// An alert endpoint on 127.0.0.1 that keeps what it was sent, answering as told.
final class AlertReceiver: Sendable {
    private let received = NIOLockedValueBox<[[String: String]]>([])
    private let answer: @Sendable (Int) -> HTTPResponse.Status

    init(answer: @escaping @Sendable (Int) -> HTTPResponse.Status = { _ in .ok }) {
        self.answer = answer
    }

    var messages: [[String: String]] { received.withLockedValue { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/alert") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let object = (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: String]) ?? [:]
            let number = self.received.withLockedValue { $0.append(object); return $0.count }
            return self.answer(number)
        }
        return router
    }
}

@Suite("Alerts")
struct AlertsTests {
    /// The core of `live` with its clock moved by `seconds`.
    static func core(_ live: LiveSetup, after seconds: TimeInterval, from start: Date) -> CoreContext {
        CoreContext(store: live.store, secrets: live.core.secrets, actor: "alerts", logger: quietLogger, now: { start.addingTimeInterval(seconds) },
                    files: live.core.files, destinations: live.core.destinations)
    }

    @Test("each event is told once; a send the endpoint refuses is retried after its backoff; inbox growth and a certificate near its end are told; the URL passes the destination rules", arguments: TestDatabases.kinds)
    func events(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let receiver = AlertReceiver { $0 == 1 ? .internalServerError : .ok }  // the first send fails
            let endpoint = Application(router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
            try await endpoint.test(.live) { client in
                let url = "http://127.0.0.1:\(client.port!)/alert"
                let alerts = live.core.alerts
                await #expect(throws: SuiteBridgeError.self) { try await alerts.add(name: "private", url: "http://10.1.2.3/alert") }
                let added = try await alerts.add(name: "ops", url: url + "?token=T0KEN")
                #expect(added.url == "http://127.0.0.1:\(client.port!)/…")
                #expect(try await alerts.list().map(\.url) == [added.url])  // the path and query, which may hold a credential, are not shown
                await #expect(throws: SuiteBridgeError.self) { try await alerts.add(name: "ops", url: url) }

                // A run fails (a query NetSuite refuses) and an import leaves one open error.
                let folder = try live.newFolder()
                try await live.core.flows.create(name: "broken", definition: FlowDefinition(kind: .export, instance: live.tbaName, export: .init(
                    query: "SELECT nosuchcolumn FROM customer ORDER BY id", destination: .folder(folder))))
                try "ref,name\nA-1,\n".write(toFile: folder + "/in.csv", atomically: true, encoding: .utf8)
                try await live.core.flows.create(name: "people", definition: FlowDefinition(kind: .import, instance: live.tbaName, import: .init(
                    source: folder + "/in.csv", recordType: "customer", externalIdColumn: "ref",
                    mapping: ["companyName": .init(from: "name"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])])))
                for flow in ["broken", "people"] { try await live.core.flows.enqueue(flow) }
                let runs = try await FlowWorker(context: live.core).runUntilIdle()
                #expect(runs.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.failed, .succeeded])

                #expect(try await alerts.scan() == 2)  // the failed run, the inbox's first error
                #expect(try await alerts.scan() == 0)  // told once
                let start = Date()
                #expect(try await alerts.deliverDue() == 1)  // the first send got 500, the second went through
                var told = try await alerts.deliveries()
                #expect(told.count == 2 && told.filter { $0.state == .sent }.count == 1)
                let retrying = try #require(told.first { $0.state == .pending })
                #expect(retrying.attempts == 1 && retrying.lastError == "HTTP 500")
                #expect(try await Self.core(live, after: 10, from: start).alerts.deliverDue() == 0)  // not due yet: 30 s backoff
                #expect(try await Self.core(live, after: 31, from: start).alerts.deliverDue() == 1)
                told = try await alerts.deliveries()
                #expect(told.allSatisfy { $0.state == .sent } && told.map(\.attempts).sorted() == [1, 2])
                let texts = receiver.messages.compactMap { $0["text"] }
                #expect(receiver.messages.count == 3 && Set(receiver.messages.compactMap { $0["event"] }) == ["run-failed", "inbox-growth"])
                #expect(texts.contains { $0.contains("a run of broken failed") } && texts.contains { $0.contains("people has 1 open error") })

                // Five days before the OAuth 2 certificate's end: told once at the 7-day mark.
                let end = try #require(try await live.core.certificates.list(of: live.oauth2Name).first { $0.state == .active }?.notAfter)
                let late = CoreContext(store: live.store, secrets: live.core.secrets, actor: "alerts", logger: quietLogger, now: { end.addingTimeInterval(-5 * 86_400) },
                                       files: live.core.files, destinations: live.core.destinations)
                #expect(try await late.alerts.scan() == 1)
                #expect(try await late.alerts.scan() == 0)
                #expect(try await late.alerts.deliverDue() == 1)
                #expect(receiver.messages.last?["event"] == "certificate-expiry" && receiver.messages.last?["text"]?.contains("5 days left") == true)

                try await alerts.test("ops")
                #expect(receiver.messages.last?["event"] == "test")
                try await alerts.remove("ops")
                #expect(try await alerts.list().isEmpty)
                #expect(try await alerts.deliveries().isEmpty)
            }
        }
    }
}
