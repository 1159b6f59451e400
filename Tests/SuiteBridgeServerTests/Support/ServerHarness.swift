import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NetSuiteAuth
import NetSuiteSimulator
import NIOCore
import OpenAPIRuntime
import SuiteBridgeAPIClient
import SuiteBridgeCore
@testable import SuiteBridgeServer
import SuiteBridgeTestSupport
import Testing

/// A simulator on 127.0.0.1, a workspace over a fresh SQLite store with the simulator's instances imported, and
/// SuiteBridge's server tested through its router.
struct ServerHarness: Sendable {
    let netsuite: SimulatedNetSuite
    let credentials: CredentialsFile.Account
    let server: SuiteBridgeServer
    let token: String
    let client: any TestClientProtocol

    /// One metrics registry for the test process, bootstrapped as the executable does (swift-metrics allows one
    /// bootstrap per process), so client and flow metrics show in `/metrics`.
    static let metrics: ServerMetrics = {
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        return metrics
    }()

    static func run<T: Sendable>(logger: Logger = quietLogger, trustedProxies: Set<String> = [], webhookClock: @escaping @Sendable () -> Date = { Date() },
                                 _ body: @Sendable (ServerHarness) async throws -> T) async throws -> T {
        try await LoopbackSimulator.run(records: 20, seed: 3) { simulator in
            let netsuite = simulator.netsuite
            let home = try TestFolder().path
            let workspace = try await Workspace.open(
                environment: ["SUITEBRIDGE_HOME": home, "SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1"], actor: "test", logger: logger)
            let account = simulator.credentials
            do {
                try await workspace.context.instances.importCredentials(CredentialsFile(accounts: [account]))
                let server = try SuiteBridgeServer(workspace: workspace, configuration: .init(banner: "Demo banner", trustedProxies: trustedProxies, webhookClock: webhookClock),
                                                   metrics: Self.metrics)
                let token = try #require(try await server.createFirstTokenIfNeeded())
                let app = Application(router: server.makeRouter(), logger: logger)
                let result = try await app.test(.router) { client in
                    try await body(ServerHarness(netsuite: netsuite, credentials: account, server: server, token: token, client: client))
                }
                await workspace.close()
                return result
            } catch {
                await workspace.close()
                throw error
            }
        }
    }

    var realm: String { credentials.accountId }

    /// The generated API client, with the admin token.
    var apiClient: SuiteBridgeAPIClient.Client { client.apiClient(token: token) }

    /// `/metrics` through the generated client.
    func metricsText() async throws -> String {
        try await String(collecting: try apiClient.metrics().ok.body.plainText, upTo: 1 << 24)
    }

    /// An API call with the admin token; `json` is sent as the body.
    func api(_ method: HTTPRequest.Method, _ path: String, json: [String: Any]? = nil, token: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(token ?? self.token)"]
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body)
    }

    static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func text(_ response: TestResponse) -> String {
        String(buffer: response.body)
    }
}
