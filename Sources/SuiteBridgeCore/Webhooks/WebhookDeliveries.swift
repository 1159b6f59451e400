import Crypto
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Why a delivery was not taken, as the HTTP status the sender gets. Nothing is stored for a refused delivery.
public struct WebhookRefusal: Error, Sendable, Hashable {
    /// 400, 401, 404, 413 or 429.
    public var status: Int
    public var message: String
    public var remedy: String
    /// Seconds to wait, with 429.
    public var retryAfter: Int?
}

/// Deliveries accepted per second per hook: a token bucket holding ten seconds' worth, in this process.
public final class WebhookRateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var refilled: Date }
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock buckets refill by.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Takes one delivery from the hook's bucket; the seconds to wait when it is empty.
    func take(_ hook: String, ratePerSecond: Int) -> Int? {
        let now = self.now()
        return buckets.withLockedValue { buckets in
            let capacity = Double(ratePerSecond * 10)
            var bucket = buckets[hook] ?? Bucket(tokens: capacity, refilled: now)
            bucket.tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.refilled)) * Double(ratePerSecond))
            bucket.refilled = now
            defer { buckets[hook] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / Double(ratePerSecond)).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// Inbound webhook deliveries: checked (size, signature, rate, JSON), stored once per delivery id before they are
/// answered, and a run queued to import them.
public struct WebhookDeliveries: Sendable {
    let context: CoreContext

    /// What became of a delivery that was taken.
    public enum Acceptance: Sendable, Hashable {
        /// Stored; a run imports it.
        case accepted(deliveryID: String)
        /// A delivery with this id was stored before: nothing was added.
        case duplicate(deliveryID: String)
    }

    /// Takes one delivery to webhook flow `flowID`.
    /// - Parameters:
    ///   - headers: the request's headers (names in any case).
    /// - Throws: ``WebhookRefusal`` (404 no such hook, 413 too large, 401 unsigned or wrongly signed, 429 over the
    ///   hook's rate, 400 not a JSON object); nothing is stored then.
    public func accept(flowID: String, body: [UInt8], headers: [String: String], limiter: WebhookRateLimiter) async throws -> Acceptance {
        let header = { (name: String) in headers.first { $0.key.lowercased() == name.lowercased() }?.value }
        let flow = try await context.store.read { database in
            try await database.raw("SELECT \(unsafeRaw: Flows.flowColumns) FROM flows WHERE id = \(bind: flowID)").fetchFirst().map(Flows.decodeFlow)
        }
        guard let flow, let spec = flow.definition.webhook else {
            throw WebhookRefusal(status: 404, message: "There is no webhook \(flowID).", remedy: "Use the endpoint `suitebridge flow create --from-webhook` printed.")
        }
        guard body.count <= spec.effectiveMaxBytes else {
            throw WebhookRefusal(status: 413, message: "The delivery has \(body.count) bytes; this hook takes at most \(spec.effectiveMaxBytes).",
                                 remedy: "Send smaller deliveries, or raise the flow's webhook.maxBytes.")
        }
        let scheme = spec.effectiveSignature
        let signatureHeader = scheme == .shopify ? WebhookSignature.shopifyHeader : WebhookSignature.suitebridgeHeader
        guard let secret = try await context.flows.signingSecret(flowID: flow.id),
              WebhookSignature.verify(header(signatureHeader), body: body, secret: secret, scheme: scheme)
        else {
            throw WebhookRefusal(status: 401, message: "The delivery is not signed with this hook's secret (\(signatureHeader)).",
                                 remedy: scheme == .shopify ? "Sign it as Shopify does: the base64 HMAC-SHA256 of the raw body with the app's secret."
                                    : "Sign it: \(signatureHeader): sha256=<hex of HMAC-SHA256 of the raw body with the signing secret>.")
        }
        if let wait = limiter.take(flow.id, ratePerSecond: spec.effectiveRate) {
            throw WebhookRefusal(status: 429, message: "The hook takes \(spec.effectiveRate) deliveries a second.", remedy: "Send it again after Retry-After.", retryAfter: wait)
        }
        guard let text = String(validating: body, as: UTF8.self), case .object? = JSONValue.parse(text) else {
            throw WebhookRefusal(status: 400, message: "The delivery is not a JSON object.", remedy: "Send one record as a JSON object ({\"id\": …}).")
        }
        let deliveryID = WebhookSignature.deliveryIDHeaders.lazy.compactMap { header($0) }.first { !$0.isEmpty }
            ?? "sha256:" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let now = StoreDate.string(context.now())
        let postgres = context.store.kind == .postgres
        let inserted = try await context.store.transaction { database in
            let stored = try await database.raw("""
                INSERT INTO webhook_deliveries (id, flow_id, delivery_id, received_at, body, state)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: flow.id), \(bind: deliveryID), \(bind: now), \(bind: text), 'queued')
                \(unsafeRaw: postgres ? "ON CONFLICT DO NOTHING" : "ON CONFLICT (flow_id, delivery_id) DO NOTHING") RETURNING id
                """).fetchFirst()
            guard stored != nil else { return false }
            try await Self.queueRun(flowID: flow.id, at: now, in: database)
            return true
        }
        return inserted ? .accepted(deliveryID: deliveryID) : .duplicate(deliveryID: deliveryID)
    }

    /// Queues a run of the flow unless one is queued already.
    static func queueRun(flowID: String, at now: String, in database: any SQLDatabase) async throws {
        try await database.raw("""
            INSERT INTO runs (id, flow_id, state, trigger, queued_at)
            SELECT \(bind: UUID().uuidString.lowercased()), \(bind: flowID), \(bind: RunState.queued.rawValue), 'webhook', \(bind: now)
            WHERE NOT EXISTS (SELECT 1 FROM runs WHERE flow_id = \(bind: flowID) AND state = \(bind: RunState.queued.rawValue))
            """).run()
    }

    /// Queues a run of every webhook flow with deliveries waiting and no run queued or running (after a run failed
    /// because NetSuite could not be reached, say: a minute after that run); returns how many.
    @discardableResult
    public func queueWaiting() async throws -> Int {
        let now = StoreDate.string(context.now())
        let backoff = StoreDate.string(context.now().addingTimeInterval(-60))
        return try await context.store.transaction { database in
            let waiting = try await database.raw("""
                SELECT DISTINCT d.flow_id AS flow_id FROM webhook_deliveries d JOIN flows f ON f.id = d.flow_id
                WHERE d.state = 'queued' AND f.state = 'active'
                AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.flow_id = d.flow_id AND r.state IN ('queued', 'running'))
                AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.flow_id = d.flow_id AND r.state = 'failed' AND r.finished_at > \(bind: backoff))
                """).fetchAll().map { try $0.decode(column: "flow_id", as: String.self) }
            for flowID in waiting { try await Self.queueRun(flowID: flowID, at: now, in: database) }
            return waiting.count
        }
    }

    /// Deliveries of a flow by state: queued, imported, refused.
    public func counts(flow name: String) async throws -> [String: Int] {
        let flow = try await context.flows.flow(named: name)
        return try await context.store.read { database in
            var counts: [String: Int] = [:]
            for row in try await database.raw("SELECT state, COUNT(*) AS n FROM webhook_deliveries WHERE flow_id = \(bind: flow.id) GROUP BY state").fetchAll() {
                counts[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }
}

extension CoreContext {
    /// Inbound webhook deliveries.
    public var webhooks: WebhookDeliveries { WebhookDeliveries(context: self) }
}
