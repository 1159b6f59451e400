import Foundation
import Hummingbird
import NIOCore
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
        pages.get("/instances/{name}/certificates/pending.pem") { _, context in
            let pem = try await server.core.certificates.certificatePEM(try context.parameters.require("name"))
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .contentDisposition: "attachment; filename=\"auth-cert.pem\""],
                            body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }
}
