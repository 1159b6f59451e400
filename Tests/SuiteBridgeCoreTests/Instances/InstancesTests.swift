import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Instances")
struct InstancesTests {
    @Test("import makes one instance per auth method; both test healthy; secrets never show", arguments: TestDatabases.kinds)
    func importAndTest(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            let added = try await live.core.instances.importCredentials(live.credentialsFile)
            #expect(added.map(\.name) == [live.tbaName, live.oauth2Name])
            let tba = try await live.core.instances.instance(named: live.tbaName)
            #expect(tba.realm == "1234567_SB1")
            #expect(tba.accountID.hostLabel == "1234567-sb1")
            #expect(tba.signatureMethod == "HMAC-SHA256")
            let oauth2 = try await live.core.instances.instance(named: live.oauth2Name)
            #expect(oauth2.roleID != nil && oauth2.entityID != nil)

            for name in [live.tbaName, live.oauth2Name] {
                let result = try await live.core.diagnostics.test(name)
                #expect(result.passed, "\(result.failure?.description ?? "")")
                #expect(try await live.core.instances.instance(named: name).health == .healthy)
            }
            let fingerprints = try await live.core.instances.fingerprints(of: live.tbaName)
            #expect(fingerprints.consumerSecret == SecretBox.fingerprint(live.credentials.tba!.consumerSecret))

            // Nothing stored or audited contains a secret value.
            let secrets = [live.credentials.tba!.consumerSecret, live.credentials.tba!.tokenSecret, "PRIVATE KEY"]
            let dump = try await live.store.read { db in
                var text = ""
                for table in ["instances", "certificates", "audit_log"] {
                    for row in try await db.raw("SELECT * FROM \(unsafeRaw: table)").fetchAll() {
                        for column in row.allColumns { text += ((try? row.decode(column: column, as: String?.self)) ?? nil) ?? "" }
                    }
                }
                return text
            }
            for secret in secrets { #expect(!dump.contains(secret)) }
            #expect(try await live.core.audit.entries().map(\.action).filter { $0 == .instanceTest }.count == 2)
        }
    }

    @Test("the client of an instance reads records, and is shared within the process")
    func client() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let client = try await live.core.connections.client(for: live.oauth2Name)
            let page = try await client.records.list("customer", limit: 2)
            #expect(page.items.count == 2)
            let again = try await live.core.connections.client(for: live.oauth2Name)
            #expect(again.limiter === client.limiter)
        }
    }

    @Test("bad input names the field and the fix, and adds nothing")
    func badInput() async throws {
        try await LiveSetup.run { live in
            let cc = live.credentials.clientCredentials!
            let tba = live.credentials.tba!
            let rsa2048 = try String(contentsOfFile: Self.fixture("rsa-2048-key.pem"), encoding: .utf8)
            let otherKey = try CertificateKit.generate(keyType: .ec(.p256)).privateKeyPEM
            let cases: [(InstanceDraft, String)] = [
                (InstanceDraft(name: "bad name!", accountID: "1234567", credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t", tokenSecret: "s")), "name"),
                (InstanceDraft(name: "a", accountID: "12 34", credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t", tokenSecret: "s")), "account id"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: "", consumerSecret: "s", tokenID: "t", tokenSecret: "s")), "consumer key"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: "k", consumerSecret: " ", tokenID: "t", tokenSecret: "s")), "consumer secret"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t t", tokenSecret: "s")), "token id"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t", tokenSecret: "")), "token secret"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .clientCredentials(clientID: "c", privateKeyPEM: "not a key", certificateID: "x", certificatePEM: nil)), "private key"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .clientCredentials(clientID: "c", privateKeyPEM: rsa2048, certificateID: "x", certificatePEM: nil)), "private key"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .clientCredentials(clientID: "c", privateKeyPEM: otherKey, certificateID: "x", certificatePEM: cc.certificatePEM)), "private key"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .clientCredentials(clientID: "c", privateKeyPEM: cc.privateKeyPEM, certificateID: "", certificatePEM: nil)), "certificate id"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .clientCredentials(clientID: "", privateKeyPEM: cc.privateKeyPEM, certificateID: "x", certificatePEM: nil)), "client id"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .clientCredentials(clientID: "c", privateKeyPEM: cc.privateKeyPEM, certificateID: "x", certificatePEM: "junk")), "certificate"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: tba.consumerKey, consumerSecret: "s", tokenID: "t", tokenSecret: "s"), roleID: "admin"), "role id"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t", tokenSecret: "s"), baseURL: "ftp://x"), "base url"),
                (InstanceDraft(name: "a", accountID: "1234567", credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t", tokenSecret: "s"), concurrencyLimit: 0), "concurrency limit"),
            ]
            for (draft, field) in cases {
                do {
                    try await live.core.instances.add(draft)
                    Issue.record("accepted a bad \(field)")
                } catch let error as SuiteBridgeError {
                    #expect(error.code == .invalidInput, "\(field): \(error)")
                    #expect(error.field == field, "\(field): \(error)")
                    #expect(!error.remedy.isEmpty)
                }
            }
            #expect(try await live.core.instances.list().isEmpty)
            // A name taken twice.
            try await live.core.instances.importCredentials(live.credentialsFile)
            await #expect(throws: SuiteBridgeError.self) { try await live.core.instances.importCredentials(live.credentialsFile) }
            #expect(try await live.core.instances.list().count == 2)
        }
    }

    @Test("edit applies credentials reset in NetSuite; the account id accepts any pasted form", arguments: TestDatabases.kinds)
    func editAfterReset(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            // The admin revokes the token and issues a new one: the instance breaks and says so.
            try await live.netsuite.revokeToken(live.realm, tokenID: live.credentials.tba!.tokenId)
            let broken = try await live.core.diagnostics.test(live.tbaName)
            #expect(!broken.passed)
            #expect(broken.failure?.remedy.contains("1234567_SB1") == true)
            #expect(try await live.core.instances.instance(named: live.tbaName).health == .unhealthy)
            let token = try await live.netsuite.issueToken(live.realm, integrationID: 3, entityID: 2, roleID: 1)
            try await live.core.instances.edit(live.tbaName, .init(accountID: "https://1234567-sb1.app.netsuite.com/app/center/card.nl",
                                                            tokenID: token.tokenID, tokenSecret: token.tokenSecret))
            let fixed = try await live.core.diagnostics.test(live.tbaName)
            #expect(fixed.passed, "\(fixed.failure?.description ?? "")")
            #expect(try await live.core.audit.entries(instance: live.tbaName).first?.action == .instanceTest)
            #expect(try await live.core.audit.entries(instance: live.tbaName).contains { $0.action == .instanceEdit && $0.detail.contains("token secret") })
            // OAuth 2 instances have no token secret.
            await #expect(throws: SuiteBridgeError.self) { try await live.core.instances.edit(live.oauth2Name, .init(tokenSecret: "x")) }
        }
    }

    @Test("remove deletes the instance and its certificates", arguments: TestDatabases.kinds)
    func remove(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.core.instances.remove(live.oauth2Name)
            #expect(try await live.core.instances.list().map(\.name) == [live.tbaName])
            let left = try await live.store.read { try await $0.raw("SELECT COUNT(*) AS n FROM certificates").fetchFirst()?.decode(column: "n", as: Int.self) }
            #expect(left == 0)
            await #expect(throws: SuiteBridgeError.self) { try await live.core.instances.remove(live.oauth2Name) }
        }
    }

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NetSuiteAuthTests/Fixtures/openssl/\(name)").path
    }

    @Test("a base URL is NetSuite's or a host the operator allows; moving an OAuth 1 instance asks for its secrets; the audit has old and new")
    func baseURL() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let tba = try #require(live.credentials.tba)
            for url in ["https://attacker.example", "http://10.0.0.1:9090", "http://1234567-sb1.suitetalk.api.netsuite.com"] {
                await #expect { try await live.core.instances.edit(live.tbaName, .init(consumerSecret: tba.consumerSecret, tokenSecret: tba.tokenSecret, baseURL: url)) } throws: {
                    ($0 as? SuiteBridgeError)?.field == "base url"
                }
            }
            await #expect { try await live.core.instances.edit(live.tbaName, .init(baseURL: "https://1234567-sb1.suitetalk.api.netsuite.com")) } throws: {
                ($0 as? SuiteBridgeError)?.field == "consumer secret"
            }
            try await live.core.instances.edit(live.tbaName, .init(consumerSecret: tba.consumerSecret, tokenSecret: tba.tokenSecret,
                                                                 baseURL: "https://1234567-sb1.suitetalk.api.netsuite.com"))
            let entry = try #require(try await live.core.audit.entries(instance: live.tbaName).first)
            #expect(entry.detail.contains("base url \(live.baseURL) -> https://1234567-sb1.suitetalk.api.netsuite.com"))
            // OAuth 2 needs no secret to move: its assertions are bound to the token URL they are sent to.
            try await live.core.instances.edit(live.oauth2Name, .init(baseURL: live.baseURL + "/"))
            #expect(try await live.core.diagnostics.test(live.oauth2Name).passed)
        }
    }

    @Test("an OAuth 2 assertion sent to a simulator or proxy names that token URL as its audience, not NetSuite's")
    func audienceBinding() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let instance = try await live.core.instances.instance(named: live.oauth2Name)
            let assertion = try await live.core.connections.currentAssertion(instanceID: instance.id)
            #expect(assertion.claims().aud == live.baseURL + "/services/rest/auth/oauth2/v1/token")
            #expect(assertion.claims().aud != instance.accountID.tokenURL)
            #expect(try await live.core.diagnostics.test(live.oauth2Name).passed)  // the simulator accepts its own URL
        }
    }

    @Test("an instance with flows is not removed unless forced (its flows go with it); a rename carries its flows along", arguments: TestDatabases.kinds)
    func flowsFollowTheirInstance(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.core.flows.create(name: "nightly", definition: FlowDefinition(
                kind: .export, instance: live.tbaName, export: .init(query: "SELECT id FROM customer", destination: .folder(try live.newFolder()))))
            await #expect { try await live.core.instances.remove(live.tbaName) } throws: {
                ($0 as? SuiteBridgeError)?.code == .conflict && ($0 as? SuiteBridgeError)?.message.contains("nightly") == true
            }
            try await live.core.instances.edit(live.tbaName, .init(newName: "shop-tba"))
            #expect(try await live.core.flows.flow(named: "nightly").definition.instance == "shop-tba")
            try await live.core.flows.enqueue("nightly")
            #expect(try await FlowWorker(context: live.core).runUntilIdle().map(\.state) == [.succeeded])
            try await live.core.instances.remove("shop-tba", force: true)
            await #expect(throws: SuiteBridgeError.self) { try await live.core.flows.flow(named: "nightly") }
            #expect(try await live.core.audit.entries(instance: "shop-tba").contains { $0.action == .flowDelete && $0.detail.contains("nightly") })
        }
    }

    @Test("a flow belongs to its instance's id: another instance later given the same name is not its instance", arguments: TestDatabases.kinds)
    func flowsAreTiedToInstanceIDs(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 3) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.core.flows.create(name: "orphan", definition: FlowDefinition(
                kind: .export, instance: live.oauth2Name, export: .init(query: "SELECT id FROM customer", destination: .folder(try live.newFolder()))))
            let original = try await live.core.instances.instance(named: live.oauth2Name)
            #expect(try await live.core.flows.flow(named: "orphan").instanceID == original.id)
            // The instance disappears behind the flow's back (a store an older version changed), and another instance
            // (another account's credentials in real life) takes its name.
            try await live.store.read { database in
                try await database.raw("DELETE FROM certificates WHERE instance_id = \(bind: original.id)").run()
                try await database.raw("DELETE FROM instances WHERE id = \(bind: original.id)").run()
            }
            try await live.core.instances.edit(live.tbaName, .init(newName: live.oauth2Name))
            try await live.core.flows.enqueue("orphan")
            let runs = try await FlowWorker(context: live.core).runUntilIdle()
            #expect(runs.map(\.state) == [.failed])
            #expect(runs.first?.error?.contains("was removed") == true)
        }
    }

    @Test("a server's cached connection follows credentials another server changed")
    func otherServersSeeChanges() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let other = CoreContext(store: live.store, secrets: live.core.secrets, actor: "other-server", logger: quietLogger)
            _ = try await other.connections.client(for: live.tbaName).records.list("customer", limit: 1)
            // An admin issues a new token in NetSuite, revokes the old one, and edits the instance on this server.
            let tba = try #require(live.credentials.tba)
            let token = try await live.netsuite.issueToken(live.realm, integrationID: 3, entityID: 2, roleID: 1)
            try await live.netsuite.revokeToken(live.realm, tokenID: tba.tokenId)
            try await live.core.instances.edit(live.tbaName, .init(tokenID: token.tokenID, tokenSecret: token.tokenSecret))
            // The other server's next use is made with the new token, not the cached old one.
            _ = try await other.connections.client(for: live.tbaName).records.list("customer", limit: 1)
        }
    }
}
