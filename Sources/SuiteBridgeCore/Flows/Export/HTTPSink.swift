import Crypto
import Foundation
import NetSuiteClient
import Tracing

/// Batches of rows POSTed as JSON, each with an `Idempotency-Key` derived from the flow and the batch's rows, so a
/// batch sent again (a retry, a run taken over after its worker died, a run repeated over the same data) has the
/// same key and a different batch never does: a receiver that drops repeated keys gets every row once. The URL is checked against the ``DestinationPolicy`` again
/// when the run starts (names can come to resolve elsewhere), and redirects are not followed.
struct HTTPSink: ExportSink {
    let url: String
    let batchSize: Int
    let flow: String
    let runID: String
    let transport: HTTPClientTransport
    var pending: [[String: String]] = []
    var batch = 0

    var location: String { url }

    init(destination: FlowDefinition.Destination, flow: String, runID: String, policy: DestinationPolicy) async throws {
        url = destination.url ?? ""
        try await policy.check(url, field: "export.destination.url")
        let transport = DestinationPolicy.transport
        batchSize = max(1, destination.batchSize ?? 500)
        self.flow = flow
        self.runID = runID
        self.transport = transport
    }

    mutating func write(_ rows: [[String: String]], columns: [String]) async throws {
        pending += rows
        while pending.count >= batchSize {
            let chunk = Array(pending.prefix(batchSize))
            pending.removeFirst(batchSize)
            try await send(chunk)
        }
    }

    mutating func finish() async throws {
        if !pending.isEmpty || batch == 0 { try await send(pending) }
        pending = []
    }

    func abandon() async {}

    /// `sb-` and 32 hex digits of the SHA-256 of the flow's name and the rows (keys sorted): the batch's identity.
    static func idempotencyKey(flow: String, rows: [[String: String]]) throws -> String {
        let content = try JSONSerialization.data(withJSONObject: ["flow": flow, "rows": rows], options: [.sortedKeys])
        return "sb-" + SHA256.hash(data: content).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Sends one batch in a client span (`export POST`), whose context goes with it as W3C `traceparent` (and
    /// `tracestate`), so the receiver's own trace continues the run's.
    private mutating func send(_ rows: [[String: String]]) async throws {
        batch += 1
        let (url, batch) = (url, batch)
        let body = try JSONSerialization.data(withJSONObject: ["flow": flow, "run": runID, "batch": batch, "rows": rows], options: [.sortedKeys])
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Idempotency-Key", try Self.idempotencyKey(flow: flow, rows: rows)),
        ]
        let transport = transport
        try await withSpan("export POST", ofKind: .client) { span in
            span.attributes["http.request.method"] = "POST"
            span.attributes["server.address"] = URL(string: url)?.host ?? ""
            span.attributes["url.path"] = URL(string: url)?.path ?? ""
            span.attributes["suitebridge.batch"] = batch
            span.attributes["suitebridge.batch.rows"] = rows.count
            var traced = headers
            InstrumentationSystem.instrument.inject(span.context, into: &traced, using: HeaderListInjector())
            try await Self.deliver(NetSuiteHTTPRequest(method: "POST", url: url, headers: traced, body: Array(body)), batch: batch, url: url,
                                   transport: transport, span: span)
        }
    }

    private static func deliver(_ request: NetSuiteHTTPRequest, batch: Int, url: String, transport: HTTPClientTransport, span: any Span) async throws {
        var lastProblem = ""
        for attempt in 1...4 {
            do {
                let response = try await transport.send(request, timeout: .seconds(60))
                span.attributes["http.response.status_code"] = response.status
                span.attributes["suitebridge.attempts"] = attempt
                if (200..<300).contains(response.status) { return }
                if (300..<400).contains(response.status) {
                    lastProblem = "HTTP \(response.status), a redirect, which exports do not follow"
                    break
                }
                lastProblem = "HTTP \(response.status)"
                if response.status < 500 && response.status != 429 { break }
            } catch {
                lastProblem = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(200 * (1 << attempt)))
        }
        throw SuiteBridgeError(.invalidInput, "The export endpoint \(url) refused batch \(batch): \(lastProblem).",
                               remedy: "Check the endpoint; the run can be run again (batches carry Idempotency-Key headers).", field: "export.destination.url")
    }
}

/// Writes a trace context into a request's header list.
struct HeaderListInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [(name: String, value: String)]) {
        carrier.append((key, value))
    }
}
