import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore

/// The databases the store tests run on: SQLite always, PostgreSQL when `SUITEBRIDGE_TEST_POSTGRES_URL` is set.
enum TestDatabases {
    static var kinds: [Store.Kind] {
        ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }

    /// A fresh, empty store of `kind`: a new SQLite file, or a new PostgreSQL schema.
    static func withStore<T: Sendable>(_ kind: Store.Kind, _ body: @Sendable (Store, TestFolder) async throws -> T) async throws -> T {
        let folder = try TestFolder()
        let store: Store
        switch kind {
        case .sqlite:
            store = try await Store.openSQLite(path: folder.path + "/suitebridge.sqlite", logger: quietLogger)
        case .postgres:
            let url = ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"] ?? ""
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let admin = try await Store.openPostgres(url: url, schema: nil, migrating: false, logger: quietLogger)
            try await admin.read { try await $0.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
            await admin.close()
            store = try await Store.openPostgres(url: url, schema: schema, logger: quietLogger)
        }
        do {
            let result = try await body(store, folder)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}

/// A temporary folder, deleted when the process ends.
struct TestFolder: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "suitebridge-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var home: SuiteBridgeHome { SuiteBridgeHome(path: path) }
}

/// A simulator on 127.0.0.1 with one provisioned account, and the core over a fresh store.
struct LiveSetup: Sendable {
    let netsuite: SimulatedNetSuite
    let baseURL: String
    let credentials: CredentialsFile.Account
    let core: CoreContext
    let store: Store
    let folder: TestFolder
    var realm: String { credentials.accountId }

    static func run<T: Sendable>(
        _ kind: Store.Kind = .sqlite, records: Int = 20, keyType: String = "ec-p256",
        _ body: @Sendable (LiveSetup) async throws -> T
    ) async throws -> T {
        let netsuite = SimulatedNetSuite()
        let configuration = SimulatorProvisioning.Configuration(accounts: [
            .init(accountId: "1234567_SB1", concurrencyLimit: 5, records: records, seed: 5, keyType: keyType)
        ])
        let provisioned = try await SimulatorProvisioning.provision(netsuite, configuration: configuration, baseURL: "")
        let server = SimulatorServer(netsuite: netsuite)
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
        return try await app.test(.live) { client in
            var credentials = provisioned.accounts[0]
            credentials.baseURL = "http://127.0.0.1:\(client.port!)"
            let account = credentials
            return try await TestDatabases.withStore(kind) { store, folder in
                let core = CoreContext(
                    store: store, secrets: SecretBox(masterKey: .generate(source: .environment)), actor: "test", logger: quietLogger,
                    now: { Date() })
                return try await body(LiveSetup(netsuite: netsuite, baseURL: account.baseURL ?? "", credentials: account, core: core, store: store, folder: folder))
            }
        }
    }

    /// The credentials file the simulator would write, for `importCredentials`.
    var credentialsFile: CredentialsFile {
        CredentialsFile(accounts: [credentials])
    }

    var tbaName: String { "\(realm)-tba" }
    var oauth2Name: String { "\(realm)-oauth2" }
}

let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()
