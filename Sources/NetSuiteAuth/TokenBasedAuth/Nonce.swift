import Crypto
import Synchronization

/// OAuth 1 nonces as NetSuite wants them: 6 to 64 letters and digits, unique per request.
enum Nonce {
    static let allowedLength = 6...64
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A random nonce of `length` letters and digits, from BoringSSL's CSPRNG (through swift-crypto).
    static func random(length: Int = 32) -> String {
        String(unsafeUninitializedCapacity: length) { characters in
            var count = 0
            while count < length {
                RandomBytes.shared.fill(length - count + 8) { random in
                    for byte in random where count < length {
                        // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
                        if byte < 248 {
                            characters[count] = alphabet[Int(byte) % alphabet.count]
                            count += 1
                        }
                    }
                }
            }
            return length
        }
    }

    /// Whether `nonce` is something NetSuite accepts.
    static func isValid(_ nonce: String) -> Bool {
        allowedLength.contains(nonce.utf8.count) && nonce.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}

/// Random bytes from BoringSSL's CSPRNG, drawn 4 KiB at a time: one draw serves about a hundred nonces, where a
/// draw per nonce cost a system call each (a third of the time of signing a request).
final class RandomBytes: Sendable {
    static let shared = RandomBytes()

    private struct Pool {
        var bytes: [UInt8] = []
        var next = 0
    }
    private let pool = Mutex(Pool())
    private static let blockBits = 4096 * 8

    /// Calls `body` with `count` (at most 4 KiB) unused random bytes.
    func fill(_ count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let count = min(count, Self.blockBits / 8)
        pool.withLock { pool in
            if pool.bytes.count - pool.next < count {
                pool.bytes = SymmetricKey(size: SymmetricKeySize(bitCount: Self.blockBits)).withUnsafeBytes { Array($0) }
                pool.next = 0
            }
            pool.bytes.withUnsafeBufferPointer { all in
                body(UnsafeBufferPointer(rebasing: all[pool.next..<(pool.next + count)]))
            }
            pool.next += count
        }
    }
}
