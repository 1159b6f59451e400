import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetSuiteAuth
import NetSuiteSimulator
import OpenAPIRuntime
import SQLKit
import SuiteBridgeAPIClient
import SuiteBridgeCore
@testable import SuiteBridgeServer
import Testing

enum ClientHeaders {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}

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

    @Test("1,000 wrong tokens from one address: it gets 429 after 10, while a valid token from the same address keeps getting 200")
    func rateLimit() async throws {
        try await ServerHarness.run { harness in
            var statuses: [HTTPResponse.Status] = []
            for attempt in 0..<1000 {
                statuses.append(try await harness.api(.get, "/api/v1/instances", token: "sbt_guess\(attempt)").status)
                if attempt % 50 == 0 { #expect(try await harness.api(.get, "/api/v1/instances").status == .ok, "a valid token refused at \(attempt)") }
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.dropFirst(10).allSatisfy { $0 == .tooManyRequests })
            #expect(try await harness.api(.get, "/api/v1/instances").status == .ok)
            #expect(await harness.server.limiter.trackedAddresses == 1)
        }
    }

    @Test("X-Forwarded-For names the client only when the peer is a trusted proxy")
    func forwardedFor() async throws {
        // In-process requests come from the peer "local": trusted here, as a reverse proxy would be.
        try await ServerHarness.run(trustedProxies: ["local"]) { harness in
            for _ in 0..<11 { _ = try await harness.client.execute(uri: "/api/v1/instances", method: .get, headers: [.authorization: "Bearer sbt_guess", ClientHeaders.forwardedFor: "203.0.113.5"]) }
            let blocked = try await harness.client.execute(uri: "/api/v1/instances", method: .get, headers: [.authorization: "Bearer sbt_guess", ClientHeaders.forwardedFor: "203.0.113.5"])
            #expect(blocked.status == .tooManyRequests)
            let other = try await harness.client.execute(uri: "/api/v1/instances", method: .get, headers: [.authorization: "Bearer sbt_guess", ClientHeaders.forwardedFor: "198.51.100.7, 203.0.113.9"])
            #expect(other.status == .unauthorized)
        }
        try await ServerHarness.run { harness in
            // Not trusted: the header is the client's own claim, and every request counts against the peer.
            for index in 0..<11 { _ = try await harness.client.execute(uri: "/api/v1/instances", method: .get, headers: [.authorization: "Bearer sbt_guess", ClientHeaders.forwardedFor: "203.0.113.\(index)"]) }
            let blocked = try await harness.client.execute(uri: "/api/v1/instances", method: .get, headers: [.authorization: "Bearer sbt_guess", ClientHeaders.forwardedFor: "192.0.2.1"])
            #expect(blocked.status == .tooManyRequests)
        }
    }

    @Test("the limiter forgets addresses whose failures have aged out")
    func limiterPrunes() async {
        let limiter = FailedLoginLimiter(limit: 10, window: 60)
        let start = Date()
        for index in 0..<1000 { _ = await limiter.recordFailure("198.51.100.\(index)", now: start) }
        #expect(await limiter.trackedAddresses == 1000)
        await limiter.prune(now: start.addingTimeInterval(61))
        #expect(await limiter.trackedAddresses == 0)
    }

    @Test("instances through the generated client: list, create with the seed's fields, get without secrets, edit, test, doctor, delete; bad input names the field")
    func instances() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            #expect(try await api.listInstances().ok.body.json.items.count == 2)
            let tba = try #require(harness.credentials.tba)
            let created = try await api.createInstance(body: .json(.init(
                name: "shop", auth: .tba, accountId: "1234567-sb1", consumerKey: tba.consumerKey, consumerSecret: tba.consumerSecret,
                tokenId: tba.tokenId, tokenSecret: tba.tokenSecret, baseUrl: harness.credentials.baseURL)))
            let added = try created.created
            #expect(added.headers.location == "/api/v1/instances/shop")
            let addedJSON = String(decoding: try JSONEncoder().encode(try added.body.json), as: UTF8.self)
            #expect(!addedJSON.contains(tba.consumerSecret) && !addedJSON.contains(tba.tokenSecret))
            let shown = try await api.getInstance(path: .init(name: "shop")).ok.body.json
            #expect(shown.realm == "1234567_SB1" && shown.host == "1234567-sb1" && shown.signatureMethod == .hmacSha256)
            #expect(shown.consumerSecret?.hasPrefix("set (sha256:") == true)

            #expect(try await api.testInstance(path: .init(name: "shop")).ok.body.json.passed)
            #expect(try await api.doctorInstance(path: .init(name: "shop")).ok.body.json.checks.isEmpty == false)

            let edited = try await api.editInstance(path: .init(name: "shop"), body: .json(.init(accountId: "1234567_SB1", concurrencyLimit: 3)))
            #expect(try edited.ok.body.json.concurrencyLimit == 3)

            let bad = try await api.createInstance(body: .json(.init(
                name: "bad", auth: .tba, accountId: "12 34", consumerKey: "k", consumerSecret: "s", tokenId: "t", tokenSecret: "s")))
            let badError = try bad.badRequest.body.json.error
            #expect(badError.field == "account id" && badError.code == "invalid_input" && badError.remedy != nil)
            let duplicate = try await api.createInstance(body: .json(.init(
                name: "shop", auth: .tba, accountId: "1234567", consumerKey: "k", consumerSecret: "s", tokenId: "t", tokenSecret: "s")))
            #expect(try duplicate.conflict.body.json.error.code == "conflict")
            // A body the document refuses never reaches the handler; the error names the missing field.
            let missingField = try await harness.api(.post, "/api/v1/instances", json: ["auth": "tba"])
            #expect(missingField.status == .badRequest)
            #expect((ServerHarness.object(missingField)["error"] as? [String: String])?["field"] == "name")

            _ = try await api.deleteInstance(path: .init(name: "shop")).noContent
            #expect(try await api.getInstance(path: .init(name: "shop")).notFound.body.json.error.code == "not_found")
            let audit = try await api.listAudit(query: .init(instance: "shop")).ok.body.json.items
            #expect(audit.contains { $0.action == "instance.add" && $0.actor == "admin" })
            // The document's limits are the server's: out of range is refused, not clamped.
            let tooMany = try await harness.api(.get, "/api/v1/audit?limit=5000")
            #expect(tooMany.status == .badRequest)
            #expect((ServerHarness.object(tooMany)["error"] as? [String: String])?["field"] == "limit")
        }
    }

    @Test("certificates through the generated client: rotate, download the PEM, register it in NetSuite, activate, revoke the old one; automatic rotation")
    func certificates() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            let name = "\(harness.realm)-oauth2"
            let oldID = try #require(harness.credentials.clientCredentials?.certificateId)
            let before = try await harness.metricsText()
            #expect(before.contains("certificate_id=\"\(oldID)\""))
            let rotated = try await api.rotateCertificate(path: .init(name: name), body: .json(.init(keyType: .ecP256, days: 200))).created.body.json
            let pem = rotated.certificatePem
            let download = try await api.downloadCertificate(path: .init(name: name, certificateId: rotated.certificate.id)).ok
            #expect(download.headers.contentDisposition == "attachment; filename=\"auth-cert.pem\"")
            let downloaded = try await String(collecting: try download.body.applicationXPemFile, upTo: 1 << 20)
            #expect(downloaded == pem && !downloaded.contains("PRIVATE"))
            let mapping = try await harness.netsuite.addMapping(harness.realm, integrationID: 3, entityID: 2, roleID: 1, certificatePEM: pem)
            let activated = try await api.activateCertificate(path: .init(name: name), body: .json(.init(certificateId: mapping.certificateID))).ok.body.json
            #expect(activated.state == .active)
            #expect(activated.daysLeft.map { (198...200).contains($0) } == true)
            let revoked = try await api.revokeCertificate(path: .init(name: name, certificateId: oldID), body: .json(.init())).ok.body.json
            #expect(revoked.revokedInNetSuite)
            let wrong = try await api.activateCertificate(path: .init(name: name), body: .json(.init(certificateId: "nope")))
            #expect(try wrong.conflict.body.json.error.code == "conflict")  // nothing pending any more

            let automatic = try await api.rotateCertificate(path: .init(name: name), body: .json(.init(keyType: .ecP256, automatic: true))).ok.body.json
            #expect(automatic.old?.state == .revoked)
            #expect(try await api.getInstance(path: .init(name: name)).ok.body.json.nextRotation != nil)
            #expect(try await api.testInstance(path: .init(name: name)).ok.body.json.passed)
            // Only the current certificate has an expiry gauge: the revoked ones are gone from /metrics.
            let after = try await harness.metricsText()
            let series = after.split(separator: "\n").filter { $0.hasPrefix("suitebridge_certificate_expiry_days{instance=\"\(name)\"") }
            #expect(series.count == 1 && series.allSatisfy { $0.contains("state=\"active\"") }, "\(series)")
            #expect(!after.contains("certificate_id=\"\(oldID)\""))
        }
    }

    @Test("tokens through the generated client: create, use, list without values, revoke; /metrics serves Prometheus text")
    func tokensAndMetrics() async throws {
        try await ServerHarness.run { harness in
            let api = harness.apiClient
            let token = try await api.createToken(body: .json(.init(name: "ci"))).created.body.json.token
            _ = try await harness.client.apiClient(token: token).listInstances().ok
            let hashes = try await harness.server.workspace.store.read { database in
                try await database.raw("SELECT token_hash FROM api_tokens").fetchAll().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            #expect(hashes.count == 2 && hashes.allSatisfy { $0.count == 64 } && !hashes.contains(token) && !hashes.contains(harness.token))
            let listed = try await api.listTokens().ok.body.json.items
            #expect(listed.map(\.name).contains("ci"))
            let listedJSON = String(decoding: try JSONEncoder().encode(listed), as: UTF8.self)
            #expect(!listedJSON.contains(token))
            _ = try await api.revokeToken(path: .init(name: "ci")).noContent
            #expect(try await harness.client.apiClient(token: token).listInstances().unauthorized.body.json.error.code == "unauthorized")

            _ = try await api.testInstance(path: .init(name: "\(harness.realm)-oauth2")).ok
            let metrics = try await harness.metricsText()
            #expect(metrics.contains("suitebridge_netsuite_requests_total{instance=\"\(harness.realm)-oauth2\",status=\"200\"}"))
            #expect(metrics.contains("suitebridge_token_exchanges_total{instance=\"\(harness.realm)-oauth2\"}"))
            #expect(metrics.contains("suitebridge_certificate_expiry_days{instance=\"\(harness.realm)-oauth2\""))
            #expect(metrics.contains("suitebridge_api_unauthorized_total"))
            #expect(metrics.contains("suitebridge_netsuite_request_duration_seconds_bucket"))
        }
    }
}
