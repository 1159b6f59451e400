import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import Testing

/// An OTLP/HTTP (JSON) collector and an export endpoint on 127.0.0.1, keeping what they receive.
final class TraceCollector: Sendable {
    private let bodies = NIOLockedValueBox<[Data]>([])
    private let traceparents = NIOLockedValueBox<[String]>([])

    var received: [Data] { bodies.withLockedValue { $0 } }
    var exportTraceparents: [String] { traceparents.withLockedValue { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/traces") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 16 << 20)
            self.bodies.withLockedValue { $0.append(Data(body.readableBytesView)) }
            return .ok
        }
        router.post("/ingest") { request, _ -> HTTPResponse.Status in
            self.traceparents.withLockedValue { $0.append(request.headers[HTTPField.Name("traceparent")!] ?? "") }
            return .ok
        }
        return router
    }

    /// Every span received: name, ids and attributes (values as text).
    struct Span {
        var name: String
        var traceID: String
        var spanID: String
        var parentID: String
        var attributes: [String: String]
    }

    /// An id as lower-case hex: OTLP/JSON writers give ids as hex or (protobuf's JSON mapping of bytes) base64.
    static func hex(_ value: Any?, bytes: Int) -> String {
        guard let text = value as? String, !text.isEmpty else { return "" }
        if text.count == bytes * 2, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let data = Data(base64Encoded: text), data.count == bytes else { return text }
        return data.map { String(format: "%02x", $0) }.joined()
    }

    var spans: [Span] {
        received.flatMap { body -> [Span] in
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
            let resourceSpans = object["resourceSpans"] as? [[String: Any]] ?? []
            return resourceSpans.flatMap { ($0["scopeSpans"] as? [[String: Any]] ?? []).flatMap { $0["spans"] as? [[String: Any]] ?? [] } }.map { span in
                var attributes: [String: String] = [:]
                for attribute in span["attributes"] as? [[String: Any]] ?? [] {
                    guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any], let first = value.values.first else { continue }
                    attributes[key] = "\(first)"
                }
                return Span(name: span["name"] as? String ?? "", traceID: Self.hex(span["traceId"], bytes: 16), spanID: Self.hex(span["spanId"], bytes: 8),
                            parentID: Self.hex(span["parentSpanId"], bytes: 8), attributes: attributes)
            }
        }
    }
}

@Suite("Traces over OTLP/HTTP")
struct TraceExportTests {
    @Test("a worker's flow run is one trace: the run's span, its NetSuite requests and its export batch as children, traceparent sent to the endpoint; serve traces API requests; no secret in any span")
    func flowRunTrace() async throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (simulator, _) = try SimulatorCommandTests.start(["--records", "12"], credentials: credentials)
        defer { simulator.terminate() }
        let collector = TraceCollector()
        let application = Application(router: collector.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path,
                       "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": "",
                       "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100"]
            func run(_ arguments: [String]) throws -> CLIRunner.Result {
                try CLIRunner.run(arguments, environment: env)
            }
            #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
            let created = try run(["flow", "create", "push", "--instance", "1234567_SB1-oauth2", "--query", "SELECT id, companyname FROM customer ORDER BY id",
                                   "--to-url", "http://127.0.0.1:\(port)/ingest", "--batch-size", "100"])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(try run(["flow", "run", "push"]).status == 0)
            let bad = try run(["worker", "--until-idle", "--traces-endpoint", "collector:4318"])
            #expect(bad.status == 2 && bad.stderr.contains("not an http(s) URL"))
            #if !TraceExport
            // A build without trace export (Scripts/tsan.sh's) says so instead of dropping the traces.
            let refused = try run(["worker", "--until-idle", "--traces-endpoint", "http://127.0.0.1:\(port)"])
            #expect(refused.status == 1 && refused.stderr.contains("no trace export"), "\(refused.stderr)")
            #else
            let worked = try run(["worker", "--until-idle", "--traces-endpoint", "http://127.0.0.1:\(port)"])
            #expect(worked.status == 0 && worked.stdout.contains("succeeded"), "\(worked.stdout) \(worked.stderr)")

            let spans = collector.spans
            let runSpan = try #require(spans.first { $0.name == "flow run" }, "\(spans.map(\.name))")
            #expect(runSpan.attributes["suitebridge.flow"] == "push" && runSpan.attributes["suitebridge.flow.kind"] == "export")
            #expect(runSpan.attributes["suitebridge.rows.read"] == "12" && runSpan.attributes["suitebridge.rows.written"] == "12")
            let netsuite = spans.filter { $0.name.hasPrefix("NetSuite ") }
            #expect(!netsuite.isEmpty && netsuite.allSatisfy { $0.traceID == runSpan.traceID && $0.parentID == runSpan.spanID })
            #expect(netsuite.contains { $0.attributes["url.path"] == "/services/rest/query/v1/suiteql" && $0.attributes["http.response.status_code"] == "200" })
            #expect(netsuite.allSatisfy { $0.attributes["netsuite.retries"] != nil && $0.attributes["netsuite.throttled"] != nil })
            let export = try #require(spans.first { $0.name == "export POST" })
            #expect(export.traceID == runSpan.traceID && export.parentID == runSpan.spanID && export.attributes["suitebridge.batch.rows"] == "12")
            #expect(collector.exportTraceparents == ["00-\(runSpan.traceID)-\(export.spanID)-01"])
            // Only SuiteBridge's own spans: no HTTP client span with a full URL.
            #expect(spans.allSatisfy { $0.attributes["url.full"] == nil && $0.attributes["url.query"] == nil })

            // serve: a span per API request, named by its route.
            let (serve, text) = try CLIRunner.startServer(["serve", "--port", "0", "--traces-endpoint", "http://127.0.0.1:\(port)/v1/traces"],
                                                          environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUITEBRIDGE_") }.merging(env) { $1 })
            defer { if serve.isRunning { serve.terminate() } }
            let base = try #require(text.range(of: #"http://127\.0\.0\.1:\d+/"#, options: .regularExpression).map { String(text[$0]) })
            #expect(try ServeTLSTests.shell("curl -s \(base)readyz").contains("ready"))
            serve.terminate()
            serve.waitUntilExit()
            let request = try #require(collector.spans.first { $0.attributes["http.route"] == "/readyz" }, "\(collector.spans.map(\.name))")
            #expect(request.attributes["http.response.status_code"] == "200" && request.attributes["http.request.method"] == "GET")

            // No secret of the instances in anything sent.
            let sent = collector.received.map { String(decoding: $0, as: UTF8.self) }.joined()
            let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentials))) as? [String: Any]
            let account = (file?["accounts"] as? [[String: Any]])?.first
            let tba = account?["tba"] as? [String: String] ?? [:]
            for secret in [tba["consumerSecret"], tba["tokenSecret"]].compactMap({ $0 }) { #expect(!sent.contains(secret)) }
            #expect(!sent.lowercased().contains("authorization") && !sent.contains("Bearer "))
            #endif
        }
    }
}
