import Crypto
import Foundation
import NIOConcurrencyHelpers

/// The backup file's format: JSON Lines, one object or array per line.
///
/// ```
/// {"suitebridgeBackup":1,"createdAt":…,"store":"postgres","schemaVersion":17,"masterKey":{…sealed…}}
/// {"table":"instances","columns":["id","name",…],"integerColumns":["concurrency_limit",…]}
/// ["3F2…","acme-prod",…,5,null,…]            one line per row
/// {"table":"certificates",…}
/// …
/// {"end":{"rows":{"instances":3,…},"sha256":"…"}}   the SHA-256 of every byte before this line
/// ```
///
/// Values are JSON strings, integers or `null`: the store's columns are all `TEXT` or `INTEGER`, on both engines,
/// so a backup of either restores into either. The trailer makes a truncated or altered file fail as such.
enum BackupFile {
    /// The version of this format.
    static let formatVersion = 1

    /// The first line.
    struct Header: Codable, Sendable {
        var suitebridgeBackup: Int
        var createdAt: String
        /// The engine the backup was taken from.
        var store: String
        var schemaVersion: Int
        var masterKey: SealedMasterKey
    }

    /// The line before a table's rows.
    struct Table: Codable, Sendable {
        var table: String
        var columns: [String]
        var integerColumns: [String]
    }

    /// The last line.
    struct Trailer: Codable, Sendable {
        struct End: Codable, Sendable {
            var rows: [String: Int]
            var sha256: String
        }
        var end: End
    }

    /// A value of a row.
    enum Value: Codable, Sendable, Hashable {
        case null
        case integer(Int)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let integer = try? container.decode(Int.self) {
                self = .integer(integer)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .integer(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            }
        }
    }

    /// The longest line a backup may hold (a run's log can be long): 256 MiB.
    static let maximumLineLength = 256 << 20

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Writes a backup file: lines buffered, hashed as they are written, to a temporary file renamed into place by
/// ``finish(rows:)`` (mode 0600: the file holds sealed secrets). A lock guards its state: the database calls the
/// row callback that writes from its own threads, one row at a time.
final class BackupFileWriter: @unchecked Sendable {
    private let lock = NIOLock()
    private let path: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var hash = SHA256()
    private var buffer = Data()
    private var written = 0
    /// The bytes written so far.
    var bytes: Int { lock.withLock { written } }

    /// - Throws: ``SuiteBridgeError`` `.invalidInput` when `path` exists (unless `replacing`) or cannot be written.
    init(path: String, replacing: Bool) throws {
        if FileManager.default.fileExists(atPath: path), !replacing {
            throw SuiteBridgeError(.invalidInput, "\(path) exists; a backup is not written over another file.",
                                   remedy: "Name a new file (e.g. with the date), or pass --force to replace it.", field: "out")
        }
        self.path = path
        self.temporaryPath = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporaryPath)
        else {
            throw SuiteBridgeError(.invalidInput, "The backup file \(path) cannot be written.",
                                   remedy: "Check that its folder exists and is writable.", field: "out")
        }
        self.handle = handle
    }

    /// Appends one line.
    func write<T: Encodable>(_ value: T) throws {
        try lock.withLock { try append(value) }
    }

    private func append<T: Encodable>(_ value: T) throws {
        var line = try BackupFile.encoder.encode(value)
        line.append(UInt8(ascii: "\n"))
        hash.update(data: line)
        buffer.append(line)
        written += line.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the trailer, syncs the file and renames it into place.
    func finish(rows: [String: Int]) throws {
        try lock.withLock { try close(rows: rows) }
    }

    private func close(rows: [String: Int]) throws {
        let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
        var line = try BackupFile.encoder.encode(BackupFile.Trailer(end: .init(rows: rows, sha256: digest)))
        line.append(UInt8(ascii: "\n"))
        buffer.append(line)
        written += line.count
        try flush()
        try handle.synchronize()
        try handle.close()
        guard rename(temporaryPath, path) == 0 else {
            throw SuiteBridgeError(.invalidInput, "The backup was written to \(temporaryPath) but could not be renamed to \(path).",
                                   remedy: "Move it by hand.", field: "out")
        }
    }

    /// Removes the partial file after a failure.
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}
