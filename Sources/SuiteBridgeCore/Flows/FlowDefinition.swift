import Foundation

/// What a flow does: an export (SuiteQL to files or an HTTP endpoint), an import (CSV or JSON Lines rows to
/// NetSuite records by upsert on external id), a webhook (signed JSON deliveries to records, the same way) or a
/// mirror (NetSuite tables into the user's database), with the connector instance it uses.
public struct FlowDefinition: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        case export
        case `import`
        case mirror
        case webhook
    }

    public var kind: Kind
    /// The connector instance the flow uses.
    public var instance: String
    public var export: Export?
    public var `import`: Import?
    public var mirror: Mirror?
    public var webhook: Webhook?
    /// When it runs on its own; `nil` for on demand only.
    public var schedule: String?

    public init(kind: Kind, instance: String, export: Export? = nil, import: Import? = nil, mirror: Mirror? = nil, webhook: Webhook? = nil,
                schedule: String? = nil) {
        self.kind = kind
        self.instance = instance
        self.export = export
        self.import = `import`
        self.mirror = mirror
        self.webhook = webhook
        self.schedule = schedule
    }

    /// A mirror of NetSuite tables into the user's database: typed tables, a first load, then changes and deletions.
    public struct Mirror: Codable, Sendable, Hashable {
        /// The PostgreSQL schema the tables go into unless another is given.
        public static let defaultSchema = "netsuite"

        /// SuiteQL table names, lower case (`customer`, `transaction`, `transactionline`).
        public var tables: [String]
        /// `postgres://USER@HOST:PORT/DATABASE` or `sqlite:PATH` (under the files root). A password given in the URL
        /// is sealed in the store and removed from here.
        public var database: String
        /// PostgreSQL only; default `netsuite`.
        public var schema: String?
        /// Keep deleted records' rows with `_deleted_at` set instead of removing them.
        public var keepDeleted: Bool?
        /// How far before the saved watermark the next run reads again (default 300 s).
        public var overlapSeconds: Int?
        /// The time zone NetSuite writes date-times in for the integration's user (IANA name; default UTC).
        public var timeZone: String?

        public init(tables: [String], database: String, schema: String? = nil, keepDeleted: Bool? = nil, overlapSeconds: Int? = nil, timeZone: String? = nil) {
            self.tables = tables
            self.database = database
            self.schema = schema
            self.keepDeleted = keepDeleted
            self.overlapSeconds = overlapSeconds
            self.timeZone = timeZone
        }

        /// The tables, each as SuiteBridge mirrors it.
        func mirrorTables() throws -> [MirrorTable] { try tables.map(MirrorTable.named) }

        /// The zone date-times are read in.
        var zone: TimeZone { timeZone.flatMap(TimeZone.init(identifier:)) ?? .gmt }

        func validate() throws {
            guard !tables.isEmpty else {
                throw SuiteBridgeError(.invalidInput, "The mirror names no table.", remedy: "Give tables such as customer,transaction (`suitebridge mirror tables` lists them).",
                                       field: "mirror.tables")
            }
            let named = try mirrorTables()
            if let duplicate = Dictionary(grouping: named, by: \.name).first(where: { $0.value.count > 1 })?.key {
                throw SuiteBridgeError(.invalidInput, "The table \(duplicate) is named twice.", remedy: "Name each table once.", field: "mirror.tables")
            }
            _ = try MirrorDatabaseURL(database)
            if let schema {
                guard let first = schema.first, first.isLetter || first == "_", schema.count <= 63,
                    schema.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII })
                else {
                    throw SuiteBridgeError(.invalidInput, "\"\(schema)\" is not a schema name.", remedy: "Use letters, digits and _, e.g. netsuite.", field: "mirror.schema")
                }
            }
            if let overlap = overlapSeconds, !FlowDefinition.overlapRange.contains(overlap) {
                throw SuiteBridgeError(.invalidInput, "An overlap of \(overlap) s is outside 0 to 86,400 s.",
                                       remedy: "Give overlapSeconds from 0 to 86400 (300 is the default).", field: "mirror.overlapSeconds")
            }
            if let timeZone, TimeZone(identifier: timeZone) == nil {
                throw SuiteBridgeError(.invalidInput, "\"\(timeZone)\" is not a time zone.",
                                       remedy: "Give the IANA name of the integration user's time zone, e.g. America/Los_Angeles.", field: "mirror.timeZone")
            }
        }
    }

    /// A SuiteQL export.
    public struct Export: Codable, Sendable, Hashable {
        /// The query. For an incremental export it contains `{{since}}` where the watermark goes, e.g.
        /// `… WHERE lastmodifieddate >= {{since}} ORDER BY id`.
        public var query: String
        /// The unique column rows are told apart by (default `id`).
        public var keyColumn: String?
        /// The column holding each row's change time as `YYYY-MM-DD HH24:MI:SS` (select it with
        /// `TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified`); makes the export incremental.
        public var watermarkColumn: String?
        /// How far before the saved watermark the next run starts reading again (default 300 s), so a row changed
        /// while a run was reading is never missed; rows already exported unchanged are skipped.
        public var overlapSeconds: Int?
        public var destination: Destination

        public init(query: String, keyColumn: String? = nil, watermarkColumn: String? = nil, overlapSeconds: Int? = nil, destination: Destination) {
            self.query = query
            self.keyColumn = keyColumn
            self.watermarkColumn = watermarkColumn
            self.overlapSeconds = overlapSeconds
            self.destination = destination
        }
    }

    /// Where an export's rows go.
    public struct Destination: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable, Hashable { case folder, http }
        public var type: Kind
        /// The folder (`folder`): each run writes `<flow>-<UTC time with milliseconds>-<run>.jsonl` or `.csv` (sorting in
        /// run order), renamed into place when complete.
        public var path: String?
        /// `jsonl` (default) or `csv`.
        public var format: String?
        /// The endpoint (`http`): batches of JSON are POSTed with an `Idempotency-Key` header per batch.
        public var url: String?
        /// Rows per batch (default 500).
        public var batchSize: Int?

        public init(type: Kind, path: String? = nil, format: String? = nil, url: String? = nil, batchSize: Int? = nil) {
            self.type = type
            self.path = path
            self.format = format
            self.url = url
            self.batchSize = batchSize
        }

        public static func folder(_ path: String, format: String = "jsonl") -> Destination {
            Destination(type: .folder, path: path, format: format, url: nil, batchSize: nil)
        }

        public static func http(_ url: String, batchSize: Int = 500) -> Destination {
            Destination(type: .http, path: nil, format: nil, url: url, batchSize: batchSize)
        }
    }

    /// A record import.
    public struct Import: Codable, Sendable, Hashable {
        /// A CSV (with a header row) or JSON Lines file.
        public var source: String
        /// The record type, e.g. `customer`.
        public var recordType: String
        /// The column whose value is the record's external id: every row is an upsert on it, so a retried or
        /// resumed row never makes a duplicate.
        public var externalIdColumn: String
        /// How each record field gets its value (``Mapping``); the older `{"field": {"column"|"constant", "reference"}}`
        /// form is read as the same document.
        public var mapping: Mapping
        /// Where refused rows go (JSON Lines: row, external id, NetSuite's message and path); default beside the source.
        public var errorFile: String?
        /// Send one request per row instead of REST batches of up to 100 (`--per-record`).
        public var perRecord: Bool?

        public init(source: String, recordType: String, externalIdColumn: String, mapping: Mapping, errorFile: String? = nil, perRecord: Bool? = nil) {
            self.source = source
            self.recordType = recordType
            self.externalIdColumn = externalIdColumn
            self.mapping = mapping
            self.errorFile = errorFile
            self.perRecord = perRecord
        }
    }

    /// Checks that every path the flow reads or writes is inside the files root, and that an import's source is a
    /// regular file there.
    /// - Throws: ``SuiteBridgeError`` naming the field (`import.source`, `import.errorFile`, `export.destination.path`).
    func checkFiles(_ files: FileBoundary) throws {
        if let export, export.destination.type == .folder, let path = export.destination.path {
            _ = try files.resolve(path, field: "export.destination.path")
        }
        if let mirror, case .sqlite(let path) = try MirrorDatabaseURL(mirror.database) {
            _ = try files.resolve(path, field: "mirror.database")
        }
        if let spec = `import` {
            _ = try files.sourceFile(spec.source, field: "import.source")
            if let errorFile = spec.errorFile { _ = try files.resolve(errorFile, field: "import.errorFile") }
        }
    }

    /// Checks that an HTTP export's URL is one the operator allows.
    /// - Throws: ``SuiteBridgeError`` naming `export.destination.url`.
    func checkDestinations(_ policy: DestinationPolicy) async throws {
        if let export, export.destination.type == .http {
            try await policy.check(export.destination.url ?? "", field: "export.destination.url")
        }
        if let mirror, let server = try MirrorDatabaseURL(mirror.database).hostAndPort {
            try await policy.checkDatabase(host: server.host, port: server.port, field: "mirror.database")
        }
    }

    /// How far back an incremental export may read again, in seconds.
    public static let overlapRange = 0...86_400
    /// Rows per HTTP batch.
    public static let batchSizeRange = 1...10_000

    /// Checks the definition as a whole and names the field to fix.
    func validate() throws {
        switch kind {
        case .export:
            guard let export else {
                throw SuiteBridgeError(.invalidInput, "An export flow needs its export settings.", remedy: "Give \"export\": {\"query\", \"destination\"}.", field: "export")
            }
            guard export.query.lowercased().contains("select") else {
                throw SuiteBridgeError(.invalidInput, "The export query is not a SuiteQL SELECT.", remedy: "Give a query such as SELECT id, companyname FROM customer ORDER BY id.", field: "export.query")
            }
            if export.watermarkColumn != nil, !export.query.contains("{{since}}") {
                throw SuiteBridgeError(.invalidInput, "An incremental export's query must say where the watermark goes.",
                                       remedy: "Add a condition with {{since}}, e.g. WHERE lastmodifieddate >= {{since}}.", field: "export.query")
            }
            if let overlap = export.overlapSeconds, !Self.overlapRange.contains(overlap) {
                throw SuiteBridgeError(.invalidInput, "An overlap of \(overlap) s is outside 0 to 86,400 s.",
                                       remedy: "Give overlapSeconds from 0 to 86400 (300 is the default).", field: "export.overlapSeconds")
            }
            if let batchSize = export.destination.batchSize, !Self.batchSizeRange.contains(batchSize) {
                throw SuiteBridgeError(.invalidInput, "A batch of \(batchSize) rows is outside 1 to 10,000.",
                                       remedy: "Give batchSize from 1 to 10000 (500 is the default).", field: "export.destination.batchSize")
            }
            switch export.destination.type {
            case .folder:
                guard let path = export.destination.path, !path.isEmpty else {
                    throw SuiteBridgeError(.invalidInput, "A folder destination needs its path.", remedy: "Give destination.path.", field: "export.destination.path")
                }
                guard ["jsonl", "csv"].contains(export.destination.format ?? "jsonl") else {
                    throw SuiteBridgeError(.invalidInput, "The format must be jsonl or csv.", remedy: "Use jsonl or csv.", field: "export.destination.format")
                }
            case .http:
                guard let url = export.destination.url.flatMap(URL.init(string:)), ["http", "https"].contains(url.scheme ?? "") else {
                    throw SuiteBridgeError(.invalidInput, "An HTTP destination needs an http(s) URL.", remedy: "Give destination.url.", field: "export.destination.url")
                }
            }
        case .webhook:
            guard let webhook else {
                throw SuiteBridgeError(.invalidInput, "A webhook flow needs its webhook settings.", remedy: "Give \"webhook\": {\"recordType\", \"externalIdField\", \"mapping\"}.", field: "webhook")
            }
            try webhook.validate()
            if schedule != nil {
                throw SuiteBridgeError(.invalidInput, "A webhook flow runs when deliveries arrive, not on a schedule.", remedy: "Leave the schedule out.", field: "schedule")
            }
        case .mirror:
            guard let mirror else {
                throw SuiteBridgeError(.invalidInput, "A mirror flow needs its mirror settings.", remedy: "Give \"mirror\": {\"tables\", \"database\"}.", field: "mirror")
            }
            try mirror.validate()
        case .import:
            guard let `import` else {
                throw SuiteBridgeError(.invalidInput, "An import flow needs its import settings.", remedy: "Give \"import\": {\"source\", \"recordType\", \"externalIdColumn\", \"mapping\"}.", field: "import")
            }
            do {
                try `import`.mapping.validate()
            } catch var error as SuiteBridgeError {
                error.field = error.field.map { "import." + $0 }
                throw error
            }
        }
        if let schedule { _ = try FlowSchedule(parsing: schedule) }
    }
}
