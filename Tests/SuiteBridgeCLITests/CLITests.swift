import Foundation
import NetSuiteAuth
import Testing

@Suite("suitebridge command line")
struct CLITests {
    @Test("account --json gives every form, with the documented keys")
    func accountJSON() throws {
        let result = try CLIRunner.run(["account", "1234567-SB1", "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
        #expect(object["input"] == "1234567-SB1")
        #expect(object["hostLabel"] == "1234567-sb1")
        #expect(object["realm"] == "1234567_SB1")
        #expect(object["kind"] == "sandbox 1")
        #expect(object["restBaseURL"] == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/")
        #expect(object["restletBaseURL"] == "https://1234567-sb1.restlets.api.netsuite.com/app/site/hosting/restlet.nl")
        #expect(object["tokenURL"] == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")
    }

    @Test("exit 1 with the field and the fix for a bad account id; exit 2 for a usage error")
    func exitStatuses() throws {
        let bad = try CLIRunner.run(["account", "1234567-XX"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("account id:") && bad.stderr.contains("fix:"))
        #expect(bad.stdout.isEmpty)
        #expect(try CLIRunner.run(["account"]).status == 2)
        #expect(try CLIRunner.run(["cert", "generate", "--key", "rsa-2048"]).status == 2)
        #expect(try CLIRunner.run(["no-such-command"]).status == 2)
        #expect(try CLIRunner.run(["--help"]).status == 0)
    }

    @Test("cert generate writes auth-cert.pem and a 0600 auth-key.pem, refuses to overwrite, and inspect reads them")
    func certGenerateAndInspect() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("certs").path
        let generate = try CLIRunner.run(["cert", "generate", "--key", "ec-p256", "--days", "90", "--subject", "CN=CLI test", "--out", out])
        #expect(generate.status == 0, "\(generate.stderr)")
        let keyPath = out + "/auth-key.pem"
        let certPath = out + "/auth-cert.pem"
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!generate.stdout.contains("PRIVATE KEY"), "the key is never printed")
        let firstKey = try String(contentsOfFile: keyPath, encoding: .utf8)

        let again = try CLIRunner.run(["cert", "generate", "--key", "ec-p256", "--out", out])
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"))
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == firstKey, "the old key is kept")

        let inspect = try CLIRunner.run(["cert", "inspect", certPath, "--key", keyPath, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect(object["subject"] as? String == "CN=CLI test")
        #expect(object["keyType"] as? String == "ec")
        #expect(object["keySize"] as? Int == 256)
        #expect(object["daysLeft"] as? Int == 89)
        #expect(object["netsuiteAccepts"] as? Bool == true)
        #expect((object["problems"] as? [String])?.isEmpty == true)
        #expect(object["keyMatches"] as? Bool == true)
        #expect(object["signatureAlgorithm"] as? String == "ecdsa-with-SHA256")
        for key in ["serial", "notBefore", "notAfter", "sha256Fingerprint"] {
            #expect(object[key] is String, "\(key)")
        }

        let forced = try CLIRunner.run(["cert", "generate", "--key", "rsa-3072", "--out", out, "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) != firstKey)
        #expect(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int == 0o600)

        let tooLong = try CLIRunner.run(["cert", "generate", "--days", "731", "--out", directory.appendingPathComponent("x").path])
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.contains("days:") && tooLong.stderr.contains("730"))
    }

    @Test("cert inspect on Oracle's rsa-pss certificate, and on one NetSuite refuses")
    func inspectFixtures() throws {
        let pss = try CLIRunner.run([
            "cert", "inspect", CLIRunner.fixture("openssl/rsa-pss-4096-cert.pem"), "--key",
            CLIRunner.fixture("openssl/rsa-pss-4096-key.pem"),
        ])
        #expect(pss.status == 0)
        #expect(pss.stdout.contains("rsassaPss") && pss.stdout.contains("key matches          yes"))
        let long = try CLIRunner.run(["cert", "inspect", CLIRunner.fixture("openssl/rsa-3072-3years-cert.pem"), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(long.stdout.utf8)) as? [String: Any])
        #expect(object["netsuiteAccepts"] as? Bool == false)
        #expect(object["keyMatches"] == nil)
        let missing = try CLIRunner.run(["cert", "inspect", "/nonexistent/auth-cert.pem"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("certificate"))
    }

    struct Vector: Decodable {
        var method, url, realm: String
        var body: String?
        var consumer_key, consumer_secret, token_id, token_secret: String
        var timestamp: Int
        var nonce, signature: String
    }

    @Test("auth tba-header signs as oauthlib does, with secrets from the environment or files")
    func tbaHeader() throws {
        let vectors = try JSONDecoder().decode(
            [Vector].self, from: Data(contentsOf: URL(fileURLWithPath: CLIRunner.fixture("oauth1/oauthlib-vectors.json"))))
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, vector) in vectors.enumerated() {
            var arguments = [
                "auth", "tba-header", "--account-id", vector.realm, "--consumer-key", vector.consumer_key, "--token-id",
                vector.token_id, "--method", vector.method, "--url", vector.url, "--timestamp", String(vector.timestamp),
                "--nonce", vector.nonce,
            ]
            if let body = vector.body {
                let file = directory.appendingPathComponent("body-\(index)")
                try Data(body.utf8).write(to: file)
                arguments += ["--form-body", file.path]
            }
            var environment: [String: String] = [:]
            if index.isMultiple(of: 2) {
                environment = ["SUITEBRIDGE_CONSUMER_SECRET": vector.consumer_secret, "SUITEBRIDGE_TOKEN_SECRET": vector.token_secret]
            } else {
                let consumer = directory.appendingPathComponent("cs-\(index)")
                let token = directory.appendingPathComponent("ts-\(index)")
                try Data((vector.consumer_secret + "\n").utf8).write(to: consumer)
                try Data(vector.token_secret.utf8).write(to: token)
                arguments += ["--consumer-secret-file", consumer.path, "--token-secret-file", token.path]
            }
            let result = try CLIRunner.run(arguments, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("OAuth realm=\"\(vector.realm)\", oauth_consumer_key="))
            #expect(result.stdout.contains("oauth_signature=\"\(vector.signature)\""), "\(vector.url)")
            #expect(!result.stdout.contains(vector.consumer_secret) && !result.stdout.contains(vector.token_secret))
        }
    }

    @Test("auth tba-header without secrets is a usage error; HMAC-SHA1 is refused")
    func tbaHeaderErrors() throws {
        let base = [
            "auth", "tba-header", "--account-id", "1234567", "--consumer-key", "ck", "--token-id", "t", "--method", "GET",
            "--url", "https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer",
        ]
        let missing = try CLIRunner.run(base)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("SUITEBRIDGE_CONSUMER_SECRET"))
        let sha1 = try CLIRunner.run(
            base + ["--signature-method", "HMAC-SHA1"],
            environment: ["SUITEBRIDGE_CONSUMER_SECRET": "a", "SUITEBRIDGE_TOKEN_SECRET": "b"])
        #expect(sha1.status == 1)
        #expect(sha1.stderr.contains("2023.1"))
    }

    @Test("auth assertion prints a JWT that verifies with the certificate")
    func assertion() async throws {
        let result = try CLIRunner.run([
            "auth", "assertion", "--account-id", "tstdrv1431250", "--client-id", "client-9", "--certificate-id", "kid-9",
            "--private-key", CLIRunner.fixture("openssl/rsa-pss-4096-key.pem"), "--issued-at", "1764200000", "--lifetime", "600",
            "--scope", "rest_webservices",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let jwt = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let certificate = try CertificateInfo(
            pemRepresentation: try String(contentsOfFile: CLIRunner.fixture("openssl/rsa-pss-4096-cert.pem"), encoding: .utf8))
        let claims = try await ClientAssertion.verifySignature(of: jwt, publicKey: certificate.publicKey)
        #expect(claims == .init(
            iss: "client-9", scope: ["rest_webservices"],
            aud: "https://tstdrv1431250.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token", iat: 1_764_200_000,
            exp: 1_764_200_600))
        #expect(try ClientAssertion.header(of: jwt).kid == "kid-9")

        let short = try CLIRunner.run([
            "auth", "assertion", "--account-id", "1234567", "--client-id", "c", "--certificate-id", "k", "--private-key",
            CLIRunner.fixture("openssl/rsa-2048-key.pem"),
        ])
        #expect(short.status == 1)
        #expect(short.stderr.contains("3072"))
        let rs256 = try CLIRunner.run([
            "auth", "assertion", "--account-id", "1234567", "--client-id", "c", "--certificate-id", "k", "--private-key",
            CLIRunner.fixture("openssl/rsa-3072-key.pem"), "--alg", "RS256",
        ])
        #expect(rs256.status == 1)
    }
}
