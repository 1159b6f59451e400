import Crypto
import NIOConcurrencyHelpers

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

/// Random bytes for nonces, 4 KiB at a time: the ChaCha20 keystream under a fresh 256-bit key from the system's
/// random source (as arc4random and the kernel's own generator do). One refill serves about a hundred nonces; a
/// system call per nonce was a third of the time of signing a request, and 4 KiB straight from the kernel costs
/// ten times the keystream here.
final class RandomBytes: Sendable {
    static let shared = RandomBytes()

    private struct Pool {
        var bytes: [UInt8] = []
        var next = 0
    }
    private let pool = NIOLockedValueBox(Pool())
    private static let blockBits = 4096 * 8

    private static let zeros = [UInt8](repeating: 0, count: blockBits / 8)
    // The key is new for every block, so one fixed nonce is safe.
    private static let nonce = try? ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12))

    /// 4 KiB of keystream under a fresh key; the system's bytes directly should ChaCha20 be unavailable.
    private static func block() -> [UInt8] {
        let key = SymmetricKey(size: .bits256)
        if let nonce, let sealed = try? ChaChaPoly.seal(zeros, using: key, nonce: nonce) {
            return Array(sealed.ciphertext)
        }
        return SymmetricKey(size: SymmetricKeySize(bitCount: blockBits)).withUnsafeBytes { Array($0) }
    }

    /// Calls `body` with `count` (at most 4 KiB) unused random bytes.
    func fill(_ count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let count = min(count, Self.blockBits / 8)
        pool.withLockedValue { pool in
            if pool.bytes.count - pool.next < count {
                pool.bytes = Self.block()
                pool.next = 0
            }
            pool.bytes.withUnsafeBufferPointer { all in
                body(UnsafeBufferPointer(rebasing: all[pool.next..<(pool.next + count)]))
            }
            pool.next += count
        }
    }
}
