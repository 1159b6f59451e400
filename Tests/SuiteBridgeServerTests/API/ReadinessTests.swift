import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import SuiteBridgeCore
@testable import SuiteBridgeServer
import SuiteBridgeTestSupport
import Synchronization
import Testing

@Suite("Readiness and logs")
struct ReadinessTests {
    @Test("/readyz is open: 503 naming the part while the worker does not run, 200 once it does; X-Request-Id on every answer")
    func readyz() async throws {
        try await ServerHarness.run { harness in
            var response = try await harness.client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            var body = ServerHarness.object(response)
            #expect(body["status"] as? String == "notReady" && body["worker"] as? String == "not running" && body["store"] as? String == "ok")
            #expect(body["migrations"] as? String == "\(Store.latestSchemaVersion) of \(Store.latestSchemaVersion)")
            harness.server.readiness.setWorkerRunning(true)
            response = try await harness.client.execute(uri: "/readyz", method: .get)
            body = ServerHarness.object(response)
            #expect(response.status == .ok && body["status"] as? String == "ready")
            #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.count ?? 0 > 0)
        }
    }

    @Test("a store that cannot be reached makes the server not ready, naming the store", arguments: TestDatabases.kinds)
    func storeGone(kind: Store.Kind) async throws {
        try await TestDatabases.withStore(kind) { store, _ in
            let readiness = Readiness()
            readiness.setWorkerRunning(true)
            #expect(await readiness.check(store: store).ready)
            await store.close()
            let report = await readiness.check(store: store)
            #expect(!report.ready && report.store.hasPrefix("unreachable") && report.migrations == "unknown", "\(report)")
        }
    }

    @Test("PostgreSQL refusing connections turns readiness red, naming the store; it turns green again when PostgreSQL takes connections again",
          .enabled(if: TestDatabases.kinds.contains(.postgres)))
    func postgresDown() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["SUITEBRIDGE_TEST_POSTGRES_URL"])
        let database = "sb_ready_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try await Store.openPostgres(url: url, schema: nil, migrating: false, logger: quietLogger)
        try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: database)").run() }
        var components = try #require(URLComponents(string: url))
        components.path = "/" + database
        let store = try await Store.openPostgres(url: try #require(components.string), logger: quietLogger)
        let readiness = Readiness()
        readiness.setWorkerRunning(true)
        #expect(await readiness.check(store: store).ready)
        // The database stops taking connections and drops the ones it has, as when its server goes down.
        try await admin.read { database_ in
            try await database_.raw("ALTER DATABASE \(unsafeRaw: database) ALLOW_CONNECTIONS false").run()
            try await database_.raw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(bind: database)").run()
        }
        let down = await readiness.check(store: store)
        #expect(!down.ready && down.store.hasPrefix("unreachable"), "\(down)")
        try await admin.read { try await $0.raw("ALTER DATABASE \(unsafeRaw: database) ALLOW_CONNECTIONS true").run() }
        var up = await readiness.check(store: store)
        for _ in 0..<20 where !up.ready {
            try await Task.sleep(for: .milliseconds(250))
            up = await readiness.check(store: store)
        }
        #expect(up.ready, "\(up)")
        await store.close()
        try await admin.read { try await $0.raw("DROP DATABASE \(unsafeRaw: database) WITH (FORCE)").run() }
        await admin.close()
    }

    @Test("JSON logs: one object per line with time, level, label, message and every metadata field")
    func jsonLines() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "suitebridge.test") { label in JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "server"] = "a"
        logger.info("run succeeded", metadata: ["run-id": "r-1", "rows": .array(["1", "2"]), "quote": "say \"hi\"\nbye"])
        logger.debug("not written at info")
        let written = lines.withLock { $0 }
        #expect(written.count == 1 && written[0].hasSuffix("\n") && !written[0].dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "run succeeded" && object["level"] as? String == "info" && object["label"] as? String == "suitebridge.test")
        #expect(object["run-id"] as? String == "r-1" && object["server"] as? String == "a" && object["quote"] as? String == "say \"hi\"\nbye")
        #expect(object["rows"] as? [String] == ["1", "2"])
        #expect((object["time"] as? String).flatMap { ISO8601DateFormatter().date(from: $0.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)) } != nil)
    }
}
