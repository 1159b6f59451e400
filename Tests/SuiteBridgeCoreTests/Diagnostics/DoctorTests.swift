import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SQLKit
@testable import SuiteBridgeCore
import SuiteBridgeTestSupport
import Testing

@Suite("Doctor")
struct DoctorTests {
    @Test("a healthy instance passes every check")
    func healthy() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            for name in [live.tbaName, live.oauth2Name] {
                let report = try await live.core.diagnostics.doctor(name)
                #expect(report.passed, "\(report.checks.filter { $0.status == .fail })")
                #expect(Set(report.checks.map(\.name)).isSuperset(of: ["account id", "reachability", "clock", "authentication", "permissions", "governance"]))
            }
        }
    }

    @Test("governance limits: read as administrator and the limit set from NetSuite; refused otherwise and the configured limit kept; the clock from serverTime; TBA marked for 2027.1")
    func governance() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            var report = try await live.core.diagnostics.doctor(live.tbaName)
            var check = try #require(report.checks.first { $0.name == "governance" })
            #expect(check.status == .warn && check.detail.contains("administrator") && check.detail.contains("configured limit 5 stays"), "\(check)")
            #expect(report.checks.first { $0.name == "NetSuite 2027.1" }?.fix.contains("instance migrate \(live.tbaName)") == true)
            #expect(try await live.core.diagnostics.doctor(live.oauth2Name).checks.contains { $0.name == "NetSuite 2027.1" } == false)

            // An administrator role, and an integration limit of 3 set in NetSuite.
            try await live.netsuite.setRoleAdministrator(live.realm, roleID: 1, administrator: true)
            try await live.netsuite.setIntegrationConcurrencyLimit(live.realm, integrationID: 3, limit: 3)
            let result = try await live.core.diagnostics.test(live.tbaName)
            #expect(result.steps.last?.name == "governance limits" && result.steps.last?.detail.contains("limit set to 3 (was 5)") == true, "\(result.steps)")
            #expect(try await live.core.instances.instance(named: live.tbaName).concurrencyLimit == 3)
            #expect(try await live.core.audit.entries().contains { $0.action == .instanceGovernance })
            #expect(try await live.core.connections.client(for: live.tbaName).configuration.concurrencyLimit == 3)

            // NetSuite's clock 100 s ahead: the Date header of a proxy may say otherwise, serverTime is what counts.
            try await live.netsuite.setClockOffset(100)
            report = try await live.core.diagnostics.doctor(live.tbaName)
            try await live.netsuite.setClockOffset(0)
            check = try #require(report.checks.first { $0.name == "governance" })
            #expect(check.status == .pass && check.detail.contains("this integration's own limit 3"))
            let clock = try #require(report.checks.first { $0.name == "clock" })
            #expect(clock.status == .warn && clock.detail.contains("behind NetSuite's serverTime"), "\(clock)")
        }
    }

    @Test("a missing permission is named as the seed guide names it")
    func permission() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.setRolePermission(live.realm, roleID: 1, permission: Permission.customers, level: .none)
            try await live.netsuite.setRolePermission(live.realm, roleID: 1, permission: Permission.salesOrder, level: .none)
            let report = try await live.core.diagnostics.doctor(live.tbaName)
            let check = try #require(report.checks.first { $0.name == "permissions" })
            #expect(check.status == .fail)
            #expect(check.detail.contains("Lists > Customers: Full"))
            #expect(check.detail.contains("Transactions > Sales order: Full"))
            #expect(!check.detail.contains("Lists > Contacts"))
        }
    }

    @Test("the clock check catches a skew NetSuite would refuse")
    func clock() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let skewed = CoreContext(store: live.store, secrets: live.core.secrets, actor: "test", logger: quietLogger,
                                          now: { Date().addingTimeInterval(900) })
            let report = try await skewed.diagnostics.doctor(live.tbaName)
            let check = try #require(report.checks.first { $0.name == "clock" })
            #expect(check.status == .fail)
            #expect(check.detail.contains("ahead"))
        }
    }

    @Test("a revoked certificate, a disabled feature, an unreachable host: each diagnosed")
    func authentication() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let certificateID = live.credentials.clientCredentials!.certificateId
            try await live.netsuite.revokeMapping(live.realm, certificateID: certificateID)
            var report = try await live.core.diagnostics.doctor(live.oauth2Name)
            var check = try #require(report.checks.first { $0.name == "authentication" })
            #expect(check.status == .fail)
            #expect(check.detail.contains("revoked"))
            #expect(report.checks.first { $0.name == "permissions" }?.status == .skipped)

            try await live.netsuite.setFeatures(live.realm, Features(restWebServices: true, tokenBasedAuthentication: true, oauth2: false))
            report = try await live.core.diagnostics.doctor(live.oauth2Name)
            check = try #require(report.checks.first { $0.name == "authentication" })
            #expect(check.detail.contains("invalid_client"))
            #expect(check.fix.contains("OAuth 2.0 feature"))

            let tba = try #require(live.credentials.tba)
            try await live.core.instances.edit(live.tbaName, .init(consumerSecret: tba.consumerSecret, tokenSecret: tba.tokenSecret, baseURL: "http://127.0.0.1:1"))
            report = try await live.core.diagnostics.doctor(live.tbaName)
            #expect(report.checks.first { $0.name == "reachability" }?.status == .fail)
            #expect(report.checks.first { $0.name == "authentication" }?.status == .skipped)
        }
    }
}

@Suite("Doctor: one test per misconfiguration the simulator can make")
struct DoctorMisconfigurationTests {
    func authenticationCheck(_ live: LiveSetup, _ name: String) async throws -> DoctorCheck {
        let report = try await live.core.diagnostics.doctor(name)
        return try #require(report.checks.first { $0.name == "authentication" })
    }

    @Test("a revoked TBA token")
    func revokedToken() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.revokeToken(live.realm, tokenID: live.credentials.tba!.tokenId)
            let check = try await authenticationCheck(live, live.tbaName)
            #expect(check.status == .fail)
            #expect(check.detail.contains("INVALID_LOGIN") && check.detail.contains("1234567_SB1"))
            #expect(check.fix.contains("Access Tokens") && check.fix.contains("instance edit"))
        }
    }

    @Test("the Token-based Authentication feature turned off")
    func tbaFeatureOff() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.setFeatures(live.realm, Features(restWebServices: true, tokenBasedAuthentication: false, oauth2: true))
            let check = try await authenticationCheck(live, live.tbaName)
            #expect(check.status == .fail)
            #expect(check.fix.contains("Enable Features"))
            // OAuth 2 is unaffected.
            #expect(try await authenticationCheck(live, live.oauth2Name).status == .pass)
        }
    }

    @Test("an integration record disabled, or without the client credentials grant")
    func integrationDisabled() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.setIntegrationEnabled(live.realm, integrationID: 3, enabled: false)
            let check = try await authenticationCheck(live, live.oauth2Name)
            #expect(check.status == .fail)
            #expect(check.detail.contains("invalid_client"))
            #expect(check.fix.contains("Client Credentials (Machine to Machine) Grant"))
        }
    }

    @Test("an unknown certificate id (a mistyped id, or mappings wiped by a sandbox refresh)")
    func unknownCertificate() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            try await live.netsuite.sandboxRefresh(live.realm)
            let check = try await authenticationCheck(live, live.oauth2Name)
            #expect(check.status == .fail)
            #expect(check.detail.contains("sandbox refresh"))
            #expect(check.fix.contains("cert rotate") && check.fix.contains("cert update-id"))
        }
    }

    @Test("an expired certificate")
    func expired() async throws {
        try await LiveSetup.run { live in
            try await live.core.instances.importCredentials(live.credentialsFile)
            let notAfter = try #require(try await live.core.certificates.list(of: live.oauth2Name).first?.notAfter)
            let offset = notAfter.timeIntervalSinceNow + 3 * 86_400
            await live.netsuite.setClockOffset(offset)
            let later = CoreContext(store: live.store, secrets: live.core.secrets, actor: "test", logger: quietLogger,
                                         now: { Date().addingTimeInterval(offset) })
            let report = try await later.diagnostics.doctor(live.oauth2Name)
            let check = try #require(report.checks.first { $0.name == "authentication" })
            #expect(check.detail.contains("expired"))
            #expect(report.checks.first { $0.name == "certificate expiry" }?.status == .fail)
        }
    }
}
