import Foundation
import HTTPTypes
import NetSuiteAuth
import SuiteBridgeCore

/// `POST /api/v1/instances`: the seed guides' fields for the chosen auth method.
struct CreateInstanceBody: Codable, Sendable {
    var name: String
    var auth: String
    var accountId: String
    var consumerKey: String?
    var consumerSecret: String?
    var tokenId: String?
    var tokenSecret: String?
    var clientId: String?
    var privateKeyPem: String?
    var certificateId: String?
    var certificatePem: String?
    var roleId: String?
    var entityId: String?
    var baseUrl: String?
    var concurrencyLimit: Int?

    func draft() throws -> InstanceDraft {
        let method = try AuthMethod(parsing: auth)
        let credentials: InstanceDraft.Credentials = switch method {
        case .tokenBased:
            .tokenBased(consumerKey: consumerKey ?? "", consumerSecret: consumerSecret ?? "", tokenID: tokenId ?? "", tokenSecret: tokenSecret ?? "")
        case .clientCredentials:
            .clientCredentials(clientID: clientId ?? consumerKey ?? "", privateKeyPEM: privateKeyPem ?? "", certificateID: certificateId ?? "",
                               certificatePEM: certificatePem)
        }
        return InstanceDraft(name: name, accountID: accountId, credentials: credentials, roleID: roleId, entityID: entityId, baseURL: baseUrl,
                             concurrencyLimit: concurrencyLimit ?? 5)
    }
}

/// `PATCH /api/v1/instances/{name}`.
struct EditInstanceBody: Codable, Sendable {
    var accountId: String?
    var consumerKey: String?
    var clientId: String?
    var consumerSecret: String?
    var tokenId: String?
    var tokenSecret: String?
    var roleId: String?
    var entityId: String?
    var baseUrl: String?
    var concurrencyLimit: Int?
    var name: String?
    /// Days before expiry for unattended rotation; 0 turns it off.
    var rotationDaysBefore: Int?

    var changes: Instances.Changes {
        .init(accountID: accountId, consumerKey: consumerKey ?? clientId, consumerSecret: consumerSecret, tokenID: tokenId, tokenSecret: tokenSecret,
              roleID: roleId, entityID: entityId, baseURL: baseUrl, concurrencyLimit: concurrencyLimit, newName: name)
    }
}

struct TestResultRepresentation: Codable, Sendable {
    struct Step: Codable, Sendable {
        var name: String
        var passed: Bool
        var detail: String
    }

    var instance: String
    var passed: Bool
    var steps: [Step]
    var error: String?
    var remedy: String?

    init(_ result: InstanceTestResult) {
        instance = result.instance
        passed = result.passed
        steps = result.steps.map { Step(name: $0.name, passed: $0.passed, detail: $0.detail) }
        error = result.failure?.message
        remedy = result.failure?.remedy
    }
}

struct RotateBody: Codable, Sendable {
    var keyType: String?
    var days: Int?
    var automatic: Bool?

    func parsedKeyType() throws -> KeyType? {
        guard let keyType else { return nil }
        do {
            return try KeyType(identifier: keyType)
        } catch {
            throw APIError(status: .badRequest, code: "invalid_input", message: "\(keyType) is not a key type NetSuite accepts.", field: "keyType",
                           remedy: "Use \(KeyType.acceptedIdentifiers).")
        }
    }
}

struct CertificateIDBody: Codable, Sendable {
    var certificateId: String
}

struct RevokeBody: Codable, Sendable {
    var force: Bool?
}

struct TokenBody: Codable, Sendable {
    var name: String
}
