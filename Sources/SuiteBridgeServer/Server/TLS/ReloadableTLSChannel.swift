import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A child channel that speaks TLS with the certificate ``TLSCertificates`` holds when the connection is accepted,
/// so a reloaded certificate serves every new connection while open ones finish with theirs. (Hummingbird's own
/// `TLSChannel` fixes its context when the server starts.)
struct ReloadableTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value
    let baseChannel: BaseChannel
    let certificates: TLSCertificates

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = certificates.current
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            baseChannel.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: BaseChannel.Value, logger: Logger) async {
        await baseChannel.handle(value: value, logger: logger)
    }
}

extension ReloadableTLSChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { baseChannel.responder }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS with certificates that ``TLSCertificates/reload()`` replaces for new connections.
    static func reloadableTLS(certificates: TLSCertificates) -> HTTPServerBuilder {
        .init { responder in
            ReloadableTLSChannel(baseChannel: HTTP1Channel(responder: responder), certificates: certificates)
        }
    }
}
