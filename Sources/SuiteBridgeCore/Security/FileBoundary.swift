import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one folder every flow file stays in: import sources, error files and export folders. The operator chooses
/// it (`serve --files-root DIR`, `SUITEBRIDGE_FILES_ROOT`; by default `$SUITEBRIDGE_HOME/files`, made 0700), and
/// every path a user gives — through the CLI, the API or the dashboard — goes through the same checks here.
///
/// A path is relative to the root, or absolute inside it. It is resolved as the system would open it (`..` and
/// symbolic links followed) before it is compared, so `../x`, an absolute path elsewhere, or a link pointing out
/// of the root are all refused. Files SuiteBridge writes are created anew (never replacing a file), mode 0600, in
/// folders of mode 0700.
public struct FileBoundary: Sendable, Hashable {
    /// The root, resolved; `nil` when no root is set (a library user's context): every path is refused.
    public let root: String?

    /// The largest import source: 2 GiB.
    public static let maximumSourceBytes: Int64 = 2 << 30

    /// No root: flows that read or write files are refused.
    public static let none = FileBoundary(resolvedRoot: nil)

    private init(resolvedRoot: String?) {
        self.root = resolvedRoot
    }

    /// The boundary at `root`, created (mode 0700) when missing.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `files root` when it cannot be made or is not a folder.
    public init(root: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SuiteBridgeError(.invalidInput, "The files root \(root) cannot be made.", remedy: "Give a folder this user can create and write.",
                                   field: "files root")
        }
        guard let resolved = Self.realPath(root), Self.isDirectory(resolved) else {
            throw SuiteBridgeError(.invalidInput, "The files root \(root) is not a folder.", remedy: "Give a folder.", field: "files root")
        }
        self.root = resolved
    }

    /// The absolute path `path` names, checked to be inside the root.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `field` for a path outside the root (or any path when
    ///   there is no root) and for an empty path.
    public func resolve(_ path: String, field: String) throws -> String {
        guard let root else {
            throw SuiteBridgeError(.invalidInput, "No files root is set, so no flow may read or write files.",
                                   remedy: "Start SuiteBridge with --files-root DIR or SUITEBRIDGE_FILES_ROOT.", field: field)
        }
        guard !path.isEmpty, !path.contains("\0") else {
            throw SuiteBridgeError(.invalidInput, "The path is empty.", remedy: "Give a path inside \(root).", field: field)
        }
        let absolute = path.hasPrefix("/") ? path : root + "/" + path
        let normalized = (absolute as NSString).standardizingPath
        // Resolve the part that exists as the system would (links followed), then add the part still to be made.
        var existing = normalized
        var rest: [String] = []
        while !existing.isEmpty, existing != "/", Self.realPath(existing) == nil {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        let base = Self.realPath(existing.isEmpty ? "/" : existing) ?? existing
        let resolved = rest.reduce(base) { ($0 as NSString).appendingPathComponent($1) }
        guard resolved == root || resolved.hasPrefix(root + "/"), !rest.contains("..") else {
            throw SuiteBridgeError(.invalidInput, "\(path) is outside the files root \(root).",
                                   remedy: "Give a path relative to \(root), or put the file there (links out of it are not followed).", field: field)
        }
        return resolved
    }

    /// An import source: a regular file inside the root, at most ``maximumSourceBytes``.
    /// - Throws: ``SuiteBridgeError`` naming `field`: outside the root, missing, not a regular file (a folder, a
    ///   FIFO, a device), or too large.
    public func sourceFile(_ path: String, field: String) throws -> String {
        let resolved = try resolve(path, field: field)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else {
            throw SuiteBridgeError(.invalidInput, "\(path) does not exist in the files root.", remedy: "Put the file under \(root ?? "the files root") first.", field: field)
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw SuiteBridgeError(.invalidInput, "\(path) is not a regular file.", remedy: "Give a CSV or JSON Lines file, not a folder, pipe or device.", field: field)
        }
        guard ((attributes[.size] as? NSNumber)?.int64Value ?? 0) <= Self.maximumSourceBytes else {
            throw SuiteBridgeError(.invalidInput, "\(path) is larger than 2 GiB, the most one import reads.", remedy: "Split it into files of up to 2 GiB.", field: field)
        }
        return resolved
    }

    /// Makes the folder `path` (and its parents) inside the root, mode 0700; returns it resolved.
    /// - Throws: ``SuiteBridgeError`` naming `field` when outside the root or when it cannot be made.
    @discardableResult
    public func makeFolder(_ path: String, field: String) throws -> String {
        let resolved = try resolve(path, field: field)
        do {
            try FileManager.default.createDirectory(atPath: resolved, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SuiteBridgeError(.invalidInput, "The folder \(path) cannot be made.", remedy: "Check the files root's permissions.", field: field)
        }
        return resolved
    }

    /// Creates the new file `path` inside the root, mode 0600, and opens it for writing. It never replaces or
    /// follows anything already there.
    /// - Throws: ``SuiteBridgeError`` naming `field`: outside the root, already there (`.conflict`), or not creatable.
    public func createNewFile(_ path: String, field: String) throws -> FileHandle {
        let resolved = try resolve(path, field: field)
        let descriptor = open(resolved, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                throw SuiteBridgeError(.conflict, "\(path) exists already; SuiteBridge does not replace files.",
                                       remedy: "Move it away or choose another name.", field: field)
            }
            throw SuiteBridgeError(.invalidInput, "\(path) cannot be created.", remedy: "Check the folder exists and is writable.", field: field)
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
