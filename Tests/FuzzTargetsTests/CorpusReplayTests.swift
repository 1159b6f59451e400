import Foundation
import FuzzTargets
import Testing

/// Every fuzz target has a seed corpus, and every committed input (seeds, and each input that once crashed a target,
/// kept in `Fuzz/regressions/TARGET/`) runs through its target without crashing: a crash ends this test process.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: String) -> [URL] {
        let directory = fuzz.appendingPathComponent(folder).appendingPathComponent(target)
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []).filter { !$0.lastPathComponent.hasPrefix(".") }
    }

    @Test("each target has seeds; seeds and regressions replay without a crash", arguments: FuzzTargets.all.keys.sorted())
    func replay(target: String) throws {
        let seeds = Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(target) has no seeds")
        let run = try #require(FuzzTargets.all[target])
        for input in seeds + Self.inputs("regressions", target) {
            run(Array(try Data(contentsOf: input)))
        }
        // Key seeds stay in the test fixtures (Scripts/fuzz.sh adds them too): PEM as is, DER from their bodies.
        if target == "pem" || target == "der" { #expect(Self.fixtureKeys().count >= 10) }
        for pem in Self.fixtureKeys() {
            if target == "pem" { run(Array(pem.utf8)) }
            if target == "der", let der = Data(base64Encoded: pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()) { run(Array(der)) }
        }
    }

    static func fixtureKeys() -> [String] {
        let folder = fuzz.deletingLastPathComponent().appendingPathComponent("Tests/NetSuiteAuthTests/Fixtures/openssl")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "pem" }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }
}
