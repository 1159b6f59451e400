import Crypto
import Foundation

/// The HMAC-SHA256 signatures webhook senders put on a delivery's raw body, and the secrets they sign with.
public enum WebhookSignature {
    /// SuiteBridge's own header: `sha256=<hex>`.
    public static let suitebridgeHeader = "X-SuiteBridge-Signature"
    /// Shopify's header: the base64 of the MAC.
    public static let shopifyHeader = "X-Shopify-Hmac-Sha256"
    /// The headers a delivery's id is read from, in order; without one, the body's SHA-256 is its id.
    public static let deliveryIDHeaders = ["X-Request-Id", "Idempotency-Key", "X-Shopify-Webhook-Id"]

    /// A new signing secret: `whsec_` and 32 random bytes in base64url.
    static func newSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        return "whsec_" + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The header value a sender puts on `body` signed with `secret`, in `scheme`.
    public static func sign(_ body: some DataProtocol, secret: String, scheme: FlowDefinition.Webhook.Signature) -> String {
        let mac = Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
        switch scheme {
        case .suitebridge: return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        case .shopify: return mac.base64EncodedString()
        }
    }

    /// Whether `header` is the signature of `body` under `secret` (compared in constant time).
    static func verify(_ header: String?, body: some DataProtocol, secret: String, scheme: FlowDefinition.Webhook.Signature) -> Bool {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return false }
        let given: Data?
        switch scheme {
        case .suitebridge:
            guard header.lowercased().hasPrefix("sha256=") else { return false }
            given = Data(hex: String(header.dropFirst("sha256=".count)))
        case .shopify:
            given = Data(base64Encoded: header)
        }
        guard let given else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }
}

private extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
