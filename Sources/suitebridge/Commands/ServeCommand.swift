import ArgumentParser
import Foundation
import NetSuiteAuth
import Hummingbird
import Logging
import Metrics
import NetSuiteSimulator
import ServiceLifecycle
import UnixSignals
import SuiteBridgeCore
import SuiteBridgeServer

/// `suitebridge serve`: the HTTP API, the dashboard and the metrics; with `--demo`, a simulator beside it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard, the HTTP API (/api/v1) and /metrics. --demo also runs a NetSuite simulator with two instances connected.")

    @Option(help: "A configuration file (YAML; keys named like these flags): flags win over environment variables, which win over the file. `suitebridge config check FILE` shows the result.")
    var config: String?
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (default 8080).") var port: Int?
    @Option(help: "The store: postgres://… or a SQLite path (default $SUITEBRIDGE_DATABASE_URL, else $SUITEBRIDGE_HOME/suitebridge.sqlite).")
    var database: String?
    @Flag(help: "Also start a NetSuite simulator on a free port, and connect a TBA and an OAuth 2 instance to it (a fresh demo store each start).")
    var demo = false
    @Option(name: .customLong("files-root"),
            help: "The folder flow files stay in (default $SUITEBRIDGE_FILES_ROOT, else $SUITEBRIDGE_HOME/files).")
    var filesRoot: String?
    @Option(name: .customLong("allow-destination"),
            help: "A host (HOST or HOST:PORT) exports may send to over http or on a private address (repeatable; also $SUITEBRIDGE_ALLOW_DESTINATIONS).")
    var allowDestinations: [String] = []
    @Flag(name: .customLong("only-allowed-destinations"),
          help: "Reach nothing but the allowed destinations, NetSuite included: a sandbox such as a staging copy of the store (also $SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS=1).")
    var onlyAllowedDestinations = false
    @Option(name: .customLong("trusted-proxy"),
            help: "A reverse proxy's address whose X-Forwarded-For names the client (repeatable; also $SUITEBRIDGE_TRUSTED_PROXIES, comma-separated).")
    var trustedProxies: [String] = []
    @Option(name: .customLong("log-format"),
            help: "text (default) or json: one object per line with time, level, message and fields such as request-id and run-id (also $SUITEBRIDGE_LOG_FORMAT).")
    var logFormat: String?
    @Option(name: .customLong("tls-certificate"),
            help: "Terminate TLS with this PEM certificate chain (with --tls-key; also $SUITEBRIDGE_TLS_CERTIFICATE). SIGHUP reads both files again.")
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "The certificate's PEM private key (also $SUITEBRIDGE_TLS_KEY).")
    var tlsKey: String?
    @Option(name: .customLong("traces-endpoint"),
            help: "Send traces over OTLP/HTTP to this collector (e.g. http://127.0.0.1:4318; also $SUITEBRIDGE_TRACES_ENDPOINT): spans per API request, flow run, NetSuite request and export batch.")
    var tracesEndpoint: String?
    @Option(name: .customLong("failed-login-limit"),
            help: "Wrong tokens one client address may send in a minute before its further wrong tokens get 429 (1 to 100000; a valid token is never refused).")
    var failedLoginLimit: Int?

    func validate() throws {
        if let failedLoginLimit, !(1...100_000).contains(failedLoginLimit) {
            throw ValidationError("--failed-login-limit must be between 1 and 100000.")
        }
        if let text = logFormat ?? ProcessInfo.processInfo.environment["SUITEBRIDGE_LOG_FORMAT"], LogFormat(rawValue: text) == nil {
            throw ValidationError("--log-format must be text or json (got \"\(text)\").")
        }
    }

    func run() async throws {
        // The file fills in what neither a flag nor the environment gives.
        let settings = try config.map(ServerSettings.load) ?? ServerSettings()
        var environment = settings.filling(ProcessInfo.processInfo.environment)
        let host = self.host ?? settings.host ?? "127.0.0.1"
        let port = self.port ?? settings.port ?? 8080
        let failedLoginLimit = self.failedLoginLimit ?? settings.failedLoginLimit ?? 10
        if LogFormat(rawValue: logFormat ?? environment["SUITEBRIDGE_LOG_FORMAT"] ?? "text") == .json {
            LoggingSystem.bootstrap { label in JSONLogHandler.standardError(label: label) }
        }
        // First in the group, so it stops last and sends the spans of the server's last requests.
        let traceExport = try TraceExport.bootstrap(endpoint: tracesEndpoint, environment: environment)
        var logger = Logger(label: "suitebridge.server")
        logger.logLevel = environment["SUITEBRIDGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if demo, database == nil {
            // The demo keeps its own store, made fresh each start, so its instances match the new simulator.
            let home = SuiteBridgeHome.fromEnvironment(environment).path + "/demo"
            try? FileManager.default.removeItem(atPath: home)
            environment["SUITEBRIDGE_HOME"] = home
            environment["SUITEBRIDGE_DATABASE_URL"] = nil
            environment["SUITEBRIDGE_MASTER_KEY"] = nil
        }
        if demo {
            // The demo's instances talk to the local simulator: the operator allows it by asking for the demo.
            environment["SUITEBRIDGE_ALLOW_DESTINATIONS"] = ((environment["SUITEBRIDGE_ALLOW_DESTINATIONS"].map { [$0] } ?? []) + ["127.0.0.1"]).joined(separator: ",")
        }
        let workspace = try await Workspace.open(databaseURL: database, filesRoot: filesRoot, allowDestinations: allowDestinations,
                                                 onlyAllowedDestinations: onlyAllowedDestinations, environment: environment, actor: "server", logger: logger)
        OpenWorkspaces.register(workspace)
        let banner = demo ? "Demo: connected to a local NetSuite simulator, not to NetSuite." : nil
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let certificatePath = tlsCertificate ?? environment["SUITEBRIDGE_TLS_CERTIFICATE"].flatMap { $0.isEmpty ? nil : $0 }
        let keyPath = tlsKey ?? environment["SUITEBRIDGE_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        var certificates: TLSCertificates?
        switch (certificatePath, keyPath) {
        case (let certificate?, let key?):
            do {
                certificates = try TLSCertificates(certificatePath: certificate, keyPath: key)
            } catch let error as TLSFileError {
                throw CLIError(message: "tls: \(error.description).\n  fix: \(error.remedy)")
            }
        case (nil, nil): break
        default: throw CLIError.usage("tls: give both --tls-certificate and --tls-key (or neither).\n  fix: pass the certificate chain and its private key.")
        }
        let proxies = Set(trustedProxies + (environment["SUITEBRIDGE_TRUSTED_PROXIES"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty })
        let server = try SuiteBridgeServer(workspace: workspace, configuration: .init(host: host, port: port, banner: banner, trustedProxies: proxies,
                                                                                      failedLoginLimit: failedLoginLimit, tls: certificates),
                                           metrics: metrics)
        let firstToken = try await server.createFirstTokenIfNeeded()
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let ready = ServerAnnouncement(host: shownHost, scheme: certificates == nil ? "http" : "https", token: firstToken,
                                       store: workspace.store.displayLocation, waitsForDemo: demo)

        var services: [any Service] = traceExport.map { [$0] } ?? []
        if demo {
            let netsuite = SimulatedNetSuite()
            let credentials = try await SimulatorProvisioning.provision(netsuite, configuration: .standard(records: 200, seed: 1, concurrencyLimit: 5, latencyMs: 0), baseURL: "")
            let simulator = SimulatorServer(netsuite: netsuite)
            await simulator.warmUp()
            let core = workspace.context
            services.append(simulator.makeApplication(host: "127.0.0.1", port: 0) { channel in
                let baseURL = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)"
                // Not awaited here: the simulator starts serving only after this callback returns.
                Task {
                do {
                    var file = credentials
                    for index in file.accounts.indices { file.accounts[index].baseURL = baseURL }
                    let instances = try await core.instances.importCredentials(file)
                    for instance in instances { _ = try? await core.diagnostics.test(instance.name) }
                    await ready.demoReady("NetSuite simulator on \(baseURL); instances: \(instances.map(\.name).joined(separator: ", "))")
                } catch {
                    Terminal.standardError("error: demo: \(error)\n")
                }
                }
            })
        }
        if let certificates { services.append(TLSReloadService(certificates: certificates, logger: logger)) }
        services.append(server.makeApplication(logger: logger) { channel in
            await ready.serverReady(port: channel.localAddress?.port ?? port)
        })
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Prints, once the server listens (and, for the demo, its instances are connected), where the dashboard is and
/// the first token.
actor ServerAnnouncement {
    let host: String
    let scheme: String
    let token: String?
    let store: String
    let waitsForDemo: Bool
    private var port: Int?
    private var demo: String?
    private var done = false

    init(host: String, scheme: String, token: String?, store: String, waitsForDemo: Bool) {
        self.host = host
        self.scheme = scheme
        self.token = token
        self.store = store
        self.waitsForDemo = waitsForDemo
    }

    func serverReady(port: Int) {
        self.port = port
        announceIfReady()
    }

    func demoReady(_ text: String) {
        demo = text
        announceIfReady()
    }

    private func announceIfReady() {
        guard !done, let port, !waitsForDemo || demo != nil else { return }
        done = true
        var text = "SuiteBridge dashboard: \(scheme)://\(host):\(port)/\nstore: \(store)\n"
        if let demo { text += demo + "\n" }
        if let token {
            text += "admin API token (shown once, keep it safe; log in with it): \(token)\n"
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// `suitebridge tokens create|list|revoke`: the API tokens; a token's name is the actor in the audit log.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokens", abstract: "Manage the API tokens that open the HTTP API and the dashboard.",
                                                    subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @Argument(help: "A name: the actor in the audit log.") var name: String
        @Option(help: "What it may do: read (every GET), operate (also test, doctor, rotate, run flows), admin (everything) or metrics (only /metrics).")
        var scope: TokenScope = .read
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let token = try await APITokens(store: workspace.store).create(name: name, scope: scope, actor: WorkspaceOptions.actor)
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (names and dates, never the tokens).")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let tokens = try await APITokens(store: workspace.store).list()
            if json { return try Terminal.printJSON(tokens) }
            for token in tokens {
                print("\(token.name.column(20))\(token.scope.rawValue.column(9))created \(token.createdAt.day)  last used \(token.lastUsedAt?.day ?? "never")\(token.revokedAt.map { "  revoked \($0.day)" } ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; it stops working at once.")
        @Argument var name: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            try await APITokens(store: workspace.store).revoke(name: name, actor: WorkspaceOptions.actor)
            print("revoked \(name)")
        }
    }
}

extension TokenScope: ExpressibleByArgument {}
