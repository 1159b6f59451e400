import Foundation

/// A new temporary folder for one test: a SuiteBridge home, export destinations, import files.
public struct TestFolder: Sendable {
    public let path: String

    /// - Throws: when the folder cannot be made.
    public init() throws {
        path = NSTemporaryDirectory() + "suitebridge-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `path` + `/` + `name`.
    public func file(_ name: String) -> String {
        path + "/" + name
    }
}
