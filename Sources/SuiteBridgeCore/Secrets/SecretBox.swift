import Crypto
import Foundation
import SQLKit

/// Which secret a sealed value is, and whose: sealed into the ciphertext as authenticated data, so a value copied
/// to another instance, certificate or field does not open.
public struct SecretBinding: Sendable, Hashable, CustomStringConvertible {
    /// The secret fields SuiteBridge stores.
    public enum Field: String, Sendable, Hashable {
        case consumerSecret = "consumer secret"
        case tokenSecret = "token secret"
        case privateKey = "private key"
    }

    /// The instance's id.
    public var instanceID: String
    /// The certificate row's id, for a private key.
    public var certificateID: String?
    public var field: Field

    public init(instanceID: String, certificateID: String? = nil, field: Field) {
        self.instanceID = instanceID
        self.certificateID = certificateID
        self.field = field
    }

    var authenticatedData: Data {
        Data("suitebridge/v1/instance/\(instanceID)/certificate/\(certificateID ?? "-")/\(field.rawValue)".utf8)
    }

    public var description: String {
        "\(field.rawValue) of instance \(instanceID)" + (certificateID.map { ", certificate \($0)" } ?? "")
    }
}

/// Seals and opens secrets with AES-256-GCM under the ``MasterKey``.
///
/// A sealed value is text: `v1:` and the base64 of nonce, ciphertext and tag.
public struct SecretBox: Sendable {
    public let masterKey: MasterKey

    public init(masterKey: MasterKey) {
        self.masterKey = masterKey
    }

    /// Seals `secret` for `binding`.
    /// Checks, inside the transaction that will store sealed values, that the store is still sealed with this box's
    /// key: after `keys rotate` by another process, a server still holding the old key refuses to write secrets no
    /// one could open, and says to restart it with the new key.
    /// - Throws: ``SuiteBridgeError`` `.masterKey`.
    func checkStillSealing(in database: any SQLDatabase) async throws {
        guard let stored = try await database.raw("SELECT value FROM suitebridge_meta WHERE name = \(bind: Workspace.keyIDName)").first()?
            .decode(column: "value", as: String.self), stored != masterKey.id
        else { return }
        throw SuiteBridgeError(.masterKey, "The store's master key was rotated (now \(stored)); this process still holds \(masterKey.id), so it stores no secrets.",
                               remedy: "Restart it with the new key (master.key, or SUITEBRIDGE_MASTER_KEY).", field: "master key")
    }

    public func seal(_ secret: String, for binding: SecretBinding) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: masterKey.key, authenticating: binding.authenticatedData)
        guard let combined = box.combined else {
            throw SuiteBridgeError(.sealedSecret, "AES-GCM did not produce a sealed value.", remedy: "This is a bug; report it.")
        }
        return "v1:" + combined.base64EncodedString()
    }

    /// Opens a value sealed for `binding`.
    /// - Throws: ``SuiteBridgeError`` `.sealedSecret` when the value was changed, belongs to another row or field,
    ///   or was sealed under another master key. The message names the secret, never its value.
    public func open(_ sealed: String, for binding: SecretBinding) throws -> String {
        guard sealed.hasPrefix("v1:"), let combined = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw SuiteBridgeError(.sealedSecret, "The stored \(binding) is not a sealed value.",
                                   remedy: "Set the secret again (`suitebridge instance edit`).", field: binding.field.rawValue)
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: masterKey.key, authenticating: binding.authenticatedData)
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw SuiteBridgeError(.sealedSecret, "The stored \(binding) does not open: it was altered, moved from another row, or sealed under another master key.",
                                   remedy: "Use the master key this store was sealed with, or set the secret again (`suitebridge instance edit`).",
                                   field: binding.field.rawValue)
        }
    }

    /// A short public fingerprint of a secret (`sha256:` and 12 hex digits), to tell secrets apart without showing them.
    public static func fingerprint(_ secret: String) -> String {
        "sha256:" + SHA256.hash(data: Data(secret.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
