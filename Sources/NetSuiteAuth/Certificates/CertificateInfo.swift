import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// What SuiteBridge reads from an X.509 certificate: enough to show it, check it against NetSuite's conditions
/// and match it with its private key.
///
/// Reads any certificate openssl makes, including those signed with RSASSA-PSS by Oracle's documented
/// `openssl req -newkey rsa-pss` command (read here with swift-asn1, which swift-certificates cannot parse).
public struct CertificateInfo: Sendable, Hashable {
    /// The subject in RFC 4514 form, most specific first: `CN=suitebridge,O=Example Ltd,C=GB`.
    public var subject: String
    /// The serial number in upper-case hex, as `openssl x509 -serial` prints it.
    public var serialNumber: String
    /// Start of validity.
    public var notBefore: Date
    /// End of validity ("Valid until" in NetSuite's M2M setup).
    public var notAfter: Date
    /// The algorithm the certificate is signed with, as openssl names it (`sha256WithRSAEncryption`, `rsassaPss`,
    /// `ecdsa-with-SHA256`).
    public var signatureAlgorithm: String
    /// The certified public key.
    public var publicKey: SigningKey.PublicKey
    /// The SHA-256 fingerprint of the DER bytes, upper-case hex pairs joined by colons.
    public var sha256Fingerprint: String
    /// The certificate's DER bytes.
    public var derBytes: [UInt8]

    /// The key's type and size.
    public var keyType: KeyType { publicKey.keyType }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`), the file an admin uploads to NetSuite.
    public var pemRepresentation: String {
        PEMDocument(type: "CERTIFICATE", derBytes: derBytes).pemString
    }

    /// Reads the first certificate in a PEM text.
    /// - Throws: ``NetSuiteAuthError`` `malformedCertificate` (field `certificate`) when there is no certificate or it
    ///   cannot be read, or `unsupportedKey` when its key is neither RSA nor EC on P-256/P-384/P-521.
    public init(pemRepresentation pem: String) throws {
        let documents = (try? PEMDocument.parseMultiple(pemString: pem)) ?? []
        guard let document = documents.first(where: { $0.discriminator == "CERTIFICATE" }) else {
            let found = documents.map(\.discriminator)
            throw Self.malformed(
                found.contains { $0.contains("PRIVATE KEY") }
                    ? "it holds a private key, not a certificate. The certificate is the other file (auth-cert.pem)."
                    : "it holds no -----BEGIN CERTIFICATE----- block."
            )
        }
        try self.init(derBytes: document.derBytes)
    }

    /// Reads a certificate from DER bytes.
    /// - Throws: as ``init(pemRepresentation:)``.
    public init(derBytes: [UInt8]) throws {
        let parsed: Parsed
        do {
            parsed = try Parsed(der: derBytes)
        } catch let error as NetSuiteAuthError {
            throw error
        } catch {
            throw Self.malformed("its DER structure cannot be read (\(error)).")
        }
        self.subject = parsed.subject
        self.serialNumber = parsed.serialNumber
        self.notBefore = parsed.notBefore
        self.notAfter = parsed.notAfter
        self.signatureAlgorithm = parsed.signatureAlgorithm
        self.publicKey = parsed.publicKey
        self.derBytes = derBytes
        self.sha256Fingerprint = SHA256.hash(data: derBytes).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// Whole days from `now` to ``notAfter``; negative once expired.
    public func daysLeft(at now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// Why NetSuite would refuse this certificate at `now` (key type or size, validity over 2 years, expired,
    /// not yet valid); empty if it accepts it.
    public func netsuiteProblems(at now: Date = Date()) -> [String] {
        var problems: [String] = []
        if let problem = keyType.netsuiteProblem { problems.append(problem) }
        let twoYears = Calendar.utc.date(byAdding: .year, value: 2, to: notBefore) ?? notBefore
        if notAfter > twoYears.addingTimeInterval(86_400) {
            let days = Int(notAfter.timeIntervalSince(notBefore) / 86_400)
            problems.append(
                "Valid for \(days) days: NetSuite's maximum is 2 years (730 days); it would shorten the validity to 2 years."
            )
        }
        if notAfter <= now {
            problems.append("Expired on \(Self.iso8601(notAfter)).")
        } else if notBefore > now {
            problems.append("Not valid until \(Self.iso8601(notBefore)).")
        }
        return problems
    }

    /// Whether NetSuite accepts this certificate at `now`.
    public func netsuiteAccepts(at now: Date = Date()) -> Bool {
        netsuiteProblems(at: now).isEmpty
    }

    /// Whether `key` is the private key this certificate was made for.
    public func matches(_ key: SigningKey) -> Bool {
        key.publicKey == publicKey
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func malformed(_ reason: String) -> NetSuiteAuthError {
        NetSuiteAuthError(
            code: .malformedCertificate,
            message: "The certificate cannot be read: \(reason)",
            remedy: "Give the certificate PEM file (auth-cert.pem), including its -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines.",
            field: "certificate"
        )
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()
}

// MARK: - DER reading (RFC 5280 §4.1), with swift-asn1

extension CertificateInfo {
    /// The fields of `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }` we use.
    private struct Parsed {
        var subject = ""
        var serialNumber = ""
        var notBefore = Date(timeIntervalSince1970: 0)
        var notAfter = Date(timeIntervalSince1970: 0)
        var signatureAlgorithm = ""
        var publicKey: SigningKey.PublicKey

        init(der: [UInt8]) throws {
            let root = try DER.parse(der)
            var fields: (String, String, Date, Date, SigningKey.PublicKey)?
            var algorithm: ASN1ObjectIdentifier?
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no TBSCertificate") }
                fields = try Self.readTBS(tbs)
                algorithm = try DER.sequence(try nodes.required("signature algorithm"), identifier: .sequence) { algorithmNodes in
                    let oid = try ASN1ObjectIdentifier(derEncoded: &algorithmNodes)
                    while algorithmNodes.next() != nil {}
                    return oid
                }
                _ = try ASN1BitString(derEncoded: &nodes)
            }
            guard let fields, let algorithm else { throw ASN1Error.invalidASN1Object(reason: "incomplete certificate") }
            (subject, serialNumber, notBefore, notAfter, publicKey) = fields
            signatureAlgorithm = Self.signatureAlgorithmNames[algorithm] ?? algorithm.description
        }

        static let signatureAlgorithmNames: [ASN1ObjectIdentifier: String] = [
            [1, 2, 840, 113549, 1, 1, 5]: "sha1WithRSAEncryption",
            [1, 2, 840, 113549, 1, 1, 11]: "sha256WithRSAEncryption",
            [1, 2, 840, 113549, 1, 1, 12]: "sha384WithRSAEncryption",
            [1, 2, 840, 113549, 1, 1, 13]: "sha512WithRSAEncryption",
            [1, 2, 840, 113549, 1, 1, 10]: "rsassaPss",
            [1, 2, 840, 10045, 4, 3, 2]: "ecdsa-with-SHA256",
            [1, 2, 840, 10045, 4, 3, 3]: "ecdsa-with-SHA384",
            [1, 2, 840, 10045, 4, 3, 4]: "ecdsa-with-SHA512",
            [1, 3, 101, 112]: "ED25519",
        ]

        private static func readTBS(_ node: ASN1Node) throws -> (String, String, Date, Date, SigningKey.PublicKey) {
            try DER.sequence(node, identifier: .sequence) { nodes in
                var next = nodes.next()
                if let version = next, version.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    next = nodes.next()
                }
                guard let serialNode = next, case .primitive(let serialBytes) = serialNode.content else {
                    throw ASN1Error.invalidASN1Object(reason: "no serial number")
                }
                _ = nodes.next()  // signature AlgorithmIdentifier, repeated outside the TBS
                _ = nodes.next()  // issuer
                let (notBefore, notAfter) = try DER.sequence(try nodes.required("validity"), identifier: .sequence) { validity in
                    (try readTime(validity.next()), try readTime(validity.next()))
                }
                let subject = try DistinguishedName(derEncoded: try nodes.required("subject"))
                let publicKey = try readPublicKey(try nodes.required("subject public key info"))
                while nodes.next() != nil {}  // unique ids, extensions
                let serial = serialBytes.drop { $0 == 0 }.map { byte in
                    let hex = String(byte, radix: 16, uppercase: true)
                    return hex.count == 1 ? "0" + hex : hex
                }.joined()
                return (subject.description, serial.isEmpty ? "00" : serial, notBefore, notAfter, publicKey)
            }
        }

        private static func readTime(_ node: ASN1Node?) throws -> Date {
            guard let node else { throw ASN1Error.invalidASN1Object(reason: "no time") }
            let components: DateComponents
            switch node.identifier {
            case .utcTime:
                let time = try UTCTime(derEncoded: node)
                components = DateComponents(
                    year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes,
                    second: time.seconds)
            case .generalizedTime:
                let time = try GeneralizedTime(derEncoded: node)
                components = DateComponents(
                    year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes,
                    second: time.seconds)
            default:
                throw ASN1Error.unexpectedFieldType(node.identifier)
            }
            guard let date = Calendar.utc.date(from: components) else {
                throw ASN1Error.invalidASN1Object(reason: "invalid time")
            }
            return date
        }

        /// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
        private static func readPublicKey(_ node: ASN1Node) throws -> SigningKey.PublicKey {
            let (algorithm, parameter, keyBits): (ASN1ObjectIdentifier, ASN1ObjectIdentifier?, ASN1BitString) =
                try DER.sequence(node, identifier: .sequence) { nodes in
                    let (oid, parameter) = try DER.sequence(try nodes.required("key algorithm"), identifier: .sequence) { algorithmNodes in
                        let oid = try ASN1ObjectIdentifier(derEncoded: &algorithmNodes)
                        let parameterNode = algorithmNodes.next()
                        while algorithmNodes.next() != nil {}
                        let parameter = parameterNode.flatMap { try? ASN1ObjectIdentifier(derEncoded: $0) }
                        return (oid, parameter)
                    }
                    return (oid, parameter, try ASN1BitString(derEncoded: &nodes))
                }
            let unsupported = NetSuiteAuthError(
                code: .unsupportedKey,
                message: "The certificate's key (\(algorithm)\(parameter.map { " \($0)" } ?? "")) is not RSA or EC on P-256, P-384 or P-521.",
                remedy: "Make a certificate with an RSA 3072/4096 or EC P-256/P-384/P-521 key (suitebridge cert generate).",
                field: "certificate"
            )
            let bytes = keyBits.bytes
            switch algorithm {
            case .rsaEncryption, .rsassaPSS:
                // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
                let (modulus, exponent) = try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
                    (try ArraySlice<UInt8>(derEncoded: &nodes), try ArraySlice<UInt8>(derEncoded: &nodes))
                }
                return SigningKey.PublicKey(.rsa(try _RSA.Signing.PublicKey(n: modulus, e: exponent)))
            case .ecPublicKey:
                switch parameter {
                case .secp256r1: return SigningKey.PublicKey(.p256(try P256.Signing.PublicKey(x963Representation: bytes)))
                case .secp384r1: return SigningKey.PublicKey(.p384(try P384.Signing.PublicKey(x963Representation: bytes)))
                case .secp521r1: return SigningKey.PublicKey(.p521(try P521.Signing.PublicKey(x963Representation: bytes)))
                default: throw unsupported
                }
            default:
                throw unsupported
            }
        }
    }
}

extension ASN1NodeCollection.Iterator {
    /// The next node, or an error naming the missing field.
    fileprivate mutating func required(_ field: String) throws -> ASN1Node {
        guard let node = next() else { throw ASN1Error.invalidASN1Object(reason: "missing \(field)") }
        return node
    }
}
