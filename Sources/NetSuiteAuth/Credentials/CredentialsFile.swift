import Foundation

/// A credentials file: for each account, what a connection needs — the account id, optionally another base URL (a
/// simulator or proxy), OAuth 1 token-based credentials and OAuth 2 client credentials.
///
/// `suitebridge simulator --write-credentials` writes one, `instance import` and `--profile` read one, and a team
/// may keep one by hand (mode 0600: it holds secrets):
///
/// ```json
/// {"accounts": [{"accountId": "1234567_SB1", "baseURL": "http://127.0.0.1:9090",
///   "tba": {"consumerKey": "…", "consumerSecret": "…", "tokenId": "…", "tokenSecret": "…"},
///   "clientCredentials": {"clientId": "…", "certificateId": "…", "privateKeyPEM": "…", "certificatePEM": "…",
///                         "roleId": "3", "entityId": "-5"}}]}
/// ```
public struct CredentialsFile: Codable, Sendable, Hashable {
    /// One account's credentials.
    public struct Account: Codable, Sendable, Hashable {
        /// In any form ``AccountID`` reads.
        public var accountId: String
        /// Where REST, SuiteQL, RESTlets and the token endpoint are, instead of the account's NetSuite hosts.
        public var baseURL: String?
        public var tba: TokenBased?
        public var clientCredentials: ClientCredentials?

        public init(accountId: String, baseURL: String? = nil, tba: TokenBased? = nil, clientCredentials: ClientCredentials? = nil) {
            self.accountId = accountId
            self.baseURL = baseURL
            self.tba = tba
            self.clientCredentials = clientCredentials
        }
    }

    /// OAuth 1 token-based authentication: the integration record's consumer key and secret, and an access token.
    public struct TokenBased: Codable, Sendable, Hashable {
        public var consumerKey: String
        public var consumerSecret: String
        public var tokenId: String
        public var tokenSecret: String

        public init(consumerKey: String, consumerSecret: String, tokenId: String, tokenSecret: String) {
            self.consumerKey = consumerKey
            self.consumerSecret = consumerSecret
            self.tokenId = tokenId
            self.tokenSecret = tokenSecret
        }
    }

    /// OAuth 2 client credentials: the client id, the certificate id of the M2M mapping and its private key.
    public struct ClientCredentials: Codable, Sendable, Hashable {
        public var clientId: String
        public var certificateId: String
        public var privateKeyPEM: String
        /// The public certificate, when known.
        public var certificatePEM: String?
        /// The mapping's role and entity internal ids: what unattended certificate rotation uploads for.
        public var roleId: String?
        public var entityId: String?

        public init(clientId: String, certificateId: String, privateKeyPEM: String, certificatePEM: String? = nil,
                    roleId: String? = nil, entityId: String? = nil) {
            self.clientId = clientId
            self.certificateId = certificateId
            self.privateKeyPEM = privateKeyPEM
            self.certificatePEM = certificatePEM
            self.roleId = roleId
            self.entityId = entityId
        }
    }

    public var accounts: [Account]

    public init(accounts: [Account]) {
        self.accounts = accounts
    }

    /// Reads a credentials file.
    /// - Parameter source: the file's name, for the error.
    /// - Throws: ``NetSuiteAuthError`` `invalidCredential` naming `source` and what is wrong.
    public init(data: Data, source: String) throws {
        do {
            self = try JSONDecoder().decode(CredentialsFile.self, from: data)
        } catch {
            throw NetSuiteAuthError(
                code: .invalidCredential, message: "\(source) is not a credentials file: \(Self.describe(error)).",
                remedy: "Give a file of the shape `suitebridge simulator --write-credentials FILE` writes.", field: "credentials")
        }
    }

    /// The account `id` (any form of it), or the only account when `id` is `nil`.
    /// - Throws: ``NetSuiteAuthError`` `invalidAccountID` when it is not in the file, or when `id` is `nil` and
    ///   the file has several accounts; the message lists the file's accounts.
    public func account(_ id: String?, source: String) throws -> Account {
        let names = accounts.map(\.accountId).joined(separator: ", ")
        if let id {
            let wanted = try AccountID(parsing: id).realm
            guard let match = accounts.first(where: { (try? AccountID(parsing: $0.accountId).realm) == wanted }) else {
                throw NetSuiteAuthError(code: .invalidAccountID, message: "\(id) is not in \(source) (it has \(names)).",
                                        remedy: "Pick one of those.", field: "account")
            }
            return match
        }
        guard accounts.count == 1, let only = accounts.first else {
            throw NetSuiteAuthError(code: .invalidAccountID, message: "\(source) has \(accounts.count) accounts.",
                                    remedy: "Name one of \(names).", field: "account")
        }
        return only
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is malformed"
        default:
            "\(error)"
        }
    }
}
