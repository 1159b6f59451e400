import ArgumentParser
import Foundation
import NetSuiteAuth
import Hummingbird
import NIOCore
import NetSuiteSimulator

/// `suitebridge simulator`: a local NetSuite for tests, demos and offline development.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Run a local NetSuite: token endpoint, TBA, REST records, SuiteQL, RESTlets, governance and faults.",
        discussion: """
            Without --config: one sandbox account 1234567_SB1 set up as the seed guide describes (features, integration role, \
            user, integration record with both grants, one TBA token, one M2M certificate), with --records customers and \
            their contacts, orders, payments. The admin API is under /simulator/v1. Stops on SIGINT or SIGTERM.
            """
    )

    @Option(help: "Address to listen on. The admin API answers only on loopback addresses.")
    var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 9090
    @Option(help: "A JSON file describing accounts (see the README).")
    var config: String?
    @Option(name: .customLong("write-credentials"), help: "Write the accounts' credentials to this file (mode 0600).")
    var writeCredentials: String?
    @Option(help: "Customers in the generated data set (without --config).")
    var records = 1000
    @Option(help: "Seed of the data set and faults (without --config).")
    var seed: UInt64 = 1
    @Option(name: .customLong("latency-ms"), help: "Each NetSuite request's time from receipt to answer, processing included (without --config).")
    var latencyMs = 0
    @Option(name: .customLong("concurrency-limit"), help: "Requests in flight at once before 429 (without --config).")
    var concurrencyLimit = 5

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard records >= 0 else { throw ValidationError("--records must be 0 or more.") }
        guard concurrencyLimit >= 1 else { throw ValidationError("--concurrency-limit must be 1 or more.") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must be 0 or more.") }
    }

    func run() async throws {
        let configuration: SimulatorProvisioning.Configuration
        if let config {
            let text = try InputFiles.read(config, field: "config")
            do {
                configuration = try JSONDecoder().decode(SimulatorProvisioning.Configuration.self, from: Data(text.utf8))
            } catch {
                throw CLIError(message: "config: \(config) is not a simulator configuration: \(error).\n  fix: see the README's simulator section for the format.")
            }
        } else {
            configuration = .standard(records: records, seed: seed, concurrencyLimit: concurrencyLimit, latencyMs: latencyMs)
        }
        let netsuite = SimulatedNetSuite()
        let credentials: CredentialsFile
        do {
            credentials = try await SimulatorProvisioning.provision(netsuite, configuration: configuration, baseURL: "")
        } catch let error as SimulatorError {
            throw CLIError(message: "config: \(error.message)")
        }
        let server = SimulatorServer(netsuite: netsuite, adminEnabled: SimulatorServer.isLoopback(host))
        await server.warmUp()
        let writeCredentials = self.writeCredentials
        let host = self.host
        let app = server.makeApplication(host: host, port: port) { channel in
            let port = channel.localAddress?.port ?? 0
            let shownHost = host.contains(":") ? "[\(host)]" : host
            let baseURL = "http://\(shownHost):\(port)"
            var written = credentials
            for index in written.accounts.indices { written.accounts[index].baseURL = baseURL }
            if let writeCredentials {
                do {
                    try Self.writePrivateJSON(written, to: writeCredentials)
                } catch {
                    Terminal.standardError("error: write-credentials: cannot write \(writeCredentials): \(error)\n")
                }
            }
            let accounts = written.accounts.map(\.accountId).joined(separator: ", ")
            var message = "NetSuite simulator listening on \(baseURL) (accounts: \(accounts))\n"
            if let writeCredentials { message += "credentials written to \(writeCredentials)\n" }
            FileHandle.standardOutput.write(Data(message.utf8))
        }
        try await app.runService()
    }

    /// Writes `value` as JSON to a file only its owner can read.
    static func writePrivateJSON(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CLIError(message: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.close()
        guard rename(temporary, path) == 0 else { throw CLIError(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}
