import Foundation

/// The percent-encoding and form decoding that OAuth 1 signatures use (RFC 5849 §3.6, §3.4.1.3.1).
enum PercentEncoding {
    /// Encodes every byte but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), as `%XX` in upper case,
    /// over the UTF-8 bytes of `text`.
    static func encode(_ text: String) -> String {
        var needsEncoding = false
        for byte in text.utf8 where !isUnreserved(byte) {
            needsEncoding = true
            break
        }
        if !needsEncoding { return text }
        return String(decoding: encodedBytes(text), as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// The encoded form of `text` as bytes.
    static func encodedBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        append(text.utf8, to: &bytes)
        return bytes
    }

    /// Appends the encoded form of `source` to `bytes`.
    static func append(_ source: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        for byte in source {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Decodes an `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a byte.
    /// A malformed escape is kept as it is written rather than refused.
    static func formDecode(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Splits `a=1&b=2&b` into decoded name/value pairs, keeping order and repeated names.
    static func formPairs(_ text: some StringProtocol) -> [(name: String, value: String)] {
        let whole = Substring(text)
        return whole.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { bytes in
            let pair = whole[bytes.startIndex..<bytes.endIndex]
            if let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) {
                return (formDecode(pair[..<equals]), formDecode(pair[pair.utf8.index(after: equals)...]))
            }
            return (formDecode(pair), "")
        }
    }
}
