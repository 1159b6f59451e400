import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

extension TestFolder {
    /// The folder as a SuiteBridge home.
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
        try await LoopbackSimulator.run(records: records, keyType: keyType) { simulator in
            let netsuite = simulator.netsuite
            let account = simulator.credentials
            return try await TestDatabases.withStore(kind) { store, folder in
                let core = CoreContext(
                    store: store, secrets: SecretBox(masterKey: .generate(source: .environment)), actor: "test", logger: quietLogger,
                    now: { Date() }, files: try FileBoundary(root: folder.path),
                    destinations: DestinationPolicy(allowlist: ["127.0.0.1"]))
                return try await body(LiveSetup(netsuite: netsuite, baseURL: account.baseURL ?? "", credentials: account, core: core, store: store, folder: folder))
            }
        }
    }

    /// The credentials file the simulator would write, for `importCredentials`.
    var credentialsFile: CredentialsFile {
        CredentialsFile(accounts: [credentials])
    }

    /// A new folder inside the files root (the test's folder).
    func newFolder() throws -> String {
        let path = folder.file(UUID().uuidString)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    var tbaName: String { "\(realm)-tba" }
    var oauth2Name: String { "\(realm)-oauth2" }

    /// Every running run's lease ends now, as when its worker died and the lease ran out: no test waits on a clock.
    func expireRunLeases() async throws {
        let past = StoreDate.string(Date().addingTimeInterval(-1))
        try await store.read { try await $0.raw("UPDATE runs SET lease_expires_at = \(bind: past) WHERE state = 'running'").run() }
    }
}
