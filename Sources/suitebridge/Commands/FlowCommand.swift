import ArgumentParser
import ServiceLifecycle
import UnixSignals
import Foundation
import SuiteBridgeCore

/// `suitebridge flow …` and `suitebridge runs …`: the flows that move data with connector instances.
struct FlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow", abstract: "Create, list, show, run, pause, resume and delete flows (SuiteQL exports, record imports, mirrors).",
        subcommands: [Create.self, List.self, Show.self, SetMapping.self, Preview.self, RunNow.self, Pause.self, Resume.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a flow from a definition file (JSON) or from flags.",
            discussion: """
                Export: --instance N --query "SELECT … ORDER BY id" (--to-folder DIR [--format jsonl|csv] | --to-url URL [--batch-size N])
                        [--watermark-column modified] (the query then contains {{since}}).
                Import: --instance N --from-file F.csv|F.jsonl --record-type customer --external-id-column ref
                        (--mapping FILE.json|FILE.yaml | --map companyName=name [--map subsidiary=1:internal-constant] [--map parent=parentRef:external])
                        [--error-file F].
                Mirror: --instance N --mirror customer,transaction,transactionline --to-database postgres://USER@HOST/DB | sqlite:FILE
                        [--schema netsuite] [--keep-deleted] [--time-zone America/New_York] [--database-password-file F]
                        (a password in the URL is sealed in the store and never shown; `suitebridge mirror tables` lists the tables).
                All: [--schedule "every 15m" | "*/15 * * * *"].
                """)
        @Argument var name: String
        @Option(help: "A JSON flow definition (kind, instance, export or import, schedule).") var definition: String?
        @Option(help: "The connector instance.") var instance: String?
        @Option(help: "Export: the SuiteQL query.") var query: String?
        /// A path as a shell user means it: relative to the working folder (the files root's rule then applies).
        static func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.path
        }

        @Option(help: "Export: write each run's rows to a file in this folder (inside the files root, $SUITEBRIDGE_FILES_ROOT).") var toFolder: String?
        @Option(help: "Export: jsonl or csv.") var format = "jsonl"
        @Option(help: "Export: POST batches of rows to this URL.") var toUrl: String?
        @Option(help: "Export: rows per HTTP batch.") var batchSize = 500
        @Option(help: "Export: the unique column (default id).") var keyColumn: String?
        @Option(help: "Export: the change-time column for incremental runs.") var watermarkColumn: String?
        @Option(help: "Import: the CSV or JSON Lines file (inside the files root).") var fromFile: String?
        @Option(help: "Import: the record type.") var recordType: String?
        @Option(help: "Import: the column holding each row's external id.") var externalIdColumn: String?
        @Option(help: "Import: field=column, field=column:internal|external (a reference), or field=value:constant (repeatable).")
        var map: [String] = []
        @Flag(help: "Webhook: records arrive as signed JSON deliveries to POST /hooks/{flowId} (with --record-type, --external-id-field, --mapping).")
        var fromWebhook = false
        @Option(help: "Webhook: where each delivery holds the record's external id (id, order.number).") var externalIdField: String?
        @Option(help: "Webhook: suitebridge (X-SuiteBridge-Signature, default) or shopify (X-Shopify-Hmac-Sha256).") var signature: String?
        @Option(help: "Webhook: a file with the secret the sender signs with (Shopify's app secret); else one is made and printed once.")
        var signingSecretFile: String?
        @Option(help: "Webhook: deliveries accepted per second (default 100).") var ratePerSecond: Int?
        @Option(name: .customLong("mapping"), help: "Import: a mapping document (JSON or YAML): per field a source, then steps (README, \"Mappings\").")
        var mappingFile: String?
        @Option(help: "Import: where refused rows go.") var errorFile: String?
        @Flag(help: "Import, webhook: send one request per record instead of REST batches of up to 100 (for accounts without batch support).")
        var perRecord = false
        @Option(help: "Mirror: SuiteQL tables, comma-separated (customer,transaction,transactionline).") var mirror: String?
        @Option(help: "Mirror: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or sqlite:FILE (inside the files root).") var toDatabase: String?
        @Option(help: "Mirror: a file holding the database password (instead of the URL).") var databasePasswordFile: String?
        @Option(help: "Mirror: the PostgreSQL schema (default netsuite).") var schema: String?
        @Flag(help: "Mirror: keep deleted records' rows, with _deleted_at set.") var keepDeleted = false
        @Option(help: "Mirror: the integration user's time zone, which NetSuite writes date-times in (default UTC).") var timeZone: String?
        @Option(help: "\"every 15m\" or a cron expression (UTC).") var schedule: String?
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let flowDefinition: FlowDefinition
            if let definition {
                do {
                    flowDefinition = try JSONDecoder().decode(FlowDefinition.self, from: Data(try InputFiles.read(definition, field: "definition").utf8))
                } catch let error as CLIError {
                    throw error
                } catch {
                    throw CLIError(message: "definition: \(definition) is not a flow definition: \(error).\n  fix: see `suitebridge flow create --help`.")
                }
            } else {
                guard let instance else { throw CLIError.usage("instance: not given.\n  fix: pass --instance NAME or --definition FILE.") }
                if let mirror {
                    guard var database = toDatabase else { throw CLIError.usage("to-database: not given.\n  fix: pass --to-database postgres://USER@HOST/DB or sqlite:FILE.") }
                    if database.hasPrefix("sqlite:") { database = "sqlite:" + Self.absolute(String(database.dropFirst("sqlite:".count))) }
                    if let databasePasswordFile {
                        let password = try InputFiles.read(databasePasswordFile, field: "database-password-file").trimmingCharacters(in: .whitespacesAndNewlines)
                        guard var components = URLComponents(string: database), database.hasPrefix("postgres") else {
                            throw CLIError.usage("database-password-file: only a PostgreSQL URL takes a password.\n  fix: leave it out for sqlite:FILE.")
                        }
                        components.password = password
                        database = components.string ?? database
                    }
                    let tables = mirror.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    flowDefinition = FlowDefinition(kind: .mirror, instance: instance, mirror: .init(
                        tables: tables, database: database, schema: schema, keepDeleted: keepDeleted ? true : nil, timeZone: timeZone), schedule: schedule)
                } else if let query {
                    let destination: FlowDefinition.Destination
                    if let toFolder { destination = .folder(Self.absolute(toFolder), format: format) } else if let toUrl { destination = .http(toUrl, batchSize: batchSize) } else {
                        throw CLIError.usage("destination: not given.\n  fix: pass --to-folder DIR or --to-url URL.")
                    }
                    flowDefinition = FlowDefinition(kind: .export, instance: instance, export: .init(
                        query: query, keyColumn: keyColumn, watermarkColumn: watermarkColumn, destination: destination), schedule: schedule)
                } else if fromWebhook {
                    guard let recordType, let externalIdField, let mappingFile else {
                        throw CLIError.usage("from-webhook: needs --record-type, --external-id-field and --mapping.\n  fix: e.g. --record-type salesOrder --external-id-field id --mapping orders.yaml.")
                    }
                    let scheme = try signature.map { text in
                        guard let scheme = FlowDefinition.Webhook.Signature(rawValue: text) else { throw CLIError.usage("signature: \"\(text)\" is not suitebridge or shopify.\n  fix: pass --signature shopify for Shopify.") }
                        return scheme
                    }
                    let definition = FlowDefinition(kind: .webhook, instance: instance, webhook: .init(
                        recordType: recordType, externalIdField: externalIdField, mapping: try Mapping.parse(try InputFiles.read(mappingFile, field: "mapping"), name: mappingFile),
                        signature: scheme, ratePerSecond: ratePerSecond, perRecord: perRecord ? true : nil))
                    let secret = try signingSecretFile.map { try InputFiles.read($0, field: "signing-secret-file").trimmingCharacters(in: .whitespacesAndNewlines) }
                    let workspace = try await store.open()
                    let (flow, signingSecret) = try await workspace.context.flows.createWebhook(name: name, definition: definition, signingSecret: secret)
                    print("""
                        created \(flow.name): webhook with \(flow.definition.instance)
                        endpoint: POST /hooks/\(flow.id) (on this server's URL, e.g. https://suitebridge.example.com/hooks/\(flow.id))
                        """)
                    if secret == nil {
                        print("signing secret (shown once; the sender signs each body with it): \(signingSecret)")
                    }
                    return
                } else if let fromFile, let recordType, let externalIdColumn {
                    var mapping = Mapping(fields: [:])
                    if let mappingFile {
                        guard map.isEmpty else { throw CLIError.usage("map: give --mapping FILE or --map, not both.\n  fix: move the --map fields into the mapping document.") }
                        mapping = try Mapping.parse(try InputFiles.read(mappingFile, field: "mapping"), name: mappingFile)
                    }
                    for entry in map {
                        let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                        guard parts.count == 2 else { throw CLIError.usage("map: \"\(entry)\" is not field=column.\n  fix: e.g. --map companyName=name.") }
                        let value = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
                        switch value.count > 1 ? value[1] : "" {
                        case "": mapping.fields[parts[0]] = .init(from: value[0])
                        case "constant": mapping.fields[parts[0]] = .init(const: .string(value[0]))
                        case "internal": mapping.fields[parts[0]] = .init(from: value[0], steps: [.ref(.internal)])
                        case "external": mapping.fields[parts[0]] = .init(from: value[0], steps: [.ref(.external)])
                        case "internal-constant": mapping.fields[parts[0]] = .init(const: .string(value[0]), steps: [.ref(.internal)])
                        case "external-constant": mapping.fields[parts[0]] = .init(const: .string(value[0]), steps: [.ref(.external)])
                        default: throw CLIError.usage("map: \"\(entry)\": unknown kind \(value[1]).\n  fix: use :internal, :external, :constant, :internal-constant or :external-constant.")
                        }
                    }
                    flowDefinition = FlowDefinition(kind: .import, instance: instance, import: .init(
                        source: Self.absolute(fromFile), recordType: recordType, externalIdColumn: externalIdColumn, mapping: mapping,
                        errorFile: errorFile.map(Self.absolute), perRecord: perRecord ? true : nil), schedule: schedule)
                } else {
                    throw CLIError.usage("flow: neither an export (--query), an import (--from-file, --record-type, --external-id-column) nor a mirror (--mirror, --to-database).\n  fix: see `suitebridge flow create --help`.")
                }
            }
            let workspace = try await store.open()
            let flow = try await workspace.context.flows.create(name: name, definition: flowDefinition)
            print("created \(flow.name): \(flow.definition.kind.rawValue) with \(flow.definition.instance)" + (flow.nextRunAt.map { ", next run \($0.formatted(.iso8601))" } ?? ""))
        }
    }

    struct Listed: Encodable {
        var name, kind, instance, state: String
        var stateReason: String?
        var schedule: String?
        var nextRunAt: Date?
        var watermark: String?
        var lastRun: Run?
    }

    static func listed(_ flow: Flow, _ flows: Flows) async throws -> Listed {
        Listed(name: flow.name, kind: flow.definition.kind.rawValue, instance: flow.definition.instance, state: flow.state.rawValue,
               stateReason: flow.stateReason, schedule: flow.definition.schedule, nextRunAt: flow.nextRunAt, watermark: flow.watermark,
               lastRun: try await flows.runs(flow: flow.name, limit: 1).first)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the flows with their state and last run.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let flows = workspace.context.flows
            var rows: [Listed] = []
            for flow in try await flows.list() { rows.append(try await FlowCommand.listed(flow, flows)) }
            if json { return try Terminal.printJSON(rows) }
            for row in rows {
                let last = row.lastRun.map { "\($0.state.rawValue) \($0.queuedAt.formatted(.iso8601))" } ?? "never run"
                print("\(row.name.column(20))\(row.kind.column(8))\(row.instance.column(24))\(row.state.column(26))\(last)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a flow: definition, state, watermark, recent runs.")
        @Argument var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let flows = workspace.context.flows
            let flow = try await flows.flow(named: name)
            struct Shown: Encodable { var flow: Listed; var definition: FlowDefinition; var runs: [Run] }
            let shown = Shown(flow: try await FlowCommand.listed(flow, flows), definition: flow.definition, runs: try await flows.runs(flow: name, limit: 10))
            if json { return try Terminal.printJSON(shown) }
            print("name:      \(flow.name)\nkind:      \(flow.definition.kind.rawValue)\ninstance:  \(flow.definition.instance)\nstate:     \(flow.state.rawValue)\(flow.stateReason.map { " (\($0))" } ?? "")")
            if let schedule = flow.definition.schedule { print("schedule:  \(schedule), next \(flow.nextRunAt?.formatted(.iso8601) ?? "-")") }
            if let watermark = flow.watermark { print("watermark: \(watermark)") }
            if flow.definition.kind == .webhook {
                print("endpoint:  POST /hooks/\(flow.id)")
                let deliveries = try await workspace.context.webhooks.counts(flow: name)
                print("deliveries: \(deliveries.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
            }
            for run in shown.runs { print(RunsCommand.line(run)) }
        }
    }

    struct RunNow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Queue a run; with --wait, run it here and print the result.")
        @Argument var name: String
        @Flag(help: "Execute queued runs in this process until this one is done.") var wait = false
        @Option(help: "Seconds a run's lease lasts without a heartbeat.") var leaseSeconds = 30.0
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let flows = workspace.context.flows
            let queued = try await flows.enqueue(name)
            guard wait else { return print("queued run \(queued.id)") }
            let worker = FlowWorker(context: workspace.context, leaseDuration: leaseSeconds)
            while try await flows.run(id: queued.id).state.isFinal == false {
                if try await worker.runNext() == nil { try await Task.sleep(for: .milliseconds(500)) }
            }
            let finished = try await flows.run(id: queued.id)
            print(RunsCommand.line(finished))
            if let error = finished.error { Terminal.standardError("error: \(error)\n") }
            if finished.state != .succeeded { throw ExitCode(1) }
        }
    }

    struct SetMapping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-mapping", abstract: "Replace an import's or a webhook's mapping (JSON or YAML).")
        @Argument var name: String
        @Option(help: "The mapping document.") var mapping: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let document = try Mapping.parse(try InputFiles.read(mapping, field: "mapping"), name: mapping)
            let flow = try await store.open().context.flows.updateMapping(name, mapping: document)
            print("\(flow.name): mapping of \(document.fields.count) field\(document.fields.count == 1 ? "" : "s") set; the next run uses it")
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what an import would send for its first rows, and each row's refusal, without writing to NetSuite.")
        @Argument var name: String
        @Option(help: "How many rows (1 to 100).") var rows = 5
        @Option(help: "Another file to preview the mapping with (inside the files root).") var fromFile: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let shown = try await workspace.context.flows.preview(name, rows: rows, file: fromFile.map(Create.absolute))
            if json { return try Terminal.printJSON(shown) }
            for row in shown {
                if let body = row.body {
                    print("line \(row.line): \(body)")
                } else {
                    print("line \(row.line): refused: \(row.refusal ?? "")")
                }
            }
            let refused = shown.filter { $0.refusal != nil }.count
            print("\(shown.count) row\(shown.count == 1 ? "" : "s") previewed: \(shown.count - refused) would be sent, \(refused) refused; nothing was written to NetSuite")
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a flow (no scheduled runs).")
        @Argument var name: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            try await store.open().context.flows.pause(name)
            print("paused \(name)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused or waiting flow.")
        @Argument var name: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            try await store.open().context.flows.resume(name)
            print("resumed \(name)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a flow and its run history.")
        @Argument var name: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            try await store.open().context.flows.delete(name)
            print("deleted \(name)")
        }
    }
}

/// `suitebridge runs list|show`.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "The run history of flows.", subcommands: [List.self, Show.self, Cancel.self])

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running run (a worker running it stops at its next heartbeat).")
        @Argument(help: "The run id (or its first 8 characters).") var id: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let run = try await store.open().context.flows.cancel(run: id)
            print(RunsCommand.line(run))
        }
    }

    static func line(_ run: Run) -> String {
        let seconds = run.duration.map { String(format: "%.1fs", $0) } ?? "-"
        return "\(run.id.prefix(8))  \(run.flowName.column(16))\(run.state.rawValue.column(10))read=\(run.rowsRead) written=\(run.rowsWritten) failed=\(run.rowsFailed) skipped=\(run.rowsSkipped) seconds=\(seconds) \(run.trigger)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent runs, newest first.")
        @Option(help: "Only this flow's runs.") var flow: String?
        @Option(help: "How many.") var limit = 50
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let runs = try await store.open().context.flows.runs(flow: flow, limit: limit)
            if json { return try Terminal.printJSON(runs) }
            for run in runs { print(RunsCommand.line(run)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A run: counts, duration, error, log and refused rows.")
        @Argument(help: "The run id (or its first 8 characters).") var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let flows = try await store.open().context.flows
            let run = try await flows.run(id: id)
            let refused = try await flows.refusedRows(run: run.id)
            if json {
                struct Shown: Encodable { var run: Run; var refused: [[String: String]] }
                return try Terminal.printJSON(Shown(run: run, refused: refused.map {
                    ["line": String($0.line), "externalId": $0.externalID ?? "", "message": $0.message, "path": $0.path ?? ""]
                }))
            }
            print(RunsCommand.line(run))
            if let error = run.error { print("error: \(error)") }
            if !run.log.isEmpty { print(run.log, terminator: "") }
            for row in refused.prefix(20) { print("refused line \(row.line) (\(row.externalID ?? "-")): \(row.message)\(row.path.map { " [\($0)]" } ?? "")") }
        }
    }
}

/// `suitebridge worker`: executes queued runs (and queues scheduled ones), for a server of its own or a test.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Execute queued flow runs; several workers may share a PostgreSQL store.")
    @Flag(help: "Stop when no run is waiting.") var untilIdle = false
    @Option(help: "Seconds a run's lease lasts without a heartbeat.") var leaseSeconds = 30.0
    @Option(name: .customLong("traces-endpoint"), help: "Send traces of the runs over OTLP/HTTP to this collector (also $SUITEBRIDGE_TRACES_ENDPOINT).")
    var tracesEndpoint: String?
    @OptionGroup var store: WorkspaceOptions

    func run() async throws {
        let workspace = try await store.open()
        let worker = FlowWorker(context: workspace.context, leaseDuration: leaseSeconds)
        let untilIdle = untilIdle
        let work = WorkerService {
            if untilIdle {
                for run in try await worker.runUntilIdle() { print(RunsCommand.line(run)) }
            } else {
                // Outside a service group (no trace export) there is no graceful shutdown and this is plain `run()`.
                try await cancelWhenGracefulShutdown { try await worker.run() }
            }
        }
        guard let traceExport = try TraceExport.bootstrap(endpoint: tracesEndpoint, environment: ProcessInfo.processInfo.environment) else {
            return try await work.run()
        }
        // The exporter runs beside the worker; when the worker ends (or SIGTERM), the group shuts down gracefully
        // and the exporter sends the spans it still holds.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: traceExport), .init(service: work, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: Terminal.quietLogger))
        try await group.run()
    }

    /// The worker's loop as a service of the group.
    struct WorkerService: Service {
        let body: @Sendable () async throws -> Void
        func run() async throws { try await body() }
    }
}
