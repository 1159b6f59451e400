import Foundation
import Hummingbird
import HummingbirdTesting
import SuiteBridgeTestSupport
import Testing
@testable import SuiteBridgeCore

@Suite("Outbound destinations are the operator's decision")
struct DestinationPolicyTests {
    static func refusal(_ policy: DestinationPolicy, _ url: String) async -> String? {
        do {
            try await policy.check(url, field: "export.destination.url")
            return nil
        } catch let error as SuiteBridgeError {
            return error.field == "export.destination.url" ? error.message : "wrong field \(String(describing: error.field))"
        } catch {
            return "\(error)"
        }
    }

    @Test("loopback, link-local metadata, private and plain-http URLs are refused; public https passes")
    func refusals() async {
        let policy = DestinationPolicy()
        for url in ["http://203.0.114.1/in", "https://127.0.0.1/in", "https://localhost:8443/in", "https://169.254.169.254/latest/meta-data",
                    "https://10.1.2.3/in", "https://172.20.0.1/in", "https://192.168.1.1/in", "https://100.64.0.1/in", "https://[::1]/in",
                    "https://[fe80::1]/in", "https://[fd00::1]/in", "https://0.0.0.0/in", "https://[::ffff:127.0.0.1]/in", "not a url"] {
            #expect(await Self.refusal(policy, url) != nil, "\(url) passed")
        }
        #expect(await Self.refusal(policy, "https://93.184.216.34/in") == nil)
        #expect(await Self.refusal(policy, "https://[2606:4700:4700::1111]/in") == nil)
    }

    @Test("the operator's allowlist opens a host, on any port or one")
    func allowlist() async {
        #expect(await Self.refusal(DestinationPolicy(allowlist: ["127.0.0.1"]), "http://127.0.0.1:9000/in") == nil)
        let onePort = DestinationPolicy(allowlist: ["127.0.0.1:9000"])
        #expect(await Self.refusal(onePort, "http://127.0.0.1:9000/in") == nil)
        #expect(await Self.refusal(onePort, "http://127.0.0.1:9001/in") != nil)
        #expect(DestinationPolicy.fromEnvironment(["SUITEBRIDGE_ALLOW_DESTINATIONS": "a.example:8080, B.example"]).allowlist == ["a.example:8080", "b.example"])
    }

    @Test("a sandbox reaches only its allowlist: NetSuite requests to any other host fail at once, without a connection; exports too")
    func sandbox() async throws {
        let policy = DestinationPolicy.fromEnvironment(["SUITEBRIDGE_ALLOW_DESTINATIONS": "127.0.0.1", "SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS": "1"])
        #expect(policy.onlyAllowlisted)
        #expect(await Self.refusal(policy, "https://93.184.216.34/in")?.contains("allowlist") == true)
        #expect(await Self.refusal(policy, "http://127.0.0.1:9000/in") == nil)
        #expect(policy.allowsNetSuiteRequest(to: URL(string: "http://127.0.0.1:8080/services/rest/record/v1/customer")!))
        #expect(!policy.allowsNetSuiteRequest(to: URL(string: "https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer")!))
        #expect(DestinationPolicy(allowlist: []).allowsNetSuiteRequest(to: URL(string: "https://1234567.suitetalk.api.netsuite.com/")!))
        try await TestDatabases.withStore(.sqlite) { store, folder in
            let core = CoreContext(store: store, secrets: SecretBox(masterKey: .generate(source: .environment)), actor: "test", logger: quietLogger, destinations: policy)
            try await core.instances.add(InstanceDraft(name: "production", accountID: "1234567",
                                                       credentials: .tokenBased(consumerKey: "k", consumerSecret: "s", tokenID: "t", tokenSecret: "u")))
            let result = try await core.diagnostics.test("production")
            #expect(!result.passed)
            #expect("\(result.failure?.message ?? "") \(result.steps.map(\.detail))".contains("allowlist"), "\(String(describing: result.failure))")
        }
    }

    @Test("a redirect is not followed: the batch fails, naming the redirect, and nothing reaches where it pointed")
    func noRedirects() async throws {
        let router = Router()
        router.post("/in") { _, _ in Response(status: .found, headers: [.location: "http://127.0.0.1:9/elsewhere"]) }
        let endpoint = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: quietLogger)
        try await endpoint.test(.live) { client in
            let port = try #require(client.port)
            var sink = try await HTTPSink(destination: .http("http://127.0.0.1:\(port)/in"), flow: "f", runID: "run", policy: DestinationPolicy(allowlist: ["127.0.0.1"]))
            do {
                try await sink.finish()
                Issue.record("a redirect was followed or accepted")
            } catch let error as SuiteBridgeError {
                #expect(error.message.contains("redirect"))
            }
        }
    }
}
