import Foundation

/// A new key pair waiting for its NetSuite certificate id.
public struct PendingCertificate: Sendable {
    public var certificate: StoredCertificate
    /// The public certificate to upload to NetSuite (`auth-cert.pem`).
    public var certificatePEM: String
    /// Where an admin uploads it.
    public static let uploadSteps = [
        "In NetSuite, open Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup.",
        "Click Create New; pick the Entity, the Role and the Application (the integration record) this instance uses.",
        "Upload auth-cert.pem as the certificate and save.",
        "Copy the new Certificate ID from the list and run `suitebridge cert activate --instance NAME --certificate-id ID`.",
    ]
}

/// What an unattended rotation did.
public struct AutomaticRotationResult: Sendable {
    public var newCertificate: StoredCertificate
    /// The certificate it replaced, now revoked (or retired when NetSuite refused the revocation; see ``note``).
    public var oldCertificate: StoredCertificate?
    public var note: String?
}

/// What a revocation did.
public struct RevocationResult: Sendable {
    public var certificate: StoredCertificate
    /// Whether NetSuite's certificate rotation endpoint revoked it; when not, ``note`` says what to do in NetSuite.
    public var revokedInNetSuite: Bool
    public var note: String?
}

/// One line of `cert status`.
public struct CertificateStatusLine: Sendable, Hashable {
    public var instance: String
    public var certificateID: String?
    public var state: CertificateState?
    public var notAfter: Date?
    public var daysLeft: Int?
    /// `ok`, `warning` (inside the warning window), `critical` (an active one expired, or no active certificate).
    public var level: Level
    public var message: String

    public enum Level: String, Sendable, Hashable, Comparable {
        case ok, warning, critical
        public static func < (lhs: Level, rhs: Level) -> Bool {
            let order: [Level] = [.ok, .warning, .critical]
            return order.firstIndex(of: lhs) ?? 0 < order.firstIndex(of: rhs) ?? 0
        }
    }
}

/// What one scheduled rotation did.
public struct ScheduledRotation: Sendable {
    public var instance: String
    public var succeeded: Bool
    public var detail: String
    /// When it is tried again, after a failure.
    public var retryAt: Date?
}
