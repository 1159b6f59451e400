import Crypto
import Foundation

/// The value of `X-NetSuite-Idempotency-Key`: an RFC 4122 UUID. NetSuite answers a second asynchronous request
/// with the same key with `IDEMPOTENCY_ERROR` and the first job's `Location`, so a request retried after a dropped
/// connection is never applied twice.
public enum IdempotencyKey {
    /// The header's name.
    public static let header = "X-NetSuite-Idempotency-Key"

    /// A name-based (version 5) UUID of `parts`: the same parts always give the same key, so a key can be derived
    /// from what makes a request the same request (a run, a row, the content sent) and not from the attempt.
    public static func derived(from parts: [String]) -> String {
        var name = Data(namespace)
        name.append(Data(parts.joined(separator: "\u{1F}").utf8))
        var bytes = Array(Insecure.SHA1.hash(data: name).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return format(bytes)
    }

    /// A random (version 4) UUID, for a request that has nothing to derive a key from.
    public static func random() -> String { UUID().uuidString.lowercased() }

    /// SuiteBridge's namespace for version 5 keys (a fixed random UUID).
    private static let namespace: [UInt8] = [0x6b, 0x1f, 0x3c, 0x52, 0x8e, 0x0d, 0x4a, 0x77, 0x9c, 0x41, 0x2e, 0x5b, 0xd3, 0x90, 0x17, 0xa8]

    private static func format(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
