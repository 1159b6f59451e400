import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Synchronization
import Testing

@Suite("Certificate lifecycle")
struct CertificateLifecycleTests {
    @Test("rotate, a failed activation that changes nothing, upload, activate, retire, revoke", arguments: TestDatabases.kinds)
    func manualRotation(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let name = live.oauth2Name
            let original = try #require(try await live.core.certificates.list(of: name).first)
            #expect(original.state == .active)

            let pending = try await live.core.certificates.beginRotation(name, days: 365)
            #expect(pending.certificate.state == .pending)
            #expect(pending.certificate.keyType == .ec(.p256))  // the active one's type
            #expect(pending.certificate.daysLeft().map { (363...365).contains($0) } == true)
            #expect(try await live.core.diagnostics.test(name).passed)  // the active one still works

            // Not uploaded yet: the proof fails and nothing changes.
            do {
                try await live.core.certificates.activate(name, certificateID: "not-uploaded-yet")
                Issue.record("expected a failed proof")
            } catch let error as SuiteBridgeError {
                #expect(error.code == .netsuite)
                #expect(error.message.contains("nothing was changed"))
            }
            #expect(try await live.core.certificates.list(of: name).map(\.state) == [.active, .pending])

            // The admin uploads auth-cert.pem in NetSuite, which gives the new id.
            let mapping = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pending.certificatePEM)
            let activated = try await live.core.certificates.activate(name, certificateID: mapping.certificateID)
            #expect(activated.state == .active)
            let states = try await live.core.certificates.list(of: name).map { ($0.certificateID ?? "", $0.state) }
            #expect(states.map(\.1) == [.retired, .active])
            #expect(try await live.core.diagnostics.test(name).passed)

            // Revoke the retired one, in NetSuite through the rotation endpoint.
            let revocation = try await live.core.certificates.revoke(name, certificateID: original.certificateID!)
            #expect(revocation.revokedInNetSuite)
            #expect(revocation.certificate.state == .revoked)
            let listed = try await live.core.connections.client(for: name).certificates(clientID: live.credentials.clientCredentials!.clientId).list()
            #expect(listed.first { $0.certificateId == original.certificateID }?.revoked == true)

            // The only active one is refused without force.
            do {
                _ = try await live.core.certificates.revoke(name, certificateID: mapping.certificateID)
                Issue.record("expected a refusal")
            } catch let error as SuiteBridgeError {
                #expect(error.code == .conflict)
                #expect(error.remedy.contains("--force"))
            }
            let actions = try await live.core.audit.entries(instance: name).map(\.action)
            for action in [AuditAction.certificateRotate, .certificateActivate, .certificateRevoke] { #expect(actions.contains(action)) }
            #expect(try await live.core.audit.entries(instance: name).contains { $0.action == .certificateActivate && $0.outcome == "failure" })
        }
    }

    @Test("update-id proves the key under the new id before changing it")
    func updateID() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let name = live.oauth2Name
            let active = try #require(try await live.core.certificates.list(of: name).first)
            await #expect(throws: SuiteBridgeError.self) { try await live.core.certificates.updateCertificateID(name, certificateID: "wrong-id") }
            #expect(try await live.core.certificates.list(of: name).first?.certificateID == active.certificateID)
            // The admin uploads the same certificate again (a new mapping, a new id) and the old mapping is revoked.
            let again = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: active.certificatePEM!)
            try await live.netsuite.revokeMapping(live.realm, certificateID: active.certificateID!)
            #expect(try await !live.core.diagnostics.test(name).passed)
            try await live.core.certificates.updateCertificateID(name, certificateID: again.certificateID)
            #expect(try await live.core.diagnostics.test(name).passed)
        }
    }

    @Test("unattended rotation under concurrent load: no failed request", arguments: TestDatabases.kinds)
    func automaticRotationUnderLoad(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let name = live.oauth2Name
            let oldID = try #require(try await live.core.certificates.list(of: name).first?.certificateID)
            let client = try await live.core.connections.client(for: name)
            let load = LoadCounters()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var n = 0
                        while !load.stop.load(ordering: .relaxed) {
                            do {
                                _ = try await client.records.list("customer", limit: 2, offset: 2 * ((worker + n) % 5))
                                load.successes.add(1, ordering: .relaxed)
                            } catch {
                                load.failures.add(1, ordering: .relaxed)
                            }
                            n += 1
                        }
                    }
                }
                /// Waits (however slow the machine) until `count` more requests than `base` have succeeded.
                func awaitSuccesses(_ count: Int, after base: Int) async throws {
                    let deadline = ContinuousClock.now + .seconds(60)
                    while load.successes.load(ordering: .relaxed) < base + count, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(load.successes.load(ordering: .relaxed) >= base + count, "the load made progress")
                }
                // The load is running before the rotation starts, and keeps going through it.
                try await awaitSuccesses(8, after: 0)
                let result = try await live.core.certificates.rotateAutomatically(name, days: 365)
                #expect(result.oldCertificate?.state == .revoked)
                #expect(result.note == nil)
                // NetSuite may also drop the tokens issued with the old certificate: users refresh once, silently.
                try await live.netsuite.revokeAccessTokens(live.realm)
                try await awaitSuccesses(8, after: load.successes.load(ordering: .relaxed))
                load.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            #expect(load.failures.load(ordering: .relaxed) == 0)
            let certificates = try await live.core.certificates.list(of: name)
            #expect(certificates.map(\.state) == [.revoked, .active])
            let listed = try await client.certificates(clientID: live.credentials.clientCredentials!.clientId).list()
            #expect(listed.first { $0.certificateId == oldID }?.revoked == true)
            #expect(try await live.core.diagnostics.test(name).passed)
        }
    }

    @Test("expiry by the simulator's clock: the test and status say expired, and how to fix it")
    func expiry() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let name = live.oauth2Name
            let notAfter = try #require(try await live.core.certificates.list(of: name).first?.notAfter)
            // The simulator's clock (NetSuite's) and ours both move past the certificate's end.
            let offset = notAfter.timeIntervalSinceNow + 86_400
            await live.netsuite.setClockOffset(offset)
            let later = CoreContext(store: live.store, secrets: live.core.secrets, actor: "test", logger: quietLogger,
                                    now: { Date().addingTimeInterval(offset) })
            let result = try await later.diagnostics.test(name)
            #expect(!result.passed)
            #expect(result.failure?.message.contains("expired") == true)
            #expect(result.failure?.remedy.contains("cert rotate") == true)
            let status = try await later.certificates.certificateStatus()
            #expect(status.contains { $0.instance == name && $0.level == .critical && $0.message.contains("expired") })
        }
    }

    @Test("status levels: warning inside the window, critical without an active certificate")
    func status() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let name = live.oauth2Name
            let days = try #require(try await live.core.certificates.list(of: name).first?.daysLeft())
            #expect(try await live.core.certificates.certificateStatus(warnDays: 30).allSatisfy { $0.level == .ok })
            #expect(try await live.core.certificates.certificateStatus(warnDays: days + 1).contains { $0.level == .warning })
            let id = try #require(try await live.core.certificates.list(of: name).first?.certificateID)
            _ = try await live.core.certificates.revoke(name, certificateID: id, force: true)
            #expect(try await live.core.certificates.certificateStatus().contains { $0.instance == name && $0.level == .critical })
            #expect(try await live.core.instances.instance(named: name).health == .unhealthy)
        }
    }

    @Test("a sandbox refresh wipes the mappings: invalid_grant is diagnosed with the refresh and the fix")
    func sandboxRefresh() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.sandboxRefresh(live.realm)
            let result = try await live.core.diagnostics.test(live.oauth2Name)
            #expect(!result.passed)
            let failure = try #require(result.failure)
            #expect(failure.message.contains("invalid_grant"))
            #expect(failure.message.contains("sandbox refresh"))
            #expect(failure.remedy.contains("cert rotate"))
            #expect(try await live.core.instances.instance(named: live.oauth2Name).lastError?.contains("sandbox refresh") == true)
        }
    }
}

final class LoadCounters: Sendable {
    let failures = Atomic<Int>(0)
    let successes = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)

    @Test("a certificate's state is written only from the state it was read in: a change made meanwhile elsewhere wins", arguments: TestDatabases.kinds)
    func conditionalUpdate(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            var active = try #require(try await live.core.certificates.list(of: live.oauth2Name).first { $0.state == .active })
            active.state = .revoked
            let stale = active
            await #expect { try await live.store.read { try await CertificateRows.update(stale, from: .pending, in: $0) } } throws: {
                ($0 as? SuiteBridgeError)?.code == .conflict
            }
            #expect(try await live.core.certificates.list(of: live.oauth2Name).first { $0.id == stale.id }?.state == .active)
        }
    }
}
