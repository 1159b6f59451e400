import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two worker processes on one PostgreSQL store (runs only when `SUITEBRIDGE_TEST_POSTGRES_URL` is set, as in CI).
@Suite("several servers sharing PostgreSQL")
struct SharedWorkersTests {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new database on the test server, so this test has a store of its own.
    static func freshDatabase(_ base: String) throws -> String {
        let name = "sb_shared_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        var components = try #require(URLComponents(string: base))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [base.replacingOccurrences(of: "?sslmode=disable", with: ""), "-q", "-c", "CREATE DATABASE \(name)"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        components.path = "/" + name
        return components.string ?? base
    }

    @Test("two serve processes share 20 runs: each executed once, and together never above the account's concurrency limit",
          .enabled(if: SharedWorkersTests.postgresURL != nil))
    func twoWorkers() throws {
        let database = try Self.freshDatabase(try #require(Self.postgresURL))
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (simulator, _) = try SimulatorCommandTests.start(["--records", "2500", "--latency-ms", "40", "--concurrency-limit", "5"], credentials: credentials)
        defer { simulator.terminate() }
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_FILES_ROOT": directory.path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": database]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        let imported = try run(["instance", "import", "--credentials", credentials])
        #expect(imported.status == 0, "\(imported.stderr)")
        let out = directory.appendingPathComponent("out").path
        for n in 1...20 {
            let created = try run(["flow", "create", "export-\(n)", "--instance", n % 2 == 0 ? "1234567_SB1-tba" : "1234567_SB1-oauth2",
                                   "--query", "SELECT id, companyname FROM customer ORDER BY id", "--to-folder", out])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(try run(["flow", "run", "export-\(n)"]).status == 0)
        }
        let started = Date()
        let logs = (0..<2).map { directory.appendingPathComponent("serve-\($0).log") }
        let servers = try (0..<2).map { index in
            FileManager.default.createFile(atPath: logs[index].path, contents: nil)
            let server = Process()
            server.executableURL = CLIRunner.binary
            server.arguments = ["serve", "--port", "0"]
            server.environment = ProcessInfo.processInfo.environment.merging(env.merging(["SUITEBRIDGE_LOG_LEVEL": "error"]) { $1 }) { $1 }
            server.standardOutput = FileHandle.nullDevice
            server.standardError = try FileHandle(forWritingTo: logs[index])
            try server.run()
            return server
        }
        defer { for server in servers where server.isRunning { server.terminate() } }
        var runs: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(180)
        repeat {
            Thread.sleep(forTimeInterval: 0.5)
            runs = try JSONSerialization.jsonObject(with: Data(try run(["runs", "list", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        } while runs.contains(where: { ["queued", "running"].contains($0["state"] as? String ?? "") }) && Date() < deadline
        let seconds = Date().timeIntervalSince(started)
        for (index, server) in servers.enumerated() {
            server.terminate()
            server.waitUntilExit()
            #expect(server.terminationStatus == 0, "serve \(index) stderr: \((try? String(contentsOf: logs[index], encoding: .utf8)) ?? "")")
        }
        #expect(runs.count == 20)
        #expect(runs.allSatisfy { $0["state"] as? String == "succeeded" && $0["attempts"] as? Int == 1 }, "\(runs.map { $0["error"] ?? "" })")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".jsonl") }
        #expect(files.count == 20)

        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentials))) as? [String: Any]
        let base = try #require(((file?["accounts"] as? [[String: Any]])?.first)?["baseURL"] as? String)
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: base + "/simulator/v1/accounts/1234567_SB1/stats")!)) as? [String: Any])
        let maxInFlight = stats["maxInFlight"] as? Int ?? -1
        #expect(maxInFlight <= 5 && maxInFlight >= 3, "maxInFlight \(maxInFlight)")
        #expect(stats["throttled"] as? Int == 0)
        // 20 exports of 2,500 rows at 1,000 rows a page: 60 pages; at 5 in flight and 40 ms each the ceiling is 0.48 s.
        print("two serve processes: 20 runs in \(String(format: "%.1f", seconds)) s, maxInFlight \(maxInFlight)")
    }
}
