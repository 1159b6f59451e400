import Foundation
import NetSuiteAuth
import NetSuiteSimulator
import Testing
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport

@Suite("TBA to OAuth 2 migration")
struct InstanceMigrationTests {
    static func importFlow(_ name: String, _ live: LiveSetup, rows: Int) async throws {
        let source = try live.newFolder() + "/\(name).csv"
        try (["ref,name"] + (1...rows).map { "\(name.uppercased())-\($0),Customer \($0)" }).joined(separator: "\n").appending("\n")
            .write(toFile: source, atomically: true, encoding: .utf8)
        try await live.core.flows.create(name: name, definition: FlowDefinition(kind: .import, instance: live.tbaName, import: .init(
            source: source, recordType: "customer", externalIdColumn: "ref",
            mapping: ["companyName": .init(from: "name"), "subsidiary": .init(const: "1", steps: [.ref(.internal)])], perRecord: true)))
    }

    /// The instance each flow names, by flow.
    static func instances(_ live: LiveSetup) async throws -> [String: String] {
        var result: [String: String] = [:]
        for name in ["shop", "erp"] { result[name] = try await live.core.flows.flow(named: name).definition.instance }
        return result
    }

    @Test("prepare, a failed parity check that moves nothing, the switch under a running worker, rollback, then retirement after the standby days",
          arguments: TestDatabases.kinds)
    func lifecycle(kind: Store.Kind) async throws {
        try await LiveSetup.run(kind, records: 20) { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await Self.importFlow("shop", live, rows: 30)
            try await Self.importFlow("erp", live, rows: 30)
            let migrations = live.core.instanceMigrations
            await #expect(throws: SuiteBridgeError.self) { _ = try await migrations.prepare(live.oauth2Name) }  // already OAuth 2

            // 1. Prepare: a linked OAuth 2 instance with the same account and client id, a pending certificate, the steps.
            let plan = try await migrations.prepare(live.tbaName, keyType: .ec(.p256))
            let newName = "\(live.tbaName)-oauth2"
            #expect(plan.migration.state == .prepared && plan.migration.to == newName && plan.steps.count == 4)
            #expect(plan.steps[0].contains("Client Credentials (Machine to Machine) Grant") && plan.steps[3].contains("--certificate-id"))
            let new = try await live.core.instances.instance(named: newName)
            let tba = try await live.core.instances.instance(named: live.tbaName)
            #expect(new.authMethod == .clientCredentials && new.consumerKey == tba.consumerKey && new.accountID == tba.accountID)
            #expect(try await live.core.certificates.list(of: newName).map(\.state) == [.pending])
            await #expect(throws: SuiteBridgeError.self) { _ = try await migrations.prepare(live.tbaName) }  // one at a time

            // 2. The administrator maps the certificate to a role that lacks Customers: proved, but the parity check fails.
            var lacking = Permission.integrationRole
            lacking[Permission.customers] = nil
            let role = try await live.netsuite.addRole(live.realm, name: "OAuth role", permissions: lacking)
            let mapping = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: role, certificatePEM: plan.certificatePEM)
            var migration = try await migrations.complete(live.tbaName, certificateID: mapping.certificateID)
            #expect(migration.state == .prepared)
            #expect(migration.parity.contains { $0.name.hasPrefix("GET customer") && !$0.matches && $0.oauth2.contains("INSUFFICIENT_PERMISSION") })
            #expect(migration.parity.first { $0.name.hasPrefix("permissions") }?.oauth2.contains("Lists > Customers: Full") == true)
            #expect(migration.parity.contains { $0.name == "SuiteQL COUNT(*) FROM customer" })
            #expect(try await Self.instances(live) == ["shop": live.tbaName, "erp": live.tbaName], "no flow moved")

            // 3. The role is fixed; completed again while a worker runs the flows: every run succeeds, the flows move.
            try await live.netsuite.setRolePermission(live.realm, roleID: role, permission: Permission.customers, level: .full)
            try await live.netsuite.setFaults(live.realm, FaultSettings(latencyMs: 5))
            try await live.core.flows.enqueue("shop")
            try await live.core.flows.enqueue("erp")
            let worker = Task { try await FlowWorker(context: live.core).runUntilIdle() }
            migration = try await migrations.complete(live.tbaName, certificateID: mapping.certificateID, keepDays: 7)
            let runs = try await worker.value
            #expect(runs.count == 2 && runs.allSatisfy { $0.state == .succeeded && $0.rowsWritten == 30 }, "\(runs.map(\.log))")
            #expect(migration.state == .switched && Set(migration.flows) == ["shop", "erp"] && migration.parity.allSatisfy(\.matches), "\(migration.parity.filter { !$0.matches })")
            #expect(migration.standbyUntil.map { abs($0.timeIntervalSince(Date()) - 7 * 86_400) < 120 } == true)
            #expect(try await Self.instances(live) == ["shop": newName, "erp": newName])
            let flow = try await live.core.flows.flow(named: "shop")
            #expect(flow.instanceID == new.id)
            // The next run goes through OAuth 2: NetSuite logs no token-based login during it (it logs one per request).
            let tbaLogins = try await live.netsuite.loginAudit(live.realm).filter { $0.method == "Token-based" }.count
            try await live.core.flows.enqueue("shop")
            let after = try #require(try await FlowWorker(context: live.core).runUntilIdle().first)
            #expect(after.state == .succeeded && after.rowsWritten == 30)
            #expect(try await live.netsuite.loginAudit(live.realm).filter { $0.method == "Token-based" }.count == tbaLogins)

            // 4. Rollback: the flows go back to TBA.
            migration = try await migrations.rollback(live.tbaName)
            #expect(migration.state == .rolledBack)
            #expect(try await Self.instances(live) == ["shop": live.tbaName, "erp": live.tbaName])
            await #expect(throws: SuiteBridgeError.self) { _ = try await migrations.rollback(live.tbaName) }

            // 5. Again, to a second instance, and past the standby days: retired, no rollback any more.
            let second = try await migrations.prepare(live.tbaName, newName: "second-oauth2")
            let secondMapping = try await live.netsuite.addMapping(live.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: second.certificatePEM)
            #expect(try await migrations.complete(live.tbaName, certificateID: secondMapping.certificateID, keepDays: 3).state == .switched)
            #expect(try await migrations.retireDue().isEmpty)
            let later = CoreContext(store: live.store, secrets: live.core.secrets, actor: "scheduler", logger: quietLogger, now: { Date().addingTimeInterval(4 * 86_400) })
            #expect(try await later.instanceMigrations.retireDue().map(\.from) == [live.tbaName])
            #expect(try await migrations.current(live.tbaName)?.state == .retired)
            await #expect(throws: SuiteBridgeError.self) { _ = try await migrations.rollback(live.tbaName) }
            #expect(try await Self.instances(live)["shop"] == "second-oauth2")

            let details = try await live.core.audit.entries().filter { $0.action == .instanceMigrate }.map(\.detail)
            for step in ["prepared", "parity check failed", "switched", "rolled back", "retired"] {
                #expect(details.contains { $0.hasPrefix(step) }, "audited: \(step)")
            }
        }
    }
}
