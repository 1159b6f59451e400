import Foundation
import SQLKit

/// Every secret the store keeps sealed, wherever it is kept: instances' consumer and token secrets, certificates'
/// private keys, and flows' own secrets (a mirror's database password, a webhook's signing secret).
///
/// A new kind of sealed secret is added here, so that key rotation and backup verification both reach it.
enum SealedSecrets {
    /// Calls `body` with each sealed value and its binding; where `body` returns a value, it replaces the stored one.
    /// - Returns: how many secrets were visited.
    /// - Throws: what `body` throws (the caller's transaction then leaves everything as it was).
    @discardableResult
    static func visit(in database: any SQLDatabase, _ body: (_ sealed: String, _ binding: SecretBinding) throws -> String?) async throws -> Int {
        var count = 0
        for row in try await InstanceRows.allInstances(in: database) {
            var updated = row
            let id = row.instance.id
            var changed = false
            if let sealed = row.sealedConsumerSecret {
                if let replacement = try body(sealed, SecretBinding(instanceID: id, field: .consumerSecret)) {
                    updated.sealedConsumerSecret = replacement
                    changed = true
                }
                count += 1
            }
            if let sealed = row.sealedTokenSecret {
                if let replacement = try body(sealed, SecretBinding(instanceID: id, field: .tokenSecret)) {
                    updated.sealedTokenSecret = replacement
                    changed = true
                }
                count += 1
            }
            if changed { try await InstanceRows.updateSealedSecrets(updated, in: database) }
        }
        for row in try await CertificateRows.all(in: database) {
            let binding = SecretBinding(instanceID: row.certificate.instanceID, certificateID: row.certificate.id, field: .privateKey)
            if let replacement = try body(row.sealedPrivateKey, binding) {
                try await CertificateRows.updateSealedKey(certificateRowID: row.certificate.id, sealed: replacement, in: database)
            }
            count += 1
        }
        for row in try await database.raw("SELECT id, secret, definition FROM flows WHERE secret IS NOT NULL").fetchAll() {
            let id = try row.decode(column: "id", as: String.self)
            let definition = try JSONDecoder().decode(FlowDefinition.self, from: Data(try row.decode(column: "definition", as: String.self).utf8))
            if let replacement = try body(try row.decode(column: "secret", as: String.self), SecretBinding.flowSecret(flowID: id, kind: definition.kind)) {
                try await database.raw("UPDATE flows SET secret = \(bind: replacement) WHERE id = \(bind: id)").run()
            }
            count += 1
        }
        return count
    }
}
