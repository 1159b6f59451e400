import Hummingbird
import NIOCore
import SuiteBridgeCore

/// The request context of SuiteBridge's server: who is calling (set by authentication) and from where.
public struct ServerContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, for rate-limiting failed logins.
    public let remoteAddress: SocketAddress?
    /// The API token's name, or the dashboard session's: the actor written in the audit log.
    public var actor: String?
    /// What the caller's token may do (a dashboard session carries its token's scope).
    public var scope: TokenScope?
    /// The dashboard session, when the request came with one.
    public var session: DashboardSession?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// A text naming the peer: its IP address, or "local" when unknown.
    var peer: String {
        remoteAddress?.ipAddress ?? "local"
    }

    /// The proxies whose `X-Forwarded-For` is believed (the server's configuration; set by ``ClientAddressMiddleware``).
    var trustedProxies: Set<String> = []

    /// The client's address for the failed-login limit (``ClientAddress``).
    func clientAddress(_ request: Request) -> String {
        ClientAddress(trustedProxies: trustedProxies).of(peer: peer, forwardedFor: ClientAddress.forwardedFor(in: request.headers))
    }
}
