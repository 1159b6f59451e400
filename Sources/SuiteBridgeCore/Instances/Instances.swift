import Foundation
import NetSuiteAuth
import SQLKit

/// The connector instances: add, edit, list and remove them. The only writer of the `instances` table (through
/// ``InstanceRows``).
///
/// Every change is one transaction together with its audit entry. Secrets are sealed before they reach the store
/// and are never returned: ``fingerprints(of:)`` tells them apart without showing them.
public struct Instances: Sendable {
    let context: CoreContext
    var store: Store { context.store }
    var secrets: SecretBox { context.secrets }

    init(context: CoreContext) {
        self.context = context
    }

    // MARK: Reading

    /// Every instance, by name.
    public func list() async throws -> [Instance] {
        try await store.read { try await InstanceRows.allInstances(in: $0).map(\.instance) }
    }

    /// The instance called `name`.
    /// - Throws: ``SuiteBridgeError`` `.notFound`.
    public func instance(named name: String) async throws -> Instance {
        try await store.read { try await InstanceRows.instance(named: name, in: $0).instance }
    }

    /// Whether each secret is set, and its fingerprint. Opens the secrets (so it also proves the master key).
    public func fingerprints(of name: String) async throws -> SecretFingerprints {
        let row = try await store.read { try await InstanceRows.instance(named: name, in: $0) }
        let id = row.instance.id
        return SecretFingerprints(
            consumerSecret: try row.sealedConsumerSecret.map { SecretBox.fingerprint(try secrets.open($0, for: .init(instanceID: id, field: .consumerSecret))) },
            tokenSecret: try row.sealedTokenSecret.map { SecretBox.fingerprint(try secrets.open($0, for: .init(instanceID: id, field: .tokenSecret))) })
    }

    // MARK: Adding

    /// Adds an instance after checking every field.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming the field and the fix; `.conflict` for a taken name.
    @discardableResult
    public func add(_ draft: InstanceDraft) async throws -> Instance {
        try await secrets.sealing { try await add(draft, sealingWith: $0) }
    }

    private func add(_ draft: InstanceDraft, sealingWith secrets: SecretBox) async throws -> Instance {
        let name = try InstanceValidation.name(draft.name)
        let account = try InstanceValidation.accountID(draft.accountID)
        let created = context.now()
        let id = UUID().uuidString.lowercased()
        var instance = Instance(
            id: id, name: name, authMethod: draft.authMethod, accountID: account, consumerKey: "", tokenID: nil,
            roleID: try InstanceValidation.optionalID(draft.roleID, field: "role id"),
            entityID: try InstanceValidation.optionalID(draft.entityID, field: "entity id"),
            baseURL: try InstanceValidation.baseURL(draft.baseURL, policy: context.destinations),
            concurrencyLimit: try InstanceValidation.concurrencyLimit(draft.concurrencyLimit),
            health: .untested, lastTestedAt: nil, lastError: nil, createdAt: created, updatedAt: created)
        var row = InstanceRows.Row(instance: instance, sealedConsumerSecret: nil, sealedTokenSecret: nil)
        var certificate: CertificateRows.Row?
        switch draft.credentials {
        case .tokenBased(let consumerKey, let consumerSecret, let tokenID, let tokenSecret):
            instance.consumerKey = try InstanceValidation.identifier(consumerKey, field: "consumer key", whereToFind: InstanceValidation.consumerKeySource)
            instance.tokenID = try InstanceValidation.identifier(tokenID, field: "token id", whereToFind: InstanceValidation.tokenSource)
            let consumerSecret = try InstanceValidation.secret(consumerSecret, field: "consumer secret", whereToFind: InstanceValidation.consumerKeySource)
            let tokenSecret = try InstanceValidation.secret(tokenSecret, field: "token secret", whereToFind: InstanceValidation.tokenSource)
            row.sealedConsumerSecret = try secrets.seal(consumerSecret, for: .init(instanceID: id, field: .consumerSecret))
            row.sealedTokenSecret = try secrets.seal(tokenSecret, for: .init(instanceID: id, field: .tokenSecret))
        case .clientCredentials(let clientID, let privateKeyPEM, let certificateID, let certificatePEM):
            instance.consumerKey = try InstanceValidation.identifier(clientID, field: "client id", whereToFind: InstanceValidation.consumerKeySource)
            let certificateID = try InstanceValidation.identifier(certificateID, field: "certificate id", whereToFind: InstanceValidation.certificateIDSource)
            let material = try CertificateMaterial.validate(privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM)
            certificate = try CertificateRows.make(
                sealingWith: secrets, instanceID: id, material: material, certificateID: certificateID, state: .active, at: created)
        }
        row.instance = instance
        let finalRow = row
        let certificateRow = certificate
        let actor = context.actor
        try await store.transaction { database in
            try await secrets.checkStillSealing(in: database)
            if try await InstanceRows.isNameTaken(name, in: database) {
                throw SuiteBridgeError(.conflict, "An instance named \"\(name)\" already exists.",
                                       remedy: "Choose another name, or change that one with `suitebridge instance edit \(name)`.", field: "name")
            }
            try await InstanceRows.insert(finalRow, into: database)
            if let certificateRow { try await CertificateRows.insert(certificateRow, into: database) }
            try await AuditLog.append(database, actor: actor, instance: name, action: .instanceAdd,
                                      detail: "\(draft.authMethod.rawValue) account \(account.realm)", at: created)
        }
        return instance
    }

    // MARK: Editing

    /// Applies `changes`: the Calxa guide's "update account and client id", or a new set of credentials after an
    /// admin reset them in NetSuite. The health goes back to untested.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for a bad value or a field the auth method does not have.
    @discardableResult
    public func edit(_ name: String, _ changes: Changes) async throws -> Instance {
        try await secrets.sealing { try await edit(name, changes, sealingWith: $0) }
    }

    private func edit(_ name: String, _ changes: Changes, sealingWith secrets: SecretBox) async throws -> Instance {
        guard !changes.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "Nothing to change.", remedy: "Give at least one field to change (see `suitebridge instance edit --help`).")
        }
        let actor = context.actor
        let date = context.now()
        let updated: Instance = try await store.transaction { database in
            if changes.consumerSecret != nil || changes.tokenSecret != nil { try await secrets.checkStillSealing(in: database) }
            var row = try await InstanceRows.instance(named: name, in: database)
            var changed: [String] = []
            let id = row.instance.id
            let before = row.instance
            if let text = changes.accountID {
                row.instance.accountID = try InstanceValidation.accountID(text)
                if row.instance.accountID != before.accountID { changed.append("account id \(before.accountID.realm) -> \(row.instance.accountID.realm)") }
            }
            if let key = changes.consumerKey {
                let field = row.instance.authMethod == .tokenBased ? "consumer key" : "client id"
                row.instance.consumerKey = try InstanceValidation.identifier(key, field: field, whereToFind: InstanceValidation.consumerKeySource)
                changed.append(field)
            }
            if changes.consumerSecret != nil || changes.tokenID != nil || changes.tokenSecret != nil {
                guard row.instance.authMethod == .tokenBased else {
                    throw SuiteBridgeError(.invalidInput, "\(name) uses OAuth 2 client credentials, which has no consumer secret or token.",
                                           remedy: "For OAuth 2, change the client id, or the certificate with `suitebridge cert`.", field: "auth")
                }
            }
            if let secret = changes.consumerSecret {
                let value = try InstanceValidation.secret(secret, field: "consumer secret", whereToFind: InstanceValidation.consumerKeySource)
                row.sealedConsumerSecret = try secrets.seal(value, for: .init(instanceID: id, field: .consumerSecret))
                changed.append("consumer secret")
            }
            if let tokenID = changes.tokenID {
                row.instance.tokenID = try InstanceValidation.identifier(tokenID, field: "token id", whereToFind: InstanceValidation.tokenSource)
                changed.append("token id")
            }
            if let secret = changes.tokenSecret {
                let value = try InstanceValidation.secret(secret, field: "token secret", whereToFind: InstanceValidation.tokenSource)
                row.sealedTokenSecret = try secrets.seal(value, for: .init(instanceID: id, field: .tokenSecret))
                changed.append("token secret")
            }
            if let role = changes.roleID {
                row.instance.roleID = try InstanceValidation.optionalID(role, field: "role id")
                changed.append("role id")
            }
            if let entity = changes.entityID {
                row.instance.entityID = try InstanceValidation.optionalID(entity, field: "entity id")
                changed.append("entity id")
            }
            if let base = changes.baseURL {
                row.instance.baseURL = try InstanceValidation.baseURL(base, policy: context.destinations)
                if row.instance.baseURL != before.baseURL {
                    changed.append("base url \(before.baseURL ?? "NetSuite") -> \(row.instance.baseURL ?? "NetSuite")")
                }
            }
            // Where the credentials go changed: an OAuth 1 instance must be given its secrets again, so whoever
            // redirects them must know them already. (OAuth 2 assertions are bound to the URL they are sent to.)
            let destinationChanged = row.instance.accountID != before.accountID || row.instance.baseURL != before.baseURL
            if destinationChanged, row.instance.authMethod == .tokenBased, changes.consumerSecret == nil || changes.tokenSecret == nil {
                throw SuiteBridgeError(.invalidInput, "Changing \(name)'s account id or base URL needs its consumer secret and token secret again.",
                                       remedy: "Give both secrets with the change (`--consumer-secret-env`, `--token-secret-env`, or consumerSecret and tokenSecret in the API).",
                                       field: "consumer secret")
            }
            if let limit = changes.concurrencyLimit {
                row.instance.concurrencyLimit = try InstanceValidation.concurrencyLimit(limit)
                changed.append("concurrency limit")
            }
            if let newName = changes.newName {
                let validated = try InstanceValidation.name(newName)
                if validated != name, try await InstanceRows.isNameTaken(validated, in: database) {
                    throw SuiteBridgeError(.conflict, "An instance named \"\(validated)\" already exists.", remedy: "Choose another name.", field: "name")
                }
                if validated != name { try await Flows.renameInstance(id: id, to: validated, in: database) }
                row.instance.name = validated
                changed.append("name \(name) -> \(validated)")
            }
            row.instance.health = .untested
            row.instance.lastError = nil
            row.instance.updatedAt = date
            try await InstanceRows.update(row, in: database)
            try await AuditLog.append(database, actor: actor, instance: row.instance.name, action: .instanceEdit,
                                      detail: changed.isEmpty ? "saved with no value changed" : "changed " + changed.joined(separator: ", "), at: date)
            return row.instance
        }
        await context.connectionCache.forget(name)
        await context.connectionCache.forget(updated.name)
        return updated
    }

    /// Removes an instance and its certificates. It does not revoke anything in NetSuite. While flows use the
    /// instance it is refused, so no flow can later run against another instance given the same name; with `force`
    /// those flows are deleted with it (audited).
    /// - Throws: ``SuiteBridgeError`` `.notFound`; `.conflict` naming the flows that use it.
    public func remove(_ name: String, force: Bool = false) async throws {
        let actor = context.actor
        let date = context.now()
        try await store.transaction { database in
            let row = try await InstanceRows.instance(named: name, in: database)
            let flows = try await Flows.flowNames(usingInstanceID: row.instance.id, in: database)
            if !flows.isEmpty {
                guard force else {
                    throw SuiteBridgeError(.conflict, "\(name) is used by the flows \(flows.joined(separator: ", ")).",
                                           remedy: "Delete those flows first, or remove with --force (the CLI), which deletes them and their runs too.",
                                           field: "instance")
                }
                try await Flows.deleteFlows(usingInstanceID: row.instance.id, in: database)
                try await AuditLog.append(database, actor: actor, instance: name, action: .flowDelete,
                                          detail: "\(flows.joined(separator: ", ")): removed with their instance", at: date)
            }
            try await CertificateRows.deleteAll(instanceID: row.instance.id, in: database)
            try await InstanceRows.delete(instanceID: row.instance.id, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: .instanceRemove, at: date)
        }
        await context.connectionCache.forget(name)
    }

    func setHealth(_ instance: Instance, _ health: InstanceHealth, error: String?) async throws {
        let date = context.now()
        try await store.read { database in
            try await InstanceRows.setHealth(instanceID: instance.id, health: health, error: error, at: date, in: database)
        }
    }
}
