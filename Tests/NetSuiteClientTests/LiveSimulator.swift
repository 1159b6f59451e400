import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import Synchronization

/// A simulator listening on 127.0.0.1 (a free port) for the length of a test, and clients for it.
struct LiveSimulator: Sendable {
    let netsuite: SimulatedNetSuite
    let baseURL: String
    let credentials: CredentialsFile.Account

    var realm: String { credentials.accountId }
    var account: AccountID { try! AccountID(parsing: credentials.accountId) }

    static func run<T: Sendable>(
        records: Int = 50, concurrencyLimit: Int = 5, latencyMs: Int = 0, keyType: String = "ec-p256",
        _ body: @Sendable (LiveSimulator) async throws -> T
    ) async throws -> T {
        let netsuite = SimulatedNetSuite()
        let configuration = SimulatorProvisioning.Configuration(accounts: [
            .init(accountId: "1234567_SB1", concurrencyLimit: concurrencyLimit, records: records, seed: 5, latencyMs: latencyMs, keyType: keyType)
        ])
        let credentials = try await SimulatorProvisioning.provision(netsuite, configuration: configuration, baseURL: "")
        let server = SimulatorServer(netsuite: netsuite)
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            let live = LiveSimulator(netsuite: netsuite, baseURL: "http://127.0.0.1:\(client.port!)", credentials: credentials.accounts[0])
            return try await body(live)
        }
    }

    /// A TBA client; each test gets its own limiter registry so tests do not share budgets.
    func tbaClient(concurrencyLimit: Int = 5, retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(20)), logger: Logger = quietLogger, tokenSecret: String? = nil) async throws -> NetSuiteClient {
        let c = credentials.tba!
        let tba = try TokenBasedAuth(account: account, credentials: .init(
            consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, tokenID: c.tokenId, tokenSecret: tokenSecret ?? c.tokenSecret))
        let configuration = NetSuiteClientConfiguration(
            account: account, authentication: .tokenBased(tba), baseURL: baseURL, concurrencyLimit: concurrencyLimit, retry: retry,
            limiters: ConcurrencyLimiterRegistry())
        return await NetSuiteClient(configuration: configuration, logger: logger)
    }

    func clientCredentialsClient(concurrencyLimit: Int = 5, logger: Logger = quietLogger) async throws -> (NetSuiteClient, AccessTokenProvider) {
        let cc = credentials.clientCredentials!
        let key = try SigningKey(pemRepresentation: cc.privateKeyPEM)
        let assertion = try await ClientAssertion(configuration: .init(account: account, clientID: cc.clientId, certificateID: cc.certificateId), key: key)
        let provider = AccessTokenProvider(
            assertion: assertion, transport: HTTPClientTransport(), configuration: .init(tokenURL: baseURL + "/services/rest/auth/oauth2/v1/token"))
        let configuration = NetSuiteClientConfiguration(
            account: account, authentication: .clientCredentials(provider), baseURL: baseURL, concurrencyLimit: concurrencyLimit,
            retry: RetryPolicy(baseDelay: .milliseconds(20)), limiters: ConcurrencyLimiterRegistry())
        return (await NetSuiteClient(configuration: configuration, logger: logger), provider)
    }
}

/// Test clients log only errors, to keep test output readable.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .error
    return logger
}()

/// Collects log lines (message and metadata) to check what is logged.
final class CapturedLogs: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "captured") { _ in Handler(sink: self) }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}
