import Foundation
import NetSuiteAuth

/// What the CLI and the API show of an instance: every field but secrets, which appear only as "set" and a
/// fingerprint; the active certificate and the next unattended rotation.
public struct InstanceSummary: Codable, Sendable {
    public var name: String
    public var auth: String
    public var authName: String
    public var accountId: String
    public var realm: String
    public var host: String
    public var accountKind: String
    public var signatureMethod: String?
    public var consumerKey: String?
    public var clientId: String?
    public var tokenId: String?
    public var consumerSecret: String?
    public var tokenSecret: String?
    public var roleId: String?
    public var entityId: String?
    public var baseUrl: String?
    public var concurrencyLimit: Int
    public var health: String
    public var lastTestedAt: Date?
    public var lastError: String?
    public var activeCertificate: CertificateSummary?
    public var nextRotation: Date?
    public var rotationPolicy: String?

    public init(_ instance: Instance, fingerprints: SecretFingerprints?, certificates: [StoredCertificate], policy: RotationPolicy?) {
        let tba = instance.authMethod == .tokenBased
        name = instance.name
        auth = instance.authMethod.rawValue
        authName = instance.authMethod.displayName
        accountId = instance.accountID.realm
        realm = instance.realm
        host = instance.accountID.hostLabel
        accountKind = "\(instance.accountID.kind)"
        signatureMethod = instance.signatureMethod
        consumerKey = tba ? instance.consumerKey : nil
        clientId = tba ? nil : instance.consumerKey
        tokenId = instance.tokenID
        consumerSecret = fingerprints?.consumerSecret.map { "set (\($0))" }
        tokenSecret = fingerprints?.tokenSecret.map { "set (\($0))" }
        roleId = instance.roleID
        entityId = instance.entityID
        baseUrl = instance.baseURL
        concurrencyLimit = instance.concurrencyLimit
        health = instance.health.rawValue
        lastTestedAt = instance.lastTestedAt
        lastError = instance.lastError
        let active = certificates.first { $0.state == .active }
        activeCertificate = active.map(CertificateSummary.init)
        rotationPolicy = policy?.description
        if let notAfter = active?.notAfter, let policy {
            nextRotation = policy.dueDate(notAfter: notAfter)
        }
    }
}

/// What the CLI and the API show of a certificate (never its private key).
public struct CertificateSummary: Codable, Sendable {
    public var id: String
    public var certificateId: String?
    public var state: String
    public var keyType: String
    public var notBefore: Date?
    public var notAfter: Date?
    public var daysLeft: Int?
    public var fingerprint: String?
    public var createdAt: Date
    public var activatedAt: Date?
    public var retiredAt: Date?
    public var revokedAt: Date?

    public init(_ certificate: StoredCertificate) {
        id = certificate.id
        certificateId = certificate.certificateID
        state = certificate.state.rawValue
        keyType = certificate.keyType.description
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        daysLeft = certificate.daysLeft()
        fingerprint = certificate.fingerprint
        createdAt = certificate.createdAt
        activatedAt = certificate.activatedAt
        retiredAt = certificate.retiredAt
        revokedAt = certificate.revokedAt
    }
}

extension Instances {
    /// The instance's summary: fields, secret fingerprints (opening the secrets), certificates and rotation policy.
    public func summary(of instance: Instance) async throws -> InstanceSummary {
        let oauth2 = instance.authMethod == .clientCredentials
        return InstanceSummary(
            instance, fingerprints: try await fingerprints(of: instance.name),
            certificates: oauth2 ? try await context.certificates.list(of: instance.name) : [],
            policy: oauth2 ? try await context.certificates.rotationPolicy(of: instance.name) : nil)
    }
}
