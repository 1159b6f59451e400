import Foundation

/// The OAuth 1 signature base string of a request (RFC 5849 §3.4.1): method, base URL and sorted parameters.
public struct SignatureBaseString: Sendable, Hashable, CustomStringConvertible {
    /// The base string itself: `METHOD&encoded-base-URL&encoded-parameters`.
    public let value: String

    /// Builds the base string of a request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method; upper-cased.
    ///   - url: the URL as sent. Scheme and host are lower-cased, a default port (80, 443) is dropped, the query's
    ///     parameters are signed, the fragment is ignored.
    ///   - oauthParameters: every `oauth_*` parameter sent, except `oauth_signature` and `realm`.
    ///   - formBody: the body when it is `application/x-www-form-urlencoded` (its parameters are signed); `nil`
    ///     for any other body, such as JSON, which is not signed.
    /// - Throws: ``NetSuiteAuthError`` `invalidRequest` when the URL has no scheme or host, or is not http(s).
    public init(
        method: String,
        url: String,
        oauthParameters: [(name: String, value: String)],
        formBody: String? = nil
    ) throws {
        let oauth = oauthParameters.map { EncodedParameter(name: PercentEncoding.encodedBytes($0.name), value: PercentEncoding.encodedBytes($0.value)) }
        self.init(bytes: try Self.bytes(method: method, url: url, encodedParameters: oauth, formBody: formBody))
    }

    /// A base string already written as bytes.
    init(bytes: [UInt8]) {
        value = String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { value }

    /// The base string of a request as UTF-8 bytes, given its `oauth_*` parameters already encoded once.
    ///
    /// Parameters are encoded once, sorted by bytes (RFC 5849 §3.4.1.3.2), then written encoded a second time: in
    /// once-encoded text only `%` needs encoding again, and the separators `=` / `&` become %3D / %26.
    /// - Throws: ``NetSuiteAuthError`` `invalidRequest` when the URL has no scheme or host, or is not http(s).
    static func bytes(method: String, url: String, encodedParameters oauth: [EncodedParameter], formBody: String?) throws -> [UInt8] {
        let parts = try Self.parts(of: url)
        var parameters = oauth
        if let query = parts.query { PercentEncoding.appendEncodedFormPairs(query, to: &parameters) }
        if let formBody { PercentEncoding.appendEncodedFormPairs(Substring(formBody), to: &parameters) }
        parameters.sort(by: EncodedParameter.precedes)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + url.utf8.count * 3 + parameters.reduce(0) { $0 + ($1.name.count + $1.value.count) * 2 + 6 })
        for byte in method.utf8 {
            bytes.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
        }
        bytes.append(UInt8(ascii: "&"))
        appendBaseURL(of: parts, to: &bytes)
        bytes.append(UInt8(ascii: "&"))
        for (index, pair) in parameters.enumerated() {
            if index > 0 { appendEscape(UInt8(ascii: "2"), UInt8(ascii: "6"), to: &bytes) }
            appendEncodedAgain(pair.name, to: &bytes)
            appendEscape(UInt8(ascii: "3"), UInt8(ascii: "D"), to: &bytes)
            appendEncodedAgain(pair.value, to: &bytes)
        }
        return bytes
    }

    @inline(__always)
    private static func appendEscape(_ second: UInt8, _ third: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "%"))
        bytes.append(second)
        bytes.append(third)
    }

    /// Once-encoded bytes encoded again: only `%` is not unreserved among them; the runs between are copied at once.
    private static func appendEncodedAgain(_ once: [UInt8], to bytes: inout [UInt8]) {
        once.withUnsafeBufferPointer { source in
            var index = 0
            while index < source.count {
                let end = source[index...].firstIndex(of: UInt8(ascii: "%")) ?? source.count
                if end > index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[index..<end])) }
                if end < source.count { appendEscape(UInt8(ascii: "2"), UInt8(ascii: "5"), to: &bytes) }
                index = end + 1
            }
        }
    }

    /// The base string URI of RFC 5849 §3.4.1.2, encoded: scheme and host lower-cased, a default port dropped.
    private static func appendBaseURL(of parts: URLParts, to bytes: inout [UInt8]) {
        let scheme = Self.asciiLowercased(parts.scheme)
        PercentEncoding.append(scheme.utf8, to: &bytes)
        bytes.append(contentsOf: "%3A%2F%2F".utf8)
        PercentEncoding.append(Self.asciiLowercased(parts.host).utf8, to: &bytes)
        if let port = parts.port, !(scheme == "http" && port == "80"), !(scheme == "https" && port == "443") {
            appendEscape(UInt8(ascii: "3"), UInt8(ascii: "A"), to: &bytes)
            PercentEncoding.append(port.utf8, to: &bytes)
        }
        if parts.path.isEmpty {
            appendEscape(UInt8(ascii: "2"), UInt8(ascii: "F"), to: &bytes)
        } else {
            PercentEncoding.append(parts.path.utf8, to: &bytes)
        }
    }

    /// The pieces of `url`, checked.
    private static func parts(of url: String) throws -> URLParts {
        guard let parts = URLParts(url), !parts.host.isEmpty else {
            throw NetSuiteAuthError(
                code: .invalidRequest,
                message: "\"\(url)\" is not an absolute URL.",
                remedy: "Give the whole URL, e.g. https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer.",
                field: "url"
            )
        }
        let scheme = Self.asciiLowercased(parts.scheme)
        guard scheme == "https" || scheme == "http" else {
            throw NetSuiteAuthError(
                code: .invalidRequest,
                message: "The URL scheme \"\(scheme)\" cannot be signed.",
                remedy: "Use an https:// URL (or http:// for a local simulator).",
                field: "url"
            )
        }
        return parts
    }
}

extension SignatureBaseString {
    /// `text` with ASCII capitals lowered, without copying when there are none (hosts and schemes are ASCII).
    static func asciiLowercased(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return String(text) }
        return String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

/// The pieces of an absolute URL as sent, without re-encoding anything: `scheme://[user@]host[:port]path[?query][#fragment]`.
///
/// Scans UTF-8 bytes (every delimiter is ASCII), which is much faster than searching by `Character`.
struct URLParts {
    var scheme: Substring
    var host: Substring
    var port: Substring?
    var path: Substring
    var query: Substring?

    init?(_ url: String) {
        let bytes = url.utf8
        func find(_ byte: UInt8, in range: Range<String.Index>) -> String.Index? {
            bytes[range].firstIndex(of: byte)
        }
        guard let colon = find(UInt8(ascii: ":"), in: url.startIndex..<url.endIndex), bytes[colon...].starts(with: "://".utf8) else {
            return nil
        }
        scheme = url[..<colon]
        guard !scheme.isEmpty, scheme.utf8.allSatisfy({ byte in
            PercentEncoding.isUnreserved(byte) && byte != UInt8(ascii: "_") && byte != UInt8(ascii: "~") || byte == UInt8(ascii: "+")
        }) else { return nil }
        let afterScheme = bytes.index(colon, offsetBy: 3)
        let end = find(UInt8(ascii: "#"), in: afterScheme..<url.endIndex) ?? url.endIndex
        let authorityEnd = bytes[afterScheme..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        var authorityStart = afterScheme
        if let at = bytes[afterScheme..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) { authorityStart = bytes.index(after: at) }
        let authority = url[authorityStart..<authorityEnd]
        if authority.utf8.first == UInt8(ascii: "["), let close = authority.utf8.firstIndex(of: UInt8(ascii: "]")) {
            host = authority[...close]
            let after = authority[authority.utf8.index(after: close)...]
            port = after.utf8.first == UInt8(ascii: ":") ? after.dropFirst() : nil
        } else if let portColon = authority.utf8.lastIndex(of: UInt8(ascii: ":")) {
            host = authority[..<portColon]
            port = authority[authority.utf8.index(after: portColon)...]
        } else {
            host = authority
            port = nil
        }
        if let port, port.isEmpty || !port.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return nil }
        if host.utf8.contains(where: { $0 <= 0x20 }) { return nil }
        if let question = find(UInt8(ascii: "?"), in: authorityEnd..<end) {
            path = url[authorityEnd..<question]
            query = url[bytes.index(after: question)..<end]
        } else {
            path = url[authorityEnd..<end]
            query = nil
        }
    }
}
