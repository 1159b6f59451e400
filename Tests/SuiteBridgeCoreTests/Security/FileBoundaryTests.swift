import Foundation
import SuiteBridgeTestSupport
import Testing
@testable import SuiteBridgeCore

@Suite("Files stay under the files root")
struct FileBoundaryTests {
    /// A root with a file `in.csv`, and a file outside it.
    static func setUp() throws -> (FileBoundary, root: String, outside: String) {
        let folder = try TestFolder()
        let root = folder.file("root")
        let boundary = try FileBoundary(root: root)
        try "a,b\n1,2\n".write(toFile: root + "/in.csv", atomically: true, encoding: .utf8)
        let outside = folder.file("secret.txt")
        try "secret\n".write(toFile: outside, atomically: true, encoding: .utf8)
        return (boundary, root, outside)
    }

    static func refused(_ body: () throws -> Any, field: String, code: SuiteBridgeError.Code = .invalidInput) -> Bool {
        do {
            _ = try body()
            return false
        } catch let error as SuiteBridgeError {
            return error.code == code && error.field == field
        } catch {
            return false
        }
    }

    @Test("relative paths and absolute ones inside the root are accepted; the root is made 0700")
    func inside() throws {
        let (boundary, root, _) = try Self.setUp()
        let resolved = try #require(boundary.root)
        #expect(try boundary.resolve("in.csv", field: "f") == resolved + "/in.csv")
        #expect(try boundary.resolve(resolved + "/sub/new.jsonl", field: "f") == resolved + "/sub/new.jsonl")
        #expect(try boundary.sourceFile("in.csv", field: "f") == resolved + "/in.csv")
        let mode = try FileManager.default.attributesOfItem(atPath: root)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("escapes are refused naming the field: .., absolute paths elsewhere, links out of the root, /dev/zero, FIFOs, folders")
    func escapes() throws {
        let (boundary, root, outside) = try Self.setUp()
        #expect(Self.refused({ try boundary.resolve("../secret.txt", field: "import.source") }, field: "import.source"))
        #expect(Self.refused({ try boundary.resolve("sub/../../secret.txt", field: "import.source") }, field: "import.source"))
        #expect(Self.refused({ try boundary.resolve(outside, field: "import.source") }, field: "import.source"))
        #expect(Self.refused({ try boundary.resolve("/etc/passwd", field: "import.source") }, field: "import.source"))
        try FileManager.default.createSymbolicLink(atPath: root + "/link.csv", withDestinationPath: outside)
        #expect(Self.refused({ try boundary.sourceFile("link.csv", field: "import.source") }, field: "import.source"))
        try FileManager.default.createSymbolicLink(atPath: root + "/zero", withDestinationPath: "/dev/zero")
        #expect(Self.refused({ try boundary.sourceFile("zero", field: "import.source") }, field: "import.source"))
        try FileManager.default.createSymbolicLink(atPath: root + "/out", withDestinationPath: (outside as NSString).deletingLastPathComponent)
        #expect(Self.refused({ try boundary.makeFolder("out/exports", field: "export.destination.path") }, field: "export.destination.path"))
        #expect(mkfifo(root + "/pipe", 0o600) == 0)
        #expect(Self.refused({ try boundary.sourceFile("pipe", field: "import.source") }, field: "import.source"))
        try FileManager.default.createDirectory(atPath: root + "/dir.csv", withIntermediateDirectories: true)
        #expect(Self.refused({ try boundary.sourceFile("dir.csv", field: "import.source") }, field: "import.source"))
        #expect(Self.refused({ try FileBoundary.none.resolve("in.csv", field: "import.source") }, field: "import.source"))
    }

    @Test("files are created 0600 in folders made 0700, and never replace what is there")
    func creation() throws {
        let (boundary, root, _) = try Self.setUp()
        let folder = try boundary.makeFolder("exports", field: "f")
        #expect(try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int == 0o700)
        let handle = try boundary.createNewFile("exports/a.jsonl", field: "f")
        try handle.write(contentsOf: Data("x\n".utf8))
        try handle.close()
        #expect(try FileManager.default.attributesOfItem(atPath: folder + "/a.jsonl")[.posixPermissions] as? Int == 0o600)
        #expect(Self.refused({ try boundary.createNewFile("exports/a.jsonl", field: "f") }, field: "f", code: .conflict))
        #expect(Self.refused({ try boundary.createNewFile("in.csv", field: "f") }, field: "f", code: .conflict))
        #expect(try String(contentsOfFile: root + "/in.csv", encoding: .utf8) == "a,b\n1,2\n")
    }
}
