import Foundation

extension FlowDefinition {
    /// Inbound webhook deliveries (one JSON object each, e.g. a shop's order) imported as records by upsert on an
    /// external id, with a mapping. Each delivery is signed with HMAC-SHA256 under the flow's signing secret.
    public struct Webhook: Codable, Sendable, Hashable {
        /// How a delivery is signed.
        public enum Signature: String, Codable, Sendable, Hashable, CaseIterable {
            /// `X-SuiteBridge-Signature: sha256=<hex of HMAC-SHA256(secret, body)>`.
            case suitebridge
            /// Shopify's `X-Shopify-Hmac-Sha256: <base64 of HMAC-SHA256(secret, body)>`.
            case shopify
        }

        /// The largest delivery accepted unless another is set: 1 MiB.
        public static let defaultMaxBytes = 1 << 20
        /// Deliveries accepted per second unless another rate is set; bursts of ten seconds' worth are taken at once.
        public static let defaultRatePerSecond = 100

        public var recordType: String
        /// Where each delivery holds the record's external id: a member or path (`id`, `order.number`).
        public var externalIdField: String
        public var mapping: Mapping
        /// `suitebridge` (default) or `shopify`.
        public var signature: Signature?
        /// The largest delivery accepted, in bytes (default and most 1 MiB, the server's cap on a request body).
        public var maxBytes: Int?
        /// Deliveries accepted per second (default 100); more are answered 429 with `Retry-After`.
        public var ratePerSecond: Int?
        /// Send one request per delivery instead of REST batches of up to 100 (`--per-record`).
        public var perRecord: Bool?

        public init(recordType: String, externalIdField: String, mapping: Mapping, signature: Signature? = nil, maxBytes: Int? = nil, ratePerSecond: Int? = nil,
                    perRecord: Bool? = nil) {
            self.perRecord = perRecord
            self.recordType = recordType
            self.externalIdField = externalIdField
            self.mapping = mapping
            self.signature = signature
            self.maxBytes = maxBytes
            self.ratePerSecond = ratePerSecond
        }

        var effectiveSignature: Signature { signature ?? .suitebridge }
        var effectiveMaxBytes: Int { maxBytes ?? Self.defaultMaxBytes }
        var effectiveRate: Int { ratePerSecond ?? Self.defaultRatePerSecond }

        func validate() throws {
            guard !recordType.isEmpty else {
                throw SuiteBridgeError(.invalidInput, "The webhook names no record type.", remedy: "Give recordType, e.g. salesOrder.", field: "webhook.recordType")
            }
            guard !externalIdField.isEmpty else {
                throw SuiteBridgeError(.invalidInput, "The webhook names no external id field.", remedy: "Give the member each delivery holds its id in, e.g. id.", field: "webhook.externalIdField")
            }
            if let maxBytes, !(1...Self.defaultMaxBytes).contains(maxBytes) {
                throw SuiteBridgeError(.invalidInput, "A cap of \(maxBytes) bytes is outside 1 B to 1 MiB.", remedy: "Give maxBytes up to 1048576.", field: "webhook.maxBytes")
            }
            if let ratePerSecond, !(1...10_000).contains(ratePerSecond) {
                throw SuiteBridgeError(.invalidInput, "A rate of \(ratePerSecond) deliveries per second is outside 1 to 10,000.", remedy: "Give ratePerSecond from 1 to 10000.", field: "webhook.ratePerSecond")
            }
            do {
                try mapping.validate()
            } catch var error as SuiteBridgeError {
                error.field = error.field.map { "webhook." + $0 }
                throw error
            }
        }
    }
}
