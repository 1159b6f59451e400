import Foundation
import Testing

@Suite("suitebridge instance, cert lifecycle, keys, doctor and audit against the simulator")
struct InstanceCommandTests {
    @Test("import, list, show, test, --instance on client commands, rotate, status, keys rotate, doctor, audit; bad input exits 1 or 2")
    func lifecycle() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "30"], credentials: credentials)
        defer { process.terminate() }
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String], _ extra: [String: String] = [:]) throws -> CLIRunner.Result {
            try CLIRunner.run(arguments, environment: env.merging(extra) { $1 })
        }
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentials))) as! [String: Any]
        let account = (file["accounts"] as! [[String: Any]])[0]
        let tba = account["tba"] as! [String: String]

        let imported = try run(["instance", "import", "--credentials", credentials])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("1234567_SB1-tba") && imported.stdout.contains("1234567_SB1-oauth2"))
        let mode = (try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("home/master.key").path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)

        for name in ["1234567_SB1-tba", "1234567_SB1-oauth2"] {
            let tested = try run(["instance", "test", name])
            #expect(tested.status == 0, "\(tested.stderr)")
            #expect(tested.stdout.contains("is healthy"))
        }
        let shown = try run(["instance", "show", "1234567_SB1-tba"])
        #expect(shown.stdout.contains("realm:             1234567_SB1"))
        #expect(shown.stdout.contains("signature method:  HMAC-SHA256"))
        #expect(shown.stdout.contains("consumer secret:   set (sha256:"))
        for secret in [tba["consumerSecret"]!, tba["tokenSecret"]!] {
            #expect(!shown.stdout.contains(secret))
            #expect(!(try run(["instance", "show", "1234567_SB1-tba", "--json"])).stdout.contains(secret))
        }
        let listed = try run(["instance", "list", "--json"])
        #expect(listed.stdout.contains("\"health\" : \"healthy\""))

        let query = try run(["query", "--instance", "1234567_SB1-oauth2", "SELECT COUNT(*) AS n FROM customer", "--format", "jsonl"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout.contains("\"n\":\"30\""))

        // Add by hand: secrets from the environment; bad input names the field.
        let added = try run(["instance", "add", "manual", "--auth", "tba", "--account-id", "https://1234567-sb1.app.netsuite.com",
                             "--consumer-key", tba["consumerKey"]!, "--token-id", tba["tokenId"]!, "--base-url", account["baseURL"] as! String],
                            ["NETSUITE_CONSUMER_SECRET": tba["consumerSecret"]!, "NETSUITE_TOKEN_SECRET": tba["tokenSecret"]!])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("realm 1234567_SB1, host 1234567-sb1"))
        #expect(try run(["instance", "test", "manual"]).status == 0)
        let noSecret = try run(["instance", "add", "x", "--auth", "tba", "--account-id", "1234567", "--consumer-key", "k", "--token-id", "t"],
                               ["NETSUITE_CONSUMER_SECRET": ""])
        #expect(noSecret.status == 2 && noSecret.stderr.contains("consumer secret"))
        let badAccount = try run(["instance", "add", "x", "--auth", "tba", "--account-id", "12 34", "--consumer-key", "k", "--token-id", "t"],
                                 ["NETSUITE_CONSUMER_SECRET": "s", "NETSUITE_TOKEN_SECRET": "s"])
        #expect(badAccount.status == 1 && badAccount.stderr.contains("account id:") && badAccount.stderr.contains("fix:"))

        // Certificates: a pending one for the admin, then unattended rotation, then status.
        let rotated = try run(["cert", "rotate", "--instance", "1234567_SB1-oauth2", "--key", "ec-p256", "--out", directory.path])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("OAuth 2.0 Client Credentials (M2M) Setup"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("auth-cert.pem").path))
        let wrongID = try run(["cert", "activate", "--instance", "1234567_SB1-oauth2", "--certificate-id", "nope"])
        #expect(wrongID.status == 1 && wrongID.stderr.contains("nothing was changed"))
        let auto = try run(["cert", "rotate", "--instance", "1234567_SB1-oauth2", "--auto", "--key", "ec-p256"])
        #expect(auto.status == 0, "\(auto.stderr)")
        #expect(auto.stdout.contains("revoked"))
        let status = try run(["cert", "status"])
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        #expect(try run(["cert", "status", "--warn-days", "400"]).status == 10)
        #expect(try run(["instance", "test", "1234567_SB1-oauth2"]).status == 0)

        // Master key rotation keeps everything working.
        let keys = try run(["keys", "rotate"])
        #expect(keys.status == 0, "\(keys.stderr)")
        #expect(keys.stdout.contains("re-sealed 7 secrets"))
        #expect(try run(["instance", "test", "1234567_SB1-tba"]).status == 0)

        let doctor = try run(["doctor", "--instance", "1234567_SB1-tba"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("PASS    permissions"))

        let audit = try run(["audit", "--instance", "1234567_SB1-oauth2", "--json"])
        for action in ["instance.add", "instance.test", "certificate.rotate", "certificate.activate", "certificate.revoke"] {
            #expect(audit.stdout.contains(action))
        }
        // The admin revokes the active certificate in NetSuite: a client command fails, says why, and marks the instance.
        let statusJSON = try JSONSerialization.jsonObject(with: Data(try run(["cert", "status", "--json"]).stdout.utf8)) as! [[String: Any]]
        let activeID = try #require(statusJSON.first { $0["state"] as? String == "active" }?["certificateId"] as? String)
        _ = try SimulatorAdmin.post(credentials: credentials, path: "/accounts/1234567_SB1/m2m-mappings/\(activeID)/revoke", json: [:])
        let refused = try run(["query", "--instance", "1234567_SB1-oauth2", "SELECT id FROM customer"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("invalid_grant") && refused.stderr.contains("likely cause:") && refused.stderr.contains("cert rotate"))
        #expect(try run(["instance", "list", "--json"]).stdout.contains("\"health\" : \"unhealthy\""))
        #expect(try run(["cert", "status"]).status == 11)  // the refusal recorded on the instance makes it critical

        let removed = try run(["instance", "remove", "manual"])
        #expect(removed.status == 0)
        #expect(try run(["instance", "show", "manual"]).status == 1)
    }
}

@Suite("suitebridge instance migrate against the simulator")
struct InstanceMigrateCommandTests {
    @Test("migrate a TBA instance: certificate and steps, the mapping scripted from the simulator's account page, the switch, status, rollback")
    func migrate() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "10"], credentials: credentials)
        defer { process.terminate() }
        let env = ["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path,
                   "SUITEBRIDGE_FILES_ROOT": directory.path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)
        let out = directory.appendingPathComponent("migration").path
        #expect(try run(["flow", "create", "customers", "--instance", "1234567_SB1-tba", "--query", "SELECT id FROM customer", "--to-folder", out]).status == 0)

        let doctor = try run(["doctor", "--instance", "1234567_SB1-tba"])
        #expect(doctor.stdout.contains("2027.1") && doctor.stdout.contains("instance migrate 1234567_SB1-tba"), "\(doctor.stdout)")
        let prepared = try run(["instance", "migrate", "1234567_SB1-tba", "--key", "ec-p256", "--out", out])
        #expect(prepared.status == 0, "\(prepared.stderr)")
        #expect(prepared.stdout.contains("prepared 1234567_SB1-tba-oauth2") && prepared.stdout.contains("4. Run `suitebridge instance migrate"), "\(prepared.stdout)")
        let pem = try String(contentsOfFile: out + "/auth-cert.pem", encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))

        // What an administrator reads on NetSuite's setup pages, from the simulator's account page: no secret in it.
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentials))) as! [String: Any]
        let account = (file["accounts"] as! [[String: Any]])[0]
        let page = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: (account["baseURL"] as! String) + "/simulator/v1/accounts/1234567_SB1")!)) as! [String: Any]
        let integration = (page["integrations"] as! [[String: Any]])[0]
        let role = (page["roles"] as! [[String: Any]]).first { $0["name"] as? String == "SuiteBridge Integration" }!
        let entity = (page["entities"] as! [[String: Any]])[0]
        #expect(integration["consumerKey"] as? String == (account["tba"] as! [String: String])["consumerKey"] && integration["consumerSecret"] == nil)
        let mapping = try SimulatorAdmin.post(credentials: credentials, path: "/accounts/1234567_SB1/m2m-mappings", json: [
            "integrationId": integration["id"]!, "entityId": entity["id"]!, "roleId": role["id"]!, "certificatePEM": pem,
        ])
        let certificateID = try #require(mapping["certificateId"] as? String)

        let switched = try run(["instance", "migrate", "1234567_SB1-tba", "--certificate-id", certificateID, "--keep-days", "10"])
        #expect(switched.status == 0, "\(switched.stderr)")
        #expect(switched.stdout.contains(": switched") && switched.stdout.contains("flows moved: customers") && switched.stdout.contains("same  SuiteQL COUNT(*) FROM customer"), "\(switched.stdout)")
        #expect(try run(["flow", "show", "customers"]).stdout.contains("1234567_SB1-tba-oauth2"))
        #expect(try run(["flow", "run", "customers", "--wait"]).status == 0)
        let status = try run(["instance", "migrate", "1234567_SB1-tba", "--status", "--json"])
        #expect(status.stdout.contains("\"state\" : \"switched\"") || status.stdout.contains("\"state\":\"switched\""), "\(status.stdout)")
        let rolledBack = try run(["instance", "migrate", "1234567_SB1-tba", "--rollback"])
        #expect(rolledBack.status == 0 && rolledBack.stdout.contains("rolledBack"), "\(rolledBack.stdout)\(rolledBack.stderr)")
        let shown = try run(["flow", "show", "customers"]).stdout
        #expect(shown.contains("1234567_SB1-tba") && !shown.contains("1234567_SB1-tba-oauth2"), "\(shown)")
        let again = try run(["instance", "migrate", "1234567_SB1-tba", "--rollback"])
        #expect(again.status == 1 && again.stderr.contains("already rolled back"))
        let audit = try run(["audit", "--instance", "1234567_SB1-tba"])
        #expect(audit.stdout.contains("instance.migrate"))
    }
}
