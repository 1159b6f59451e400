import Foundation
import NetSuiteAuth
import SQLKit

/// The store's schema, as numbered migrations applied in order, each once, each in one transaction.
///
/// Never edit a migration that has shipped: add the next one.
enum Migrations {
    struct Migration: Sendable {
        var version: Int
        var name: String
        /// The statements, for the given engine.
        var statements: @Sendable (Store.Kind) -> [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "instances, certificates, audit log") { kind in
            let serial = kind == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
            return [
                """
                CREATE TABLE suitebridge_meta (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE instances (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    auth_method TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    consumer_key TEXT NOT NULL,
                    consumer_secret TEXT,
                    token_id TEXT,
                    token_secret TEXT,
                    role_id TEXT,
                    entity_id TEXT,
                    base_url TEXT,
                    concurrency_limit INTEGER NOT NULL DEFAULT 5,
                    health TEXT NOT NULL DEFAULT 'untested',
                    last_tested_at TEXT,
                    last_error TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE certificates (
                    id TEXT PRIMARY KEY,
                    instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
                    certificate_id TEXT,
                    state TEXT NOT NULL,
                    key_type TEXT NOT NULL,
                    certificate_pem TEXT,
                    private_key TEXT NOT NULL,
                    fingerprint TEXT,
                    not_before TEXT,
                    not_after TEXT,
                    created_at TEXT NOT NULL,
                    activated_at TEXT,
                    retired_at TEXT,
                    revoked_at TEXT
                )
                """,
                "CREATE UNIQUE INDEX certificates_one_active ON certificates (instance_id) WHERE state = 'active'",
                "CREATE UNIQUE INDEX certificates_one_pending ON certificates (instance_id) WHERE state = 'pending'",
                """
                CREATE TABLE audit_log (
                    seq \(serial),
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    instance TEXT,
                    action TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_log_instance ON audit_log (instance, seq)",
            ]
        },
        Migration(version: 2, name: "API tokens") { _ in
            [
                """
                CREATE TABLE api_tokens (
                    name TEXT PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    last_used_at TEXT,
                    revoked_at TEXT
                )
                """,
            ]
        },
        Migration(version: 3, name: "certificate rotation policy") { _ in
            [
                "ALTER TABLE instances ADD COLUMN rotation_days_before INTEGER",
                "ALTER TABLE instances ADD COLUMN rotation_failures INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE instances ADD COLUMN rotation_retry_at TEXT",
            ]
        },
        Migration(version: 4, name: "flows and runs") { _ in
            [
                """
                CREATE TABLE flows (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    instance TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    state TEXT NOT NULL,
                    state_reason TEXT,
                    watermark TEXT,
                    boundary TEXT,
                    next_run_at TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    flow_id TEXT NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
                    state TEXT NOT NULL,
                    trigger TEXT NOT NULL,
                    queued_at TEXT NOT NULL,
                    started_at TEXT,
                    finished_at TEXT,
                    lease_owner TEXT,
                    lease_expires_at TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    checkpoint TEXT,
                    rows_read INTEGER NOT NULL DEFAULT 0,
                    rows_written INTEGER NOT NULL DEFAULT 0,
                    rows_failed INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    log TEXT NOT NULL DEFAULT ''
                )
                """,
                "CREATE INDEX flows_instance ON flows (instance, state)",
                "CREATE INDEX runs_queue ON runs (state, queued_at)",
                "CREATE INDEX runs_flow ON runs (flow_id, queued_at)",
                """
                CREATE TABLE run_errors (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    row_number INTEGER NOT NULL,
                    external_id TEXT,
                    message TEXT NOT NULL,
                    path TEXT,
                    PRIMARY KEY (run_id, row_number)
                )
                """,
            ]
        },
        Migration(version: 5, name: "shared concurrency slots") { _ in
            [
                """
                CREATE TABLE concurrency_slots (
                    account TEXT NOT NULL,
                    slot INTEGER NOT NULL,
                    holder TEXT,
                    expires_at TEXT,
                    PRIMARY KEY (account, slot)
                )
                """,
            ]
        },
        Migration(version: 6, name: "certificate key types as identifiers") { _ in
            // `RSA 4096` becomes `rsa-4096`: the one spelling the CLI, the API and the simulator use.
            KeyType.accepted.map { "UPDATE certificates SET key_type = '\($0.identifier)' WHERE key_type = '\($0.description)'" }
        },
        Migration(version: 7, name: "token scopes") { _ in
            // Every token made before scopes could do everything: it stays admin.
            ["ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin'"]
        },
        Migration(version: 8, name: "instance leases") { _ in
            [
                """
                CREATE TABLE instance_leases (
                    instance_id TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                )
                """,
            ]
        },
        Migration(version: 9, name: "servers, flows by instance id") { _ in
            [
                // Each running server's heartbeat and the master key it holds: `keys rotate` refuses while a server
                // that cannot re-read the new key is alive.
                """
                CREATE TABLE servers (
                    id TEXT PRIMARY KEY,
                    host TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    key_id TEXT NOT NULL,
                    key_source TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    seen_at TEXT NOT NULL
                )
                """,
                // A flow belongs to an instance's id: a new instance given a removed one's name is not its instance.
                "ALTER TABLE flows ADD COLUMN instance_id TEXT",
                "UPDATE flows SET instance_id = (SELECT instances.id FROM instances WHERE instances.name = flows.instance)",
                "CREATE INDEX flows_instance_id ON flows (instance_id)",
            ]
        },
        Migration(version: 10, name: "skipped rows") { _ in
            // Rows read but deliberately not sent (blank lines; rows an incremental export had sent unchanged), so
            // that read = written + failed + skipped.
            ["ALTER TABLE runs ADD COLUMN rows_skipped INTEGER NOT NULL DEFAULT 0"]
        },
        Migration(version: 11, name: "flow secrets") { _ in
            // A mirror's database password, sealed like the instances' secrets (never in the definition).
            ["ALTER TABLE flows ADD COLUMN secret TEXT"]
        },
        Migration(version: 12, name: "lookup tables") { _ in
            // Key to value tables mappings read (`lookup: TABLE`), kept by `suitebridge lookup`.
            [
                """
                CREATE TABLE lookup_entries (
                    table_name TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (table_name, key)
                )
                """,
            ]
        },
        Migration(version: 13, name: "error inbox") { _ in
            // Refused rows kept to be fixed and retried: one open error per flow and external id.
            [
                """
                CREATE TABLE inbox_errors (
                    id TEXT PRIMARY KEY,
                    flow_id TEXT NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
                    external_id TEXT,
                    state TEXT NOT NULL,
                    source_row TEXT NOT NULL,
                    body TEXT,
                    code TEXT NOT NULL,
                    message TEXT NOT NULL,
                    field TEXT,
                    remedy TEXT,
                    line INTEGER,
                    run_id TEXT,
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 1,
                    closed_at TEXT,
                    closed_by TEXT
                )
                """,
                "CREATE INDEX inbox_by_flow ON inbox_errors (flow_id, state, last_seen_at)",
                "CREATE INDEX inbox_by_external_id ON inbox_errors (flow_id, external_id, state)",
            ]
        },
        Migration(version: 14, name: "webhook deliveries") { _ in
            // Signed deliveries stored before they are answered, once per delivery id, until a run imports them.
            [
                """
                CREATE TABLE webhook_deliveries (
                    id TEXT PRIMARY KEY,
                    flow_id TEXT NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
                    delivery_id TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL,
                    run_id TEXT,
                    processed_at TEXT,
                    UNIQUE (flow_id, delivery_id)
                )
                """,
                "CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (flow_id, state, received_at)",
            ]
        },
        Migration(version: 15, name: "alerts") { _ in
            // Webhooks told of events (a failed run, a flow waiting for credentials, a certificate near its end, an
            // inbox that grows), each event once per alert, retried with backoff.
            [
                """
                CREATE TABLE alerts (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    created_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE alert_events (
                    id TEXT PRIMARY KEY,
                    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                    event_key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TEXT NOT NULL,
                    sent_at TEXT,
                    last_error TEXT,
                    UNIQUE (alert_id, event_key)
                )
                """,
                "CREATE INDEX alert_events_due ON alert_events (state, next_attempt_at)",
            ]
        },
        Migration(version: 16, name: "request history") { _ in
            // NetSuite requests per account and minute, as each server saw them, for the dashboard's charts.
            [
                """
                CREATE TABLE request_minutes (
                    account TEXT NOT NULL,
                    minute TEXT NOT NULL,
                    server TEXT NOT NULL,
                    requests INTEGER NOT NULL,
                    throttled INTEGER NOT NULL,
                    peak_in_flight INTEGER NOT NULL,
                    concurrency_limit INTEGER NOT NULL,
                    PRIMARY KEY (account, minute, server)
                )
                """,
            ]
        },
        Migration(version: 17, name: "NetSuite 2027") { _ in
            // What SuiteBridge learned about an instance from NetSuite (record types without batch support, the
            // account's governance limits), and the moves of TBA instances to OAuth 2 client credentials.
            [
                """
                CREATE TABLE instance_facts (
                    instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (instance_id, name)
                )
                """,
                """
                CREATE TABLE instance_migrations (
                    id TEXT PRIMARY KEY,
                    from_instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
                    to_instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
                    state TEXT NOT NULL,
                    keep_days INTEGER NOT NULL,
                    flows TEXT NOT NULL DEFAULT '[]',
                    parity TEXT,
                    created_at TEXT NOT NULL,
                    switched_at TEXT,
                    standby_until TEXT,
                    finished_at TEXT
                )
                """,
                "CREATE INDEX instance_migrations_from ON instance_migrations (from_instance_id, state)",
            ]
        },
    ]

    /// The newest schema version this build knows.
    static var latestVersion: Int { all.last?.version ?? 0 }

    /// The store's tables in the order the migrations create them (a table's parents come before it), without
    /// `schema_migrations`.
    static let tables: [String] = all.flatMap { $0.statements(.sqlite) }.compactMap { statement in
        guard let match = statement.firstMatch(of: /^\s*CREATE TABLE (IF NOT EXISTS )?(\w+)/) else { return nil }
        return String(match.output.2)
    }
}

extension Store {
    /// Applies the migrations the database lacks. Several processes may start at once: PostgreSQL serialises them
    /// with an advisory lock, SQLite with its write lock.
    /// - Parameter version: the version to stop at (a restore builds the schema its backup was taken at, loads
    ///   the rows, then migrates the rest).
    /// - Throws: ``SuiteBridgeError`` `.store`, also when the database is newer than this build.
    func migrate(through version: Int = Migrations.latestVersion) async throws {
        let kind = self.kind
        try await transaction { database in
            if kind == .postgres {
                try await database.raw("SELECT pg_advisory_xact_lock(7031962)").run()
            }
            try await database.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """).run()
            let applied = Set(try await database.raw("SELECT version FROM schema_migrations").fetchAll().map { try $0.decode(column: "version", as: Int.self) })
            if let newest = applied.max(), newest > Migrations.latestVersion {
                throw SuiteBridgeError(.store, "The database has schema version \(newest); this build knows up to \(Migrations.latestVersion).",
                                       remedy: "Upgrade suitebridge to the version that wrote this database.", field: "database")
            }
            for migration in Migrations.all where !applied.contains(migration.version) && migration.version <= version {
                for statement in migration.statements(kind) {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await database.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: StoreDate.string(Date())))
                    """).run()
            }
        }
    }

    /// The newest schema version this build writes: what ``schemaVersion()`` says once migrations ran.
    public static var latestSchemaVersion: Int { Migrations.latestVersion }

    /// The schema version of the database.
    public func schemaVersion() async throws -> Int {
        try await read { database in
            try await database.raw("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations").fetchFirst()?
                .decode(column: "version", as: Int.self) ?? 0
        }
    }
}

/// How the store writes times: ISO 8601 UTC with milliseconds, which sorts as text on both engines.
enum StoreDate {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
