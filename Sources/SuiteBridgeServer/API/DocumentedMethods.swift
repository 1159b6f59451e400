import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import NIOConcurrencyHelpers

/// The methods the document gives each API path, recorded as the generated operations are registered (so they come
/// from `openapi.yaml` itself, not from a second list): ``MethodNotAllowedMiddleware`` answers any other method on
/// those paths with 405 and an `Allow` header.
final class DocumentedMethods: Sendable {
    private let methods = NIOLockedValueBox<[(template: [Substring], allowed: [HTTPRequest.Method])]>([])

    /// The methods of the path that matches `path` (`{name}` in a template matches any one segment), or `nil`.
    func allowed(forPath path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return methods.withLockedValue { table in
            table.first { entry in
                entry.template.count == segments.count && zip(entry.template, segments).allSatisfy { template, segment in
                    template.hasPrefix("{") ? !segment.isEmpty : template == segment
                }
            }?.allowed
        }
    }

    fileprivate func record(_ method: HTTPRequest.Method, path: String) {
        let template = path.split(separator: "/", omittingEmptySubsequences: false)
        methods.withLockedValue { table in
            if let index = table.firstIndex(where: { $0.template == template }) {
                table[index].allowed.append(method)
            } else {
                table.append((template, [method]))
            }
        }
    }

    /// A transport that records each operation's method and path, then registers it on `base`.
    func recording<Base: ServerTransport>(on base: Base) -> some ServerTransport {
        RecordingTransport(base: base, methods: self)
    }
}

private struct RecordingTransport<Base: ServerTransport>: ServerTransport {
    let base: Base
    let methods: DocumentedMethods

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        methods.record(method, path: path)
        try base.register(handler, method: method, path: path)
    }
}

/// Answers a request whose path is an API operation's but whose method is not with 405 Method Not Allowed, the
/// path's methods in `Allow`, and the API's error body; any other unknown request stays 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let methods: DocumentedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = methods.allowed(forPath: request.uri.path), !allowed.contains(request.method) else { throw error }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            var response = try APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not an operation of this path.",
                                        remedy: "Use \(allow) (see openapi.yaml).").response(from: request, context: context)
            response.headers[.allow] = allow
            return response
        }
    }
}
