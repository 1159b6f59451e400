import Foundation
import NetSuiteClient
import SQLKit

/// The alerts: webhooks told of failed runs, flows waiting for credentials, certificates near their end and inboxes
/// that grow. ``scan()`` records each event once per alert (only events after the alert was added); ``deliverDue()``
/// sends what is due, retrying a failed send with backoff (30 s doubling to an hour, ten tries). Both are safe to call
/// from several servers at once. Adding and removing are audited.
public struct Alerts: Sendable {
    let context: CoreContext

    /// How many tries an event gets before it is marked failed.
    public static let maximumAttempts = 10
    /// Days left at which a certificate is told of.
    static let expiryThresholds = [14, 7, 1]
    /// Open errors of a flow at which it is told of.
    static let inboxThresholds = [1, 10, 100, 1_000]

    static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw SuiteBridgeError(.invalidInput, "\"\(name)\" is not an alert name.", remedy: "Use letters, digits, - and _ (up to 64), e.g. ops-slack.", field: "name")
        }
    }

    /// Adds an alert; its URL passes the server's destination rules (as an HTTP export's does).
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` (name, URL, no event), `.conflict` for a name in use.
    @discardableResult
    public func add(name: String, url: String, events: [Alert.Event] = Alert.Event.allCases) async throws -> Alert {
        try Self.checkName(name)
        guard !events.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "The alert is told of no event.", remedy: "Give --on with one or more of \(Alert.Event.allCases.map(\.rawValue).joined(separator: ", ")).", field: "events")
        }
        guard let scheme = URL(string: url)?.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw SuiteBridgeError(.invalidInput, "The alert's URL is not an http(s) URL.", remedy: "Give the webhook's URL, e.g. https://hooks.slack.com/services/….", field: "url")
        }
        _ = try await context.destinations.check(url, field: "url")
        let date = context.now()
        let actor = context.actor
        let alert = Alert(name: name, url: Self.shown(url), events: events, createdAt: date)
        try await context.store.transaction { database in
            if try await database.raw("SELECT id FROM alerts WHERE name = \(bind: name)").fetchFirst() != nil {
                throw SuiteBridgeError(.conflict, "An alert named \(name) exists.", remedy: "Choose another name, or remove it first.", field: "name")
            }
            try await database.raw("""
                INSERT INTO alerts (id, name, url, events, created_at)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: name), \(bind: url), \(bind: events.map(\.rawValue).joined(separator: ",")), \(bind: StoreDate.string(date)))
                """).run()
            try await AuditLog.append(database, actor: actor, instance: nil, action: .alertAdd, detail: "\(name): \(events.map(\.rawValue).joined(separator: ", "))", at: date)
        }
        return alert
    }

    /// A webhook URL as shown: scheme, host and port only. A Slack-style URL carries its credential in its path, so
    /// the full URL stays in the store and is never listed, logged or answered.
    static func shown(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "…" }
        let path = components.path.isEmpty || components.path == "/" ? "" : "/…"
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "") + path
    }

    /// The alerts, by name, their URLs shown without path (``shown(_:)``).
    public func list() async throws -> [Alert] {
        try await context.store.read { database in
            try await database.raw("SELECT name, url, events, created_at FROM alerts ORDER BY name").fetchAll().map(Self.decode)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Alert {
        Alert(name: try row.decode(column: "name", as: String.self), url: shown(try row.decode(column: "url", as: String.self)),
              events: try row.decode(column: "events", as: String.self).split(separator: ",").compactMap { Alert.Event(rawValue: String($0)) },
              createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0))
    }

    /// Removes an alert and what it was to be told.
    public func remove(_ name: String) async throws {
        let actor = context.actor
        let date = context.now()
        try await context.store.transaction { database in
            guard try await database.raw("SELECT id FROM alerts WHERE name = \(bind: name)").fetchFirst() != nil else { throw Self.notFound(name) }
            try await database.raw("DELETE FROM alert_events WHERE alert_id = (SELECT id FROM alerts WHERE name = \(bind: name))").run()
            try await database.raw("DELETE FROM alerts WHERE name = \(bind: name)").run()
            try await AuditLog.append(database, actor: actor, instance: nil, action: .alertRemove, detail: name, at: date)
        }
    }

    static func notFound(_ name: String) -> SuiteBridgeError {
        SuiteBridgeError(.notFound, "There is no alert named \(name).", remedy: "suitebridge alerts list shows them.", field: "name")
    }

    /// What each alert was told, newest first.
    public func deliveries(alert name: String? = nil, limit: Int = 100) async throws -> [AlertDelivery] {
        try await context.store.read { database in
            let columns = "alerts.name AS name, e.kind, e.text, e.state, e.attempts, e.created_at, e.sent_at, e.last_error"
            let limit = max(1, min(limit, 1_000))
            let rows: [any SQLRow]
            if let name {
                rows = try await database.raw("""
                    SELECT \(unsafeRaw: columns) FROM alert_events e JOIN alerts ON alerts.id = e.alert_id
                    WHERE alerts.name = \(bind: name) ORDER BY e.created_at DESC LIMIT \(literal: limit)
                    """).fetchAll()
            } else {
                rows = try await database.raw("""
                    SELECT \(unsafeRaw: columns) FROM alert_events e JOIN alerts ON alerts.id = e.alert_id ORDER BY e.created_at DESC LIMIT \(literal: limit)
                    """).fetchAll()
            }
            return try rows.map { row in
                AlertDelivery(alert: try row.decode(column: "name", as: String.self),
                              kind: Alert.Event(rawValue: try row.decode(column: "kind", as: String.self)) ?? .runFailed,
                              text: try row.decode(column: "text", as: String.self),
                              state: AlertDelivery.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
                              attempts: try row.decode(column: "attempts", as: Int.self),
                              createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
                              sentAt: StoreDate.date(try row.decode(column: "sent_at", as: String?.self)), lastError: try row.decode(column: "last_error", as: String?.self))
            }
        }
    }

    // MARK: Events

    /// An event found by a scan: its identity (told once), its kind, its text, and since when it holds.
    struct Found: Sendable {
        var key: String
        var kind: Alert.Event
        var text: String
        var since: Date
    }

    /// Records the events each alert has not been told of yet (those since it was added); returns how many.
    @discardableResult
    public func scan() async throws -> Int {
        let alerts = try await list()
        guard !alerts.isEmpty else { return 0 }
        let found = try await findEvents()
        let now = StoreDate.string(context.now())
        let postgres = context.store.kind == .postgres
        return try await context.store.transaction { database in
            var recorded = 0
            for alert in alerts {
                guard let id = try await database.raw("SELECT id FROM alerts WHERE name = \(bind: alert.name)").fetchFirst()?.decode(column: "id", as: String.self) else { continue }
                for event in found where alert.events.contains(event.kind) && event.since >= alert.createdAt {
                    let inserted = try await database.raw("""
                        INSERT INTO alert_events (id, alert_id, event_key, kind, text, created_at, state, next_attempt_at)
                        VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: id), \(bind: event.key), \(bind: event.kind.rawValue), \(bind: event.text), \(bind: now), 'pending', \(bind: now))
                        \(unsafeRaw: postgres ? "ON CONFLICT DO NOTHING" : "ON CONFLICT (alert_id, event_key) DO NOTHING") RETURNING id
                        """).fetchFirst()
                    if inserted != nil { recorded += 1 }
                }
            }
            return recorded
        }
    }

    private func findEvents() async throws -> [Found] {
        let now = context.now()
        return try await context.store.read { database in
            var found: [Found] = []
            for row in try await database.raw("""
                SELECT runs.id, flows.name, runs.error, runs.finished_at FROM runs JOIN flows ON flows.id = runs.flow_id
                WHERE runs.state = 'failed' AND runs.finished_at IS NOT NULL ORDER BY runs.finished_at DESC LIMIT 500
                """).fetchAll() {
                let flow = try row.decode(column: "name", as: String.self)
                let error = try row.decode(column: "error", as: String?.self) ?? "no reason given"
                found.append(Found(key: "run-failed:" + (try row.decode(column: "id", as: String.self)), kind: .runFailed,
                                   text: "SuiteBridge: a run of \(flow) failed: \(error)",
                                   since: StoreDate.date(try row.decode(column: "finished_at", as: String.self)) ?? now))
            }
            for row in try await database.raw("""
                SELECT id, name, instance, state_reason, updated_at FROM flows WHERE state = \(bind: FlowState.waitingForCredentials.rawValue)
                """).fetchAll() {
                let updated = try row.decode(column: "updated_at", as: String.self)
                found.append(Found(key: "credentials-waiting:\(try row.decode(column: "id", as: String.self)):\(updated)", kind: .credentialsWaiting,
                                   text: "SuiteBridge: \(try row.decode(column: "name", as: String.self)) waits: NetSuite refused the credentials of \(try row.decode(column: "instance", as: String.self)). \(try row.decode(column: "state_reason", as: String?.self) ?? "")",
                                   since: StoreDate.date(updated) ?? now))
            }
            for row in try await database.raw("""
                SELECT certificates.id, certificates.not_after, instances.name FROM certificates JOIN instances ON instances.id = certificates.instance_id
                WHERE certificates.state = 'active' AND certificates.not_after IS NOT NULL
                """).fetchAll() {
                guard let end = StoreDate.date(try row.decode(column: "not_after", as: String?.self)) else { continue }
                let days = Int(floor(end.timeIntervalSince(now) / 86_400))
                guard let threshold = Self.expiryThresholds.filter({ days < $0 }).min() else { continue }
                let instance = try row.decode(column: "name", as: String.self)
                found.append(Found(key: "certificate-expiry:\(try row.decode(column: "id", as: String.self)):\(threshold)", kind: .certificateExpiry,
                                   text: "SuiteBridge: the certificate of \(instance) ends \(end.formatted(.iso8601)) (\(max(0, days)) day\(days == 1 ? "" : "s") left). Rotate it: suitebridge cert rotate --instance \(instance).",
                                   since: now))
            }
            for row in try await database.raw("""
                SELECT flows.id AS id, flows.name AS name, COUNT(*) AS n, MIN(inbox_errors.first_seen_at) AS oldest
                FROM inbox_errors JOIN flows ON flows.id = inbox_errors.flow_id WHERE inbox_errors.state = 'open' GROUP BY flows.id, flows.name
                """).fetchAll() {
                let open = try row.decode(column: "n", as: Int.self)
                guard let threshold = Self.inboxThresholds.filter({ open >= $0 }).max() else { continue }
                let oldest = try row.decode(column: "oldest", as: String.self)
                let name = try row.decode(column: "name", as: String.self)
                found.append(Found(key: "inbox-growth:\(try row.decode(column: "id", as: String.self)):\(threshold):\(oldest)", kind: .inboxGrowth,
                                   text: "SuiteBridge: \(name) has \(open) open error\(open == 1 ? "" : "s") in its inbox. See suitebridge errors list --flow \(name).",
                                   since: now))
            }
            return found
        }
    }

    // MARK: Sending

    /// Sends every event that is due; a failed send is tried again later. Returns how many were sent.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let now = context.now()
        let due = try await context.store.read { database in
            try await database.raw("""
                SELECT e.id, e.text, e.kind, e.attempts, e.next_attempt_at, alerts.url FROM alert_events e JOIN alerts ON alerts.id = e.alert_id
                WHERE e.state = 'pending' AND e.next_attempt_at <= \(bind: StoreDate.string(now)) ORDER BY e.created_at LIMIT 100
                """).fetchAll().map { row in
                (id: try row.decode(column: "id", as: String.self), text: try row.decode(column: "text", as: String.self),
                 kind: try row.decode(column: "kind", as: String.self), attempts: try row.decode(column: "attempts", as: Int.self),
                 due: try row.decode(column: "next_attempt_at", as: String.self), url: try row.decode(column: "url", as: String.self))
            }
        }
        var sent = 0
        for event in due {
            // Claimed by moving its time on: another server that read it too finds it changed and leaves it.
            let claimed = try await context.store.read { database in
                try await database.raw("""
                    UPDATE alert_events SET next_attempt_at = \(bind: StoreDate.string(now.addingTimeInterval(120)))
                    WHERE id = \(bind: event.id) AND state = 'pending' AND next_attempt_at = \(bind: event.due) RETURNING id
                    """).fetchFirst() != nil
            }
            guard claimed else { continue }
            let problem = await post(event.url, text: event.text, kind: event.kind)
            let attempts = event.attempts + 1
            try await context.store.read { database in
                if let problem {
                    let backoff = min(3_600, 30 * Double(1 << min(attempts - 1, 7)))
                    let state = attempts >= Self.maximumAttempts ? "failed" : "pending"
                    try await database.raw("""
                        UPDATE alert_events SET state = \(bind: state), attempts = \(bind: attempts), last_error = \(bind: problem),
                            next_attempt_at = \(bind: StoreDate.string(now.addingTimeInterval(backoff))) WHERE id = \(bind: event.id)
                        """).run()
                } else {
                    try await database.raw("""
                        UPDATE alert_events SET state = 'sent', attempts = \(bind: attempts), sent_at = \(bind: StoreDate.string(now)), last_error = NULL WHERE id = \(bind: event.id)
                        """).run()
                }
            }
            if problem == nil { sent += 1 }
        }
        return sent
    }

    /// Sends a test message to an alert now.
    /// - Throws: ``SuiteBridgeError`` `.notFound`, or `.invalidInput` naming `url` with what the endpoint answered.
    public func test(_ name: String) async throws {
        let stored = try await context.store.read { database in
            try await database.raw("SELECT url FROM alerts WHERE name = \(bind: name)").fetchFirst()?.decode(column: "url", as: String.self)
        }
        guard let url = stored else { throw Self.notFound(name) }
        if let problem = await post(url, text: "SuiteBridge: a test of the alert \(name).", kind: "test") {
            throw SuiteBridgeError(.invalidInput, "The alert's endpoint did not take the test message: \(problem).", remedy: "Check the URL and that the endpoint takes JSON with a text field.", field: "url")
        }
    }

    /// POSTs `{"text", "event"}`; the problem, or `nil` when the endpoint answered 2xx. The URL is checked again first.
    private func post(_ url: String, text: String, kind: String) async -> String? {
        do {
            _ = try await context.destinations.check(url, field: "url")
            let body = try JSONSerialization.data(withJSONObject: ["text": text, "event": kind], options: [.sortedKeys])
            let request = NetSuiteHTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body))
            let response = try await DestinationPolicy.transport.send(request, timeout: .seconds(30))
            return (200..<300).contains(response.status) ? nil : "HTTP \(response.status)"
        } catch let error as SuiteBridgeError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}

extension CoreContext {
    /// Webhooks told of events.
    public var alerts: Alerts { Alerts(context: self) }
}
