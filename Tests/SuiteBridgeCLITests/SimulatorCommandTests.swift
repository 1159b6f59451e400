import Foundation
import Testing

@Suite("suitebridge simulator")
struct SimulatorCommandTests {
    /// Starts the simulator, waits for its credentials file, and returns the process.
    static func start(_ arguments: [String], credentials: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["simulator", "--port", "0", "--write-credentials", credentials] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: credentials) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (process, output)
    }

    @Test("writes the credentials file (mode 0600, the documented shape), serves, and stops cleanly on SIGTERM")
    func credentialsAndShutdown() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("credentials.json").path
        let (process, output) = try Self.start(["--records", "20"], credentials: path)
        defer { if process.isRunning { process.terminate() } }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let account = try #require((object["accounts"] as? [[String: Any]])?.first)
        #expect(Set(account.keys) == ["accountId", "baseURL", "tba", "clientCredentials"])
        #expect(account["accountId"] as? String == "1234567_SB1")
        let baseURL = try #require(account["baseURL"] as? String)
        #expect(baseURL.hasPrefix("http://127.0.0.1:"))
        #expect(Set((account["tba"] as? [String: String])?.keys ?? [:].keys) == ["consumerKey", "consumerSecret", "tokenId", "tokenSecret"])
        #expect(Set((account["clientCredentials"] as? [String: String])?.keys ?? [:].keys) == ["clientId", "certificateId", "privateKeyPEM", "certificatePEM", "roleId", "entityId"])

        let accounts = try Data(contentsOf: URL(string: baseURL + "/simulator/v1/accounts/1234567_SB1")!)
        let summary = try #require(try JSONSerialization.jsonObject(with: accounts) as? [String: Any])
        #expect((summary["records"] as? [String: Int])?["customer"] == 20)

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("NetSuite simulator listening on \(baseURL)"))
    }

    @Test("--config serves several accounts; a bad config is an error naming the file")
    func config() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.json")
        try Data(#"{"accounts":[{"accountId":"1234567_SB1","records":5},{"accountId":"tstdrv1431250","records":3,"tba":false,"keyType":"ec-p384"}]}"#.utf8).write(to: config)
        let path = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try Self.start(["--config", config.path], credentials: path)
        defer { if process.isRunning { process.terminate() } }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let accounts = try #require(object["accounts"] as? [[String: Any]])
        #expect(accounts.map { $0["accountId"] as? String } == ["1234567_SB1", "TSTDRV1431250"])
        #expect(accounts[1]["tba"] == nil)
        process.terminate()
        process.waitUntilExit()

        try Data("{not json".utf8).write(to: config)
        let bad = try CLIRunner.run(["simulator", "--port", "0", "--config", config.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("config:"))
    }
}
