import _CryptoExtras
import Crypto
import Foundation

/// The master key as a backup carries it: sealed with AES-256-GCM under a key scrypt derives from the backup
/// passphrase, so the backup opens with the passphrase alone and never holds the key in the clear.
struct SealedMasterKey: Codable, Sendable, Hashable {
    /// The key's public id (``MasterKey/id``), to say which key a backup holds without opening it.
    var id: String
    /// Always `scrypt`.
    var kdf: String
    /// scrypt's cost (N), block size (r) and parallelism (p).
    var n: Int
    var r: Int
    var p: Int
    /// The salt (base64, 16 bytes).
    var salt: String
    /// Nonce, ciphertext and tag (base64).
    var sealed: String

    /// scrypt N = 2^15, r = 8, p = 1: 32 MiB and about a tenth of a second, per OWASP's minimum for scrypt.
    static let cost = (n: 1 << 15, r: 8, p: 1)

    /// Seals `key` under `passphrase`.
    static func seal(_ key: MasterKey, passphrase: BackupPassphrase) throws -> SealedMasterKey {
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        let derived = try derive(passphrase, salt: salt, n: cost.n, r: cost.r, p: cost.p)
        let plain = key.key.withUnsafeBytes { Data($0) }
        let box = try AES.GCM.seal(plain, using: derived, authenticating: authenticatedData(id: key.id))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return SealedMasterKey(id: key.id, kdf: "scrypt", n: cost.n, r: cost.r, p: cost.p, salt: salt.base64EncodedString(),
                               sealed: combined.base64EncodedString())
    }

    /// Opens the key.
    /// - Throws: ``SuiteBridgeError`` `.masterKey` when the passphrase is not the backup's (or the file was altered).
    func open(passphrase: BackupPassphrase, source: MasterKey.Source) throws -> MasterKey {
        guard kdf == "scrypt", n > 1, n <= 1 << 20, n & (n - 1) == 0, (1...32).contains(r), (1...16).contains(p),
              let salt = Data(base64Encoded: salt), let combined = Data(base64Encoded: sealed)
        else {
            throw SuiteBridgeError(.invalidInput, "The backup's sealed master key is malformed (kdf \(kdf), N \(n), r \(r), p \(p)).",
                                   remedy: "Use an unaltered backup written by `suitebridge backup`.", field: "masterKey")
        }
        let plain: Data
        do {
            let derived = try Self.derive(passphrase, salt: salt, n: n, r: r, p: p)
            plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: derived, authenticating: Self.authenticatedData(id: id))
        } catch {
            throw SuiteBridgeError(.masterKey, "The backup passphrase does not open this backup's master key (id \(id)).",
                                   remedy: "Give the passphrase the backup was written with (SUITEBRIDGE_BACKUP_PASSPHRASE or --passphrase-file).",
                                   field: "passphrase")
        }
        let key = MasterKey(key: SymmetricKey(data: plain), source: source)
        guard key.id == id else {
            throw SuiteBridgeError(.masterKey, "The backup's master key opens as id \(key.id), not the id \(id) it names.",
                                   remedy: "Use an unaltered backup written by `suitebridge backup`.", field: "masterKey")
        }
        return key
    }

    private static func derive(_ passphrase: BackupPassphrase, salt: Data, n: Int, r: Int, p: Int) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Data(passphrase.text.utf8), salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p,
                                 maxMemory: 128 * r * (n + p + 2) + 1 << 20)
    }

    private static func authenticatedData(id: String) -> Data {
        Data("suitebridge/v1/backup/master-key/\(id)".utf8)
    }
}
