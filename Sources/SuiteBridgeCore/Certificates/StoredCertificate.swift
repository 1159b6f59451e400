import Foundation
import NetSuiteAuth

/// A certificate of an OAuth 2 instance as stored: the public part and its state. The private key stays sealed.
public struct StoredCertificate: Sendable, Hashable {
    /// SuiteBridge's id for the row.
    public var id: String
    public var instanceID: String
    /// NetSuite's certificate id (the `kid`), once the certificate is uploaded; `nil` while pending without one.
    public var certificateID: String?
    public var state: CertificateState
    public var keyType: KeyType
    /// The public certificate, when known (an instance added with only a key has none).
    public var certificatePEM: String?
    /// SHA-256 fingerprint of the certificate.
    public var fingerprint: String?
    public var notBefore: Date?
    public var notAfter: Date?
    public var createdAt: Date
    public var activatedAt: Date?
    public var retiredAt: Date?
    public var revokedAt: Date?

    /// Whole days until `notAfter` (negative once expired), or `nil` when the certificate is not known.
    public func daysLeft(at now: Date = Date()) -> Int? {
        guard let notAfter else { return nil }
        return Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// Whether it has expired at `now`.
    public func isExpired(at now: Date = Date()) -> Bool {
        notAfter.map { $0 <= now } ?? false
    }

    /// A name for messages: the NetSuite id, or "pending certificate <row id>".
    public var displayName: String { certificateID ?? "pending certificate \(id.prefix(8))" }
}

/// A private key and, when known, its certificate, checked as NetSuite would check them.
struct CertificateMaterial: Sendable {
    var key: SigningKey
    var certificate: CertificateInfo?

    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `private key` or `certificate`: unreadable PEM, an
    ///   encrypted key, RSA under 3072 bits, a curve NetSuite refuses, or a key that is not the certificate's.
    static func validate(privateKeyPEM: String, certificatePEM: String?) throws -> CertificateMaterial {
        do {
            let key = try SigningKey(pemRepresentation: privateKeyPEM)
            guard let certificatePEM, !certificatePEM.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return CertificateMaterial(key: key, certificate: nil)
            }
            let certificate = try CertificateInfo(pemRepresentation: certificatePEM)
            _ = try CertificateKit.checkPair(privateKeyPEM: privateKeyPEM, certificate: certificate)
            return CertificateMaterial(key: key, certificate: certificate)
        } catch let error as NetSuiteAuthError {
            var converted = SuiteBridgeError(error)
            converted.field = error.field ?? "private key"
            throw converted
        }
    }
}
