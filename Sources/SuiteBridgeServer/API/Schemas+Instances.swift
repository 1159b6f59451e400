import Foundation
import HTTPTypes
import NetSuiteAuth
import SuiteBridgeCore

extension Components.Schemas.Instance {
    /// An instance as the API shows it: secrets only as "set (sha256:…)".
    init(_ summary: InstanceSummary) throws {
        self.init(
            name: summary.name, auth: try APISchema.value(summary.auth, field: "auth"), authName: summary.authName,
            accountId: summary.accountId, realm: summary.realm, host: summary.host, accountKind: summary.accountKind,
            signatureMethod: try summary.signatureMethod.map { try APISchema.value($0, field: "signatureMethod") },
            consumerKey: summary.consumerKey, clientId: summary.clientId, tokenId: summary.tokenId,
            consumerSecret: summary.consumerSecret, tokenSecret: summary.tokenSecret, roleId: summary.roleId, entityId: summary.entityId,
            baseUrl: summary.baseUrl, concurrencyLimit: summary.concurrencyLimit, health: try APISchema.value(summary.health, field: "health"),
            lastTestedAt: summary.lastTestedAt, lastError: summary.lastError,
            activeCertificate: try summary.activeCertificate.map(Components.Schemas.Certificate.init),
            nextRotation: summary.nextRotation, rotationPolicy: summary.rotationPolicy)
    }
}

extension Components.Schemas.Certificate {
    init(_ summary: CertificateSummary) throws {
        self.init(
            id: summary.id, certificateId: summary.certificateId, state: try APISchema.value(summary.state, field: "state"),
            keyType: summary.keyType, notBefore: summary.notBefore, notAfter: summary.notAfter, daysLeft: summary.daysLeft,
            fingerprint: summary.fingerprint, createdAt: summary.createdAt, activatedAt: summary.activatedAt,
            retiredAt: summary.retiredAt, revokedAt: summary.revokedAt)
    }

    init(_ certificate: StoredCertificate) throws {
        try self.init(CertificateSummary(certificate))
    }
}

extension Components.Schemas.CreateInstance {
    /// The instance to add: the seed guides' fields for the chosen auth method.
    /// The draft the core checks.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming a field the auth method does not have (a mix-up the
    ///   user should hear about rather than have ignored).
    func draft() throws -> InstanceDraft {
        let foreign: [(String, Bool)] = switch auth {
        case .tba: [("clientId", clientId != nil), ("privateKeyPem", privateKeyPem != nil), ("certificateId", certificateId != nil), ("certificatePem", certificatePem != nil)]
        case .clientCredentials: [("consumerSecret", consumerSecret != nil), ("tokenId", tokenId != nil), ("tokenSecret", tokenSecret != nil)]
        }
        if let field = foreign.first(where: \.1)?.0 {
            throw SuiteBridgeError(.invalidInput, "\(field) does not belong to \(auth == .tba ? "OAuth 1 (tba)" : "OAuth 2 (client-credentials)") instances.",
                                   remedy: auth == .tba ? "Give consumerKey, consumerSecret, tokenId and tokenSecret, or use auth client-credentials."
                                                        : "Give clientId, privateKeyPem, certificateId and certificatePem, or use auth tba.", field: field)
        }
        let credentials: InstanceDraft.Credentials = switch auth {
        case .tba:
            .tokenBased(consumerKey: consumerKey ?? "", consumerSecret: consumerSecret ?? "", tokenID: tokenId ?? "", tokenSecret: tokenSecret ?? "")
        case .clientCredentials:
            .clientCredentials(clientID: clientId ?? consumerKey ?? "", privateKeyPEM: privateKeyPem ?? "", certificateID: certificateId ?? "",
                               certificatePEM: certificatePem)
        }
        return InstanceDraft(name: name, accountID: accountId, credentials: credentials, roleID: roleId, entityID: entityId, baseURL: baseUrl,
                             concurrencyLimit: concurrencyLimit ?? 5)
    }
}

extension Components.Schemas.EditInstance {
    /// Whether the body changes nothing (no field given).
    var isEmpty: Bool { changes.isEmpty && rotationDaysBefore == nil }

    var changes: Instances.Changes {
        .init(accountID: accountId, consumerKey: consumerKey ?? clientId, consumerSecret: consumerSecret, tokenID: tokenId, tokenSecret: tokenSecret,
              roleID: roleId, entityID: entityId, baseURL: baseUrl, concurrencyLimit: concurrencyLimit, newName: name)
    }
}

extension Components.Schemas.TestResult {
    init(_ result: InstanceTestResult) {
        self.init(
            instance: result.instance, passed: result.passed,
            steps: result.steps.map { .init(name: $0.name, passed: $0.passed, detail: $0.detail) },
            error: result.failure?.message, remedy: result.failure?.remedy)
    }
}

extension Components.Schemas.DoctorReport {
    init(_ report: SuiteBridgeCore.DoctorReport) throws {
        self.init(instance: report.instance, checks: try report.checks.map {
            .init(name: $0.name, status: try APISchema.value($0.status.rawValue, field: "status"), detail: $0.detail, fix: $0.fix)
        })
    }
}

extension Components.Schemas.Rotate.KeyTypePayload {
    var keyType: KeyType {
        get throws { try KeyType(identifier: rawValue) }
    }
}

/// Turning core values into the document's enumerations.
enum APISchema {
    /// The document's enumeration case for a core value.
    /// - Throws: ``APIError`` 500 when the document lacks the value: the document and the server disagree.
    static func value<T: RawRepresentable>(_ raw: T.RawValue, field: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw APIError(status: .internalServerError, code: "internal", message: "The server has a \(field) (\(raw)) that openapi.yaml does not list.",
                           field: field, remedy: "Report this: openapi.yaml and the server disagree.")
        }
        return value
    }
}
