/// OAuth 1 nonces as NetSuite wants them: 6 to 64 letters and digits, unique per request.
enum Nonce {
    static let allowedLength = 6...64
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A random nonce of `length` letters and digits from the system's secure generator.
    static func random(length: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "A" })
    }

    /// Whether `nonce` is something NetSuite accepts.
    static func isValid(_ nonce: String) -> Bool {
        allowedLength.contains(nonce.count) && nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
