import Foundation
import NetSuiteAuth

/// What a user gives to add a connector instance: the fields of the seed guides for the chosen auth method.
public struct InstanceDraft: Sendable {
    /// The credentials of one auth method.
    public enum Credentials: Sendable {
        case tokenBased(consumerKey: String, consumerSecret: String, tokenID: String, tokenSecret: String)
        /// `certificatePEM` is optional; when given, the key must match it and its expiry is tracked.
        case clientCredentials(clientID: String, privateKeyPEM: String, certificateID: String, certificatePEM: String?)
    }

    public var name: String
    /// The account id in any form a user pastes (`1234567`, `1234567-SB1`, `1234567_sb1`, a NetSuite URL).
    public var accountID: String
    public var credentials: Credentials
    public var roleID: String?
    public var entityID: String?
    public var baseURL: String?
    public var concurrencyLimit: Int

    public init(name: String, accountID: String, credentials: Credentials, roleID: String? = nil, entityID: String? = nil,
                baseURL: String? = nil, concurrencyLimit: Int = 5) {
        self.name = name
        self.accountID = accountID
        self.credentials = credentials
        self.roleID = roleID
        self.entityID = entityID
        self.baseURL = baseURL
        self.concurrencyLimit = concurrencyLimit
    }

    public var authMethod: AuthMethod {
        switch credentials {
        case .tokenBased: .tokenBased
        case .clientCredentials: .clientCredentials
        }
    }
}

/// Checks of user input, each naming the field and the fix.
enum InstanceValidation {
    static func name(_ name: String) throws -> String {
        // openapi.yaml states the same rule as the pattern of `Name`: ^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        guard !name.isEmpty, name.unicodeScalars.count <= 64, name.unicodeScalars.allSatisfy(allowed.contains), name.first != "-" else {
            throw SuiteBridgeError(.invalidInput, "\"\(name)\" is not a usable instance name.",
                                   remedy: "Use 1 to 64 letters, digits, '-', '_' or '.', not starting with '-' (e.g. acme-sandbox).", field: "name")
        }
        return name
    }

    static func accountID(_ text: String) throws -> AccountID {
        do {
            return try AccountID(parsing: text)
        } catch let error as NetSuiteAuthError {
            var converted = SuiteBridgeError(error)
            converted.field = "account id"
            throw converted
        }
    }

    /// A consumer key, token id, client id or certificate id: required, one line, no spaces.
    static func identifier(_ value: String, field: String, whereToFind: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "The \(field) is empty.", remedy: "Copy it from \(whereToFind).", field: field)
        }
        guard !trimmed.contains(where: \.isWhitespace) else {
            throw SuiteBridgeError(.invalidInput, "The \(field) contains spaces or line breaks.",
                                   remedy: "Copy it again from \(whereToFind), as one word.", field: field)
        }
        return trimmed
    }

    static func secret(_ value: String, field: String, whereToFind: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "The \(field) is empty.", remedy: "Copy it from \(whereToFind); NetSuite shows it only once, so reset it there if it is lost.", field: field)
        }
        guard !trimmed.contains(where: \.isWhitespace) else {
            throw SuiteBridgeError(.invalidInput, "The \(field) contains spaces or line breaks.", remedy: "Copy it again from \(whereToFind), as one word.", field: field)
        }
        return trimmed
    }

    static func optionalID(_ value: String?, field: String) throws -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard Int(value) != nil else {
            throw SuiteBridgeError(.invalidInput, "The \(field) \"\(value)\" is not an internal id.",
                                   remedy: "Give the number NetSuite shows as the record's internal id (e.g. 3).", field: field)
        }
        return value
    }

    /// A base URL: NetSuite's own (`https://….netsuite.com`), or a host the operator allows (a simulator, a proxy).
    static func baseURL(_ value: String?, policy: DestinationPolicy) throws -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host?.lowercased(), !host.isEmpty
        else {
            throw SuiteBridgeError(.invalidInput, "\"\(value)\" is not an http(s) URL.", remedy: "Give the origin, e.g. http://127.0.0.1:9090.", field: "base url")
        }
        let isNetSuite = scheme == "https" && host.hasSuffix(".netsuite.com")
        guard isNetSuite || policy.isAllowlisted(host: host, port: url.port ?? (scheme == "https" ? 443 : 80)) else {
            throw SuiteBridgeError(.invalidInput, "\(value) is not NetSuite's, and the operator has not allowed \(host) as a destination.",
                                   remedy: "Leave the base URL empty for NetSuite itself; for a simulator or proxy, the operator allows its host (serve --allow-destination \(host), or SUITEBRIDGE_ALLOW_DESTINATIONS).",
                                   field: "base url")
        }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    static func concurrencyLimit(_ value: Int) throws -> Int {
        guard (1...1000).contains(value) else {
            throw SuiteBridgeError(.invalidInput, "The concurrency limit \(value) is out of range.",
                                   remedy: "Use the account's limit from Setup > Integration > Integration Governance (5 on the lowest service tier).",
                                   field: "concurrency limit")
        }
        return value
    }

    static let consumerKeySource = "the integration record (Setup > Integration > Manage Integrations), shown once when it is saved"
    static let tokenSource = "the access token page (Setup > Users/Roles > Access Tokens > New), shown once when it is saved"
    static let certificateIDSource = "Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup, the Certificate ID column"
}
