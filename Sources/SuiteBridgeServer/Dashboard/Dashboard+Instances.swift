import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteAuth
import SuiteBridgeCore

extension Dashboard {
    /// The instance list, the add form, an instance's page with test, doctor and edit, and the audit log.
    func addInstancePages(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        pages.get("/") { _, context in
            var rows: [[String: Any]] = []
            for instance in try await server.core.instances.list() {
                var row: [String: Any] = ["name": instance.name, "path": DashboardPath.instance(instance.name),
                                          "authName": instance.authMethod.displayName, "accountId": instance.accountID.realm,
                                          "health": instance.health.rawValue]
                if let error = instance.lastError { row["lastError"] = error }
                if instance.authMethod == .tokenBased {
                    let migration = try await server.core.instanceMigrations.current(instance.name)
                    if migration?.state == .switched || migration?.state == .retired {
                        row["migrationState"] = migration?.state == .retired ? "retired" : "standby"
                    } else {
                        row["tba2027"] = true
                    }
                }
                if instance.authMethod == .clientCredentials {
                    let active = try await server.core.certificates.list(of: instance.name).first { $0.state == .active }
                    if let active, let days = active.daysLeft() {
                        row["expiry"] = days < 0 ? "expired" : "\(days) days left"
                        row["expiryClass"] = Self.expiryClass(days, state: active.state)
                    } else {
                        row["expiry"] = active == nil ? "none active" : "unknown"
                        row["expiryClass"] = active == nil ? "red" : "amber"
                    }
                }
                rows.append(row)
            }
            return page("instances", title: "Instances", ["instances": rows, "hasInstances": !rows.isEmpty], context: context)
        }
        pages.get("/audit") { _, context in
            page("audit", title: "Audit log", ["entries": try await auditRows(server, instance: nil)], context: context)
        }
        pages.get("/instances/new") { request, context in
            let auth = request.uri.queryParameters.get("auth") == AuthMethod.clientCredentials.rawValue ? AuthMethod.clientCredentials : .tokenBased
            return page("newInstance", title: "Add instance", newInstanceValues(auth: auth, values: [:], error: nil), context: context)
        }
        post(pages, "/instances", NewInstanceForm.self, scope: .admin) { form, _, context in
            let auth = form.auth == AuthMethod.clientCredentials.rawValue ? AuthMethod.clientCredentials : .tokenBased
            let credentials: InstanceDraft.Credentials = switch auth {
            case .tokenBased:
                .tokenBased(consumerKey: form.consumerKey ?? "", consumerSecret: form.consumerSecret ?? "", tokenID: form.tokenId ?? "",
                            tokenSecret: form.tokenSecret ?? "")
            case .clientCredentials:
                .clientCredentials(clientID: form.clientId ?? "", privateKeyPEM: form.privateKeyPem ?? "", certificateID: form.certificateId ?? "",
                                   certificatePEM: form.certificatePem.flatMap { $0.isEmpty ? nil : $0 })
            }
            let draft = InstanceDraft(name: form.name ?? "", accountID: form.accountId ?? "", credentials: credentials, roleID: form.roleId,
                                      entityID: form.entityId, baseURL: form.baseUrl)
            do {
                let instance = try await server.core(for: context).instances.add(draft)
                return Self.redirect(DashboardPath.instance(instance.name, flash: "added"))
            } catch let error as SuiteBridgeError {
                return page("newInstance", title: "Add instance", newInstanceValues(auth: auth, values: form.values, error: error), context: context,
                            error: error, status: .badRequest)
            }
        }
        pages.get("/instances/{name}") { request, context in
            let flash = request.uri.queryParameters.get("flash").map { Self.flashText($0) }
            return try await instancePage(server, try context.parameters.require("name"), context: context, flash: flash)
        }
        post(pages, "/instances/{name}/test", ActionForm.self, scope: .operate) { _, _, context in
            let name = try context.parameters.require("name")
            let result = try await server.core(for: context).diagnostics.test(name)
            let steps = result.steps.map { ["name": $0.name, "detail": $0.detail, "passed": $0.passed] as [String: Any] }
            return try await instancePage(server, name, context: context, extra: ["test": ["steps": steps]],
                                          flash: result.passed ? "The connection works." : nil, error: result.failure)
        }
        post(pages, "/instances/{name}/doctor", ActionForm.self, scope: .operate) { _, _, context in
            let name = try context.parameters.require("name")
            let report = try await server.core(for: context).diagnostics.doctor(name)
            let checks = report.checks.map { ["name": $0.name, "status": $0.status.rawValue, "detail": $0.detail, "fix": $0.fix] }
            return try await instancePage(server, name, context: context, extra: ["doctor": ["checks": checks]],
                                          flash: report.passed ? "Every check passed." : nil)
        }
        instanceAction(pages, "/instances/{name}/edit", EditInstanceForm.self, scope: .admin, server: server) { form, name, _, core in
            try await core.instances.edit(name, .init(accountID: form.accountId, consumerKey: form.consumerKey))
            return "saved"
        }
    }

    /// The message a flash key in an instance page's URL stands for.
    static func flashText(_ key: String) -> String {
        switch key {
        case "added": "Instance added. Test the connection next."
        case "saved": "Saved. Test the connection to check the new values."
        case "pending": "A new certificate is pending: download auth-cert.pem, upload it in NetSuite, then enter its certificate id."
        case "activated": "The new certificate is active; the previous one is retired."
        case "rotated": "Rotated: the new certificate is active and the old one revoked."
        case "updated": "The certificate id was updated."
        case "revoked": "The certificate was revoked."
        case "migration-prepared": "A linked OAuth 2 instance and its certificate are ready: download auth-cert.pem and follow the steps in NetSuite."
        case "migration-switched": "The OAuth 2 instance passed every check; this instance's flows now use it."
        case "migration-checked": "The parity check found differences (below); no flow moved."
        case "migration-rolled-back": "Rolled back: the flows use this instance again."
        default: ""
        }
    }

    /// An instance's page: its fields, the certificate panel (OAuth 2), the results of a test or doctor run, and
    /// its audit entries.
    func instancePage(_ server: SuiteBridgeServer, _ name: String, context: ServerContext, extra: [String: Any] = [:], flash: String? = nil,
                      error: SuiteBridgeError? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let instance = try await server.core.instances.instance(named: name)
        let representation = try await server.core.instances.summary(of: instance)
        var values: [String: Any] = extra
        values["instance"] = try Self.dictionary(representation)
        values["instanceName"] = instance.name
        let instancePath = DashboardPath.instance(instance.name)
        values["instancePath"] = instancePath
        values["idLabel"] = instance.authMethod == .tokenBased ? "Consumer key" : "Client ID"
        values["currentKey"] = instance.consumerKey
        values["concurrencyLimit"] = instance.concurrencyLimit
        if let reading = try await server.core.diagnostics.lastGovernanceReading(name) {
            values["governance"] = ["detail": reading.detail, "readAt": reading.readAt.formatted(.iso8601)]
        }
        if instance.authMethod == .clientCredentials {
            values["oauth2"] = true
            let certificates = try await server.core.certificates.list(of: name)
            if let active = certificates.first(where: { $0.state == .active }) {
                let days = active.daysLeft()
                values["active"] = ["certificateId": active.certificateID ?? "", "keyType": active.keyType.description, "notAfter": Self.day(active.notAfter),
                                    "daysLeftText": days.map { $0 < 0 ? "expired" : "\($0) days left" } ?? "expiry unknown",
                                    "expiryClass": Self.expiryClass(days, state: active.state)]
            }
            if let pending = certificates.first(where: { $0.state == .pending }) {
                values["pending"] = ["keyType": pending.keyType.description, "notAfter": Self.day(pending.notAfter), "steps": Array(PendingCertificate.uploadSteps.prefix(3))]
            }
            values["nextRotation"] = representation.nextRotation.map { Self.day($0) }
            values["canAutoRotate"] = instance.roleID != nil && instance.entityID != nil && certificates.contains { $0.state == .active }
            values["certificates"] = certificates.reversed().map { certificate -> [String: Any] in
                [
                    "certificateId": certificate.displayName, "state": certificate.state.rawValue, "keyType": certificate.keyType.description,
                    "notAfter": Self.day(certificate.notAfter), "revocable": certificate.state != .revoked,
                    "revokePath": instancePath + "/certificates/" + DashboardPath.segment(certificate.certificateID ?? certificate.id) + "/revoke",
                    "isActive": certificate.state == .active,
                    "csrf": context.session?.csrfToken ?? "",
                ]
            }
        }
        if instance.authMethod == .tokenBased {
            values["tba"] = true
            let migration = try await server.core.instanceMigrations.current(name)
            values["canPrepare"] = migration.map { $0.state == .rolledBack } ?? true
            if let migration {
                var shown: [String: Any] = [
                    "to": migration.to, "toPath": DashboardPath.instance(migration.to), "from": migration.from, "state": migration.state.rawValue,
                    "flowsText": migration.flows.joined(separator: ", "), "hasParity": !migration.parity.isEmpty,
                    "parity": migration.parity.map { ["name": $0.name, "tba": $0.tba, "oauth2": $0.oauth2, "matches": $0.matches] as [String: Any] },
                    "canRollback": migration.state == .prepared || migration.state == .switched,
                    "rollbackLabel": migration.state == .switched ? "Roll back: move the flows back to this instance" : "Cancel the migration",
                ]
                if migration.state == .switched { shown["standbyUntil"] = Self.day(migration.standbyUntil) }
                if migration.state == .prepared {
                    shown["prepared"] = true
                    shown["steps"] = InstanceMigrations.steps(old: instance, newName: migration.to, clientID: try await server.core.instances.instance(named: migration.to).consumerKey)
                }
                values["migration"] = shown
            }
        }
        values["entries"] = try await auditRows(server, instance: name)
        return page("instance", title: name, values, context: context, flash: flash, error: error, status: status)
    }
}
