import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Logs each request once it is answered — method, path (never the query, which may hold values a user typed),
/// status, duration and a request id — and returns the id as `X-Request-Id` so a user can quote it. With
/// `--log-format json` each becomes one object whose `request-id` field a log pipeline can search.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let started = ContinuousClock.now
        var metadata: Logger.Metadata = ["request-id": "\(id)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path)"]
        func finish(_ status: Int) {
            let elapsed = ContinuousClock.now - started
            metadata["status"] = "\(status)"
            metadata["duration-ms"] = "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"
            logger.info("request", metadata: metadata)
        }
        do {
            var response = try await next(request, context)
            response.headers[HTTPField.Name("X-Request-Id")!] = id
            finish(Int(response.status.code))
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[HTTPField.Name("X-Request-Id")!] = id
            finish(Int(response.status.code))
            return response
        }
    }
}
