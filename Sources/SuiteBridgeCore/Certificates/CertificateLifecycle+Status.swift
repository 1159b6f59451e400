import Foundation
import Logging
import NetSuiteAuth

extension CertificateLifecycle {
    /// The public certificate (PEM) of the active certificate, or of the one with `certificateID`; for upload.
    public func certificatePEM(_ name: String, certificateID: String? = nil) async throws -> String {
        let all = try await list(of: name)
        let chosen: StoredCertificate?
        if let certificateID {
            chosen = all.first { $0.certificateID == certificateID || $0.id.hasPrefix(certificateID) }
        } else {
            chosen = all.first { $0.state == .pending } ?? all.first { $0.state == .active }
        }
        guard let text = chosen?.certificatePEM else {
            throw SuiteBridgeError(.notFound, "\(name) has no such certificate with a public part.",
                                   remedy: "Run `suitebridge cert status`; instances added with only a private key have no certificate to download.",
                                   field: "certificate id")
        }
        return text
    }

    /// Every OAuth 2 instance's certificates with their days left, and a level each. Logs a warning for active
    /// certificates at 30, 14 and 7 days before expiry.
    public func certificateStatus(warnDays: Int = 30) async throws -> [CertificateStatusLine] {
        let date = now()
        var lines: [CertificateStatusLine] = []
        for instance in try await context.instances.list() where instance.authMethod == .clientCredentials {
            let certificates = try await list(of: instance.name)
            if instance.health == .unhealthy, let error = instance.lastError, error.contains(NetSuiteErrorCode.invalidGrant) {
                let active = certificates.first { $0.state == .active }
                lines.append(CertificateStatusLine(instance: instance.name, certificateID: active?.certificateID, state: active?.state, notAfter: active?.notAfter,
                                                   daysLeft: active?.daysLeft(at: date), level: .critical,
                                                   message: "NetSuite refused the active certificate at the last use (revoked or unknown there): rotate"))
            }
            if !certificates.contains(where: { $0.state == .active }) {
                lines.append(CertificateStatusLine(instance: instance.name, certificateID: nil, state: nil, notAfter: nil, daysLeft: nil, level: .critical,
                                                   message: "no active certificate (revoked or never activated): rotate"))
            }
            for certificate in certificates where certificate.state != .revoked || certificate.revokedAt.map({ date.timeIntervalSince($0) < 30 * 86_400 }) == true {
                let days = certificate.daysLeft(at: date)
                var level = CertificateStatusLine.Level.ok
                var message = "ok"
                if certificate.state == .active {
                    if certificate.isExpired(at: date) {
                        level = .critical
                        message = "expired: rotate now"
                    } else if let days, days <= warnDays {
                        level = .warning
                        message = "expires in \(days) days: rotate"
                    }
                    if let days, let threshold = [7, 14, 30].first(where: { days <= $0 }), days >= 0 {
                        logger.warning("certificate expires soon", metadata: [
                            "instance": "\(instance.name)", "certificate-id": "\(certificate.displayName)", "days-left": "\(days)", "threshold": "\(threshold)",
                        ])
                    }
                } else if certificate.state == .pending {
                    message = "pending: upload auth-cert.pem to NetSuite, then activate"
                } else if certificate.state == .retired {
                    message = "retired: kept for rollback; revoke when no longer needed"
                } else {
                    message = "revoked"
                }
                lines.append(CertificateStatusLine(instance: instance.name, certificateID: certificate.certificateID, state: certificate.state,
                                                   notAfter: certificate.notAfter, daysLeft: days, level: level, message: message))
            }
        }
        return lines
    }
}
