import Crypto
import Foundation

/// OAuth 1.0a token-based authentication (TBA) for one NetSuite account: signs requests with HMAC-SHA256.
///
/// Each request gets a fresh timestamp, nonce and signature over its method, URL, query and form parameters
/// (RFC 5849). The realm is the account id in NetSuite's form (`1234567_SB1`) and is not signed.
///
/// ```swift
/// let tba = try TokenBasedAuth(account: try AccountID(parsing: "1234567-SB1"), credentials: credentials)
/// let header = try tba.sign(method: "GET", url: "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/1")
/// request.headers["Authorization"] = header.authorization.description
/// ```
public struct TokenBasedAuth: Sendable {
    /// The four values of an integration record and an access token. Secrets never appear in `description`.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        /// The integration record's consumer key.
        public var consumerKey: String
        /// The integration record's consumer secret.
        public var consumerSecret: String
        /// The access token's id ("Token" in the seed guides).
        public var tokenID: String
        /// The access token's secret.
        public var tokenSecret: String

        public init(consumerKey: String, consumerSecret: String, tokenID: String, tokenSecret: String) {
            self.consumerKey = consumerKey
            self.consumerSecret = consumerSecret
            self.tokenID = tokenID
            self.tokenSecret = tokenSecret
        }

        public var description: String {
            "Credentials(consumerKey: \(consumerKey), consumerSecret: <set>, tokenID: \(tokenID), tokenSecret: <set>)"
        }
    }

    /// The signature methods NetSuite accepts: only HMAC-SHA256 since 2023.1.
    public enum SignatureMethod: String, Sendable, Hashable {
        case hmacSHA256 = "HMAC-SHA256"

        /// Reads a signature method by name (`HMAC-SHA256`, `sha256`).
        /// - Throws: ``NetSuiteAuthError`` `unsupportedSignatureMethod` for HMAC-SHA1 (NetSuite ended it in 2023.1)
        ///   or any other name.
        public init(parsing name: String) throws {
            switch name.uppercased().replacingOccurrences(of: "_", with: "-") {
            case "HMAC-SHA256", "SHA256", "SHA-256":
                self = .hmacSHA256
            case "HMAC-SHA1", "SHA1", "SHA-1":
                throw NetSuiteAuthError(
                    code: .unsupportedSignatureMethod,
                    message: "HMAC-SHA1 is no longer accepted: NetSuite ended it in 2023.1.",
                    remedy: "Use HMAC-SHA256.",
                    field: "signature method"
                )
            default:
                throw NetSuiteAuthError(
                    code: .unsupportedSignatureMethod,
                    message: "\"\(name)\" is not a signature method NetSuite accepts.",
                    remedy: "Use HMAC-SHA256.",
                    field: "signature method"
                )
            }
        }
    }

    /// A signed request's `Authorization` header, with the base string it signs (for diagnosis; it has no secret).
    public struct SignedRequest: Sendable, Hashable {
        /// The header to send as `Authorization`, as parameters.
        public var authorization: AuthorizationHeader
        /// What was signed.
        public var baseString: SignatureBaseString
        /// The base64 HMAC-SHA256 signature (not percent-encoded).
        public var signature: String
        /// The `Authorization` header's value as sent: the text of ``authorization``, written once while signing.
        public var headerValue: String
    }

    /// The account the requests go to; its realm goes in every header.
    public let account: AccountID
    /// The credentials that sign.
    public let credentials: Credentials
    /// Always HMAC-SHA256.
    public let signatureMethod: SignatureMethod
    /// HMAC-SHA256 keyed with `encode(consumerSecret)&encode(tokenSecret)`, made once and copied per request.
    private let keyedMAC: HMAC<SHA256>
    /// What every request of this signer shares, encoded once.
    private let fixed: FixedParameters

    /// Creates a signer for one account.
    /// - Throws: ``NetSuiteAuthError`` `invalidCredential` naming the field when a credential is empty or has
    ///   surrounding whitespace (a common paste mistake).
    public init(account: AccountID, credentials: Credentials, signatureMethod: SignatureMethod = .hmacSHA256) throws {
        for (field, value) in [
            ("consumer key", credentials.consumerKey), ("consumer secret", credentials.consumerSecret),
            ("token id", credentials.tokenID), ("token secret", credentials.tokenSecret),
        ] {
            try Self.validateCredential(value, field: field)
        }
        self.account = account
        self.credentials = credentials
        self.signatureMethod = signatureMethod
        self.keyedMAC = HMAC<SHA256>(key: Self.signingKey(consumerSecret: credentials.consumerSecret, tokenSecret: credentials.tokenSecret))
        self.fixed = FixedParameters(realm: account.realm, credentials: credentials, signatureMethod: signatureMethod)
    }

    /// The `oauth_*` parameters that do not change between requests, and the header text they start.
    private struct FixedParameters: Sendable {
        var consumerKey: EncodedParameter
        var token: EncodedParameter
        var signatureMethod: EncodedParameter
        var version: EncodedParameter
        /// `OAuth realm="…", oauth_consumer_key="…", oauth_token="…", oauth_signature_method="…", oauth_timestamp="`
        var headerStart: [UInt8]
        static let timestampName = Array("oauth_timestamp".utf8)
        static let nonceName = Array("oauth_nonce".utf8)

        init(realm: String, credentials: Credentials, signatureMethod: SignatureMethod) {
            func parameter(_ name: String, _ value: String) -> EncodedParameter {
                EncodedParameter(name: Array(name.utf8), value: PercentEncoding.encodedBytes(value))
            }
            consumerKey = parameter("oauth_consumer_key", credentials.consumerKey)
            token = parameter("oauth_token", credentials.tokenID)
            self.signatureMethod = parameter("oauth_signature_method", signatureMethod.rawValue)
            version = parameter("oauth_version", "1.0")
            var start = Array("OAuth realm=\"\(realm)\"".utf8)
            for fixed in [consumerKey, token, self.signatureMethod] {
                start += Array(", ".utf8) + fixed.name + Array("=\"".utf8) + fixed.value + Array("\"".utf8)
            }
            start += Array(", oauth_timestamp=\"".utf8)
            headerStart = start
        }
    }

    /// Signs one request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - url: the exact URL that will be sent, with its query.
    ///   - formBody: the body, only when it is `application/x-www-form-urlencoded`; a JSON body is not signed.
    ///   - timestamp: Unix seconds; now by default.
    ///   - nonce: 6 to 64 letters and digits; a random 32-character one by default.
    /// - Throws: ``NetSuiteAuthError`` `invalidRequest` for a URL that is not absolute http(s), or a nonce
    ///   NetSuite would refuse.
    public func sign(
        method: String,
        url: String,
        formBody: String? = nil,
        timestamp: Int? = nil,
        nonce: String? = nil
    ) throws -> SignedRequest {
        let nonce = nonce ?? Nonce.random()
        guard Nonce.isValid(nonce) else {
            throw NetSuiteAuthError(
                code: .invalidRequest,
                message: "The nonce \"\(nonce)\" is not 6 to 64 letters and digits.",
                remedy: "Leave the nonce out to get a random one, or give 6 to 64 letters and digits.",
                field: "nonce"
            )
        }
        let timestamp = String(timestamp ?? Int(Date().timeIntervalSince1970))
        // nonce is letters and digits, timestamp digits: both are their own encoding.
        let timestampParameter = EncodedParameter(name: FixedParameters.timestampName, value: Array(timestamp.utf8))
        let nonceParameter = EncodedParameter(name: FixedParameters.nonceName, value: Array(nonce.utf8))
        let baseBytes = try SignatureBaseString.bytes(
            method: method, url: url,
            encodedParameters: [fixed.consumerKey, fixed.token, fixed.signatureMethod, timestampParameter, nonceParameter, fixed.version],
            formBody: formBody)
        var mac = keyedMAC
        baseBytes.withUnsafeBytes { mac.update(data: $0) }
        let signature = Data(mac.finalize()).base64EncodedString()

        // The header as sent, in NetSuite's documented order: realm, consumer key, token, signature method,
        // timestamp, nonce, version, signature.
        var header = fixed.headerStart
        header.reserveCapacity(header.count + 160)
        header += timestampParameter.value
        header.append(contentsOf: "\", oauth_nonce=\"".utf8)
        header += nonceParameter.value
        header.append(contentsOf: "\", oauth_version=\"1.0\", oauth_signature=\"".utf8)
        PercentEncoding.append(signature.utf8, to: &header)
        header.append(UInt8(ascii: "\""))

        let authorization = AuthorizationHeader(realm: account.realm, parameters: [
            .init(name: "oauth_consumer_key", value: credentials.consumerKey),
            .init(name: "oauth_token", value: credentials.tokenID),
            .init(name: "oauth_signature_method", value: signatureMethod.rawValue),
            .init(name: "oauth_timestamp", value: timestamp),
            .init(name: "oauth_nonce", value: nonce),
            .init(name: "oauth_version", value: "1.0"),
            .init(name: "oauth_signature", value: signature),
        ])
        return SignedRequest(
            authorization: authorization, baseString: SignatureBaseString(bytes: baseBytes), signature: signature,
            headerValue: String(decoding: header, as: UTF8.self))
    }

    /// The base64 HMAC-SHA256 of `baseString` under the key `encode(consumerSecret)&encode(tokenSecret)`.
    public static func signature(of baseString: SignatureBaseString, consumerSecret: String, tokenSecret: String) -> String {
        var mac = HMAC<SHA256>(key: signingKey(consumerSecret: consumerSecret, tokenSecret: tokenSecret))
        mac.update(data: Array(baseString.value.utf8))
        return Data(mac.finalize()).base64EncodedString()
    }

    private static func signingKey(consumerSecret: String, tokenSecret: String) -> SymmetricKey {
        SymmetricKey(data: Array((PercentEncoding.encode(consumerSecret) + "&" + PercentEncoding.encode(tokenSecret)).utf8))
    }

    static func validateCredential(_ value: String, field: String) throws {
        guard !value.isEmpty else {
            throw NetSuiteAuthError(
                code: .invalidCredential,
                message: "The \(field) is empty.",
                remedy: "Enter the \(field) NetSuite showed when it was created (Setup > Integration).",
                field: field
            )
        }
        guard value.trimmingCharacters(in: .whitespacesAndNewlines) == value else {
            throw NetSuiteAuthError(
                code: .invalidCredential,
                message: "The \(field) starts or ends with whitespace.",
                remedy: "Paste the \(field) again without the surrounding spaces or line breaks.",
                field: field
            )
        }
    }
}
