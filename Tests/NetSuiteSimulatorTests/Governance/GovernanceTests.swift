import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetSuiteAuth
import Testing

@testable import NetSuiteSimulator

@Suite("Simulator governance, faults and clock")
struct GovernanceTests {
    static let path = "/services/rest/record/v1/customer/100"

    @Test("under 40 concurrent requests no more than the limit are served at once; the rest get 429 at once")
    func concurrencyLimit() async throws {
        let harness = try await SimulatorHarness.make(records: 5, concurrencyLimit: 3)
        let realm = harness.credentials.accountId
        try await harness.netsuite.setFaults(realm, FaultSettings(latencyMs: 100))
        let statuses = try await harness.withClient { client in
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let reply = try await harness.signed(client, .get, Self.path)
                        return (reply.status, reply.errorCode)
                    }
                }
                return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
            }
        }
        let served = statuses.filter { $0.0 == 200 }.count
        let throttled = statuses.filter { $0.0 == 429 }
        #expect(served + throttled.count == 40)
        #expect(served >= 3)
        #expect(!throttled.isEmpty)
        #expect(throttled.allSatisfy { $0.1 == "CONCURRENCY_LIMIT_EXCEEDED" })
        let stats = try await harness.netsuite.stats(realm)
        #expect(stats.maxInFlight == 3)
        #expect(stats.inFlight == 0)
        #expect(stats.throttled == throttled.count)
        #expect(stats.requests["record"]?["429"] == throttled.count)
        #expect(stats.requests["record"]?["200"] == served)
    }

    @Test("RESTlets over the limit answer 400 SSS_REQUEST_LIMIT_EXCEEDED")
    func restletLimit() async throws {
        let harness = try await SimulatorHarness.make(records: 5, concurrencyLimit: 1)
        try await harness.netsuite.setFaults(harness.credentials.accountId, FaultSettings(latencyMs: 100))
        let bodies = try await harness.withClient { client in
            try await withThrowingTaskGroup(of: SimulatorHarness.Reply.self) { group in
                for _ in 0..<6 { group.addTask { try await harness.signed(client, .get, "/app/site/hosting/restlet.nl?script=1&deploy=1") } }
                return try await group.reduce(into: [SimulatorHarness.Reply]()) { $0.append($1) }
            }
        }
        let refused = bodies.filter { $0.status == 400 }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { $0.object?["error"]?.objectValue?["code"] == .string("SSS_REQUEST_LIMIT_EXCEEDED") })
    }

    @Test("injected errors follow the seed: the same seed gives the same sequence")
    func seededErrors() async throws {
        func sequence(seed: UInt64) async throws -> [Int] {
            let harness = try await SimulatorHarness.make(records: 3)
            try await harness.netsuite.setFaults(harness.credentials.accountId, FaultSettings(errorRate: 0.5, seed: seed))
            return try await harness.withClient { client in
                var statuses: [Int] = []
                for _ in 0..<30 { statuses.append(try await harness.signed(client, .get, Self.path).status) }
                return statuses
            }
        }
        let first = try await sequence(seed: 11)
        #expect(try await sequence(seed: 11) == first)
        #expect(try await sequence(seed: 12) != first)
        #expect(Set(first) == [200, 500])
    }

    @Test("a dropped connection reaches a real client as a dropped connection")
    func droppedConnection() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.netsuite.setFaults(harness.credentials.accountId, FaultSettings(dropRate: 1))
        let app = Application(router: harness.server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let path = Self.path
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)\(path)"
            let signature = try harness.tba.sign(method: "GET", url: url)
            var request = URLRequest(url: URL(string: url)!)
            request.setValue(signature.authorization.description, forHTTPHeaderField: "Authorization")
            await #expect(throws: (any Error).self) {
                _ = try await Self.fetch(request)
            }
        }
    }

    /// A plain socket-level GET through Foundation.
    static func fetch(_ request: URLRequest) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            let task = URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let data, let http = response as? HTTPURLResponse, data.count == Int(http.value(forHTTPHeaderField: "Content-Length") ?? "") ?? data.count {
                    continuation.resume(returning: data)
                } else {
                    continuation.resume(throwing: URLError(.networkConnectionLost))
                }
            }
            task.resume()
        }
    }

    @Test("the clock offset moves TBA's timestamp window")
    func clock() async throws {
        let harness = try await SimulatorHarness.make(records: 3)
        try await harness.withClient { client async throws -> Void in
            await harness.netsuite.setClockOffset(3600)
            #expect(try await harness.signed(client, .get, Self.path).status == 401)
            #expect(try await harness.lastAuditDetail() == "InvalidTimestamp")
            let shifted = Int(Date().timeIntervalSince1970) + 3600
            #expect(try await harness.signed(client, .get, Self.path, timestamp: shifted).status == 200)
        }
    }
}
