import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Makes the key pair and self-signed certificate an admin uploads to NetSuite's OAuth 2.0 Client Credentials
/// (M2M) setup, and checks the ones users bring.
public enum CertificateKit {
    /// Days a new certificate is valid when not told otherwise.
    public static let defaultValidityDays = 365
    /// NetSuite's maximum validity (2 years); longer is refused here rather than silently shortened there.
    public static let maximumValidityDays = 730
    /// The subject of a new certificate when not told otherwise.
    public static let defaultSubject = "CN=SuiteBridge NetSuite M2M"

    /// A new key pair and its self-signed certificate.
    public struct GeneratedCertificate: Sendable {
        /// The private key; write it with mode 0600 and never show it.
        public var privateKey: SigningKey
        /// The certificate, as read back.
        public var certificate: CertificateInfo

        /// The certificate PEM to upload to NetSuite (`auth-cert.pem`).
        public var certificatePEM: String { certificate.pemRepresentation }
        /// The private key as PKCS#8 PEM (`auth-key.pem`).
        public var privateKeyPEM: String { privateKey.pemRepresentation }
    }

    /// Generates a key pair and a self-signed X.509 v3 certificate for NetSuite.
    ///
    /// - Parameters:
    ///   - keyType: RSA 3072 or 4096, or EC P-256, P-384, P-521. Default RSA 4096.
    ///   - validityDays: 1 to 730 (NetSuite's 2-year cap); default 365.
    ///   - subject: a distinguished name, `CN=name, O=Company, C=GB` or openssl's `/CN=name/O=Company`.
    ///   - now: the start of validity.
    /// - Throws: ``NetSuiteAuthError`` `invalidCertificateRequest` for a validity outside 1...730 days or a subject
    ///   that cannot be read; `keyTooSmall` / `unsupportedKey` for a key NetSuite refuses.
    public static func generate(
        keyType: KeyType = .rsa(bits: 4096),
        validityDays: Int = defaultValidityDays,
        subject: String = defaultSubject,
        now: Date = Date()
    ) throws -> GeneratedCertificate {
        guard (1...maximumValidityDays).contains(validityDays) else {
            throw NetSuiteAuthError(
                code: .invalidCertificateRequest,
                message: validityDays > maximumValidityDays
                    ? "A validity of \(validityDays) days is longer than NetSuite accepts: certificates are valid at most 2 years (730 days)."
                    : "A validity of \(validityDays) days is not possible.",
                remedy: "Choose between 1 and 730 days (365 is the usual choice).",
                field: "days"
            )
        }
        let name = try distinguishedName(parsing: subject)
        let key = try SigningKey.generate(keyType)
        let notBefore = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let notAfter = notBefore.addingTimeInterval(TimeInterval(validityDays) * 86_400)
        let (issuerKey, algorithm): (Certificate.PrivateKey, Certificate.SignatureAlgorithm) =
            switch key.backing {
            case .rsa(let rsa): (Certificate.PrivateKey(rsa), .sha256WithRSAEncryption)
            case .p256(let ec): (Certificate.PrivateKey(ec), .ecdsaWithSHA256)
            case .p384(let ec): (Certificate.PrivateKey(ec), .ecdsaWithSHA384)
            case .p521(let ec): (Certificate.PrivateKey(ec), .ecdsaWithSHA512)
            }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: issuerKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: algorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                SubjectKeyIdentifier(hash: issuerKey.publicKey)
            },
            issuerPrivateKey: issuerKey
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return GeneratedCertificate(privateKey: key, certificate: try CertificateInfo(derBytes: serializer.serializedBytes))
    }

    /// Reads a private key and checks that it belongs to `certificate`.
    /// - Throws: errors of ``SigningKey/init(pemRepresentation:)``, or `keyDoesNotMatchCertificate`.
    public static func checkPair(privateKeyPEM: String, certificate: CertificateInfo) throws -> SigningKey {
        let key = try SigningKey(pemRepresentation: privateKeyPEM)
        guard certificate.matches(key) else {
            throw NetSuiteAuthError(
                code: .keyDoesNotMatchCertificate,
                message: "The private key does not belong to the certificate (serial \(certificate.serialNumber)): they were made separately.",
                remedy: "Use the key file made together with this certificate (auth-key.pem beside auth-cert.pem), or generate a new pair.",
                field: "private key"
            )
        }
        return key
    }

    /// Whether the private key in `privateKeyPEM` belongs to `certificate`. Unlike ``checkPair(privateKeyPEM:certificate:)``
    /// it also reads RSA keys NetSuite refuses (down to 1024 bits), so an inspection can report on them.
    /// - Throws: errors of ``SigningKey/init(pemRepresentation:)`` other than `keyTooSmall`.
    public static func keyMatches(privateKeyPEM: String, certificate: CertificateInfo) throws -> Bool {
        certificate.matches(try SigningKey(pemRepresentation: privateKeyPEM, minimumRSABits: 1024))
    }

    /// Parses `CN=name, O=Company, C=GB` (RFC 4514 order, most specific first) or `/C=GB/O=Company/CN=name`
    /// (openssl's order).
    /// - Throws: ``NetSuiteAuthError`` `invalidCertificateRequest` for an empty subject, a part without `=`, or an
    ///   attribute other than CN, O, OU, L, ST, C, emailAddress.
    public static func distinguishedName(parsing subject: String) throws -> DistinguishedName {
        let trimmed = subject.trimmingCharacters(in: .whitespaces)
        let openSSLForm = trimmed.hasPrefix("/")
        let parts = (openSSLForm ? splitUnescaped(String(trimmed.dropFirst()), on: "/") : splitUnescaped(trimmed, on: ","))
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !parts.isEmpty else {
            throw subjectError("The subject is empty.")
        }
        var attributes: [RelativeDistinguishedName.Attribute] = []
        for part in parts {
            guard let equals = part.firstIndex(of: "=") else {
                throw subjectError("\"\(part)\" in the subject has no \"=\".")
            }
            let type = part[..<equals].trimmingCharacters(in: .whitespaces)
            let value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw subjectError("\(type) in the subject has no value.") }
            switch type.uppercased() {
            case "CN": attributes.append(.init(type: .RDNAttributeType.commonName, utf8String: value))
            case "O": attributes.append(.init(type: .RDNAttributeType.organizationName, utf8String: value))
            case "OU": attributes.append(.init(type: .RDNAttributeType.organizationalUnitName, utf8String: value))
            case "L": attributes.append(.init(type: .RDNAttributeType.localityName, utf8String: value))
            case "ST": attributes.append(.init(type: .RDNAttributeType.stateOrProvinceName, utf8String: value))
            case "C":
                guard value.count == 2, value.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                    throw subjectError("C=\(value): a country is two letters (GB, US, DE).")
                }
                attributes.append(try .init(type: .RDNAttributeType.countryName, printableString: value.uppercased()))
            case "EMAILADDRESS", "E":
                attributes.append(try .init(type: .RDNAttributeType.emailAddress, ia5String: value))
            default:
                throw subjectError("\"\(type)\" is not a subject attribute SuiteBridge writes.")
            }
        }
        // RFC 4514 text lists the most specific part first; the DER sequence goes the other way.
        return try DistinguishedName(openSSLForm ? attributes : attributes.reversed())
    }

    private static func splitUnescaped(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func subjectError(_ message: String) -> NetSuiteAuthError {
        NetSuiteAuthError(
            code: .invalidCertificateRequest,
            message: message,
            remedy: "Write the subject as CN=name, O=Company, C=GB (attributes CN, O, OU, L, ST, C, emailAddress).",
            field: "subject"
        )
    }
}
