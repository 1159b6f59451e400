import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("crash safety: a process killed in the middle leaves a consistent, usable store")
struct CrashSafetyTests {
    @Test("killed during keys rotate (before and after its commit) and during cert activate")
    func killed() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "10"], credentials: credentials)
        defer { process.terminate() }
        let home = directory.appendingPathComponent("home").path
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": home, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        func keyFile() throws -> String { try String(contentsOfFile: home + "/master.key", encoding: .utf8) }
        func usable() throws {
            for name in ["1234567_SB1-tba", "1234567_SB1-oauth2"] {
                let tested = try run(["instance", "test", name])
                #expect(tested.status == 0, "\(tested.stderr)")
            }
        }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        let originalKey = try keyFile()

        // Killed inside the transaction: nothing changed, the old key still opens everything.
        #expect(try CLIRunner.crash(["keys", "rotate"], at: "keys.rotate.before-commit", environment: env))
        try usable()
        #expect(try keyFile() == originalKey)
        #expect(!FileManager.default.fileExists(atPath: home + "/master.key.next"))

        // Killed after the commit, before the key file was replaced: the next start finishes the switch.
        #expect(try CLIRunner.crash(["keys", "rotate"], at: "keys.rotate.after-commit", environment: env))
        #expect(FileManager.default.fileExists(atPath: home + "/master.key.next"))
        try usable()
        #expect(try keyFile() != originalKey)
        #expect(!FileManager.default.fileExists(atPath: home + "/master.key.next"))

        // Killed while switching certificates: the old one stays active, the pending one can still be activated.
        let rotated = try run(["cert", "rotate", "--instance", "1234567_SB1-oauth2", "--key", "ec-p256", "--out", directory.path])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let admin = try uploadAsAdmin(certificate: directory.appendingPathComponent("auth-cert.pem").path, credentials: credentials)
        #expect(try CLIRunner.crash(["cert", "activate", "--instance", "1234567_SB1-oauth2", "--certificate-id", admin], at: "cert.activate.before-commit", environment: env))
        let status = try run(["cert", "status", "--json"])
        #expect(status.stdout.contains("\"state\" : \"active\"") && status.stdout.contains("\"state\" : \"pending\""))
        try usable()
        let activated = try run(["cert", "activate", "--instance", "1234567_SB1-oauth2", "--certificate-id", admin])
        #expect(activated.status == 0, "\(activated.stderr)")
        try usable()
    }

    func uploadAsAdmin(certificate path: String, credentials: String) throws -> String {
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        let object = try SimulatorAdmin.post(credentials: credentials, path: "/accounts/1234567_SB1/m2m-mappings",
                                             json: ["integrationId": 3, "entityId": 2, "roleId": 1, "certificatePEM": pem])
        return try #require(object["certificateId"] as? String, "\(object)")
    }
}

/// The simulator's admin API, as an admin's actions in NetSuite.
enum SimulatorAdmin {
    /// POSTs `json` to `/simulator/v1<path>` of the simulator named in the credentials file and returns the JSON answer.
    static func post(credentials: String, path: String, json: [String: Any]) throws -> [String: Any] {
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentials))) as! [String: Any]
        let base = (file["accounts"] as! [[String: Any]])[0]["baseURL"] as! String
        var request = URLRequest(url: URL(string: "\(base)/simulator/v1\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: Data?
        URLSession.shared.dataTask(with: request) { data, _, _ in answer = data; done.signal() }.resume()
        done.wait()
        return (try? JSONSerialization.jsonObject(with: answer ?? Data())) as? [String: Any] ?? [:]
    }
}
