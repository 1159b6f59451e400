import Foundation
import Testing

@Suite("suitebridge flow, runs and worker against the simulator")
struct FlowCommandTests {
    @Test("flow create|list|show|run|pause|resume|delete and runs list|show, with an export and an import")
    func commands() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "25"], credentials: credentials)
        defer { process.terminate() }
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_FILES_ROOT": directory.path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        let out = directory.appendingPathComponent("out").path
        let created = try run(["flow", "create", "customers", "--instance", "1234567_SB1-oauth2", "--query", "SELECT id, companyname FROM customer ORDER BY id",
                               "--to-folder", out, "--format", "csv"])
        #expect(created.status == 0, "\(created.stderr)")
        let ran = try run(["flow", "run", "customers", "--wait"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.contains("succeeded") && ran.stdout.contains("written=25"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.count == 1 && files[0].hasSuffix(".csv"))
        #expect(try String(contentsOfFile: out + "/" + files[0], encoding: .utf8).split(separator: "\n").count == 26)

        let csv = directory.appendingPathComponent("in.csv").path
        try "ref,name\nCLI-1,One\nCLI-2,\nCLI-3,Three\n".write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try run(["flow", "create", "load", "--instance", "1234567_SB1-tba", "--from-file", csv, "--record-type", "customer",
                         "--external-id-column", "ref", "--map", "companyName=name", "--map", "subsidiary=1:internal-constant"]).status == 0)
        let loaded = try run(["flow", "run", "load", "--wait"])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(loaded.stdout.contains("written=2 failed=1"))
        let runID = String(loaded.stdout.prefix(8))
        let shown = try run(["runs", "show", runID])
        #expect(shown.stdout.contains("refused line 3 (CLI-2)") && shown.stdout.contains("[companyName]"))
        #expect(try run(["runs", "list", "--flow", "load"]).stdout.contains("succeeded"))

        #expect(try run(["flow", "pause", "load"]).status == 0)
        let refused = try run(["flow", "run", "load"])
        #expect(refused.status == 1 && refused.stderr.contains("paused") && refused.stderr.contains("fix:"))
        #expect(try run(["flow", "resume", "load"]).status == 0)
        let listed = try run(["flow", "list", "--json"])
        #expect(listed.stdout.contains("\"customers\"") && listed.stdout.contains("\"load\""))
        #expect(try run(["flow", "show", "customers"]).stdout.contains("kind:      export"))
        let bad = try run(["flow", "create", "x", "--instance", "1234567_SB1-tba", "--query", "SELECT id FROM customer", "--to-folder", out, "--schedule", "every now"])
        #expect(bad.status == 1 && bad.stderr.contains("schedule"))
        #expect(try run(["flow", "delete", "load"]).status == 0)
        #expect(try run(["flow", "show", "load"]).status == 1)
    }

    @Test("a worker killed with SIGKILL in the middle of a 50,000-row import: another finishes it, with no record lost or duplicated")
    func crashDuringImport() throws {
        let rows = 50_000
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "5"], credentials: credentials)
        defer { process.terminate() }
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_FILES_ROOT": directory.path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        var csv = "ref,name\n"
        for n in 1...rows { csv += "BIG-\(n),Bulk customer \(n)\n" }
        let source = directory.appendingPathComponent("big.csv").path
        try csv.write(toFile: source, atomically: true, encoding: .utf8)
        #expect(try run(["flow", "create", "big", "--instance", "1234567_SB1-tba", "--from-file", source, "--record-type", "customer",
                         "--external-id-column", "ref", "--map", "companyName=name", "--map", "subsidiary=1:internal-constant"]).status == 0)

        // The first worker is killed once it has checkpointed some of the rows.
        let worker = Process()
        worker.executableURL = CLIRunner.binary
        worker.arguments = ["flow", "run", "big", "--wait", "--lease-seconds", "3"]
        worker.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        var checkpointed = 0
        let deadline = Date().addingTimeInterval(120)
        while checkpointed < 5_000, worker.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.3)
            let listed = try run(["runs", "list", "--flow", "big", "--json"])
            let runs = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
            checkpointed = runs.first?["rowsRead"] as? Int ?? 0
        }
        #expect(worker.isRunning, "the first worker finished before it could be killed")
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(checkpointed > 0 && checkpointed < rows)

        // Another worker takes the run over once its lease expires, and finishes it from the checkpoint.
        Thread.sleep(forTimeInterval: 3.5)
        let second = try run(["worker", "--until-idle", "--lease-seconds", "3"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("succeeded") && second.stdout.contains("written=\(rows)"), "\(second.stdout)")
        let counted = try run(["query", "--instance", "1234567_SB1-tba", "--format", "jsonl",
                               "SELECT COUNT(*) AS n, COUNT(DISTINCT externalid) AS distinctids FROM customer WHERE externalid LIKE 'BIG-%'"])
        #expect(counted.stdout.contains("\"n\":\"\(rows)\"") && counted.stdout.contains("\"distinctids\":\"\(rows)\""), "\(counted.stdout)\(counted.stderr)")
    }
}

@Suite("suitebridge mirror against the simulator")
struct MirrorCommandTests {
    @Test("mirror tables names what the role lacks; a mirror's worker killed with SIGKILL mid-load: the next one resumes by key, every line once")
    func crashDuringMirror() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "2000", "--latency-ms", "40"], credentials: credentials)
        defer { process.terminate() }
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_FILES_ROOT": directory.path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        let tables = try run(["mirror", "tables", "--instance", "1234567_SB1-tba"])
        #expect(tables.status == 0, "\(tables.stderr)")
        #expect(tables.stdout.contains("transactionline") && tables.stdout.contains("Deleted Records"), "\(tables.stdout)")
        let total = try run(["query", "--instance", "1234567_SB1-tba", "--format", "jsonl", "SELECT COUNT(*) AS n FROM transactionline"])
        let lines = Int(total.stdout.split(separator: "\"").dropLast().last ?? "") ?? -1
        #expect(lines > 10_000, "\(total.stdout)")

        let database = directory.appendingPathComponent("mirror.sqlite").path
        let created = try run(["flow", "create", "lines", "--instance", "1234567_SB1-tba", "--mirror", "transactionline", "--to-database", "sqlite:" + database])
        #expect(created.status == 0, "\(created.stderr)")
        let worker = Process()
        worker.executableURL = CLIRunner.binary
        worker.arguments = ["flow", "run", "lines", "--wait", "--lease-seconds", "3"]
        worker.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        var resumeKey: String?
        let deadline = Date().addingTimeInterval(120)
        while resumeKey == nil, worker.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            let status = try run(["mirror", "status", "lines", "--json"])
            let states = (try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))) as? [[String: Any]] ?? []
            resumeKey = states.first?["resumeKey"] as? String
        }
        #expect(worker.isRunning, "the first worker finished before it could be killed")
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(resumeKey != nil)

        Thread.sleep(forTimeInterval: 3.5)
        let second = try run(["worker", "--until-idle", "--lease-seconds", "3"])
        #expect(second.status == 0 && second.stdout.contains("succeeded"), "\(second.stdout)\(second.stderr)")
        let status = try run(["mirror", "status", "lines"])
        #expect(status.stdout.contains("current") && status.stdout.contains(" \(lines) "), "\(status.stdout)")
        // Every line once: as many rows as NetSuite has, and as many distinct keys.
        let rows = try Self.sqlite(database, "SELECT COUNT(*) || ' ' || COUNT(DISTINCT uniquekey) FROM transactionline")
        #expect(rows == "\(lines) \(lines)", "\(rows)")
    }

    /// Runs one query with the sqlite3 shell when present, else with Python's sqlite3.
    static func sqlite(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])", path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
