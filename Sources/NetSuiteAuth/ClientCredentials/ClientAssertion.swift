import Crypto
import Foundation
import JWTKit
import _CryptoExtras

/// The signed JWT a client sends to NetSuite's token endpoint in the OAuth 2.0 client credentials (M2M) flow.
///
/// Header `typ` JWT, `alg` PS256/384/512 (RSA) or ES256/384/512 (EC), `kid` = the certificate id NetSuite showed
/// when the certificate was uploaded. Claims `iss` = client id (consumer key), `scope`, `aud` = the account's
/// token URL, `iat` and `exp` in whole seconds, `exp - iat` under 3600.
///
/// ```swift
/// let assertion = try ClientAssertion(configuration: .init(account: account, clientID: id, certificateID: kid), key: key)
/// let jwt = try await assertion.make()
/// ```
public struct ClientAssertion: Sendable {
    /// What the access token may be used for.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        case restlets
        case restWebServices = "rest_webservices"
        case suiteAnalytics = "suite_analytics"
        /// NetSuite's AI connector scope; it cannot be combined with the others.
        case mcp

        /// The default: RESTlets and REST web services.
        public static let defaults: [Scope] = [.restlets, .restWebServices]

        /// Parses `restlets,rest_webservices` (commas or spaces).
        /// - Throws: ``NetSuiteAuthError`` `invalidAssertion` naming the unknown scope.
        public static func list(parsing text: String) throws -> [Scope] {
            let names = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            return try names.map { name in
                guard let scope = Scope(rawValue: name) else {
                    throw NetSuiteAuthError(
                        code: .invalidAssertion,
                        message: "\"\(name)\" is not a NetSuite scope.",
                        remedy: "Use restlets, rest_webservices, suite_analytics or mcp, separated by commas.",
                        field: "scope"
                    )
                }
                return scope
            }
        }
    }

    /// The JWS algorithms NetSuite accepts. RS256 is not among them: NetSuite ended PKCS#1 v1.5 on 1 March 2025.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
        case es256 = "ES256", es384 = "ES384", es512 = "ES512"

        /// Parses a name such as `PS256`.
        /// - Throws: ``NetSuiteAuthError`` `invalidAssertion`; for RS* the message says why NetSuite refuses it.
        public init(parsing name: String) throws {
            if let algorithm = Algorithm(rawValue: name.uppercased()) {
                self = algorithm
                return
            }
            let isRS = name.uppercased().hasPrefix("RS")
            throw NetSuiteAuthError(
                code: .invalidAssertion,
                message: isRS
                    ? "\(name) (RSA PKCS#1 v1.5) is refused by NetSuite since 1 March 2025."
                    : "\"\(name)\" is not an algorithm NetSuite accepts.",
                remedy: "Use PS256, PS384 or PS512 with an RSA key; ES256, ES384 or ES512 with an EC key.",
                field: "alg"
            )
        }

        /// The algorithm for a key when none is asked for: PS256 for RSA, ES256/384/512 by curve.
        public static func `default`(for keyType: KeyType) -> Algorithm {
            switch keyType {
            case .rsa: .ps256
            case .ec(.p256): .es256
            case .ec(.p384): .es384
            case .ec(.p521): .es512
            }
        }
    }

    /// What goes into an assertion.
    public struct Configuration: Sendable, Hashable {
        /// The account whose token endpoint is the audience.
        public var account: AccountID
        /// The integration record's client id (consumer key): the `iss` claim.
        public var clientID: String
        /// The certificate id from NetSuite's M2M setup: the `kid` header.
        public var certificateID: String
        /// The scopes; default `["restlets", "rest_webservices"]`.
        public var scopes: [Scope]
        /// Seconds from `iat` to `exp`, 1 to 3599; default 1800.
        public var lifetime: Int
        /// The algorithm; by default PS256 for RSA keys and ES256/384/512 by curve.
        public var algorithm: Algorithm?
        /// The audience; by default ``AccountID/tokenURL``. Set it only for a proxy or simulator that checks
        /// a different token URL.
        public var audience: String?

        public init(
            account: AccountID,
            clientID: String,
            certificateID: String,
            scopes: [Scope] = Scope.defaults,
            lifetime: Int = 1800,
            algorithm: Algorithm? = nil,
            audience: String? = nil
        ) {
            self.account = account
            self.clientID = clientID
            self.certificateID = certificateID
            self.scopes = scopes
            self.lifetime = lifetime
            self.algorithm = algorithm
            self.audience = audience
        }
    }

    /// The assertion's claims, with `iat` and `exp` as whole seconds.
    public struct Claims: JWTPayload, Sendable, Hashable {
        public var iss: String
        public var scope: [String]
        public var aud: String
        public var iat: Int
        public var exp: Int

        public init(iss: String, scope: [String], aud: String, iat: Int, exp: Int) {
            self.iss = iss
            self.scope = scope
            self.aud = aud
            self.iat = iat
            self.exp = exp
        }

        private enum CodingKeys: String, CodingKey { case iss, scope, aud, iat, exp }

        /// Reads claims as other clients write them too: `scope` as an array or as comma- or space-separated text,
        /// `iat`/`exp` as integers or fractional seconds (rounded down), `aud` as a string or a one-element array.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            iss = try container.decode(String.self, forKey: .iss)
            if let list = try? container.decode([String].self, forKey: .scope) {
                scope = list
            } else {
                let text = try container.decodeIfPresent(String.self, forKey: .scope) ?? ""
                scope = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            }
            if let list = try? container.decode([String].self, forKey: .aud) {
                aud = list.first ?? ""
            } else {
                aud = try container.decode(String.self, forKey: .aud)
            }
            iat = Int(try container.decode(Double.self, forKey: .iat).rounded(.down))
            exp = Int(try container.decode(Double.self, forKey: .exp).rounded(.down))
        }

        /// Checks the time rules NetSuite applies: not expired, `exp - iat` under 3600 s.
        public func verify(using algorithm: some JWTAlgorithm) async throws {
            try ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(exp))).verifyNotExpired()
            guard exp > iat, exp - iat < ClientAssertion.maximumLifetime else {
                throw JWTError.claimVerificationFailure(
                    failedClaim: ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(exp))),
                    reason: "exp - iat must be between 1 and 3599 seconds")
            }
        }
    }

    /// NetSuite refuses an assertion whose `exp - iat` is 3600 s or more.
    public static let maximumLifetime = 3600

    /// What the assertion contains.
    public let configuration: Configuration
    /// The algorithm it is signed with.
    public let algorithm: Algorithm
    private let keys: JWTKeyCollection

    /// Prepares assertions for one client, certificate and key.
    /// - Throws: ``NetSuiteAuthError``: `invalidCredential` for an empty client id or certificate id;
    ///   `keyTooSmall` for RSA under 3072 bits; `invalidAssertion` for an algorithm that does not fit the key,
    ///   a lifetime outside 1...3599 s, no scopes, or `mcp` combined with another scope.
    public init(configuration: Configuration, key: SigningKey) async throws {
        try TokenBasedAuth.validateCredential(configuration.clientID, field: "client id")
        try TokenBasedAuth.validateCredential(configuration.certificateID, field: "certificate id")
        if case .rsa(let bits) = key.keyType, bits < KeyType.minimumRSABits {
            throw NetSuiteAuthError(
                code: .keyTooSmall,
                message: "The RSA key has \(bits) bits; NetSuite refuses RSA keys under 3072 bits.",
                remedy: "Generate a 3072 or 4096-bit key (suitebridge cert generate) and upload its certificate.",
                field: "private key"
            )
        }
        guard (1..<Self.maximumLifetime).contains(configuration.lifetime) else {
            throw Self.invalid("A lifetime of \(configuration.lifetime) s is not allowed: NetSuite needs exp - iat under 3600 s.",
                               remedy: "Use a lifetime between 1 and 3599 seconds (1800 is the default).", field: "lifetime")
        }
        guard !configuration.scopes.isEmpty else {
            throw Self.invalid("No scope was given.", remedy: "Give restlets, rest_webservices or both.", field: "scope")
        }
        if configuration.scopes.contains(.mcp) && configuration.scopes.count > 1 {
            throw Self.invalid("The mcp scope cannot be combined with other scopes.",
                               remedy: "Ask for mcp alone, or leave it out.", field: "scope")
        }
        let algorithm = configuration.algorithm ?? Algorithm.default(for: key.keyType)
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: configuration.certificateID)
        switch (key.backing, algorithm) {
        case (.rsa(let rsa), .ps256), (.rsa(let rsa), .ps384), (.rsa(let rsa), .ps512):
            let digest: DigestAlgorithm = algorithm == .ps256 ? .sha256 : algorithm == .ps384 ? .sha384 : .sha512
            await keys.add(pss: try Insecure.RSA.PrivateKey(backing: rsa), digestAlgorithm: digest, kid: kid)
        case (.p256(let ec), .es256):
            await keys.add(ecdsa: try ES256PrivateKey(backing: ec), kid: kid)
        case (.p384(let ec), .es384):
            await keys.add(ecdsa: try ES384PrivateKey(backing: ec), kid: kid)
        case (.p521(let ec), .es512):
            await keys.add(ecdsa: try ES512PrivateKey(backing: ec), kid: kid)
        default:
            throw Self.invalid(
                "\(algorithm.rawValue) does not fit a \(key.keyType) key.",
                remedy: "Use \(Algorithm.default(for: key.keyType).rawValue) for this key\(key.keyType.family == "rsa" ? " (or PS384, PS512)" : "").",
                field: "alg")
        }
        self.configuration = configuration
        self.algorithm = algorithm
        self.keys = keys
    }

    /// The claims of an assertion issued at `issuedAt` (rounded down to a whole second).
    public func claims(issuedAt: Date = Date()) -> Claims {
        let iat = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        return Claims(
            iss: configuration.clientID,
            scope: configuration.scopes.map(\.rawValue),
            aud: configuration.audience ?? configuration.account.tokenURL,
            iat: iat,
            exp: iat + configuration.lifetime
        )
    }

    /// Signs an assertion issued at `issuedAt`.
    /// - Throws: a jwt-kit signing error (rare: the key was checked at init).
    public func make(issuedAt: Date = Date()) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = algorithm.rawValue
        return try await keys.sign(
            claims(issuedAt: issuedAt),
            kid: JWKIdentifier(string: configuration.certificateID),
            header: header
        )
    }

    private static func invalid(_ message: String, remedy: String, field: String) -> NetSuiteAuthError {
        NetSuiteAuthError(code: .invalidAssertion, message: message, remedy: remedy, field: field)
    }
}
