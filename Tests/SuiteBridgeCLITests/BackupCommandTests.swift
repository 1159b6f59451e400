import Foundation
import Testing

@Suite("suitebridge backup, backup verify and restore")
struct BackupCommandTests {
    @Test("backup a home, verify it, restore it into a new home whose instances work; a wrong passphrase, a used home and a missing passphrase are refused")
    func roundTrip() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "10"], credentials: credentials)
        defer { process.terminate() }
        let home = directory.appendingPathComponent("home").path, restoredHome = directory.appendingPathComponent("restored").path
        let passphrase = "a long enough backup passphrase"
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": home, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": "",
                   "SUITEBRIDGE_BACKUP_PASSPHRASE": passphrase]
        func run(_ arguments: [String], _ extra: [String: String] = [:]) throws -> CLIRunner.Result {
            try CLIRunner.run(arguments, environment: env.merging(extra) { $1 })
        }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        let file = directory.appendingPathComponent("sb.backup").path

        let noPassphrase = try run(["backup", "--out", file], ["SUITEBRIDGE_BACKUP_PASSPHRASE": ""])
        #expect(noPassphrase.status == 1 && noPassphrase.stderr.contains("SUITEBRIDGE_BACKUP_PASSPHRASE"))
        let written = try run(["backup", "--out", file])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("backup written: \(file)") && written.stdout.contains("instances 2"))
        #expect(try run(["backup", "--out", file]).stderr.contains("--force"))

        let verified = try run(["backup", "verify", file, "--json"])
        #expect(verified.status == 0, "\(verified.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
        #expect(summary?["secretsOpened"] as? Int == 3 && summary?["store"] as? String == "sqlite")
        let passphraseFile = directory.appendingPathComponent("wrong.txt").path
        try "another passphrase entirely\n".write(toFile: passphraseFile, atomically: true, encoding: .utf8)
        let wrong = try run(["backup", "verify", file, "--passphrase-file", passphraseFile])
        #expect(wrong.status == 1 && wrong.stderr.contains("passphrase does not open"))

        // Into the home in use: refused, nothing changes.
        let used = try run(["restore", file])
        #expect(used.status == 1 && used.stderr.contains("not empty"), "\(used.stderr)")
        // Into a new home: the key lands in its master.key and the instances authenticate.
        let restored = try run(["restore", file], ["SUITEBRIDGE_HOME": restoredHome])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("master key") && restored.stdout.contains("written to \(restoredHome)/master.key"))
        let mode = (try FileManager.default.attributesOfItem(atPath: restoredHome + "/master.key")[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        for name in ["1234567_SB1-tba", "1234567_SB1-oauth2"] {
            let tested = try run(["instance", "test", name], ["SUITEBRIDGE_HOME": restoredHome])
            #expect(tested.status == 0 && tested.stdout.contains("is healthy"), "\(tested.stderr)")
        }
        let audit = try run(["audit", "--limit", "20"], ["SUITEBRIDGE_HOME": restoredHome])
        #expect(audit.stdout.contains("store.restore"))
    }
}
