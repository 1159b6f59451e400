import Foundation
import Testing

@Suite("suitebridge lookup, flow preview and errors against the simulator")
struct ImportCommandTests {
    @Test("a YAML mapping with a lookup table: preview, run, the refused row in the inbox, edited and retried from the command line")
    func mappingPreviewInbox() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.json").path
        let (process, _) = try SimulatorCommandTests.start(["--records", "5"], credentials: credentials)
        defer { process.terminate() }
        let env = ["SUITEBRIDGE_HOME": directory.appendingPathComponent("home").path, "SUITEBRIDGE_FILES_ROOT": directory.path, "SUITEBRIDGE_MASTER_KEY": "", "SUITEBRIDGE_DATABASE_URL": ""]
        func run(_ arguments: [String]) throws -> CLIRunner.Result { try CLIRunner.run(arguments, environment: env) }
        #expect(try run(["instance", "import", "--credentials", credentials]).status == 0)

        let table = directory.appendingPathComponent("countries.csv").path
        try "key,value\nGermany,Deutschland\n\"Korea, South\",Südkorea\n".write(toFile: table, atomically: true, encoding: .utf8)
        let put = try run(["lookup", "put", "countries", "--file", table])
        #expect(put.status == 0 && put.stdout.contains("2 entries"), "\(put.stdout)\(put.stderr)")
        #expect(try run(["lookup", "get", "countries", "--key", "Korea, South"]).stdout == "Südkorea\n")
        #expect(try run(["lookup", "list"]).stdout.contains("countries  2 entries"))
        let missing = try run(["lookup", "get", "nothing"])
        #expect(missing.status == 1 && missing.stderr.contains("lookup put nothing"), "\(missing.stderr)")

        let source = directory.appendingPathComponent("people.csv").path
        try "ref,name,country\nC-1,  alpha ltd ,Germany\nC-2,Beta,Spain\n".write(toFile: source, atomically: true, encoding: .utf8)
        let mapping = directory.appendingPathComponent("people.yaml").path
        try """
            fields:
              companyName: {from: name, steps: [trim, title]}
              comments: {from: country, steps: [{lookup: countries}]}
              subsidiary: {const: "1", steps: [{ref: internal}]}
            """.write(toFile: mapping, atomically: true, encoding: .utf8)
        let bad = directory.appendingPathComponent("bad.yaml").path
        try "fields:\n  companyName: {from: name, steps: [shout]}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try run(["flow", "create", "people", "--instance", "1234567_SB1-tba", "--from-file", source, "--record-type", "customer",
                               "--external-id-column", "ref", "--mapping", bad])
        #expect(refused.status == 1 && refused.stderr.contains("\"shout\" is not a step"), "\(refused.stderr)")
        let created = try run(["flow", "create", "people", "--instance", "1234567_SB1-tba", "--from-file", source, "--record-type", "customer",
                               "--external-id-column", "ref", "--mapping", mapping])
        #expect(created.status == 0, "\(created.stderr)")

        let preview = try run(["flow", "preview", "people"])
        #expect(preview.stdout.contains(#"line 2: {"comments":"Deutschland","companyName":"Alpha Ltd","externalId":"C-1","subsidiary":{"id":"1"}}"#), "\(preview.stdout)")
        #expect(preview.stdout.contains("line 3: refused: Line 3: The field comments: \"Spain\" is not a key of the lookup table countries"))
        #expect(preview.stdout.contains("1 would be sent, 1 refused; nothing was written to NetSuite"))
        let none = try run(["query", "--instance", "1234567_SB1-tba", "--format", "jsonl", "SELECT COUNT(*) AS n FROM customer WHERE externalid LIKE 'C-%'"])
        #expect(none.stdout.contains("\"n\":\"0\""), "\(none.stdout)")

        let ran = try run(["flow", "run", "people", "--wait"])
        #expect(ran.stdout.contains("written=1") && ran.stdout.contains("failed=1"), "\(ran.stdout)\(ran.stderr)")
        let listed = try run(["errors", "list", "--flow", "people", "--json"])
        let errors = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(errors.count == 1 && errors.first?["externalId"] as? String == "C-2" && errors.first?["code"] as? String == "mapping", "\(listed.stdout)")
        let id = try #require(errors.first?["id"] as? String)
        #expect(try run(["errors", "show", id]).stdout.contains("field:       comments"))
        let stillRefused = try run(["errors", "retry", id])
        #expect(stillRefused.status == 1 && stillRefused.stdout.contains("still refused"))
        let fix = directory.appendingPathComponent("fix.json").path
        try #"{"country": "Germany"}"#.write(toFile: fix, atomically: true, encoding: .utf8)
        #expect(try run(["errors", "edit", id, "--data", fix]).status == 0)
        let retried = try run(["errors", "retry", id])
        #expect(retried.status == 0 && retried.stdout.contains("resolved \(id)"), "\(retried.stdout)\(retried.stderr)")
        #expect(try run(["errors", "list", "--state", "open"]).stdout == "no errors\n")
        let landed = try run(["query", "--instance", "1234567_SB1-tba", "--format", "jsonl", "SELECT comments FROM customer WHERE externalid = 'C-2'"])
        #expect(landed.stdout.contains("Deutschland"), "\(landed.stdout)")
        #expect(try run(["audit"]).stdout.contains("inbox.retry"))

        // A webhook: the endpoint and the signing secret printed once, never shown again.
        let hook = try run(["flow", "create", "hook", "--instance", "1234567_SB1-tba", "--from-webhook", "--record-type", "customer",
                            "--external-id-field", "ref", "--mapping", mapping])
        #expect(hook.status == 0 && hook.stdout.contains("endpoint: POST /hooks/"), "\(hook.stdout)\(hook.stderr)")
        let secret = try #require(hook.stdout.split(separator: "\n").first { $0.hasPrefix("signing secret") }?.split(separator: " ").last.map(String.init))
        #expect(secret.hasPrefix("whsec_"))
        let shown = try run(["flow", "show", "hook"])
        #expect(shown.status == 0 && !shown.stdout.contains(secret) && shown.stdout.contains("webhook"), "\(shown.stdout)")
        let unsure = try run(["flow", "create", "hook2", "--instance", "1234567_SB1-tba", "--from-webhook", "--record-type", "customer"])
        #expect(unsure.status == 2 && unsure.stderr.contains("--external-id-field"))
    }
}
