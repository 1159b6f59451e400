import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("suitebridge serve --demo and tokens")
struct ServeCommandTests {
    /// Sends `method` to `url` with a bearer token (when given) and `json` as the body (when given); returns the
    /// status and body.
    static func send(_ method: String, _ url: String, token: String?, json: String? = nil) -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result = (0, "")
        URLSession.shared.dataTask(with: request) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    static func get(_ url: String, token: String?) -> (Int, String) { send("GET", url, token: token) }

    static func post(_ url: String, token: String, json: String? = nil) -> (Int, String) { send("POST", url, token: token, json: json) }

    @Test("serve --demo prints the dashboard and a token once, serves the demo instances, takes new tokens, and stops on SIGTERM")
    func demo() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let home = directory.appendingPathComponent("home").path
        let (process, text) = try CLIRunner.startServer(["serve", "--demo", "--port", "0"], environment: ProcessInfo.processInfo.environment.merging(
            ["SUITEBRIDGE_HOME": home, "SUITEBRIDGE_LOG_LEVEL": "error"]) { $1 }, until: "admin API token")
        defer { if process.isRunning { process.terminate() } }
        let dashboard = try #require(text.range(of: #"http://127\.0\.0\.1:\d+/"#, options: .regularExpression).map { String(text[$0]) })
        let token = try #require(text.range(of: #"sbt_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(text[$0]) })
        #expect(text.contains("instances: 1234567_SB1-tba, 1234567_SB1-oauth2"))

        let (status, body) = Self.get(dashboard + "api/v1/instances", token: token)
        #expect(status == 200)
        #expect(body.contains("\"health\":\"healthy\""))
        #expect(Self.get(dashboard + "api/v1/instances", token: nil).0 == 401)

        // The demo store is the one `tokens` manages with SUITEBRIDGE_HOME pointing at it.
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": home + "/demo", "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        let created = try CLIRunner.run(["tokens", "create", "ops"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let second = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Self.get(dashboard + "api/v1/instances", token: second).0 == 200)
        let listed = try CLIRunner.run(["tokens", "list"], environment: env)
        #expect(listed.stdout.contains("admin") && listed.stdout.contains("ops") && !listed.stdout.contains(second))
        #expect(try CLIRunner.run(["tokens", "revoke", "ops"], environment: env).status == 0)
        #expect(Self.get(dashboard + "api/v1/instances", token: second).0 == 401)

        // keys rotate beside the running server: it reads the same master.key, so it follows the new key and goes
        // on sealing (a new certificate's private key) and opening (that key, at the next token exchange).
        let rotated = try CLIRunner.run(["keys", "rotate"], environment: env)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home + "/demo/master.key.old"))
        let (status2, rotation) = Self.post(dashboard + "api/v1/instances/1234567_SB1-oauth2/certificates/rotate", token: token, json: #"{"automatic":true}"#)
        #expect(status2 == 200, "\(rotation)")
        let (tested, testBody) = Self.post(dashboard + "api/v1/instances/1234567_SB1-oauth2/test", token: token)
        #expect(tested == 200 && testBody.contains("\"passed\":true"), "\(testBody)")

        process.terminate()  // SIGTERM
        let stopped = Date().addingTimeInterval(20)
        while process.isRunning, Date() < stopped { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }
}

@Suite("suitebridge serve --config, config check, readiness and JSON logs")
struct ServeConfigTests {
    @Test("a configuration file sets the port, the home and JSON logs; a flag wins over it; /readyz turns ready; config check names the sources")
    func configFile() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let home = directory.appendingPathComponent("home").path
        let file = directory.appendingPathComponent("suitebridge.yaml").path
        try "port: 1\nhome: \(home)\nlog:\n  format: json\n  level: info\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUITEBRIDGE_") }
        let checked = try CLIRunner.run(["config", "check", file], environment: environment)
        #expect(checked.status == 0 && checked.stdout.contains("port: 1  [file]") && checked.stdout.contains("log.format: json  [file]"), "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("masterKey: unset"))
        try "port: 1\nhost: [oops\n".write(toFile: directory.appendingPathComponent("bad.yaml").path, atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["config", "check", directory.appendingPathComponent("bad.yaml").path], environment: environment)
        #expect(bad.status == 1 && bad.stderr.contains("bad.yaml") && bad.stderr.contains("fix:"))

        // The file says port 1 (which cannot be bound); the flag --port 0 wins.
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["serve", "--config", file, "--port", "0"]
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("admin API token"), Date() < deadline {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        let base = try #require(text.range(of: #"http://127\.0\.0\.1:\d+/"#, options: .regularExpression).map { String(text[$0]) })
        #expect(FileManager.default.fileExists(atPath: home + "/suitebridge.sqlite"), "the store is in the file's home")
        var ready = (0, "")
        for _ in 0..<50 {
            ready = ServeCommandTests.get(base + "readyz", token: nil)
            if ready.0 == 200 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(ready.0 == 200 && ready.1.contains("\"status\":\"ready\""), "\(ready)")
        process.terminate()
        process.waitUntilExit()
        let lines = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!lines.isEmpty && objects.count == lines.count, "every log line is a JSON object: \(lines.prefix(3))")
        #expect(objects.contains { $0["path"] as? String == "/readyz" && $0["status"] as? String == "200" && ($0["request-id"] as? String)?.isEmpty == false })
    }
}

@Suite("suitebridge serve with TLS")
struct ServeTLSTests {
    /// Runs a shell command line and returns its standard output.
    static func shell(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("serve terminates TLS with a self-signed pair, marks cookies Secure, and takes a renewed certificate on SIGHUP; a broken one keeps the old; a trusted proxy's X-Forwarded-Proto https marks them Secure on plain HTTP")
    func tls() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tlsFolder = directory.appendingPathComponent("tls").path
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUITEBRIDGE_") }
            .merging(["SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path]) { $1 }
        #expect(try CLIRunner.run(["cert", "generate", "--key", "ec-p256", "--out", tlsFolder], environment: environment).status == 0)
        let certificate = tlsFolder + "/auth-cert.pem", key = tlsFolder + "/auth-key.pem"
        let half = try CLIRunner.run(["serve", "--tls-certificate", certificate, "--port", "0"], environment: environment)
        #expect(half.status != 0 && half.stderr.contains("--tls-key"))

        let (process, text) = try CLIRunner.startServer(["serve", "--port", "0", "--tls-certificate", certificate, "--tls-key", key],
                                                        environment: environment, until: "admin API token")
        defer { if process.isRunning { process.terminate() } }
        let base = try #require(text.range(of: #"https://127\.0\.0\.1:\d+/"#, options: .regularExpression).map { String(text[$0]) })
        let port = try #require(base.split(separator: ":").last.map { String($0.dropLast()) })
        #expect(try Self.shell("curl -sk \(base)healthz").contains("\"status\":\"ok\""))
        #expect(try Self.shell("curl -s http://127.0.0.1:\(port)/healthz").isEmpty, "no plain HTTP on the TLS port")
        let cookie = try Self.shell("curl -sk -D - -o /dev/null \(base)login | grep -i '^set-cookie'")
        #expect(cookie.contains("HttpOnly") && cookie.contains("Secure"), "\(cookie)")
        let fingerprint = "echo | openssl s_client -connect 127.0.0.1:\(port) 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
        let first = try Self.shell(fingerprint)
        #expect(first.contains("Fingerprint="))

        // A renewed certificate, then SIGHUP: new connections get it, without a restart.
        #expect(try CLIRunner.run(["cert", "generate", "--key", "ec-p256", "--out", tlsFolder, "--force"], environment: environment).status == 0)
        kill(process.processIdentifier, SIGHUP)
        var second = first
        for _ in 0..<50 where second == first {
            Thread.sleep(forTimeInterval: 0.1)
            second = try Self.shell(fingerprint)
        }
        #expect(second.contains("Fingerprint=") && second != first, "the renewed certificate is served")
        // A broken file and SIGHUP: the certificate in use stays.
        try "not a certificate".write(toFile: certificate, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)
        let kept = try Self.shell(fingerprint)
        #expect(process.isRunning && kept == second)
        process.terminate()
        process.waitUntilExit()

        // Plain HTTP behind a trusted proxy that says the client used HTTPS.
        let (proxied, proxiedText) = try CLIRunner.startServer(["serve", "--port", "0", "--trusted-proxy", "127.0.0.1"], environment: environment)
        defer { if proxied.isRunning { proxied.terminate() } }
        let plain = try #require(proxiedText.range(of: #"http://127\.0\.0\.1:\d+/"#, options: .regularExpression).map { String(proxiedText[$0]) })
        #expect(try Self.shell("curl -s -D - -o /dev/null -H 'X-Forwarded-Proto: https' \(plain)login | grep -i '^set-cookie'").contains("Secure"))
        let plainCookie = try Self.shell("curl -s -D - -o /dev/null \(plain)login | grep -i '^set-cookie'")
        #expect(!plainCookie.isEmpty && !plainCookie.contains("Secure"))
    }
}

@Suite("suitebridge serve stopping during a run")
struct ServeShutdownTests {
    @Test("SIGTERM to serve during an import: it exits cleanly within seconds, the run is handed back at its checkpoint, and a worker finishes it at once with every row once")
    func sigtermDuringRun() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        // Slow enough (about 16 s of NetSuite time for the 400 records) that SIGTERM lands mid-run even when every
        // command is slowed down, as under ThreadSanitizer.
        let (simulator, _) = try SimulatorCommandTests.start(["--records", "3", "--latency-ms", "200"], credentials: credentials)
        defer { simulator.terminate() }
        let env = ["SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_FILES_ROOT": directory.path,
                   "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        let rows = 400
        let source = directory.appendingPathComponent("many.csv").path
        try (["ref,name"] + (1...rows).map { "SD-\($0),Customer \($0)" }).joined(separator: "\n").appending("\n").write(toFile: source, atomically: true, encoding: .utf8)
        let created = try run(["flow", "create", "many", "--instance", "1234567_SB1-tba", "--from-file", source, "--record-type", "customer",
                               "--external-id-column", "ref", "--map", "companyName=name", "--map", "subsidiary=1:internal-constant", "--per-record"])
        #expect(created.status == 0, "\(created.stderr)")

        let serve = Process()
        serve.executableURL = CLIRunner.binary
        serve.arguments = ["serve", "--port", "0"]
        serve.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUITEBRIDGE_") }.merging(env) { $1 }
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        #expect(try run(["flow", "run", "many"]).status == 0)
        func currentRun() throws -> [String: Any] {
            let listed = try run(["runs", "list", "--flow", "many", "--json"])
            return (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.first ?? [:]
        }
        var read = 0
        let deadline = Date().addingTimeInterval(60)
        while read == 0, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            read = try currentRun()["rowsRead"] as? Int ?? 0
        }
        #expect(read > 0 && read < rows, "the server's worker checkpointed part of the run before SIGTERM (\(read))")
        let stopping = Date()
        serve.terminate()  // SIGTERM
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0 && Date().timeIntervalSince(stopping) < 30)
        let handedBack = try currentRun()
        #expect(handedBack["state"] as? String == "running" && (handedBack["rowsRead"] as? Int ?? 0) < rows, "\(handedBack)")

        // Its lease was given back: a worker takes it over now, not when the lease would have run out.
        let finished = try run(["worker", "--until-idle"])
        #expect(finished.status == 0 && finished.stdout.contains("succeeded") && finished.stdout.contains("written=\(rows)"), "\(finished.stdout)\(finished.stderr)")
        #expect(try currentRun()["attempts"] as? Int == 2)
        let counted = try run(["query", "--instance", "1234567_SB1-tba", "--format", "jsonl",
                               "SELECT COUNT(*) AS n, COUNT(DISTINCT externalid) AS distinctids FROM customer WHERE externalid LIKE 'SD-%'"])
        #expect(counted.stdout.contains("\"n\":\"\(rows)\"") && counted.stdout.contains("\"distinctids\":\"\(rows)\""), "\(counted.stdout)\(counted.stderr)")
    }
}
