import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SuiteBridgeTestSupport

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
        try await LoopbackSimulator.run(records: records, concurrencyLimit: concurrencyLimit, latencyMs: latencyMs, keyType: keyType) { simulator in
            try await body(LiveSimulator(netsuite: simulator.netsuite, baseURL: simulator.baseURL, credentials: simulator.credentials))
        }
    }

    /// A TBA client; each test gets its own limiter registry so tests do not share budgets.
    /// Async jobs are polled every 20 ms at first, so tests wait little.
    func tbaClient(
        concurrencyLimit: Int = 5, retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(20)), logger: Logger = quietLogger,
        tokenID: String? = nil, tokenSecret: String? = nil
    ) async throws -> NetSuiteClient {
        let c = credentials.tba!
        let tba = try TokenBasedAuth(account: account, credentials: .init(
            consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, tokenID: tokenID ?? c.tokenId, tokenSecret: tokenSecret ?? c.tokenSecret))
        var configuration = NetSuiteClientConfiguration(
            account: account, authentication: .tokenBased(tba), baseURL: baseURL, concurrencyLimit: concurrencyLimit, retry: retry,
            limiters: ConcurrencyLimiterRegistry())
        configuration.asyncPolling = AsyncPolling(firstDelay: .milliseconds(20), maxDelay: .milliseconds(200))
        return await NetSuiteClient(configuration: configuration, logger: logger)
    }

    func clientCredentialsClient(concurrencyLimit: Int = 5, logger: Logger = quietLogger) async throws -> (NetSuiteClient, AccessTokenProvider) {
        let cc = credentials.clientCredentials!
        let key = try SigningKey(pemRepresentation: cc.privateKeyPEM)
        let assertion = try await ClientAssertion(configuration: .init(account: account, clientID: cc.clientId, certificateID: cc.certificateId), key: key)
        let provider = AccessTokenProvider(
            assertion: assertion, transport: HTTPClientTransport(), configuration: .init(tokenURL: account.tokenURL(origin: baseURL)))
        let configuration = NetSuiteClientConfiguration(
            account: account, authentication: .clientCredentials(provider), baseURL: baseURL, concurrencyLimit: concurrencyLimit,
            retry: RetryPolicy(baseDelay: .milliseconds(20)), limiters: ConcurrencyLimiterRegistry())
        return (await NetSuiteClient(configuration: configuration, logger: logger), provider)
    }
}
