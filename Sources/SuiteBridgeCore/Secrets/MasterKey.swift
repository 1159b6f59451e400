import Crypto
import Foundation

/// The 256-bit key every stored secret is sealed under.
///
/// It comes from `SUITEBRIDGE_MASTER_KEY` (base64 of 32 bytes) or from `$SUITEBRIDGE_HOME/master.key`, which is
/// created with mode 0600 on first use. Its ``id`` (not the key) is recorded in the store, so a store opened with
/// the wrong key says so at once instead of failing on the first secret.
public struct MasterKey: Sendable {
    /// Where the key came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case environment
        case file(String)

        public var description: String {
            switch self {
            case .environment: "SUITEBRIDGE_MASTER_KEY"
            case .file(let path): path
            }
        }
    }

    let key: SymmetricKey
    public let source: Source

    /// A public, stable name for the key: the first 16 hex digits of HMAC-SHA256(key, "suitebridge master key id").
    public var id: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("suitebridge master key id".utf8), using: key)
        return mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The key as base64, for the file or the environment variable.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    init(key: SymmetricKey, source: Source) {
        self.key = key
        self.source = source
    }

    /// Reads a key from base64 text.
    /// - Throws: ``SuiteBridgeError`` `.masterKey` naming `field` when it is not base64 of exactly 32 bytes.
    public init(base64 text: String, source: Source) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed), data.count == 32 else {
            throw SuiteBridgeError(.masterKey, "The master key is not base64 of 32 bytes.",
                                   remedy: "Make one with `openssl rand -base64 32`, or unset SUITEBRIDGE_MASTER_KEY to use $SUITEBRIDGE_HOME/master.key.",
                                   field: source.description)
        }
        self.init(key: SymmetricKey(data: data), source: source)
    }

    /// A new random key.
    public static func generate(source: Source) -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256), source: source)
    }

    /// The key from `SUITEBRIDGE_MASTER_KEY`, else from `home`'s `master.key` (created, mode 0600, when missing).
    /// - Throws: ``SuiteBridgeError`` `.masterKey` for a malformed key, a key file others can read, or a folder
    ///   that cannot be written.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment, home: SuiteBridgeHome) throws -> MasterKey {
        if let text = environment["SUITEBRIDGE_MASTER_KEY"], !text.isEmpty {
            return try MasterKey(base64: text, source: .environment)
        }
        let path = home.masterKeyPath
        if FileManager.default.fileExists(atPath: path) {
            return try read(path: path)
        }
        let key = generate(source: .file(path))
        try write(key, to: path)
        return key
    }

    /// Reads a key file, refusing one that group or others can read.
    static func read(path: String) throws -> MasterKey {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o077 != 0 {
            throw SuiteBridgeError(.masterKey, "The master key file \(path) can be read by other users (mode \(String(mode, radix: 8))).",
                                   remedy: "Run `chmod 600 \(path)`.", field: "master key")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SuiteBridgeError(.masterKey, "The master key file \(path) cannot be read.", remedy: "Check its owner and permissions.", field: "master key")
        }
        return try MasterKey(base64: text, source: .file(path))
    }

    /// Writes `key` to `path` with mode 0600, atomically (a temporary file renamed into place).
    package static func write(_ key: MasterKey, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let temporary = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: Data((key.base64 + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
            let descriptor = open(temporary, O_RDONLY)
            if descriptor >= 0 { fsync(descriptor); close(descriptor) }
            if rename(temporary, path) != 0 { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw SuiteBridgeError(.masterKey, "The master key file \(path) could not be written.",
                                   remedy: "Check that \(directory) is writable, or set SUITEBRIDGE_MASTER_KEY.", field: "master key")
        }
    }
}
