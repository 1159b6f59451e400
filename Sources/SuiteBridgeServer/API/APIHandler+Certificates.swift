import Foundation
import OpenAPIRuntime
import SuiteBridgeCore

extension APIHandler {
    func listCertificates(_ input: Operations.ListCertificates.Input) async throws -> Operations.ListCertificates.Output {
        let certificates = try await core.certificates.list(of: input.path.name)
        return .ok(.init(body: .json(.init(items: try certificates.map(Components.Schemas.Certificate.init)))))
    }

    func rotateCertificate(_ input: Operations.RotateCertificate.Input) async throws -> Operations.RotateCertificate.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let keyType = try body.keyType?.keyType
        let days = body.days ?? 365
        if body.automatic == true {
            let result = try await core.certificates.rotateAutomatically(input.path.name, keyType: keyType, days: days)
            return .ok(.init(body: .json(.init(
                active: try .init(result.newCertificate), old: try result.oldCertificate.map(Components.Schemas.Certificate.init), note: result.note))))
        }
        let pending = try await core.certificates.beginRotation(input.path.name, keyType: keyType, days: days)
        return .created(.init(body: .json(.init(
            certificate: try .init(pending.certificate), certificatePem: pending.certificatePEM, uploadSteps: PendingCertificate.uploadSteps))))
    }

    func activateCertificate(_ input: Operations.ActivateCertificate.Input) async throws -> Operations.ActivateCertificate.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let certificate = try await core.certificates.activate(input.path.name, certificateID: body.certificateId)
        return .ok(.init(body: .json(try .init(certificate))))
    }

    func updateCertificateID(_ input: Operations.UpdateCertificateID.Input) async throws -> Operations.UpdateCertificateID.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let certificate = try await core.certificates.updateCertificateID(input.path.name, certificateID: body.certificateId)
        return .ok(.init(body: .json(try .init(certificate))))
    }

    func revokeCertificate(_ input: Operations.RevokeCertificate.Input) async throws -> Operations.RevokeCertificate.Output {
        var force = false
        if case .json(let body) = input.body { force = body.force ?? false }
        let result = try await core.certificates.revoke(input.path.name, certificateID: input.path.certificateId, force: force)
        return .ok(.init(body: .json(.init(certificate: try .init(result.certificate), revokedInNetSuite: result.revokedInNetSuite, note: result.note))))
    }

    func downloadCertificate(_ input: Operations.DownloadCertificate.Input) async throws -> Operations.DownloadCertificate.Output {
        let pem = try await core.certificates.certificatePEM(input.path.name, certificateID: input.path.certificateId)
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"auth-cert.pem\""), body: .applicationXPemFile(HTTPBody(pem))))
    }
}
