import Crypto
import Foundation
import Testing
@testable import SuiteBridgeCore

@Suite("Webhook signatures and rates")
struct WebhookSignatureTests {
    @Test("HMAC-SHA256 as each sender writes it: verified over the raw bytes; any other body, secret or form is refused")
    func signatures() throws {
        let body = Data(#"{"id": 1, "total": "12.50"}"#.utf8)
        let secret = "whsec_test-secret-0123456789"
        // Independently: the MAC by hand, hex and base64.
        let mac = Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        #expect(WebhookSignature.sign(body, secret: secret, scheme: .suitebridge) == "sha256=" + hex)
        #expect(WebhookSignature.sign(body, secret: secret, scheme: .shopify) == mac.base64EncodedString())
        #expect(WebhookSignature.verify("sha256=" + hex, body: body, secret: secret, scheme: .suitebridge))
        #expect(WebhookSignature.verify("SHA256=" + hex.uppercased(), body: body, secret: secret, scheme: .suitebridge))
        #expect(WebhookSignature.verify(mac.base64EncodedString(), body: body, secret: secret, scheme: .shopify))
        #expect(!WebhookSignature.verify(hex, body: body, secret: secret, scheme: .suitebridge))  // no sha256= prefix
        #expect(!WebhookSignature.verify("sha256=" + hex, body: body, secret: secret, scheme: .shopify))
        #expect(!WebhookSignature.verify("sha256=" + hex, body: Data(#"{"id": 1, "total": "12.5"}"#.utf8), secret: secret, scheme: .suitebridge))
        #expect(!WebhookSignature.verify("sha256=" + hex, body: body, secret: secret + "x", scheme: .suitebridge))
        #expect(!WebhookSignature.verify("sha256=zz", body: body, secret: secret, scheme: .suitebridge))
        #expect(!WebhookSignature.verify(nil, body: body, secret: secret, scheme: .suitebridge))
        let made = WebhookSignature.newSecret()
        #expect(made.hasPrefix("whsec_") && made.count == 49 && made != WebhookSignature.newSecret())
    }

    @Test("the rate: ten seconds' worth at once, then one per 1/rate seconds, each hook on its own")
    func rate() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = ManualTime(start)
        let limiter = WebhookRateLimiter(now: { clock.now })
        for _ in 0..<20 { #expect(limiter.take("a", ratePerSecond: 2) == nil) }
        #expect(limiter.take("a", ratePerSecond: 2) == 1)
        #expect(limiter.take("b", ratePerSecond: 2) == nil)
        clock.now = start.addingTimeInterval(0.5)
        #expect(limiter.take("a", ratePerSecond: 2) == nil)
        #expect(limiter.take("a", ratePerSecond: 2) == 1)
        clock.now = start.addingTimeInterval(3600)
        for _ in 0..<20 { #expect(limiter.take("a", ratePerSecond: 2) == nil) }  // never more than the bucket
        #expect(limiter.take("a", ratePerSecond: 2) != nil)
    }
}

/// A clock the test sets.
final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ value: Date) { self.value = value }
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
