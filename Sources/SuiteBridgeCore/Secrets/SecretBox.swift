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
        /// A mirror flow's database password; the binding's ``SecretBinding/instanceID`` is then the flow's id.
        case databasePassword = "database password"
        /// A webhook flow's signing secret; the binding's ``SecretBinding/instanceID`` is then the flow's id.
        case signingSecret = "signing secret"
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

    /// The binding of a flow's one secret: a mirror's database password or a webhook's signing secret.
    static func flowSecret(flowID: String, kind: FlowDefinition.Kind) -> SecretBinding {
        SecretBinding(instanceID: flowID, field: kind == .webhook ? .signingSecret : .databasePassword)
    }

    public var description: String {
        if field == .databasePassword || field == .signingSecret { return "\(field.rawValue) of flow \(instanceID)" }
        return "\(field.rawValue) of instance \(instanceID)" + (certificateID.map { ", certificate \($0)" } ?? "")
    }
}

/// Seals and opens secrets with AES-256-GCM under the ``MasterKey``.
///
/// A sealed value is text: `v1:` and the base64 of nonce, ciphertext and tag. Copies of a box share one key: when
/// another process rotates the master key, a box whose key came from `master.key` re-reads that file and switches
/// to the new key (on the first value that does not open, or when ``ServerPresence`` sees the store's key change).
public struct SecretBox: Sendable {
    private let keyring: MasterKeyring
    /// The key sealing uses: fixed for a box from ``pinned()``, else the keyring's current one.
    private let pinnedKey: MasterKey?

    public init(masterKey: MasterKey) {
        self.keyring = MasterKeyring(masterKey)
        self.pinnedKey = nil
    }

    private init(keyring: MasterKeyring, pinnedKey: MasterKey) {
        self.keyring = keyring
        self.pinnedKey = pinnedKey
    }

    /// The key values are sealed under now.
    public var masterKey: MasterKey { pinnedKey ?? keyring.current }

    /// A box that seals with today's key until it is dropped: seal with it, then ``checkStillSealing(in:)`` inside
    /// the transaction that stores the values proves they were sealed under the store's key.
    func pinned() -> SecretBox {
        SecretBox(keyring: keyring, pinnedKey: keyring.current)
    }

    /// Switches to the key the store records, when this process's key file holds it.
    /// - Returns: `false` when the store's key is not available to this process (it must be restarted with it).
    @discardableResult
    func followStore(keyID: String) -> Bool {
        keyring.switchTo(id: keyID)
    }

    /// Runs `body` (which seals values with the box it is given, then stores them in a transaction that calls
    /// ``checkStillSealing(in:)``) with a box pinned to today's key; when another process rotated the key meanwhile
    /// and this process could switch to the new key, `body` runs once more with it.
    /// - Throws: what `body` throws; ``SuiteBridgeError`` `.conflict` when the key changed twice meanwhile.
    func sealing<T>(_ body: (SecretBox) async throws -> T) async throws -> T {
        do {
            return try await body(pinned())
        } catch is MasterKeyChangedWhileSealing {
            do {
                return try await body(pinned())
            } catch let changed as MasterKeyChangedWhileSealing {
                throw SuiteBridgeError(.conflict, "The store's master key was rotated twice while this was being saved (now \(changed.storeKeyID)); nothing was saved.",
                                       remedy: "Try again.", field: "master key")
            }
        }
    }

    /// Checks, inside the transaction that will store sealed values, that the store is still sealed with the key
    /// they were sealed under (call it on a ``pinned()`` box). After `keys rotate` by another process, nothing
    /// sealed under the old key is stored: this box switches to the new key when its file holds it (and
    /// ``sealing(_:)`` seals again), and a process whose key cannot be re-read is told to restart with the new key.
    /// On PostgreSQL the key's record is locked for share, so a rotation waits for this transaction (and then
    /// re-seals what it stored) or this transaction waits for the rotation (and sees the new key).
    /// - Throws: ``SuiteBridgeError`` `.masterKey`.
    func checkStillSealing(in database: any SQLDatabase) async throws {
        let lock = database.dialect.name == "postgresql" ? " FOR SHARE" : ""
        guard let stored = try await database.raw("SELECT value FROM suitebridge_meta WHERE name = \(bind: Workspace.keyIDName)\(unsafeRaw: lock)").fetchFirst()?
            .decode(column: "value", as: String.self), stored != masterKey.id
        else { return }
        if keyring.switchTo(id: stored) {
            throw MasterKeyChangedWhileSealing(storeKeyID: stored)
        }
        throw SuiteBridgeError(.masterKey, "The store's master key was rotated (now \(stored)); this process still holds \(masterKey.id) and cannot read the new one, so it stores no secrets.",
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
            do {
                return String(decoding: try AES.GCM.open(box, using: masterKey.key, authenticating: binding.authenticatedData), as: UTF8.self)
            } catch where pinnedKey == nil {
                // Another process may have rotated the key: a key file's new key opens what the store holds now.
                for candidate in keyring.candidates() {
                    guard let plain = try? AES.GCM.open(box, using: candidate.key, authenticating: binding.authenticatedData) else { continue }
                    keyring.adopt(candidate)
                    return String(decoding: plain, as: UTF8.self)
                }
                throw error
            }
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

/// The store's key changed between sealing and storing, and this process switched to the new key: seal again.
struct MasterKeyChangedWhileSealing: Error {
    var storeKeyID: String
}
