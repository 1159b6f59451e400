import Foundation
import Testing

@Suite("suitebridge query, record, restlet and export against the simulator")
struct ClientCommandTests {
    @Test("export writes every row once (JSON Lines and CSV), query and record commands work, errors exit 1")
    func commands() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "120"], credentials: credentials)
        defer { process.terminate() }
        let profile = ["--profile", credentials]

        let jsonl = directory.appendingPathComponent("lines.jsonl").path
        let export = try CLIRunner.run(["export"] + profile + ["--query", "SELECT id, companyname FROM customer ORDER BY id", "--out", jsonl, "--parallel", "3"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.hasPrefix("rows=120 pages=1 retries=0 seconds="))
        let lines = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 120)
        #expect(lines.first?.hasPrefix("{\"id\":\"100\",\"companyname\":") == true)
        let ids = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])?["id"]
        }
        #expect(Set(ids).count == 120)

        let csv = directory.appendingPathComponent("lines.csv").path
        let csvExport = try CLIRunner.run(["export"] + profile + ["--auth", "tba", "--query", "SELECT tranid, foreigntotal FROM transaction ORDER BY id", "--out", csv])
        #expect(csvExport.status == 0, "\(csvExport.stderr)")
        let csvLines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(csvLines.first == "tranid,foreigntotal")
        let count = try CLIRunner.run(["query"] + profile + ["SELECT COUNT(*) AS n FROM transaction", "--format", "jsonl"])
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "{\"n\":\"\(csvLines.count - 1)\"}")

        let failed = try CLIRunner.run(["export"] + profile + ["--query", "SELECT nope FROM customer", "--out", directory.appendingPathComponent("bad.jsonl").path])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Unknown identifier 'nope'") && failed.stderr.contains("fix:"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("bad") }
        #expect(leftovers.isEmpty, "no partial file is left")

        let body = directory.appendingPathComponent("body.json")
        try Data(#"{"companyName":"From the CLI"}"#.utf8).write(to: body)
        let first = try CLIRunner.run(["record", "upsert"] + profile + ["customer", "CLI-9", "--data", body.path])
        let second = try CLIRunner.run(["record", "upsert"] + profile + ["customer", "CLI-9", "--data", body.path])
        #expect(first.status == 0 && first.stdout == second.stdout)
        let fetched = try CLIRunner.run(["record", "get"] + profile + ["customer", "eid:CLI-9", "--fields", "companyName"])
        #expect(fetched.stdout.contains("From the CLI"))
        let missing = try CLIRunner.run(["record", "get"] + profile + ["customer", "1"])
        #expect(missing.status == 1 && missing.stderr.contains("NONEXISTENT_ID"))
        let echo = try CLIRunner.run(["restlet"] + profile + ["--script", "1", "--deploy", "1", "--method", "POST", "--data", body.path])
        #expect(echo.status == 0 && echo.stdout.contains("From the CLI"))
        let noProfile = try CLIRunner.run(["query", "--profile", "/nonexistent.json", "SELECT 1 FROM customer"])
        #expect(noProfile.status == 1 && noProfile.stderr.contains("profile:"))
    }
}
