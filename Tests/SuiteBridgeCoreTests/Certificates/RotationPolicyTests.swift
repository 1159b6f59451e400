import Foundation
import NetSuiteAuth
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Rotation policy and scheduled rotation")
struct RotationPolicyTests {
    /// The core acting as the scheduler, whose clock, and the simulator's, stand `days` before the active certificate's end.
    static func scheduler(_ live: LiveSetup, daysBeforeExpiry days: Double) async throws -> CoreContext {
        let notAfter = try #require(try await live.core.certificates.list(of: live.oauth2Name).first { $0.state == .active }?.notAfter)
        let offset = notAfter.timeIntervalSinceNow - days * 86_400
        await live.netsuite.setClockOffset(offset)
        return CoreContext(store: live.store, secrets: live.core.secrets, actor: "scheduler", logger: quietLogger,
                           now: { Date().addingTimeInterval(offset) })
    }

    @Test("the default policy rotates 30 days before expiry, not before", arguments: TestDatabases.kinds)
    func due(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            #expect(try await live.core.certificates.rotationPolicy(of: live.oauth2Name) == .daysBeforeExpiry(30))
            #expect(try await Self.scheduler(live, daysBeforeExpiry: 31).certificates.runDueRotations().isEmpty)
            let later = try await Self.scheduler(live, daysBeforeExpiry: 29)
            let outcomes = try await later.certificates.runDueRotations()
            #expect(outcomes.map(\.succeeded) == [true], "\(outcomes.map(\.detail))")
            #expect(try await later.certificates.list(of: live.oauth2Name).map(\.state) == [.revoked, .active])
            #expect(try await later.audit.entries(instance: live.oauth2Name).first?.action == .certificateRotateScheduled)
            #expect(try await later.diagnostics.test(live.oauth2Name).passed)
            #expect(try await later.certificates.runDueRotations().isEmpty)  // the new certificate is a year away from expiry
        }
    }

    @Test("a failed scheduled rotation keeps the working certificate, warns with the reason, and backs off")
    func failure() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.setRolePermission(live.realm, roleID: 1, permission: Permission.manageOwnOAuth2Certificates, level: .none)
            let later = try await Self.scheduler(live, daysBeforeExpiry: 10)
            // The retry is 10 minutes after the failure, whenever the failure came (a loaded machine takes its time).
            let before = later.now()
            let outcome = try #require(try await later.certificates.runDueRotations().first)
            let after = later.now()
            #expect(!outcome.succeeded)
            let retry = try #require(outcome.retryAt)
            #expect(retry >= before.addingTimeInterval(599) && retry <= after.addingTimeInterval(601), "\(retry) vs \(before)…\(after)")
            let instance = try await later.instances.instance(named: live.oauth2Name)
            #expect(instance.health == .warning)
            #expect(instance.lastError?.contains("stays in use") == true)
            #expect(try await later.certificates.runDueRotations().isEmpty)  // waiting for the retry
            #expect(try await later.certificates.list(of: live.oauth2Name).filter { $0.state == .active }.count == 1)
            #expect(try await later.diagnostics.test(live.oauth2Name).passed)
            #expect(try await later.audit.entries(instance: live.oauth2Name).contains { $0.action == .certificateRotateScheduled && $0.outcome == "failure" })
        }
    }

    @Test("policy off, or an instance without role and entity ids, is never rotated unattended")
    func off() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.core.certificates.setRotationPolicy(live.oauth2Name, daysBeforeExpiry: 0)
            #expect(try await live.core.certificates.rotationPolicy(of: live.oauth2Name) == .off)
            #expect(try await Self.scheduler(live, daysBeforeExpiry: 5).certificates.runDueRotations().isEmpty)
            await #expect(throws: SuiteBridgeError.self) { try await live.core.certificates.setRotationPolicy(live.oauth2Name, daysBeforeExpiry: 400) }
            try await live.core.instances.edit(live.oauth2Name, .init(roleID: ""))
            await #expect(throws: SuiteBridgeError.self) { try await live.core.certificates.setRotationPolicy(live.oauth2Name, daysBeforeExpiry: 20) }
        }
    }

    @Test("two servers due to rotate one instance at once: exactly one rotates, and NetSuite is left with exactly one valid certificate",
          arguments: TestDatabases.kinds)
    func twoServers(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let first = try await Self.scheduler(live, daysBeforeExpiry: 29)
            let second = try await Self.scheduler(live, daysBeforeExpiry: 29)
            async let a = first.certificates.runDueRotations()
            async let b = second.certificates.runDueRotations()
            let outcomes = try await a + b
            #expect(outcomes.filter(\.succeeded).count == 1, "\(outcomes.map(\.detail))")
            #expect(outcomes.allSatisfy { $0.succeeded })
            let states = try await live.core.certificates.list(of: live.oauth2Name).map(\.state)
            #expect(states.filter { $0 == .active }.count == 1 && states.filter { $0 == .pending }.isEmpty, "\(states)")
            let active = try #require(try await live.core.certificates.list(of: live.oauth2Name).first { $0.state == .active }?.certificateID)
            #expect(try await live.netsuite.activeMappings(live.realm) == [active])
            #expect(try await first.certificates.runDueRotations().isEmpty)
            #expect(try await second.certificates.runDueRotations().isEmpty)
        }
    }

    @Test("a rotation refuses while another holds the instance's lease, and may go once the lease has expired")
    func lease() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let instance = try await live.core.instances.instance(named: live.oauth2Name)
            let other = InstanceLease(store: live.store, instanceID: instance.id, holder: "other-server")
            #expect(try await other.acquire(now: Date()))
            await #expect { try await live.core.certificates.rotateAutomatically(live.oauth2Name) } throws: {
                ($0 as? SuiteBridgeError)?.code == .conflict
            }
            let late = InstanceLease(store: live.store, instanceID: instance.id, holder: "late-server")
            #expect(try await late.acquire(now: Date().addingTimeInterval(InstanceLease.duration + 1)))
        }
    }

    /// The state a crash leaves between NetSuite accepting an unattended rotation's upload and the switch.
    static func interruptedRotation(_ live: LiveSetup) async throws -> (old: String, new: String) {
        let old = try #require(live.credentials.clientCredentials?.certificateId)
        let pending = try await live.core.certificates.beginRotation(live.oauth2Name)
        let mapping = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pending.certificatePEM)
        try await live.store.read { try await CertificateRows.recordPendingID(rowID: pending.certificate.id, certificateID: mapping.certificateID, in: $0) }
        return (old, mapping.certificateID)
    }

    @Test("a rotation interrupted after NetSuite accepted the upload is finished on the next check: no orphan certificate", arguments: TestDatabases.kinds)
    func interruptedFinished(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let (old, new) = try await Self.interruptedRotation(live)
            #expect(try await live.netsuite.activeMappings(live.realm).sorted() == [old, new].sorted())
            let outcomes = try await live.core.certificates.runDueRotations()
            #expect(outcomes.map(\.succeeded) == [true], "\(outcomes.map(\.detail))")
            let certificates = try await live.core.certificates.list(of: live.oauth2Name)
            #expect(certificates.first { $0.state == .active }?.certificateID == new)
            #expect(certificates.first { $0.certificateID == old }?.state == .revoked)
            #expect(try await live.netsuite.activeMappings(live.realm) == [new])
            #expect(try await live.core.diagnostics.test(live.oauth2Name).passed)
        }
    }

    @Test("an interrupted rotation whose certificate does not work is revoked in NetSuite and discarded; the active one stays")
    func interruptedRevoked() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let (old, new) = try await Self.interruptedRotation(live)
            try await live.netsuite.revokeMapping(live.realm, certificateID: new)  // it will not prove
            let outcomes = try await live.core.certificates.runDueRotations()
            #expect(outcomes.map(\.succeeded) == [false])
            let certificates = try await live.core.certificates.list(of: live.oauth2Name)
            #expect(certificates.first { $0.state == .active }?.certificateID == old)
            #expect(certificates.first { $0.certificateID == new }?.state == .revoked)
            #expect(try await live.netsuite.activeMappings(live.realm) == [old])
            #expect(try await live.core.diagnostics.test(live.oauth2Name).passed)
        }
    }
}
