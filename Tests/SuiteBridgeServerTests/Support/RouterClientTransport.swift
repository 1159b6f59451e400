import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OpenAPIRuntime
import SuiteBridgeAPIClient

/// The generated API client's transport over Hummingbird's in-process test client: the API tests drive the server
/// through `SuiteBridgeAPIClient` as another Swift service would, without a socket.
struct RouterClientTransport: ClientTransport {
    let client: any TestClientProtocol

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var buffer: ByteBuffer?
        if let body { buffer = ByteBuffer(bytes: try await [UInt8](collecting: body, upTo: 1 << 24)) }
        let response = try await client.execute(uri: request.path ?? "/", method: request.method, headers: request.headerFields, body: buffer)
        return (HTTPResponse(status: response.status, headerFields: response.headers), HTTPBody(Array(response.body.readableBytesView)))
    }
}

extension TestClientProtocol {
    /// The generated API client, sending `token` as the bearer token.
    func apiClient(token: String) -> Client {
        Client(serverURL: URL(string: "http://127.0.0.1")!, transport: RouterClientTransport(client: self), middlewares: [BearerToken(token)])
    }
}
