import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator admin API, RESTlets and certificate rotation")
struct AdminAndRestletTests {
    @Test("an account set up entirely through the admin API works for TBA and M2M")
    func adminSetup() async throws {
        let server = SimulatorServer(netsuite: SimulatedNetSuite())
        let app = Hummingbird.Application(router: server.makeRouter())
        try await app.test(.router) { client in
            func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> SimulatorHarness.Reply {
                try await SimulatorHarness.send(client, method, "/simulator/v1" + path, headers: ["Content-Type": "application/json"], body: body)
            }
            let created = try await call(.post, "/accounts", #"{"accountId":"TSTDRV1431250","concurrencyLimit":4}"#)
            #expect(created.status == 200)
            #expect(created.object?["accountId"] == .string("TSTDRV1431250"))
            #expect(try await call(.post, "/accounts", #"{"accountId":"TSTDRV1431250"}"#).status == 409)
            #expect(try await call(.post, "/accounts", #"{"accountId":"1234567-XX"}"#).status == 400)
            #expect(try await call(.post, "/accounts/tstdrv1431250/data", #"{"customers":10,"seed":2}"#).object?["records"]?.objectValue?["customer"] == .number(10))
            let role = try #require(try await call(.post, "/accounts/tstdrv1431250/roles", #"{"name":"Integration","permissions":"integration"}"#).object?["id"]?.doubleValue)
            let entity = try #require(try await call(.post, "/accounts/tstdrv1431250/entities", #"{"name":"Robot"}"#).object?["id"]?.doubleValue)
            let integration = try #require(try await call(.post, "/accounts/tstdrv1431250/integrations",
                #"{"name":"Shop","tokenBasedAuthentication":true,"clientCredentials":true,"scopes":["rest_webservices","restlets"]}"#).object)
            let integrationID = Int(integration["id"]?.doubleValue ?? 0)
            let token = try #require(try await call(.post, "/accounts/tstdrv1431250/tokens",
                #"{"integrationId":\#(integrationID),"entityId":\#(Int(entity)),"roleId":\#(Int(role))}"#).object)
            let generated = try CertificateKit.generate(keyType: .ec(.p256))
            let pemJSON = JSONValue.string(generated.certificatePEM).serialized
            let mapping = try #require(try await call(.post, "/accounts/tstdrv1431250/m2m-mappings",
                #"{"integrationId":\#(integrationID),"entityId":\#(Int(entity)),"roleId":\#(Int(role)),"certificatePEM":\#(pemJSON)}"#).object)
            let certificateID = try #require(mapping["certificateId"]?.stringValue)
            #expect(certificateID.count == 43)
            #expect(mapping["validUntil"]?.stringValue?.hasSuffix("Z") == true)

            // TBA with the token.
            let account = try AccountID(parsing: "TSTDRV1431250")
            let tba = try TokenBasedAuth(account: account, credentials: .init(
                consumerKey: integration["consumerKey"]!.stringValue!, consumerSecret: integration["consumerSecret"]!.stringValue!,
                tokenID: token["tokenId"]!.stringValue!, tokenSecret: token["tokenSecret"]!.stringValue!))
            let path = "/services/rest/record/v1/customer?limit=5"
            let signed = try tba.sign(method: "GET", url: SimulatorHarness.origin + path)
            #expect(try await SimulatorHarness.send(client, .get, path, headers: ["Authorization": signed.authorization.description]).status == 200)

            // M2M with the mapping.
            let assertion = try await ClientAssertion(
                configuration: .init(account: account, clientID: integration["consumerKey"]!.stringValue!, certificateID: certificateID),
                key: generated.privateKey).make()
            #expect(try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(assertion)).status == 200)

            // Revocations, limits, faults, clock, audit and stats.
            #expect(try await call(.delete, "/accounts/tstdrv1431250/tokens/\(token["tokenId"]!.stringValue!)").status == 200)
            let again = try tba.sign(method: "GET", url: SimulatorHarness.origin + path)
            #expect(try await SimulatorHarness.send(client, .get, path, headers: ["Authorization": again.authorization.description]).status == 401)
            #expect(try await call(.post, "/accounts/tstdrv1431250/m2m-mappings/\(certificateID)/revoke").status == 200)
            #expect(try await call(.put, "/accounts/tstdrv1431250/concurrency", #"{"limit":9}"#).object?["concurrencyLimit"] == .number(9))
            #expect(try await call(.put, "/accounts/tstdrv1431250/concurrency", #"{"limit":0}"#).status == 400)
            #expect(try await call(.put, "/accounts/tstdrv1431250/faults", #"{"latencyMs":5,"jitterMs":2,"errorRate":0.1,"dropRate":0,"seed":3}"#).status == 200)
            #expect(try await call(.put, "/accounts/tstdrv1431250/faults", #"{"errorRate":2}"#).status == 400)
            #expect(try await call(.put, "/clock", #"{"offsetSeconds":60}"#).object?["offsetSeconds"] == .number(60))
            let audit = try #require(try await call(.get, "/accounts/tstdrv1431250/login-audit").object?["entries"]?.arrayValue)
            #expect(audit.count == 3)
            let stats = try #require(try await call(.get, "/accounts/tstdrv1431250/stats").object)
            #expect(stats["requests"]?.objectValue?["record"]?.objectValue?["200"] == .number(1))
            #expect(stats["tokenExchanges"] == .number(1))
            #expect(try await call(.post, "/accounts/tstdrv1431250/reset-stats").object?["tokenExchanges"] == .number(0))
            #expect(try await call(.get, "/accounts/999").status == 404)
            #expect(try await call(.post, "/accounts/tstdrv1431250/roles", #"{"name":"x","permissions":{"Customers":"Most"}}"#).status == 400)
            #expect(try await call(.post, "/accounts/tstdrv1431250/tokens", "not json").status == 400)
        }
    }

    @Test("the admin API is off when the simulator listens beyond loopback")
    func adminOff() async throws {
        let server = SimulatorServer(netsuite: SimulatedNetSuite(), adminEnabled: SimulatorServer.isLoopback("0.0.0.0"))
        let app = Hummingbird.Application(router: server.makeRouter())
        try await app.test(.router) { client in
            let reply = try await SimulatorHarness.send(client, .post, "/simulator/v1/accounts", body: #"{"accountId":"1"}"#)
            #expect(reply.status == 403)
        }
        #expect(SimulatorServer.isLoopback("127.0.0.1") && SimulatorServer.isLoopback("::1") && !SimulatorServer.isLoopback("10.0.0.1"))
    }

    @Test("RESTlets: echo and record lookup with TBA and bearer; unknown scripts and restlet-less tokens refused")
    func restlets() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client in
            let echo = try await harness.signed(client, .post, "/app/site/hosting/restlet.nl?script=1&deploy=1&x=y", body: #"{"hello":"world"}"#)
            #expect(echo.status == 200)
            #expect(echo.object?["method"] == .string("POST"))
            #expect(echo.object?["body"]?.objectValue?["hello"] == .string("world"))
            #expect(echo.object?["parameters"]?.objectValue?["x"] == .string("y"))
            let lookup = try await harness.signed(client, .get, "/app/site/hosting/restlet.nl?script=customscript_sb_lookup&deploy=1&type=customer&id=100")
            #expect(lookup.object?["fields"]?.objectValue?["companyName"]?.stringValue?.isEmpty == false)
            let missing = try await harness.signed(client, .get, "/app/site/hosting/restlet.nl?script=2&deploy=1&type=customer&id=1")
            #expect(missing.object?["error"]?.objectValue?["code"] == .string("RCRD_DSNT_EXIST"))
            let unknown = try await harness.signed(client, .get, "/app/site/hosting/restlet.nl?script=99&deploy=1")
            #expect(unknown.status == 400)
            #expect(unknown.object?["error"]?.objectValue?["code"] == .string("SSS_INVALID_SCRIPTLET_ID"))

            let bearer = try await harness.bearer(client, scopes: [.restlets])
            let viaBearer = try await SimulatorHarness.send(client, .delete, "/app/site/hosting/restlet.nl?script=1&deploy=1", headers: ["Authorization": "Bearer \(bearer)"])
            #expect(viaBearer.status == 200)
            let restOnly = try await harness.bearer(client, scopes: [.restWebServices])
            let refused = try await SimulatorHarness.send(client, .get, "/app/site/hosting/restlet.nl?script=1&deploy=1", headers: ["Authorization": "Bearer \(restOnly)"])
            #expect(refused.status == 401)
            #expect(refused.object?["error"]?.objectValue?["code"] == .string("INVALID_LOGIN_ATTEMPT"))
        }
    }

    @Test("certificate rotation endpoint: list, add a successor, revoke the old one, with the needed permission")
    func rotation() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        let cc = harness.credentials.clientCredentials!
        try await harness.withClient { client in
            let token = try await harness.bearer(client)
            let auth = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            let base = "/services/rest/auth/oauth2/v1/clients/\(cc.clientId)/certificates"
            let list = try #require(try await SimulatorHarness.send(client, .get, base, headers: auth).object?["items"]?.arrayValue)
            #expect(list.count == 1)
            #expect(list.first?.objectValue?["certificateId"] == .string(cc.certificateId))
            #expect(list.first?.objectValue?["revoked"] == .bool(false))

            let successor = try CertificateKit.generate(keyType: .ec(.p384))
            let body = JSONValue.object(JSONObject([("fileContent", .string(successor.certificatePEM)), ("role", .string("1")), ("entity", .string("2"))])).serialized
            let added = try await SimulatorHarness.send(client, .post, base, headers: auth, body: body)
            #expect(added.status == 200, "\(added.body)")
            let newID = try #require(added.object?["certificateId"]?.stringValue)

            let revoke = try await SimulatorHarness.send(client, .post, base + "/\(cc.certificateId)/revoke", headers: auth)
            #expect(revoke.status == 204)
            let oldAssertion = try await harness.assertion()
            #expect(try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(oldAssertion)).status == 400)
            let newAssertion = try await harness.assertion(certificateID: newID, key: successor.privateKey)
            #expect(try await SimulatorHarness.token(client, form: SimulatorHarness.tokenForm(newAssertion)).status == 200)

            let other = try await SimulatorHarness.send(client, .get, "/services/rest/auth/oauth2/v1/clients/someoneelse/certificates", headers: auth)
            #expect(other.status == 403)
            let garbage = try await SimulatorHarness.send(client, .post, base, headers: auth, body: #"{"fileContent":"nope"}"#)
            #expect(garbage.status == 400)
        }
    }
}
