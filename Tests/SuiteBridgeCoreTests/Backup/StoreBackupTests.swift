import Foundation
import NetSuiteAuth
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Store backup and restore")
struct StoreBackupTests {
    static let passphrase = try! BackupPassphrase("correct horse battery staple", source: "test")

    /// Instances (OAuth 1 and OAuth 2 with its certificate), a mirror flow with a sealed database password and an
    /// export flow whose runs a worker keeps making.
    static func populate(_ live: LiveSetup) async throws {
        try await live.core.instances.importCredentials(live.credentialsFile)
        try await live.core.flows.create(name: "dw", definition: FlowDefinition(
            kind: .mirror, instance: live.tbaName, mirror: .init(tables: ["customer"], database: "postgres://loader:pw-1%2F2@127.0.0.1:5432/dw")))
        try await live.core.flows.create(name: "customers", definition: FlowDefinition(
            kind: .export, instance: live.oauth2Name,
            export: .init(query: "SELECT id, companyname FROM customer ORDER BY id", destination: .folder(try live.newFolder()))))
    }

    static func workspace(_ live: LiveSetup) -> Workspace {
        Workspace(home: live.folder.home, store: live.store, secrets: live.core.secrets, context: live.core)
    }

    static func count(_ table: String, in store: Store) async throws -> Int {
        try await store.read { try await $0.raw("SELECT COUNT(*) AS n FROM \(ident: table)").fetchFirst()?.decode(column: "n", as: Int.self) ?? -1 }
    }

    @Test("a backup taken while flows run restores into SQLite and PostgreSQL with every instance, certificate, run and secret", arguments: TestDatabases.kinds)
    func whileFlowsRun(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 30) { live in
            try await Self.populate(live)
            let fingerprints = try await live.core.instances.fingerprints(of: live.tbaName)
            let certificates = try await live.core.certificates.list(of: live.oauth2Name)
            // Runs keep being queued and run while the backup is taken.
            let worker = FlowWorker(context: live.core)
            try await live.core.flows.enqueue("customers")
            _ = try await worker.runUntilIdle()
            let runsBefore = try await Self.count("runs", in: live.store)
            let busy = Task {
                for _ in 0..<6 {
                    try await live.core.flows.enqueue("customers")
                    _ = try await worker.runUntilIdle()
                }
            }
            let file = live.folder.file("suitebridge.backup")
            let written = try await StoreBackup.write(Self.workspace(live), to: file, passphrase: Self.passphrase, actor: "test")
            try await busy.value
            let runsAfter = try await Self.count("runs", in: live.store)
            let runsInBackup = try #require(written.rows["runs"])
            #expect(runsBefore <= runsInBackup && runsInBackup <= runsAfter)
            #expect(written.rows["instances"] == 2 && written.rows["certificates"] == 1 && written.rows["flows"] == 2)
            #expect(written.rows["servers"] == nil && written.rows["concurrency_slots"] == nil)
            let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
            #expect(try await live.core.audit.entries(limit: 5).contains { $0.action == .storeBackup && $0.detail.contains(file) })
            // The passphrase and the key never appear in the file.
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains("correct horse") && !text.contains(live.core.secrets.masterKey.base64))
            #expect(!text.contains(try #require(live.credentials.tba?.tokenSecret)))

            let verified = try await StoreBackup.verify(file, passphrase: Self.passphrase, logger: quietLogger)
            #expect(verified.secretsOpened == 4 && verified.rows == written.rows)

            for target in TestDatabases.kinds {
                try await TestDatabases.withStore(target) { store, _ in
                    let restored = try await StoreBackup.restore(file, passphrase: Self.passphrase, into: store, actor: "test")
                    #expect(restored.secretsOpened == 4 && restored.rows == written.rows)
                    for (table, rows) in written.rows where table != "audit_log" {
                        #expect(try await Self.count(table, in: store) == rows, "\(table) from \(kind) into \(target)")
                    }
                    #expect(try await Self.count("audit_log", in: store) == written.rows["audit_log"].map { $0 + 1 })
                    let key = try StoreBackup.open(file, passphrase: Self.passphrase, keySource: .environment).key
                    #expect(key.id == live.core.secrets.masterKey.id)
                    let core = CoreContext(store: store, secrets: SecretBox(masterKey: key), actor: "restored", logger: quietLogger,
                                           destinations: DestinationPolicy(allowlist: ["127.0.0.1"]))
                    // New audit entries follow the restored ones (PostgreSQL's sequence was moved past them).
                    try await store.read { try await AuditLog.append($0, actor: "restored", instance: nil, action: .keysRotate, detail: "probe") }
                    #expect(try await core.audit.entries(limit: 2).map(\.action) == [.keysRotate, .storeRestore])
                    #expect(Set(try await core.instances.list().map(\.name)) == [live.tbaName, live.oauth2Name])
                    #expect(try await core.instances.fingerprints(of: live.tbaName) == fingerprints)
                    #expect(try await core.certificates.list(of: live.oauth2Name).map(\.id) == certificates.map(\.id))
                    #expect(try await core.flows.databasePassword(flowID: try await core.flows.flow(named: "dw").id) == "pw-1/2")
                    #expect(try await core.flows.runs(flow: "customers", limit: 100).count == runsInBackup)
                    // Both instances work from the restored store: the OAuth 2 one signs with its restored private key.
                    #expect(try await core.diagnostics.test(live.tbaName).passed)
                    #expect(try await core.diagnostics.test(live.oauth2Name).passed)
                }
            }
        }
    }

    @Test("a damaged backup, a wrong passphrase or a store in use restores nothing, and says why", arguments: TestDatabases.kinds)
    func refusals(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 5) { live in
            try await Self.populate(live)
            let file = live.folder.file("good.backup")
            _ = try await StoreBackup.write(Self.workspace(live), to: file, passphrase: Self.passphrase, actor: "test")
            await #expect { _ = try await StoreBackup.write(Self.workspace(live), to: file, passphrase: Self.passphrase, actor: "test") } throws: {
                ($0 as? SuiteBridgeError)?.message.contains("exists") == true
            }
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            func variant(_ name: String, _ lines: [String]) throws -> String {
                let path = live.folder.file(name)
                try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            let truncated = try variant("truncated.backup", Array(lines.dropLast(3)) + [""])
            let rowLine = try #require(lines.firstIndex { $0.contains(live.tbaName) && $0.hasPrefix("[") })
            var altered = lines
            altered[rowLine] = altered[rowLine].replacingOccurrences(of: live.tbaName, with: "evil-twin")
            let tampered = try variant("altered.backup", altered)
            let cases: [(String, BackupPassphrase, String)] = [
                (truncated, Self.passphrase, "ends without its trailer (truncated)"),
                (tampered, Self.passphrase, "line \(lines.count - 1): the file's SHA-256 is not the one its trailer records"),
                (file, try BackupPassphrase("not the passphrase at all", source: "test"), "passphrase does not open"),
                (try variant("not-a-backup", ["id,name", "1,a"]), Self.passphrase, "line 1: not a SuiteBridge backup"),
            ]
            for (path, passphrase, message) in cases {
                try await TestDatabases.withStore(kind) { store, _ in
                    await #expect { _ = try await StoreBackup.restore(path, passphrase: passphrase, into: store, actor: "test") } throws: {
                        ($0 as? SuiteBridgeError)?.message.contains(message) == true
                    }
                    let instances = try await Self.count("instances", in: store), runs = try await Self.count("runs", in: store)
                    #expect(instances == 0 && runs == 0, "nothing restored from \(path)")
                }
                await #expect { _ = try await StoreBackup.verify(path, passphrase: passphrase, logger: quietLogger) } throws: {
                    ($0 as? SuiteBridgeError)?.message.contains(message) == true
                }
            }
            // The store in use is never written over.
            await #expect { _ = try await StoreBackup.restore(file, passphrase: Self.passphrase, into: live.store, actor: "test") } throws: {
                ($0 as? SuiteBridgeError)?.code == .conflict && ($0 as? SuiteBridgeError)?.message.contains("not empty") == true
            }
            #expect(try await Self.count("instances", in: live.store) == 2)
            #expect(throws: SuiteBridgeError.self) { try BackupPassphrase("short", source: "test") }
        }
    }
}
