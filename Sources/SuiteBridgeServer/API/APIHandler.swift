import Foundation
import HTTPTypes
import OpenAPIRuntime
import SuiteBridgeCore

/// The JSON API under `/api/v1`, `/healthz` and `/metrics`: the handlers of the ``APIProtocol`` that
/// swift-openapi-generator makes from `openapi.yaml`, so routes, parameters and bodies are the document's.
///
/// Authentication is ``APIAuthentication``; each handler acts as ``APICaller/name`` in the audit log. Errors thrown
/// here become `{"error": …}` bodies in ``APIErrorMiddleware``. Files: `+Instances`, `+Certificates`,
/// `+Administration` (audit, tokens), `+Flows` (flows and runs); `Schemas+*.swift` turn core values into the
/// document's schemas.
struct APIHandler: APIProtocol {
    let server: SuiteBridgeServer

    /// How bodies are written: compact JSON with sorted keys and unescaped slashes (URLs read as URLs), ISO 8601
    /// dates in whole seconds.
    static let configuration = Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

    /// The core acting as the caller, for the audit log.
    var core: CoreContext {
        server.core.acting(as: APICaller.name ?? "unknown")
    }

    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    func readiness(_ input: Operations.Readiness.Input) async throws -> Operations.Readiness.Output {
        let report = await server.readiness.check(store: server.core.store)
        let body = Components.Schemas.Readiness(
            status: report.ready ? .ready : .notReady, store: report.store, migrations: report.migrations, worker: report.workerRunning ? .running : .notRunning)
        return report.ready ? .ok(.init(body: .json(body))) : .serviceUnavailable(.init(body: .json(body)))
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        let text = try await server.metrics.render(core: server.core)
        return .ok(.init(body: .plainText(HTTPBody(text))))
    }
}

extension APIHandler {
    /// A list size from a query parameter: the default when absent.
    /// - Throws: ``APIError`` 400 naming the parameter when it is outside `range`.
    static func limit(_ value: Int?, parameter: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let value else { return defaultValue }
        guard range.contains(value) else {
            throw APIError(status: .badRequest, code: "invalid_input", message: "\(parameter) must be between \(range.lowerBound) and \(range.upperBound).",
                           field: parameter, remedy: "Give a \(parameter) from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }
}
