import Foundation

/// The percent-encoding and form decoding that OAuth 1 signatures use (RFC 5849 §3.6, §3.4.1.3.1).
///
/// Works on UTF-8 bytes: every character that matters is ASCII, and signing is on the path of every request.
enum PercentEncoding {
    /// Encodes every byte but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), as `%XX` in upper case,
    /// over the UTF-8 bytes of `text`.
    static func encode(_ text: String) -> String {
        guard text.utf8.contains(where: { !isUnreserved($0) }) else { return text }
        return String(decoding: encodedBytes(text), as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// ``isUnreserved(_:)`` for every byte value, as a table for the inner loop.
    private static let unreservedTable: [Bool] = (0...255).map { isUnreserved(UInt8($0)) }

    /// The encoded form of `text` as bytes.
    static func encodedBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        append(text.utf8, to: &bytes)
        return bytes
    }

    /// The encoded form of `source` as bytes.
    static func encodedBytes(_ source: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.count * 3)
        append(source, to: &bytes)
        return bytes
    }

    /// Appends the encoded form of `source` to `bytes`.
    static func append(_ source: String.UTF8View, to bytes: inout [UInt8]) {
        if source.withContiguousStorageIfAvailable({ append($0, to: &bytes) }) == nil { append(Array(source), to: &bytes) }
    }

    /// Appends the encoded form of `source` to `bytes`.
    static func append(_ source: Substring.UTF8View, to bytes: inout [UInt8]) {
        if source.withContiguousStorageIfAvailable({ append($0, to: &bytes) }) == nil { append(Array(source), to: &bytes) }
    }

    /// Appends the encoded form of `source` to `bytes`.
    static func append(_ source: [UInt8], to bytes: inout [UInt8]) {
        source.withUnsafeBufferPointer { append($0, to: &bytes) }
    }

    /// Appends the encoded form of `source` to `bytes`: the loop every other form ends in. Runs of unreserved
    /// bytes (most of any OAuth value) are copied at once.
    static func append(_ source: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        unreservedTable.withUnsafeBufferPointer { unreserved in
            var index = 0
            while index < source.count {
                var end = index
                while end < source.count && unreserved[Int(source[end])] { end += 1 }
                if end > index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[index..<end])) }
                if end < source.count {
                    let byte = source[end]
                    bytes.append(UInt8(ascii: "%"))
                    bytes.append(hexDigits[Int(byte >> 4)])
                    bytes.append(hexDigits[Int(byte & 0x0F)])
                    end += 1
                }
                index = end
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

    /// ``formDecode(_:)`` as bytes, without making a `String` in the common case of no `%` escape.
    static func formDecodedBytes(_ text: Substring) -> [UInt8] {
        let utf8 = text.utf8
        if utf8.contains(UInt8(ascii: "%")) { return Array(formDecode(text).utf8) }
        return utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
    }

    /// Appends the pairs of `a=1&b=2&b`, decoded and then encoded once (the form a base string sorts), to `pairs`.
    static func appendEncodedFormPairs(_ text: Substring, to pairs: inout [EncodedParameter]) {
        var start = text.utf8.startIndex
        let end = text.utf8.endIndex
        while start < end {
            let stop = text.utf8[start..<end].firstIndex(of: UInt8(ascii: "&")) ?? end
            if start < stop {
                let pair = text[start..<stop]
                if let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) {
                    pairs.append(EncodedParameter(
                        name: encodedBytes(formDecodedBytes(pair[..<equals])),
                        value: encodedBytes(formDecodedBytes(pair[pair.utf8.index(after: equals)...]))))
                } else {
                    pairs.append(EncodedParameter(name: encodedBytes(formDecodedBytes(pair)), value: []))
                }
            }
            start = stop < end ? text.utf8.index(after: stop) : end
        }
    }
}

/// A parameter of a base string, name and value each percent-encoded once.
struct EncodedParameter: Sendable {
    var name: [UInt8]
    var value: [UInt8]

    /// Byte order of the encoded name, then of the encoded value (RFC 5849 §3.4.1.3.2).
    static func precedes(_ lhs: EncodedParameter, _ rhs: EncodedParameter) -> Bool {
        lhs.name == rhs.name ? lhs.value.lexicographicallyPrecedes(rhs.value) : lhs.name.lexicographicallyPrecedes(rhs.name)
    }
}
