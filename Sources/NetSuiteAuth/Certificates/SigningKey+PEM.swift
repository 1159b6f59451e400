import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

extension SigningKey {
    /// Reads a private key from PEM in the forms users bring.
    ///
    /// Accepted: PKCS#8 (`BEGIN PRIVATE KEY`) with an RSA, RSASSA-PSS (what Oracle's `openssl req -newkey rsa-pss`
    /// command makes) or EC key; PKCS#1 (`BEGIN RSA PRIVATE KEY`); SEC1 (`BEGIN EC PRIVATE KEY`, with or without
    /// an `EC PARAMETERS` block before it).
    /// - Throws: ``NetSuiteAuthError`` with field `private key`: `encryptedKey` for a passphrase-protected key,
    ///   `keyTooSmall` for RSA under 3072 bits, `unsupportedKey` for other key types or curves, `malformedKey` for
    ///   anything that is not a private key PEM. Messages never include the key.
    public init(pemRepresentation pem: String) throws {
        try self.init(pemRepresentation: pem, minimumRSABits: KeyType.minimumRSABits)
    }

    /// Reads a private key, accepting RSA keys down to `minimumRSABits`: for inspecting keys NetSuite refuses.
    init(pemRepresentation pem: String, minimumRSABits: Int) throws {
        if pem.contains("Proc-Type: 4,ENCRYPTED") || pem.contains("BEGIN ENCRYPTED PRIVATE KEY") {
            throw Self.encrypted
        }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw Self.malformed("it is not PEM text (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----).")
        }
        let keyLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]
        guard let document = documents.first(where: { keyLabels.contains($0.discriminator) }) else {
            let found = documents.map(\.discriminator).joined(separator: ", ")
            if documents.contains(where: { $0.discriminator == "CERTIFICATE" }) {
                throw Self.malformed(
                    "it holds a certificate, not a private key (found: \(found)). The private key is the other file (auth-key.pem)."
                )
            }
            throw Self.malformed("it holds no private key (found: \(found.isEmpty ? "nothing" : found)).")
        }
        try self.init(der: document.derBytes, label: document.discriminator, minimumRSABits: minimumRSABits)
    }

    private init(der: [UInt8], label: String, minimumRSABits: Int) throws {
        switch label {
        case "RSA PRIVATE KEY":
            self = try Self.rsa(pkcs1: der, minimumBits: minimumRSABits)
        case "EC PRIVATE KEY":
            self = try Self.ec(der: der)
        default:
            let algorithm: ASN1ObjectIdentifier
            let privateKey: ArraySlice<UInt8>
            do {
                (algorithm, privateKey) = try Self.pkcs8Contents(der)
            } catch {
                throw Self.malformed("its PKCS#8 structure cannot be read.")
            }
            switch algorithm {
            case .rsaEncryption, .rsassaPSS:
                self = try Self.rsa(pkcs1: Array(privateKey), minimumBits: minimumRSABits)
            case .ecPublicKey:
                self = try Self.ec(der: der)
            default:
                throw NetSuiteAuthError(
                    code: .unsupportedKey,
                    message: "The private key's algorithm (\(algorithm)) is not one NetSuite accepts.",
                    remedy: "Use an RSA key of 3072 or 4096 bits, or an EC key on P-256, P-384 or P-521 (suitebridge cert generate makes one).",
                    field: "private key"
                )
            }
        }
    }

    /// The algorithm OID and the inner private key octets of a PKCS#8 `PrivateKeyInfo`.
    private static func pkcs8Contents(_ der: [UInt8]) throws -> (ASN1ObjectIdentifier, ArraySlice<UInt8>) {
        let root = try DER.parse(der)
        return try DER.sequence(root, identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)
            let algorithm = try DER.sequence(of: ASN1Any.self, identifier: .sequence, nodes: &nodes)
            guard let first = algorithm.first else { throw ASN1Error.invalidASN1Object(reason: "empty algorithm") }
            let oid = try ASN1ObjectIdentifier(asn1Any: first)
            let octets = try ASN1OctetString(derEncoded: &nodes)
            while nodes.next() != nil {}  // attributes and public key, not needed
            return (oid, octets.bytes)
        }
    }

    private static func rsa(pkcs1 der: [UInt8], minimumBits: Int) throws -> SigningKey {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der)
        } catch {
            throw malformed("its RSA key cannot be read.")
        }
        guard key.keySizeInBits >= minimumBits else {
            throw NetSuiteAuthError(
                code: .keyTooSmall,
                message: "The RSA key has \(key.keySizeInBits) bits; NetSuite refuses RSA keys under 3072 bits.",
                remedy: "Make a new key of 3072 or 4096 bits (suitebridge cert generate --key rsa-4096) and upload its certificate to NetSuite.",
                field: "private key"
            )
        }
        return SigningKey(.rsa(key))
    }

    private static func ec(der: [UInt8]) throws -> SigningKey {
        if let key = try? P256.Signing.PrivateKey(derRepresentation: der) { return SigningKey(.p256(key)) }
        if let key = try? P384.Signing.PrivateKey(derRepresentation: der) { return SigningKey(.p384(key)) }
        if let key = try? P521.Signing.PrivateKey(derRepresentation: der) { return SigningKey(.p521(key)) }
        throw NetSuiteAuthError(
            code: .unsupportedKey,
            message: "The EC key is not on a curve NetSuite accepts, or cannot be read.",
            remedy: "Use an EC key on P-256, P-384 or P-521 (suitebridge cert generate --key ec-p256).",
            field: "private key"
        )
    }

    private static var encrypted: NetSuiteAuthError {
        NetSuiteAuthError(
            code: .encryptedKey,
            message: "The private key is encrypted with a passphrase.",
            remedy: "Decrypt it first: openssl pkey -in auth-key.pem -out auth-key-plain.pem (keep the result private, mode 0600).",
            field: "private key"
        )
    }

    static func malformed(_ reason: String) -> NetSuiteAuthError {
        NetSuiteAuthError(
            code: .malformedKey,
            message: "The private key cannot be read: \(reason)",
            remedy: "Paste the whole auth-key.pem file, including the -----BEGIN … PRIVATE KEY----- and -----END … PRIVATE KEY----- lines.",
            field: "private key"
        )
    }
}

extension ASN1ObjectIdentifier {
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let secp256r1: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    static let secp384r1: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    static let secp521r1: ASN1ObjectIdentifier = [1, 3, 132, 0, 35]
}
