import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime

/// Checks an API request body before any handler reads it: over ``maximumBytes`` it is refused with 413 (the
/// generated server would otherwise collect a body of any size); a JSON body with a `null` anywhere is refused with
/// 400 naming the field (no field of the document may be null, and the generated decoder would take null as
/// absent). The largest body the API takes, an OAuth 2 instance with its private key and certificate, is a few KiB.
struct RequestBodyChecks: RouterMiddleware {
    typealias Context = ServerContext
    /// 1 MiB.
    static let maximumBytes = 1 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > Self.maximumBytes {
            throw Self.tooLarge
        }
        // A request without a body keeps none (collecting would give it an empty one, which is not "no body").
        guard (length ?? 0) > 0 || request.headers[.transferEncoding] != nil else { return try await next(request, context) }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge
        }
        if body.readableBytes > 0, request.headers[.contentType]?.lowercased().contains("json") == true,
           let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed]),
           let field = Self.firstNull(in: object, at: "") {
            throw APIError(status: .badRequest, code: "invalid_body", message: "The field \(field.isEmpty ? "(body)" : field) is null.", field: field.isEmpty ? nil : field,
                           remedy: "Leave out a field you do not set; no field of this API takes null (see openapi.yaml).")
        }
        return try await next(request, context)
    }

    static let tooLarge = APIError(status: .contentTooLarge, code: "payload_too_large", message: "The request body is over 1 MiB, the most any API operation takes.",
                                   remedy: "Send only the fields the operation takes (see openapi.yaml).")

    /// The path of the first `null` in a decoded JSON value (`a.b[2]`), or `nil`.
    static func firstNull(in value: Any, at path: String) -> String? {
        switch value {
        case is NSNull:
            return path
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = firstNull(in: object[key] as Any, at: path.isEmpty ? key : path + "." + key) { return found }
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstNull(in: element, at: path + "[\(index)]") { return found }
            }
        default:
            break
        }
        return nil
    }
}

/// Hands an operation no body when the request has an empty one (`Content-Length: 0`, as clients send a POST
/// without a body): the Hummingbird transport always passes a body, and the generated code would try to decode an
/// optional JSON body from zero bytes and refuse it.
struct EmptyBodyIsNoBody: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if case .known(0) = body?.length { return try await next(request, nil, metadata) }
        return try await next(request, body, metadata)
    }
}
