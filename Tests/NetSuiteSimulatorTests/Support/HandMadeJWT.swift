import Crypto
import Foundation

/// Builds and signs ES256 JWTs with swift-crypto directly, with any header and claims: for assertions a correct
/// client would never make (lifetime 3600, unknown scopes, RS256 headers).
enum HandMadeJWT {
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func make(header: [String: Any], claims: [String: Any], keyPEM: String) throws -> String {
        let head = base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let body = base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        let signature = try key.signature(for: Data("\(head).\(body)".utf8))
        return "\(head).\(body).\(base64URL(signature.rawRepresentation))"
    }
}
