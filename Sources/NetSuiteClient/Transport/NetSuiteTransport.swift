import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NetSuiteAuth

/// One HTTP request as the client sends it.
public struct NetSuiteHTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response.
public struct NetSuiteHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends HTTP requests: the seam between the client and the network (async-http-client by default).
public protocol NetSuiteTransport: Sendable {
    /// Sends a request and returns the whole response.
    /// - Throws: when no complete response arrived (refused, dropped, timed out).
    func send(_ request: NetSuiteHTTPRequest, timeout: Duration) async throws -> NetSuiteHTTPResponse
}

/// The transport over async-http-client. Share one `HTTPClient` between every NetSuite client of a process.
public struct HTTPClientTransport: NetSuiteTransport, TokenEndpointTransport {
    public let client: HTTPClient
    /// The largest response body read, in bytes. Default 128 MiB.
    public var maxResponseBytes: Int
    /// When set, only URLs it accepts are sent; any other fails at once, without a connection
    /// (``RefusedDestination``): a sandbox, e.g. a staging copy that must never call production NetSuite.
    public var allows: (@Sendable (URL) -> Bool)?

    /// The process-wide client NetSuite requests go through by default: async-http-client's shared settings, but a
    /// connection NetSuite does not accept within 10 seconds fails that attempt (the shared client waits 90), so an
    /// unreachable account is reported in about a minute of retries rather than nine.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(10)
        // The client's own spans would hold full URLs with their query strings: the NetSuite client records its own
        // span per request instead, with the path only.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(client: HTTPClient = HTTPClientTransport.sharedClient, maxResponseBytes: Int = 128 * 1024 * 1024, allows: (@Sendable (URL) -> Bool)? = nil) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
        self.allows = allows
    }

    /// A request to a URL the transport's ``allows`` refuses.
    public struct RefusedDestination: Error, CustomStringConvertible {
        public var url: String
        public var description: String { "\(url) is not a destination this server may reach (the operator allows only its allowlist)" }
    }

    public func send(_ request: NetSuiteHTTPRequest, timeout: Duration) async throws -> NetSuiteHTTPResponse {
        if let allows, !(URL(string: request.url).map(allows) ?? false) {
            throw RefusedDestination(url: request.url)
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let response = try await client.execute(outgoing, timeout: .nanoseconds(nanoseconds))
        let expected = response.headers.first(name: "content-length").flatMap(Int.init)
        var buffer = try await response.body.collect(upTo: maxResponseBytes)
        if let expected, buffer.readableBytes < expected { throw HTTPClientError.remoteConnectionClosed }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        return NetSuiteHTTPResponse(
            status: Int(response.status.code), headers: response.headers.map { (name: $0.name, value: $0.value) }, body: bytes)
    }

    /// Sends a token endpoint request (for ``AccessTokenProvider``).
    public func send(_ request: TokenEndpointRequest) async throws -> TokenEndpointResponse {
        let response = try await send(
            NetSuiteHTTPRequest(method: "POST", url: request.url, headers: [("Content-Type", request.contentType)], body: Array(request.body.utf8)),
            timeout: .seconds(60))
        return TokenEndpointResponse(status: response.status, body: response.body)
    }
}
