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
        let encodedPairs: [(name: String, value: String)] = parameters.map {
            (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value))
        }
        let sorted = encodedPairs.sorted { lhs, rhs in
            lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name
        }
        let encoded = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        self.value = [
            method.uppercased(), PercentEncoding.encode(normalized.baseURL), PercentEncoding.encode(encoded),
        ].joined(separator: "&")
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
        let scheme = parts.scheme.lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw NetSuiteAuthError(
                code: .invalidRequest,
                message: "The URL scheme \"\(scheme)\" cannot be signed.",
                remedy: "Use an https:// URL (or http:// for a local simulator).",
                field: "url"
            )
        }
        var base = scheme + "://" + parts.host.lowercased()
        if let port = parts.port, !(scheme == "http" && port == "80"), !(scheme == "https" && port == "443") {
            base += ":" + port
        }
        base += parts.path.isEmpty ? "/" : String(parts.path)
        let query = parts.query.map { PercentEncoding.formPairs(String($0)) } ?? []
        return (base, query)
    }
}

/// The pieces of an absolute URL as sent, without re-encoding anything: `scheme://[user@]host[:port]path[?query][#fragment]`.
struct URLParts {
    var scheme: Substring
    var host: Substring
    var port: Substring?
    var path: Substring
    var query: Substring?

    init?(_ url: String) {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        scheme = url[..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) else { return nil }
        var rest = url[url.index(colon, offsetBy: 3)...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.first == "[", let close = authority.firstIndex(of: "]") {
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            port = after.first == ":" ? after.dropFirst() : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        } else {
            host = authority
            port = nil
        }
        if let port, port.isEmpty || !port.allSatisfy(\.isNumber) { return nil }
        if host.contains(where: { $0.isWhitespace }) { return nil }
        let remainder = rest[authorityEnd...]
        if let question = remainder.firstIndex(of: "?") {
            path = remainder[..<question]
            query = remainder[remainder.index(after: question)...]
        } else {
            path = remainder
            query = nil
        }
    }
}
