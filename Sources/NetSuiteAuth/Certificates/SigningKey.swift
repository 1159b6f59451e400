import Crypto
import Foundation
import _CryptoExtras

/// A private key that signs client assertions: RSA (PS256/384/512) or EC P-256, P-384, P-521 (ES256/384/512).
///
/// Read one from PEM with ``init(pemRepresentation:)`` (PKCS#8, PKCS#1, SEC1, and openssl's RSASSA-PSS keys) or
/// make a new one with ``generate(_:)``. Its `description` never shows key material.
public struct SigningKey: Sendable, CustomStringConvertible {
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
    }

    let backing: Backing

    init(_ backing: Backing) {
        self.backing = backing
    }

    /// The key's type and size.
    public var keyType: KeyType {
        switch backing {
        case .rsa(let key): .rsa(bits: key.keySizeInBits)
        case .p256: .ec(.p256)
        case .p384: .ec(.p384)
        case .p521: .ec(.p521)
        }
    }

    /// The public half.
    public var publicKey: PublicKey {
        switch backing {
        case .rsa(let key): PublicKey(.rsa(key.publicKey))
        case .p256(let key): PublicKey(.p256(key.publicKey))
        case .p384(let key): PublicKey(.p384(key.publicKey))
        case .p521(let key): PublicKey(.p521(key.publicKey))
        }
    }

    /// The key as an unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the form openssl writes.
    public var pemRepresentation: String {
        switch backing {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .p256(let key): key.pemRepresentation
        case .p384(let key): key.pemRepresentation
        case .p521(let key): key.pemRepresentation
        }
    }

    public var description: String { "SigningKey(\(keyType))" }

    /// Makes a new random key.
    /// - Throws: ``NetSuiteAuthError`` `keyTooSmall` or `unsupportedKey` for an RSA size NetSuite refuses.
    public static func generate(_ type: KeyType) throws -> SigningKey {
        switch type {
        case .rsa(let bits):
            if let problem = type.netsuiteProblem {
                throw NetSuiteAuthError(
                    code: bits < KeyType.minimumRSABits ? .keyTooSmall : .unsupportedKey,
                    message: problem,
                    remedy: "Choose \(KeyType.acceptedIdentifiers).",
                    field: "key"
                )
            }
            return SigningKey(.rsa(try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))))
        case .ec(.p256): return SigningKey(.p256(P256.Signing.PrivateKey()))
        case .ec(.p384): return SigningKey(.p384(P384.Signing.PrivateKey()))
        case .ec(.p521): return SigningKey(.p521(P521.Signing.PrivateKey()))
        }
    }

    /// A public key: what a certificate carries, and what verifies a client assertion.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        enum Backing: Sendable {
            case rsa(_RSA.Signing.PublicKey)
            case p256(P256.Signing.PublicKey)
            case p384(P384.Signing.PublicKey)
            case p521(P521.Signing.PublicKey)
        }

        let backing: Backing

        init(_ backing: Backing) {
            self.backing = backing
        }

        /// The key's type and size.
        public var keyType: KeyType {
            switch backing {
            case .rsa(let key): .rsa(bits: key.keySizeInBits)
            case .p256: .ec(.p256)
            case .p384: .ec(.p384)
            case .p521: .ec(.p521)
            }
        }

        /// The key's bytes in a canonical form (PKCS#1 for RSA, X9.63 for EC): equal for equal keys, whatever
        /// algorithm identifier the certificate wrapped them in.
        var canonicalBytes: Data {
            switch backing {
            case .rsa(let key): key.pkcs1DERRepresentation
            case .p256(let key): key.x963Representation
            case .p384(let key): key.x963Representation
            case .p521(let key): key.x963Representation
            }
        }

        /// The key as a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
        public var pemRepresentation: String {
            switch backing {
            case .rsa(let key): key.pemRepresentation
            case .p256(let key): key.pemRepresentation
            case .p384(let key): key.pemRepresentation
            case .p521(let key): key.pemRepresentation
            }
        }

        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
            lhs.keyType == rhs.keyType && lhs.canonicalBytes == rhs.canonicalBytes
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(canonicalBytes)
        }

        public var description: String { "PublicKey(\(keyType))" }
    }
}
