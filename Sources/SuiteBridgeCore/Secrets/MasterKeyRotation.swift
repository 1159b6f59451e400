import Foundation
import SQLKit

/// Re-seals every stored secret under a new master key, in one transaction.
///
/// With the key file, a crash at any point leaves a usable store: the new key is written to `master.key.next`
/// before the transaction, the store records which key it is sealed with, and ``Workspace`` settles the files on
/// the next start by that record (promoting `master.key.next` if the transaction committed, deleting it if not).
public enum MasterKeyRotation {
    /// Re-seals everything sealed under `old` with `new` and records `new`'s id, in one transaction.
    /// - Returns: how many secrets were re-sealed.
    /// - Throws: ``SuiteBridgeError`` `.sealedSecret` when a secret does not open under `old` (nothing changes).
    public static func reseal(store: Store, from old: SecretBox, to new: SecretBox, actor: String, at date: Date = Date()) async throws -> Int {
        let lock = store.kind == .postgres ? " FOR UPDATE" : ""
        return try await store.transaction { database in
            // Lock the key's record first: a transaction sealing a secret holds it for share, so every secret
            // stored before this point is seen below, and none is stored under the old key after it.
            let stored = try await database.raw("SELECT value FROM suitebridge_meta WHERE name = \(bind: Workspace.keyIDName)\(unsafeRaw: lock)").fetchFirst()?
                .decode(column: "value", as: String.self)
            if let stored, stored != old.masterKey.id {
                throw SuiteBridgeError(.masterKey, "The store is sealed with master key \(stored), not \(old.masterKey.id): another rotation finished first.",
                                       remedy: "Restart with the store's key; rotate again only if you still need to.", field: "master key")
            }
            let count = try await SealedSecrets.visit(in: database) { sealed, binding in
                try new.seal(try old.open(sealed, for: binding), for: binding)
            }
            try await Workspace.recordKeyID(new.masterKey.id, in: database)
            try await AuditLog.append(database, actor: actor, instance: nil, action: .keysRotate,
                                      detail: "\(count) secrets re-sealed; master key \(old.masterKey.id) -> \(new.masterKey.id)", at: date)
            await FaultPoint.keysRotateBeforeCommit.pauseIfRequested()
            return count
        }
    }
}
