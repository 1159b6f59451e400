import AsyncHTTPClient
import Foundation
import NetSuiteClient
#if canImport(Glibc)
import Glibc
#endif

/// Where flows may send data: the operator's decision, the same for the CLI, the API, the dashboard and workers.
///
/// An export URL must be `https`, and its host must resolve only to public addresses (not loopback, link-local —
/// cloud metadata services —, private, shared, multicast or unspecified ones), unless its host is in the
/// allowlist (`serve --allow-destination HOST[:PORT]`, `SUITEBRIDGE_ALLOW_DESTINATIONS=HOST[:PORT],…`). The
/// address check is made again before each run sends, against the addresses the name resolves to then, and
/// redirects are never followed.
public struct DestinationPolicy: Sendable, Hashable {
    /// `host` (any port) or `host:port` entries, lower case.
    public let allowlist: Set<String>
    /// Whether nothing outside the allowlist may be reached, NetSuite included: a sandbox (a staging copy of the
    /// store, a CI run) that must never call production NetSuite or public endpoints.
    public let onlyAllowlisted: Bool

    /// The policy with `allowlist` entries `HOST` or `HOST:PORT`.
    public init(allowlist: some Sequence<String> = [], onlyAllowlisted: Bool = false) {
        self.allowlist = Set(allowlist.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        self.onlyAllowlisted = onlyAllowlisted
    }

    /// The allowlist in `SUITEBRIDGE_ALLOW_DESTINATIONS` (comma-separated) plus `extra`; only the allowlist when
    /// `onlyAllowlisted` or `SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS` is `1` or `true`.
    public static func fromEnvironment(_ environment: [String: String], extra: [String] = [], onlyAllowlisted: Bool = false) -> DestinationPolicy {
        let only = onlyAllowlisted || ["1", "true"].contains((environment["SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS"] ?? "").lowercased())
        return DestinationPolicy(allowlist: (environment["SUITEBRIDGE_ALLOW_DESTINATIONS"] ?? "").split(separator: ",").map(String.init) + extra, onlyAllowlisted: only)
    }

    /// Whether a NetSuite request to `url` may be sent: always, unless ``onlyAllowlisted``.
    public func allowsNetSuiteRequest(to url: URL) -> Bool {
        guard onlyAllowlisted else { return true }
        guard let host = url.host?.lowercased() else { return false }
        return isAllowlisted(host: host, port: url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443))
    }

    /// Checks an export URL's form and, unless allowlisted, the addresses its host resolves to.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `field`: not a URL, not `https`, or a host that resolves
    ///   to a loopback, link-local, private or otherwise non-public address (or does not resolve).
    @discardableResult
    public func check(_ text: String, field: String) async throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "\(text) is not a URL.", remedy: "Give an https URL, e.g. https://example.com/netsuite-export.", field: field)
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if isAllowlisted(host: host, port: port) { return url }
        if onlyAllowlisted {
            throw SuiteBridgeError(.invalidInput, "\(host) is not in this server's allowlist, and it reaches nothing else.",
                                   remedy: "Have the operator allow this host (serve --allow-destination \(host):\(port)).", field: field)
        }
        guard scheme == "https" else {
            throw SuiteBridgeError(.invalidInput, "\(text) is not https.",
                                   remedy: "Use https, or have the operator allow this host (serve --allow-destination \(host):\(port)).", field: field)
        }
        let addresses = await Self.resolveOffThePool(host)
        guard !addresses.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "\(host) does not resolve.", remedy: "Check the host name.", field: field)
        }
        if let address = addresses.first(where: { !Self.isPublic($0) }) {
            throw SuiteBridgeError(.invalidInput, "\(host) resolves to \(address), which is not a public address.",
                                   remedy: "Send exports to a public https endpoint, or have the operator allow this host (serve --allow-destination \(host)).",
                                   field: field)
        }
        return url
    }

    /// Checks a database server a mirror writes to: allowed when the operator allowlisted it, else only when its
    /// name resolves to public addresses alone (a database on the server's own network must be allowed by name).
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `field`.
    public func checkDatabase(host: String, port: Int, field: String) async throws {
        if isAllowlisted(host: host, port: port) { return }
        let allow = "have the operator allow it (serve --allow-destination \(host):\(port))"
        if onlyAllowlisted {
            throw SuiteBridgeError(.invalidInput, "The database server \(host):\(port) is not in this server's allowlist, and it reaches nothing else.",
                                   remedy: "To mirror into it, \(allow).", field: field)
        }
        let addresses = await Self.resolveOffThePool(host)
        guard !addresses.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "\(host) does not resolve.", remedy: "Check the host name.", field: field)
        }
        if let address = addresses.first(where: { !Self.isPublic($0) }) {
            throw SuiteBridgeError(.invalidInput, "The database server \(host) resolves to \(address), which is not a public address.",
                                   remedy: "To mirror into a database on this network, \(allow).", field: field)
        }
    }

    func isAllowlisted(host: String, port: Int) -> Bool {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return allowlist.contains(bare) || allowlist.contains("\(bare):\(port)") || allowlist.contains("[\(bare)]:\(port)")
    }

    /// The HTTP client exports send with: redirects are never followed; no spans of its own (they would hold the
    /// full URL, query and all: an export's span records the path and passes `traceparent` itself).
    public static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The transport over ``httpClient``.
    public static var transport: HTTPClientTransport { HTTPClientTransport(client: httpClient) }

    // MARK: Addresses

    /// ``resolve(_:)`` on a Dispatch thread: a slow name server must not hold one of the few threads every task runs on.
    static func resolveOffThePool(_ host: String) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolve(host)) }
        }
    }

    /// The numeric addresses `host` resolves to (itself when it is one). Blocks while the name is looked up.
    static func resolve(_ host: String) -> [String] {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(bare, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = info.pointee.ai_addr,
               getnameinfo(address, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return Array(Set(addresses)).sorted()
    }

    /// Whether a numeric address is a public unicast one.
    static func isPublic(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPublicIPv4(v4) }
        let lower = address.lowercased().split(separator: "%").first.map(String.init) ?? address
        if lower.hasPrefix("::ffff:"), let v4 = ipv4(String(lower.dropFirst(7))) { return isPublicIPv4(v4) }
        var bytes = in6_addr()
        guard inet_pton(AF_INET6, lower, &bytes) == 1 else { return false }
        let b = withUnsafeBytes(of: bytes) { Array($0) }
        if b.allSatisfy({ $0 == 0 }) { return false }                              // ::
        if b.dropLast().allSatisfy({ $0 == 0 }) && b[15] == 1 { return false }     // ::1
        if b[0] == 0xfe && (b[1] & 0xc0) == 0x80 { return false }                  // fe80::/10 link-local
        if (b[0] & 0xfe) == 0xfc { return false }                                  // fc00::/7 unique local
        if b[0] == 0xff { return false }                                           // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return false }  // 2001:db8::/32 documentation
        return true
    }

    static func ipv4(_ address: String) -> [UInt8]? {
        var bytes = in_addr()
        guard inet_pton(AF_INET, address, &bytes) == 1 else { return nil }
        return withUnsafeBytes(of: bytes) { Array($0) }
    }

    static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): false                    // this network, private, loopback
        case (169, 254): false                                    // link-local: cloud metadata services
        case (172, 16...31), (192, 168): false                    // private
        case (100, 64...127): false                               // shared address space (carrier NAT)
        case (192, 0) where b[2] == 0 || b[2] == 2: false         // IETF protocol assignments, documentation
        case (198, 18...19): false                                // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: false  // documentation
        case (224...255, _): false                                // multicast, reserved, broadcast
        default: true
        }
    }
}
