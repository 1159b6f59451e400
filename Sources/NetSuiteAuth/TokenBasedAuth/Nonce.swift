import Crypto

/// OAuth 1 nonces as NetSuite wants them: 6 to 64 letters and digits, unique per request.
enum Nonce {
    static let allowedLength = 6...64
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A random nonce of `length` letters and digits, from BoringSSL's CSPRNG (through swift-crypto).
    static func random(length: Int = 32) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(length)
        while characters.count < length {
            SymmetricKey(size: .bits256).withUnsafeBytes { random in
                for byte in random where characters.count < length {
                    // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
                    if byte < 248 { characters.append(alphabet[Int(byte) % alphabet.count]) }
                }
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `nonce` is something NetSuite accepts.
    static func isValid(_ nonce: String) -> Bool {
        allowedLength.contains(nonce.utf8.count) && nonce.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
