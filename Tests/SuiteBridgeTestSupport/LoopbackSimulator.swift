import Foundation
import Hummingbird
import HummingbirdTesting
import NetSuiteAuth
import NetSuiteSimulator

/// A NetSuite simulator with one provisioned sandbox account (`1234567_SB1`), listening on 127.0.0.1 on a free
/// port for the length of a test.
public struct LoopbackSimulator: Sendable {
    public let netsuite: SimulatedNetSuite
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    /// The account's credentials, with ``baseURL``.
    public let credentials: CredentialsFile.Account

    /// The account's realm, `1234567_SB1`.
    public var realm: String { credentials.accountId }

    /// Provisions the account as the seed guides describe, serves it, and runs `body`.
    /// - Parameters:
    ///   - records: customers (and as many of the other record types) in the account.
    ///   - keyType: the OAuth 2 certificate's key type identifier.
    public static func run<T: Sendable>(
        records: Int = 20, concurrencyLimit: Int = 5, latencyMs: Int = 0, keyType: String = "ec-p256", seed: UInt64 = 5,
        _ body: @Sendable (LoopbackSimulator) async throws -> T
    ) async throws -> T {
        let netsuite = SimulatedNetSuite()
        let configuration = SimulatorProvisioning.Configuration(accounts: [
            .init(accountId: "1234567_SB1", concurrencyLimit: concurrencyLimit, records: records, seed: seed, latencyMs: latencyMs, keyType: keyType)
        ])
        let provisioned = try await SimulatorProvisioning.provision(netsuite, configuration: configuration, baseURL: "")
        let server = SimulatorServer(netsuite: netsuite)
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw TestSupportError("the simulator did not report its port") }
            var credentials = provisioned.accounts[0]
            credentials.baseURL = "http://127.0.0.1:\(port)"
            return try await body(LoopbackSimulator(netsuite: netsuite, baseURL: "http://127.0.0.1:\(port)", credentials: credentials))
        }
    }
}

/// A test helper that could not do its part.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
