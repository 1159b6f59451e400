import Foundation
import Hummingbird
import NIOCore
import NetSuiteAuth
import SuiteBridgeCore

extension Dashboard {
    /// The certificate panel's actions on an instance's page, and the pending certificate's download.
    func addCertificateActions(to pages: RouterGroup<ServerContext>, server: SuiteBridgeServer) {
        instanceAction(pages, "/instances/{name}/certificates/rotate", ActionForm.self, scope: .operate, server: server) { _, name, _, core in
            _ = try await core.certificates.beginRotation(name)
            return "pending"
        }
        instanceAction(pages, "/instances/{name}/certificates/rotate-auto", ActionForm.self, scope: .operate, server: server) { _, name, _, core in
            _ = try await core.certificates.rotateAutomatically(name)
            return "rotated"
        }
        instanceAction(pages, "/instances/{name}/certificates/activate", CertificateIDForm.self, scope: .operate, server: server) { form, name, _, core in
            _ = try await core.certificates.activate(name, certificateID: form.certificateId ?? "")
            return "activated"
        }
        instanceAction(pages, "/instances/{name}/certificates/update-id", CertificateIDForm.self, scope: .operate, server: server) { form, name, _, core in
            _ = try await core.certificates.updateCertificateID(name, certificateID: form.certificateId ?? "")
            return "updated"
        }
        instanceAction(pages, "/instances/{name}/certificates/{certificateId}/revoke", RevokeForm.self, scope: .admin, server: server) { form, name, parameters, core in
            guard form.confirm == "yes" else {
                throw SuiteBridgeError(.invalidInput, "Revoking needs confirmation.", remedy: "Tick the box to confirm.")
            }
            _ = try await core.certificates.revoke(name, certificateID: try parameters.require("certificateId"), force: form.force == "yes")
            return "revoked"
        }
        instanceAction(pages, "/instances/{name}/migrate", MigrateForm.self, scope: .admin, server: server) { form, name, _, core in
            let key = try form.key.flatMap { $0.isEmpty ? nil : $0 }.map { text in
                guard let key = try? KeyType(identifier: text) else {
                    throw SuiteBridgeError(.invalidInput, "\"\(text)\" is not a key type.", remedy: "Choose rsa-4096, rsa-3072 or ec-p256.", field: "key")
                }
                return key
            }
            _ = try await core.instanceMigrations.prepare(name, clientID: form.clientId.flatMap { $0.isEmpty ? nil : $0 }, keyType: key ?? .rsa(bits: 4096))
            return "migration-prepared"
        }
        instanceAction(pages, "/instances/{name}/migrate/complete", MigrateCompleteForm.self, scope: .admin, server: server) { form, name, _, core in
            guard let days = Int(form.keepDays ?? "14") else {
                throw SuiteBridgeError(.invalidInput, "\"\(form.keepDays ?? "")\" is not a number of days.", remedy: "Give 1 to 365.", field: "keepDays")
            }
            let migration = try await core.instanceMigrations.complete(name, certificateID: form.certificateId ?? "", keepDays: days)
            return migration.state == .switched ? "migration-switched" : "migration-checked"
        }
        instanceAction(pages, "/instances/{name}/migrate/rollback", ActionForm.self, scope: .admin, server: server) { _, name, _, core in
            _ = try await core.instanceMigrations.rollback(name)
            return "migration-rolled-back"
        }
        pages.get("/instances/{name}/certificates/pending.pem") { _, context in
            let pem = try await server.core.certificates.certificatePEM(try context.parameters.require("name"))
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .contentDisposition: "attachment; filename=\"auth-cert.pem\""],
                            body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }
}
