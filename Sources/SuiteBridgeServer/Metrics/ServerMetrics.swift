import Foundation
import Metrics
import Prometheus
import SuiteBridgeCore
import NIOConcurrencyHelpers

/// The server's Prometheus metrics: what `/metrics` serves.
///
/// The executable bootstraps the process's swift-metrics system with ``factory`` (`MetricsSystem.bootstrap`, once
/// per process), so the NetSuite client's metrics (requests by instance and status, retries, 429s, durations),
/// token exchanges and flow runs land here too. Without that, `/metrics` serves the server's own series only.
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let unauthorizedCounter: Prometheus.Counter

    /// The swift-metrics factory that writes into this registry, for `MetricsSystem.bootstrap`.
    public var factory: PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                                   .seconds(1), .seconds(2), .seconds(5), .seconds(15), .seconds(60)]
        return factory
    }

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        unauthorizedCounter = registry.makeCounter(name: "suitebridge_api_unauthorized_total", help: "API calls and page loads refused for a missing or wrong token or session.")
    }

    func unauthorized() {
        unauthorizedCounter.increment()
    }

    /// The expiry gauges last set, by their labels: those of certificates no longer active or pending are removed.
    private let expiryGauges = NIOLockedValueBox<[String: Prometheus.Gauge]>([:])

    /// The metrics as Prometheus text, with the certificate expiry gauges refreshed from the store.
    func render(core: CoreContext) async throws -> String {
        let now = Date()
        var current: [String: (labels: [(String, String)], days: Double)] = [:]
        for instance in try await core.instances.list() where instance.authMethod == .clientCredentials {
            for certificate in try await core.certificates.list(of: instance.name) where certificate.state == .active || certificate.state == .pending {
                guard let notAfter = certificate.notAfter else { continue }
                let labels = [("instance", instance.name), ("certificate_id", certificate.certificateID ?? "pending"), ("state", certificate.state.rawValue)]
                current[labels.map { "\($0.0)=\($0.1)" }.joined(separator: ","), default: (labels, 0)] = (labels, notAfter.timeIntervalSince(now) / 86_400)
            }
        }
        expiryGauges.withLockedValue { gauges in
            for (key, gauge) in gauges where current[key] == nil {
                registry.unregisterGauge(gauge)
                gauges[key] = nil
            }
            for (key, value) in current {
                let gauge = gauges[key] ?? registry.makeGauge(
                    name: "suitebridge_certificate_expiry_days", labels: value.labels, help: "Days until the certificate expires (negative once expired).")
                gauge.set(value.days)
                gauges[key] = gauge
            }
        }
        for instance in try await core.instances.list() {
            let labels = [("instance", instance.name)]
            registry.makeGauge(name: "suitebridge_concurrency_limit", labels: labels, help: "The instance's concurrency limit (configured, or read from NetSuite's governanceLimits).")
                .set(Double(instance.concurrencyLimit))
            registry.makeGauge(name: "suitebridge_concurrency_in_use", labels: labels, help: "Concurrency slots this server's requests with the instance hold now.")
                .set(Double(await core.connections.inFlight(instance.name)))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
