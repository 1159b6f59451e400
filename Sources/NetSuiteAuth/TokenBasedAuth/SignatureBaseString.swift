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
        let normalized = try Self.normalizedURL(url)
        var parameters = normalized.queryParameters + oauthParameters
        if let formBody {
            parameters += PercentEncoding.formPairs(formBody)
        }
        // Encoded once, sorted by bytes (RFC 5849 §3.4.1.3.2), then written encoded a second time into the base
        // string: in once-encoded text only `%` needs encoding again, and `=` / `&` become %3D / %26.
        let encoded = parameters.map { (name: PercentEncoding.encodedBytes($0.name), value: PercentEncoding.encodedBytes($0.value)) }
            .sorted { lhs, rhs in
                lhs.name == rhs.name ? lhs.value.lexicographicallyPrecedes(rhs.value) : lhs.name.lexicographicallyPrecedes(rhs.name)
            }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + encoded.reduce(0) { $0 + ($1.name.count + $1.value.count) * 2 + 6 })
        for byte in method.utf8 {
            bytes.append((UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte)
        }
        bytes.append(UInt8(ascii: "&"))
        PercentEncoding.append(normalized.baseURL.utf8, to: &bytes)
        bytes.append(UInt8(ascii: "&"))
        func appendEscape(_ second: UInt8, _ third: UInt8) {
            bytes.append(UInt8(ascii: "%"))
            bytes.append(second)
            bytes.append(third)
        }
        func appendEncodedAgain(_ once: [UInt8]) {
            for byte in once {
                if byte == UInt8(ascii: "%") {
                    appendEscape(UInt8(ascii: "2"), UInt8(ascii: "5"))
                } else {
                    bytes.append(byte)
                }
            }
        }
        for (index, pair) in encoded.enumerated() {
            if index > 0 { appendEscape(UInt8(ascii: "2"), UInt8(ascii: "6")) }
            appendEncodedAgain(pair.name)
            appendEscape(UInt8(ascii: "3"), UInt8(ascii: "D"))
            appendEncodedAgain(pair.value)
        }
        self.value = String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { value }

    /// The base string URI of RFC 5849 §3.4.1.2 and the decoded query parameters of `url`.
    static func normalizedURL(_ url: String) throws -> (baseURL: String, queryParameters: [(name: String, value: String)]) {
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
        var base = scheme + "://" + Self.asciiLowercased(parts.host)
        if let port = parts.port, !(scheme == "http" && port == "80"), !(scheme == "https" && port == "443") {
            base += ":" + port
        }
        base += parts.path.isEmpty ? "/" : String(parts.path)
        let query = parts.query.map { PercentEncoding.formPairs($0) } ?? []
        return (base, query)
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
