import Foundation
#if TraceExport
import OTel
#endif
import ServiceLifecycle

/// Sends traces over OTLP/HTTP to a collector when `--traces-endpoint` (or `SUITEBRIDGE_TRACES_ENDPOINT`, or
/// `traces.endpoint` in the configuration file) names one: a span per API request, per flow run, per NetSuite
/// request and per export batch. The standard `OTEL_*` variables refine it (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json`,
/// `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`). Logs and metrics stay where they are
/// (standard error, `/metrics`).
enum TraceExport {
    /// The environment variable the endpoint may come from.
    static let environmentVariable = "SUITEBRIDGE_TRACES_ENDPOINT"

    /// Bootstraps the tracer and returns the service that exports spans (run it beside the server), or `nil` when
    /// no endpoint is set.
    /// - Throws: ``CLIError`` for an endpoint that is not an http(s) URL.
    static func bootstrap(endpoint: String?, environment: [String: String]) throws -> (any Service)? {
        guard let endpoint = endpoint ?? environment[environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        guard var components = URLComponents(string: endpoint), ["http", "https"].contains(components.scheme ?? ""), components.host?.isEmpty == false else {
            throw CLIError.usage("traces endpoint: \(endpoint) is not an http(s) URL.\n  fix: name the collector's OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318 (/v1/traces is added when the path is empty).")
        }
        if components.path.isEmpty || components.path == "/" { components.path = "/v1/traces" }
        #if TraceExport
        var configuration = OTel.Configuration.default
        configuration.serviceName = "suitebridge"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.otlpExporter.endpoint = components.string ?? endpoint
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.diagnosticLogLevel = .warning
        return try OTel.bootstrap(configuration: configuration, environment: environment)
        #else
        throw CLIError(message: "traces endpoint: this build of suitebridge has no trace export (built with SUITEBRIDGE_WITHOUT_TRACE_EXPORT=1).\n  fix: use a build made without that variable, or leave the endpoint unset.")
        #endif
    }
}
