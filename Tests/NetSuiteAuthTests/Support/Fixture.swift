import Foundation

/// Files under `Tests/NetSuiteAuthTests/Fixtures`.
enum Fixture {
    static func url(_ path: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// `key=value` lines, as the openssl fixture script writes them.
    static func keyValues(_ path: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in try text(path).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return result
    }
}
