import Foundation
import JWTKit
import _CryptoExtras

extension ClientAssertion {
    /// The JOSE header of an assertion, read without verifying anything.
    public struct Header: Decodable, Sendable, Hashable {
        public var typ: String?
        public var alg: String
        public var kid: String?
    }

    /// Reads the header of `jwt` without verifying it: to find the `kid` whose certificate verifies it.
    /// - Throws: ``NetSuiteAuthError`` `invalidAssertion` when `jwt` is not three base64url parts with a JSON header.
    public static func header(of jwt: String) throws -> Header {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else {
            throw NetSuiteAuthError(
                code: .invalidAssertion,
                message: "The client assertion is not a JWT (three base64url parts with a JSON header).",
                remedy: "Send the signed JWT as client_assertion.",
                field: "client_assertion"
            )
        }
        return header
    }

    /// Verifies the signature of `jwt` with `publicKey` and returns its claims.
    ///
    /// The algorithm must be one NetSuite accepts (PS256/384/512, ES256/384/512; never RS256) and fit the key.
    /// Time rules (expiry, lifetime) are the caller's to check against its own clock.
    /// - Throws: ``NetSuiteAuthError`` `invalidAssertion` for a malformed JWT, a refused or mismatched algorithm,
    ///   or a signature that does not verify.
    public static func verifySignature(of jwt: String, publicKey: SigningKey.PublicKey) async throws -> Claims {
        let algorithm = try Algorithm(parsing: try header(of: jwt).alg)
        let keys = JWTKeyCollection()
        let digest: DigestAlgorithm =
            switch algorithm {
            case .ps256, .es256: .sha256
            case .ps384, .es384: .sha384
            case .ps512, .es512: .sha512
            }
        switch (publicKey.backing, algorithm) {
        case (.rsa(let rsa), .ps256), (.rsa(let rsa), .ps384), (.rsa(let rsa), .ps512):
            await keys.add(pss: try Insecure.RSA.PublicKey(backing: rsa), digestAlgorithm: digest)
        case (.p256(let ec), .es256):
            await keys.add(ecdsa: try ES256PublicKey(backing: ec))
        case (.p384(let ec), .es384):
            await keys.add(ecdsa: try ES384PublicKey(backing: ec))
        case (.p521(let ec), .es512):
            await keys.add(ecdsa: try ES512PublicKey(backing: ec))
        default:
            throw NetSuiteAuthError(
                code: .invalidAssertion,
                message: "The assertion's alg \(algorithm.rawValue) does not fit the certificate's \(publicKey.keyType) key.",
                remedy: "Sign with \(Algorithm.default(for: publicKey.keyType).rawValue) for this certificate.",
                field: "alg"
            )
        }
        do {
            let payload = try await keys.verify(jwt, as: UncheckedClaims.self)
            return payload.claims
        } catch {
            throw NetSuiteAuthError(
                code: .invalidAssertion,
                message: "The client assertion's signature does not verify with the certificate's public key.",
                remedy: "Sign with the private key that belongs to the certificate named by kid.",
                field: "client_assertion"
            )
        }
    }

    /// Claims decoded without time checks, so that verification reports only on the signature.
    private struct UncheckedClaims: JWTPayload {
        var claims: Claims
        init(from decoder: any Decoder) throws { claims = try Claims(from: decoder) }
        func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}

extension Data {
    /// Decodes base64url without padding, as JWTs use it.
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
