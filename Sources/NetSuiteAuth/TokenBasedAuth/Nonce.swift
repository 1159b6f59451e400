/// OAuth 1 nonces as NetSuite wants them: 6 to 64 letters and digits, unique per request.
enum Nonce {
    static let allowedLength = 6...64
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A random nonce of `length` letters and digits from the system's secure generator.
    static func random(length: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [Character] = []
        characters.reserveCapacity(length)
        while characters.count < length {
            var word = generator.next()
            for _ in 0..<8 where characters.count < length {
                let byte = Int(word & 0xFF)
                word >>= 8
                // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
                if byte < 248 { characters.append(alphabet[byte % alphabet.count]) }
            }
        }
        return String(characters)
    }

    /// Whether `nonce` is something NetSuite accepts.
    static func isValid(_ nonce: String) -> Bool {
        allowedLength.contains(nonce.count) && nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
