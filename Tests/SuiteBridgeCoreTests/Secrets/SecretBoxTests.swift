import Foundation
import NetSuiteAuth
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Secret box and master key")
struct SecretBoxTests {
    let box = SecretBox(masterKey: .generate(source: .environment))
    let binding = SecretBinding(instanceID: "i1", field: .consumerSecret)

    @Test("a sealed secret opens for its own binding and is not readable in the sealed text")
    func roundTrip() throws {
        let sealed = try box.seal("consumer-secret-value", for: binding)
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains("consumer-secret-value"))
        #expect(try box.open(sealed, for: binding) == "consumer-secret-value")
        #expect(try box.seal("consumer-secret-value", for: binding) != sealed)  // a fresh nonce each time
    }

    @Test("a tampered value does not open")
    func tamper() throws {
        let sealed = try box.seal("secret", for: binding)
        var bytes = Data(base64Encoded: String(sealed.dropFirst(3)))!
        bytes[bytes.count / 2] ^= 0x01
        #expect(throws: SuiteBridgeError.self) { try box.open("v1:" + bytes.base64EncodedString(), for: binding) }
    }

    @Test("a value moved to another instance, certificate or field does not open")
    func moved() throws {
        let sealed = try box.seal("secret", for: binding)
        for other in [
            SecretBinding(instanceID: "i2", field: .consumerSecret),
            SecretBinding(instanceID: "i1", field: .tokenSecret),
            SecretBinding(instanceID: "i1", certificateID: "c1", field: .consumerSecret),
        ] {
            do {
                _ = try box.open(sealed, for: other)
                Issue.record("opened for \(other)")
            } catch let error as SuiteBridgeError {
                #expect(error.code == .sealedSecret)
                #expect(!error.description.contains("secret\""))
            }
        }
    }

    @Test("a value sealed under another key does not open")
    func wrongKey() throws {
        let sealed = try box.seal("secret", for: binding)
        let other = SecretBox(masterKey: .generate(source: .environment))
        #expect(throws: SuiteBridgeError.self) { try other.open(sealed, for: binding) }
    }

    @Test("the master key file is created with mode 0600 and read back; a readable one is refused")
    func keyFile() throws {
        let folder = try TestFolder()
        let first = try MasterKey.load(environment: [:], home: folder.home)
        let mode = (try FileManager.default.attributesOfItem(atPath: folder.home.masterKeyPath)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let again = try MasterKey.load(environment: [:], home: folder.home)
        #expect(again.id == first.id)
        chmod(folder.home.masterKeyPath, 0o644)
        #expect(throws: SuiteBridgeError.self) { try MasterKey.load(environment: [:], home: folder.home) }
    }

    @Test("SUITEBRIDGE_MASTER_KEY wins over the file and must be base64 of 32 bytes")
    func environmentKey() throws {
        let folder = try TestFolder()
        let key = MasterKey.generate(source: .environment)
        #expect(try MasterKey.load(environment: ["SUITEBRIDGE_MASTER_KEY": key.base64], home: folder.home).id == key.id)
        #expect(!FileManager.default.fileExists(atPath: folder.home.masterKeyPath))
        do {
            _ = try MasterKey.load(environment: ["SUITEBRIDGE_MASTER_KEY": "c2hvcnQ="], home: folder.home)
            Issue.record("expected an error")
        } catch let error as SuiteBridgeError {
            #expect(error.field == "SUITEBRIDGE_MASTER_KEY")
            #expect(error.remedy.contains("openssl rand -base64 32"))
        }
    }
}

@Suite("Master key rotation")
struct MasterKeyRotationTests {
    @Test("keys rotate re-seals every secret; the old key no longer opens the store", arguments: TestDatabases.kinds)
    func rotate(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            let added = try await live.core.instances.importCredentials(live.credentialsFile)
            #expect(added.count == 2)
            // A mirror's database password is sealed in the store too (never in the definition).
            let mirror = try await live.core.flows.create(name: "dw", definition: FlowDefinition(
                kind: .mirror, instance: live.tbaName, mirror: .init(tables: ["customer"], database: "postgres://loader:pw-1%2F2@127.0.0.1:5432/dw")))
            #expect(mirror.definition.mirror?.database == "postgres://loader@127.0.0.1:5432/dw")
            #expect(try await live.core.flows.databasePassword(flowID: mirror.id) == "pw-1/2")
            let before = try await live.core.instances.fingerprints(of: live.tbaName)
            let newBox = SecretBox(masterKey: .generate(source: .environment))
            let count = try await MasterKeyRotation.reseal(store: live.store, from: live.core.secrets, to: newBox, actor: "test")
            #expect(count == 4)  // consumer secret, token secret, one private key, the database password
            let rotated = CoreContext(store: live.store, secrets: newBox, actor: "test", logger: quietLogger)
            #expect(try await rotated.flows.databasePassword(flowID: mirror.id) == "pw-1/2")
            #expect(try await rotated.instances.fingerprints(of: live.tbaName) == before)
            #expect(try await rotated.diagnostics.test(live.tbaName).passed)
            #expect(try await rotated.diagnostics.test(live.oauth2Name).passed)
            await #expect(throws: SuiteBridgeError.self) { try await live.core.instances.fingerprints(of: live.tbaName) }
            #expect(try await Workspace.storedKeyID(live.store) == newBox.masterKey.id)
            // A server still running with the old key stores no secret it could never open again.
            let tba = try #require(live.credentials.tba)
            await #expect { try await live.core.instances.edit(live.tbaName, .init(consumerSecret: tba.consumerSecret)) } throws: {
                ($0 as? SuiteBridgeError)?.code == .masterKey
            }
            await #expect { try await live.core.certificates.beginRotation(live.oauth2Name) } throws: { ($0 as? SuiteBridgeError)?.code == .masterKey }
            try await rotated.instances.edit(live.tbaName, .init(consumerSecret: tba.consumerSecret))
            #expect(try await rotated.diagnostics.test(live.tbaName).passed)
        }
    }

    @Test("keys rotate beside running servers: one reading the same key file follows it; one that cannot makes the rotation refuse", arguments: TestDatabases.kinds)
    func rotateBesideServers(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            let keyPath = live.folder.file("master.key")
            try MasterKey.write(.generate(source: .file(keyPath)), to: keyPath)
            let oldKey = try MasterKey.read(path: keyPath)
            try await live.store.read { try await Workspace.recordKeyID(oldKey.id, in: $0) }
            func core(_ secrets: SecretBox, _ actor: String) -> CoreContext {
                CoreContext(store: live.store, secrets: secrets, actor: actor, logger: quietLogger, destinations: DestinationPolicy(allowlist: ["127.0.0.1"]))
            }
            // Two servers read master.key on this machine; a third has the same key from SUITEBRIDGE_MASTER_KEY.
            let server = core(SecretBox(masterKey: oldKey), "server")
            let quiet = core(SecretBox(masterKey: try MasterKey.read(path: keyPath)), "quiet server")
            let fromEnvironment = core(SecretBox(masterKey: try MasterKey(base64: oldKey.base64, source: .environment)), "env server")
            try await server.instances.importCredentials(live.credentialsFile)
            let before = try await server.instances.fingerprints(of: live.tbaName)
            let serverPresence = ServerPresence(context: server)
            let environmentPresence = ServerPresence(context: fromEnvironment)
            #expect(try await serverPresence.beat() == .current)
            #expect(try await environmentPresence.beat() == .current)

            let cliSecrets = SecretBox(masterKey: try MasterKey.read(path: keyPath))
            let cli = Workspace(home: live.folder.home, store: live.store, secrets: cliSecrets, context: core(cliSecrets, "cli"))
            await #expect { try await cli.rotateMasterKey(actor: "cli") } throws: { error in
                guard let error = error as? SuiteBridgeError else { return false }
                return error.code == .conflict && error.message.contains("SUITEBRIDGE_MASTER_KEY") && error.message.contains("pid")
            }
            #expect(try await Workspace.storedKeyID(live.store) == oldKey.id)  // refused before anything changed

            await environmentPresence.leave()
            let keptOld = live.folder.file("old.key")
            let (newKey, count) = try await cli.rotateMasterKey(actor: "cli", keepOldKeyAt: keptOld)
            #expect(count == 3)
            #expect(try MasterKey.read(path: keyPath).id == newKey.id)
            #expect(try MasterKey.read(path: keptOld).id == oldKey.id)  // read refuses a file others can read
            #expect(!FileManager.default.fileExists(atPath: keyPath + ".old"))

            // The server's next heartbeat switches it to the new key; it opens and stores secrets as before.
            #expect(try await serverPresence.beat() == .switched(to: newKey.id))
            #expect(try await server.instances.fingerprints(of: live.tbaName) == before)
            #expect(try await server.diagnostics.test(live.oauth2Name).passed)
            let tba = try #require(live.credentials.tba)
            try await server.instances.edit(live.tbaName, .init(consumerSecret: tba.consumerSecret))
            #expect(try await server.diagnostics.test(live.tbaName).passed)
            // A server that has not beaten since stores nothing under its old key: its transaction finds the new key,
            // it switches, and seals again.
            #expect(quiet.secrets.masterKey.id == oldKey.id)
            try await quiet.instances.edit(live.tbaName, .init(tokenSecret: tba.tokenSecret))
            #expect(quiet.secrets.masterKey.id == newKey.id)
            #expect(try await server.diagnostics.test(live.tbaName).passed)

            // --force rotates beside a server that cannot follow; that server then reports its key as stale.
            #expect(try await environmentPresence.beat() == .stale(storeKeyID: newKey.id))
            let forced = try await cli.rotateMasterKey(actor: "cli", force: true)
            #expect(try await environmentPresence.beat() == .stale(storeKeyID: forced.key.id))
            #expect(try await serverPresence.beat() == .switched(to: forced.key.id))
            #expect(try await ServerPresence.live(in: live.store, now: Date()).count == 2)
        }
    }

    @Test("a rotation that fails half way changes nothing", arguments: TestDatabases.kinds)
    func failedRotation(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            // Corrupt one secret so the re-seal fails after others were already re-sealed in the transaction.
            try await live.store.read { try await $0.raw("UPDATE certificates SET private_key = 'v1:AAAA'").run() }
            let newBox = SecretBox(masterKey: .generate(source: .environment))
            await #expect(throws: SuiteBridgeError.self) {
                try await MasterKeyRotation.reseal(store: live.store, from: live.core.secrets, to: newBox, actor: "test")
            }
            #expect(try await live.core.diagnostics.test(live.tbaName).passed)  // still sealed under the old key
        }
    }

    @Test("a workspace with the wrong key refuses to open, naming both key ids")
    func wrongWorkspaceKey() async throws {
        let folder = try TestFolder()
        let environment = ["SUITEBRIDGE_HOME": folder.path]
        let first = try await Workspace.open(environment: environment, actor: "test", logger: quietLogger)
        let id = first.secrets.masterKey.id
        await first.close()
        let other = MasterKey.generate(source: .environment)
        do {
            _ = try await Workspace.open(environment: environment.merging(["SUITEBRIDGE_MASTER_KEY": other.base64]) { $1 }, actor: "test", logger: quietLogger)
            Issue.record("expected an error")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .masterKey)
            #expect(error.message.contains(id) && error.message.contains(other.id))
        }
    }

    @Test("a key rotation cut off before or after its commit settles on the next start")
    func interruptedRotation() async throws {
        let folder = try TestFolder()
        let environment = ["SUITEBRIDGE_HOME": folder.path]
        // Cut off before the commit: master.key.next exists, the store still records the old key.
        let workspace = try await Workspace.open(environment: environment, actor: "test", logger: quietLogger)
        let oldID = workspace.secrets.masterKey.id
        await workspace.close()
        try MasterKey.write(.generate(source: .file("x")), to: folder.home.masterKeyPath + ".next")
        let reopened = try await Workspace.open(environment: environment, actor: "test", logger: quietLogger)
        #expect(reopened.secrets.masterKey.id == oldID)
        #expect(!FileManager.default.fileExists(atPath: folder.home.masterKeyPath + ".next"))
        // Cut off after the commit but before the rename: the store records the new key, which is only in .next.
        let newKey = MasterKey.generate(source: .file("x"))
        try MasterKey.write(newKey, to: folder.home.masterKeyPath + ".next")
        _ = try await MasterKeyRotation.reseal(store: reopened.store, from: reopened.secrets, to: SecretBox(masterKey: newKey), actor: "test")
        await reopened.close()
        let settled = try await Workspace.open(environment: environment, actor: "test", logger: quietLogger)
        #expect(settled.secrets.masterKey.id == newKey.id)
        #expect(!FileManager.default.fileExists(atPath: folder.home.masterKeyPath + ".next"))
        await settled.close()
    }
}
