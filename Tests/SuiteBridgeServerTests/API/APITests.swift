import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetSuiteAuth
import NetSuiteSimulator
import SQLKit
import SuiteBridgeCore
import Testing
@testable import SuiteBridgeServer

@Suite("HTTP API")
struct APITests {
    @Test("no or a wrong token: 401 JSON with WWW-Authenticate; /healthz is open; security headers everywhere")
    func authentication() async throws {
        try await ServerHarness.run { harness in
            let health = try await harness.client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let missing = try await harness.client.execute(uri: "/api/v1/instances", method: .get)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"suitebridge\"")
            let error = try #require(ServerHarness.object(missing)["error"] as? [String: String])
            #expect(error["code"] == "unauthorized" && error["remedy"] != nil)
            let wrong = try await harness.api(.get, "/api/v1/instances", token: "sbt_wrong")
            #expect(wrong.status == .unauthorized)
            for response in [health, missing, wrong] {
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            }
            let metrics = try await harness.client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .unauthorized)
        }
    }

    @Test("failed logins from one address are rate-limited")
    func rateLimit() async throws {
        try await ServerHarness.run { harness in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<12 { statuses.append(try await harness.api(.get, "/api/v1/instances", token: "sbt_guess").status) }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
        }
    }

    @Test("instances: list, create with the seed's fields, get without secrets, edit, test, doctor, delete; bad input names the field")
    func instances() async throws {
        try await ServerHarness.run { harness in
            let list = ServerHarness.object(try await harness.api(.get, "/api/v1/instances"))["items"] as? [[String: Any]]
            #expect(list?.count == 2)
            let tba = harness.credentials.tba!
            let created = try await harness.api(.post, "/api/v1/instances", json: [
                "name": "shop", "auth": "tba", "accountId": "1234567-sb1", "consumerKey": tba.consumerKey, "consumerSecret": tba.consumerSecret,
                "tokenId": tba.tokenId, "tokenSecret": tba.tokenSecret, "baseUrl": harness.credentials.baseURL ?? "",
            ])
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/v1/instances/shop")
            let body = ServerHarness.text(created)
            #expect(!body.contains(tba.consumerSecret) && !body.contains(tba.tokenSecret))
            let shown = ServerHarness.object(try await harness.api(.get, "/api/v1/instances/shop"))
            #expect(shown["realm"] as? String == "1234567_SB1")
            #expect(shown["host"] as? String == "1234567-sb1")
            #expect(shown["signatureMethod"] as? String == "HMAC-SHA256")
            #expect((shown["consumerSecret"] as? String)?.hasPrefix("set (sha256:") == true)

            let tested = ServerHarness.object(try await harness.api(.post, "/api/v1/instances/shop/test"))
            #expect(tested["passed"] as? Bool == true)
            let doctor = ServerHarness.object(try await harness.api(.post, "/api/v1/instances/shop/doctor"))
            #expect((doctor["checks"] as? [[String: Any]])?.isEmpty == false)

            let edited = try await harness.api(.patch, "/api/v1/instances/shop", json: ["accountId": "1234567_SB1", "concurrencyLimit": 3])
            #expect(edited.status == .ok)
            #expect(ServerHarness.object(edited)["concurrencyLimit"] as? Int == 3)

            let bad = try await harness.api(.post, "/api/v1/instances", json: [
                "name": "bad", "auth": "tba", "accountId": "12 34", "consumerKey": "k", "consumerSecret": "s", "tokenId": "t", "tokenSecret": "s",
            ])
            #expect(bad.status == .badRequest)
            let error = ServerHarness.object(bad)["error"] as? [String: String]
            #expect(error?["field"] == "account id" && error?["code"] == "invalid_input" && error?["remedy"] != nil)
            let duplicate = try await harness.api(.post, "/api/v1/instances", json: [
                "name": "shop", "auth": "tba", "accountId": "1234567", "consumerKey": "k", "consumerSecret": "s", "tokenId": "t", "tokenSecret": "s",
            ])
            #expect(duplicate.status == .conflict)
            let missingField = try await harness.api(.post, "/api/v1/instances", json: ["auth": "tba"])
            #expect(missingField.status == .badRequest)

            #expect(try await harness.api(.delete, "/api/v1/instances/shop").status == .noContent)
            #expect(try await harness.api(.get, "/api/v1/instances/shop").status == .notFound)
            let audit = ServerHarness.object(try await harness.api(.get, "/api/v1/audit?instance=shop"))["items"] as? [[String: Any]]
            #expect(audit?.contains { $0["action"] as? String == "instance.add" && $0["actor"] as? String == "admin" } == true)
        }
    }

    @Test("certificates: rotate, download the PEM, register it in NetSuite, activate, revoke the old one; automatic rotation")
    func certificates() async throws {
        try await ServerHarness.run { harness in
            let name = "\(harness.realm)-oauth2"
            let before = ServerHarness.text(try await harness.api(.get, "/metrics"))
            #expect(before.contains("certificate_id=\"\(harness.credentials.clientCredentials!.certificateId)\""))
            let rotated = try await harness.api(.post, "/api/v1/instances/\(name)/certificates/rotate", json: ["keyType": "ec-p256", "days": 200])
            #expect(rotated.status == .created)
            let pem = try #require(ServerHarness.object(rotated)["certificatePem"] as? String)
            let pending = try #require(ServerHarness.object(rotated)["certificate"] as? [String: Any])
            let download = try await harness.api(.get, "/api/v1/instances/\(name)/certificates/\(pending["id"] as! String)/pem")
            #expect(ServerHarness.text(download) == pem)
            #expect(!ServerHarness.text(download).contains("PRIVATE"))
            let mapping = try await harness.netsuite.addMapping(harness.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pem)
            let activated = try await harness.api(.post, "/api/v1/instances/\(name)/certificates/activate", json: ["certificateId": mapping.certificateID])
            #expect(activated.status == .ok)
            #expect(ServerHarness.object(activated)["state"] as? String == "active")
            #expect((ServerHarness.object(activated)["daysLeft"] as? Int).map { (198...200).contains($0) } == true)
            let old = harness.credentials.clientCredentials!.certificateId
            let revoked = try await harness.api(.post, "/api/v1/instances/\(name)/certificates/\(old)/revoke", json: [:])
            #expect(ServerHarness.object(revoked)["revokedInNetSuite"] as? Bool == true)
            let wrong = try await harness.api(.post, "/api/v1/instances/\(name)/certificates/activate", json: ["certificateId": "nope"])
            #expect(wrong.status == .conflict)  // nothing pending any more

            let automatic = try await harness.api(.post, "/api/v1/instances/\(name)/certificates/rotate", json: ["automatic": true, "keyType": "ec-p256"])
            #expect(automatic.status == .ok, "\(ServerHarness.text(automatic))")
            #expect((ServerHarness.object(automatic)["old"] as? [String: Any])?["state"] as? String == "revoked")
            let instance = ServerHarness.object(try await harness.api(.get, "/api/v1/instances/\(name)"))
            #expect(instance["nextRotation"] != nil)
            #expect(ServerHarness.object(try await harness.api(.post, "/api/v1/instances/\(name)/test"))["passed"] as? Bool == true)
            // Only the current certificate has an expiry gauge: the revoked ones are gone from /metrics.
            let after = ServerHarness.text(try await harness.api(.get, "/metrics"))
            let series = after.split(separator: "\n").filter { $0.hasPrefix("suitebridge_certificate_expiry_days{instance=\"\(name)\"") }
            #expect(series.count == 1 && series.allSatisfy { $0.contains("state=\"active\"") }, "\(series)")
            #expect(!after.contains("certificate_id=\"\(harness.credentials.clientCredentials!.certificateId)\""))
        }
    }

    @Test("tokens: create, use, list without values, revoke; /metrics serves Prometheus text")
    func tokensAndMetrics() async throws {
        try await ServerHarness.run { harness in
            let created = ServerHarness.object(try await harness.api(.post, "/api/v1/tokens", json: ["name": "ci"]))
            let token = try #require(created["token"] as? String)
            #expect(try await harness.api(.get, "/api/v1/instances", token: token).status == .ok)
            let hashes = try await harness.server.workspace.store.read { database in
                try await database.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            #expect(hashes.count == 2 && hashes.allSatisfy { $0.count == 64 } && !hashes.contains(token) && !hashes.contains(harness.token))
            let listed = ServerHarness.text(try await harness.api(.get, "/api/v1/tokens"))
            #expect(listed.contains("\"ci\"") && !listed.contains(token))
            #expect(try await harness.api(.delete, "/api/v1/tokens/ci").status == .noContent)
            #expect(try await harness.api(.get, "/api/v1/instances", token: token).status == .unauthorized)

            _ = try await harness.api(.post, "/api/v1/instances/\(harness.realm)-oauth2/test")
            let metrics = ServerHarness.text(try await harness.api(.get, "/metrics"))
            #expect(metrics.contains("suitebridge_netsuite_requests_total{instance=\"\(harness.realm)-oauth2\",status=\"200\"}"))
            #expect(metrics.contains("suitebridge_token_exchanges_total{instance=\"\(harness.realm)-oauth2\"}"))
            #expect(metrics.contains("suitebridge_certificate_expiry_days{instance=\"\(harness.realm)-oauth2\""))
            #expect(metrics.contains("suitebridge_api_unauthorized_total"))
            #expect(metrics.contains("suitebridge_netsuite_request_duration_seconds_bucket"))
        }
    }
}
