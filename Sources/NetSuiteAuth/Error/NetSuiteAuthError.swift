/// An error from `NetSuiteAuth`: what went wrong, in words a NetSuite admin understands, and what to do about it.
///
/// Compare errors by ``code``; the set of codes may grow, so switch over them with a `default` branch.
/// Messages never contain a secret, a private key or a token.
public struct NetSuiteAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case invalidAccountID
            case unsupportedSignatureMethod
            case invalidCredential
            case invalidRequest
            case invalidAssertion
            case keyTooSmall
            case unsupportedKey
            case encryptedKey
            case malformedKey
            case malformedCertificate
            case keyDoesNotMatchCertificate
            case invalidCertificateRequest
            case tokenEndpointRefused
            case tokenEndpointResponse
            case transport
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The account id is empty, has spaces, an unknown suffix, or is a URL that is not NetSuite's.
        public static let invalidAccountID = Code(.invalidAccountID)
        /// The request asked for an OAuth 1 signature method NetSuite no longer accepts (HMAC-SHA1).
        public static let unsupportedSignatureMethod = Code(.unsupportedSignatureMethod)
        /// A credential (consumer key, token id, client id, certificate id, secret) is empty or malformed.
        public static let invalidCredential = Code(.invalidCredential)
        /// The HTTP request to sign cannot be signed (bad URL, method, nonce or timestamp).
        public static let invalidRequest = Code(.invalidRequest)
        /// The client assertion cannot be built as asked (lifetime, scopes, algorithm).
        public static let invalidAssertion = Code(.invalidAssertion)
        /// An RSA key is shorter than the 3072 bits NetSuite requires.
        public static let keyTooSmall = Code(.keyTooSmall)
        /// A key type or curve NetSuite does not accept.
        public static let unsupportedKey = Code(.unsupportedKey)
        /// The private key is encrypted with a passphrase.
        public static let encryptedKey = Code(.encryptedKey)
        /// The private key PEM cannot be read.
        public static let malformedKey = Code(.malformedKey)
        /// The certificate PEM cannot be read.
        public static let malformedCertificate = Code(.malformedCertificate)
        /// The private key is not the one the certificate was made for.
        public static let keyDoesNotMatchCertificate = Code(.keyDoesNotMatchCertificate)
        /// A certificate cannot be generated as asked (validity, subject).
        public static let invalidCertificateRequest = Code(.invalidCertificateRequest)
        /// NetSuite's token endpoint refused the client assertion (`invalid_grant`, `invalid_client`, ...).
        public static let tokenEndpointRefused = Code(.tokenEndpointRefused)
        /// NetSuite's token endpoint answered with something that is not a token.
        public static let tokenEndpointResponse = Code(.tokenEndpointResponse)
        /// The token endpoint could not be reached.
        public static let transport = Code(.transport)

        public var description: String { backing.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong.
    public var message: String
    /// What to do about it.
    public var remedy: String
    /// The input field the error is about (`account id`, `private key`, ...), when there is one.
    public var field: String?

    public init(code: Code, message: String, remedy: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
        self.field = field
    }

    public var description: String {
        let prefix = field.map { "\($0): " } ?? ""
        return "\(prefix)\(message) \(remedy)"
    }
}
