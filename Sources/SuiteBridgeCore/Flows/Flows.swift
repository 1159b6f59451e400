import Foundation
import SQLKit

/// The flows and their runs: create, pause, resume, delete, queue runs, enqueue scheduled ones.
public struct Flows: Sendable {
    let context: CoreContext
    var store: Store { context.store }

    /// The flows, acting with `context` (its actor is written in the audit log).
    public init(context: CoreContext) {
        self.context = context
    }

    static let flowColumns = "id, name, instance_id, definition, state, state_reason, watermark, next_run_at, created_at"
    static let runColumns = """
        runs.id, runs.flow_id, flows.name AS flow_name, runs.state, runs.trigger, runs.queued_at, runs.started_at, runs.finished_at, \
        runs.attempts, runs.rows_read, runs.rows_written, runs.rows_failed, runs.rows_skipped, runs.error, runs.log
        """

    static func decodeFlow(_ row: any SQLRow) throws -> Flow {
        let text = try row.decode(column: "definition", as: String.self)
        let definition = try JSONDecoder().decode(FlowDefinition.self, from: Data(text.utf8))
        return Flow(
            id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self), definition: definition,
            instanceID: try row.decode(column: "instance_id", as: String?.self),
            state: FlowState(rawValue: try row.decode(column: "state", as: String.self)) ?? .paused,
            stateReason: try row.decode(column: "state_reason", as: String?.self), watermark: try row.decode(column: "watermark", as: String?.self),
            nextRunAt: StoreDate.date(try row.decode(column: "next_run_at", as: String?.self)),
            createdAt: StoreDate.date(try row.decode(column: "created_at", as: String.self)) ?? Date(timeIntervalSince1970: 0))
    }

    /// A `runs` row as stored (dates as the store's text), decoded by SQLKit from the columns' snake-case names.
    private struct RunRow: Decodable {
        var id, flowId, flowName, state, trigger, queuedAt: String
        var startedAt, finishedAt, error: String?
        var attempts, rowsRead, rowsWritten, rowsFailed, rowsSkipped: Int
        var log: String
    }

    static func decodeRun(_ row: any SQLRow) throws -> Run {
        let stored = try row.decode(model: RunRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Run(
            id: stored.id, flowID: stored.flowId, flowName: stored.flowName, state: RunState(rawValue: stored.state) ?? .failed,
            trigger: stored.trigger, queuedAt: StoreDate.date(stored.queuedAt) ?? Date(timeIntervalSince1970: 0),
            startedAt: StoreDate.date(stored.startedAt), finishedAt: StoreDate.date(stored.finishedAt), attempts: stored.attempts,
            rowsRead: stored.rowsRead, rowsWritten: stored.rowsWritten, rowsFailed: stored.rowsFailed, rowsSkipped: stored.rowsSkipped, error: stored.error, log: stored.log)
    }

    static func flow(named name: String, in database: any SQLDatabase) async throws -> Flow {
        guard let row = try await database.raw("SELECT \(unsafeRaw: flowColumns) FROM flows WHERE name = \(bind: name)").fetchFirst() else {
            throw SuiteBridgeError(.notFound, "There is no flow named \"\(name)\".", remedy: "Run `suitebridge flow list`.", field: "flow")
        }
        return try decodeFlow(row)
    }

    /// Adds a flow after checking its definition and that its instance exists. A mirror's database password is
    /// sealed in the store and removed from the definition; a webhook gets a new signing secret, sealed (use
    /// ``createWebhook(name:definition:signingSecret:)`` to learn it).
    @discardableResult
    public func create(name: String, definition: FlowDefinition) async throws -> Flow {
        try await context.secrets.sealing { try await create(name: name, definition: definition, signingSecret: nil, sealingWith: $0) }.flow
    }

    /// Adds a webhook flow and returns its signing secret, to give the sender once: `signingSecret` when given (a
    /// shop's own secret, for Shopify's signature), else a new random one (`whsec_` and 43 characters).
    /// - Throws: as ``create(name:definition:)``; `.invalidInput` naming `kind` for a flow that is not a webhook.
    public func createWebhook(name: String, definition: FlowDefinition, signingSecret: String? = nil) async throws -> (flow: Flow, signingSecret: String) {
        guard definition.kind == .webhook else {
            throw SuiteBridgeError(.invalidInput, "Only a webhook flow has a signing secret.", remedy: "Give kind webhook.", field: "kind")
        }
        if let signingSecret, signingSecret.count < 16 {
            throw SuiteBridgeError(.invalidInput, "The signing secret is shorter than 16 characters.", remedy: "Use the secret the sender signs with, or let SuiteBridge make one.", field: "signingSecret")
        }
        let created = try await context.secrets.sealing { try await create(name: name, definition: definition, signingSecret: signingSecret, sealingWith: $0) }
        return (created.flow, created.secret ?? "")
    }

    private func create(name: String, definition: FlowDefinition, signingSecret: String?, sealingWith secrets: SecretBox) async throws -> (flow: Flow, secret: String?) {
        let name = try InstanceValidation.name(name)
        var definition = definition
        try definition.validate()
        var password: String?
        if var mirror = definition.mirror {
            (mirror.database, password) = try MirrorDatabaseURL.splittingPassword(mirror.database)
            definition.mirror = mirror
        }
        if definition.kind == .webhook { password = signingSecret ?? WebhookSignature.newSecret() }
        try definition.checkFiles(context.files)
        try await definition.checkDestinations(context.destinations)
        let instance = try await context.instances.instance(named: definition.instance)
        let date = context.now()
        let id = UUID().uuidString.lowercased()
        let sealed = try password.map { try secrets.seal($0, for: SecretBinding.flowSecret(flowID: id, kind: definition.kind)) }
        let encoded = String(decoding: try JSONEncoder().encode(definition), as: UTF8.self)
        let next = try definition.schedule.map { try FlowSchedule(parsing: $0).next(after: date) }
        let actor = context.actor
        let stored = definition
        try await store.transaction { database in
            if sealed != nil { try await secrets.checkStillSealing(in: database) }
            if try await database.raw("SELECT id FROM flows WHERE name = \(bind: name)").fetchFirst() != nil {
                throw SuiteBridgeError(.conflict, "A flow named \"\(name)\" exists.", remedy: "Choose another name.", field: "name")
            }
            // The instance read above must still be the one by that name when the flow is stored.
            guard try await InstanceRows.instance(id: instance.id, in: database)?.instance.name == stored.instance else {
                throw SuiteBridgeError(.conflict, "The instance \(stored.instance) changed while the flow was created.", remedy: "Try again.", field: "instance")
            }
            try await database.raw("""
                INSERT INTO flows (id, name, instance, instance_id, definition, state, next_run_at, created_at, updated_at, secret)
                VALUES (\(bind: id), \(bind: name), \(bind: stored.instance), \(bind: instance.id), \(bind: encoded), \(bind: FlowState.active.rawValue), \(bind: next.map(StoreDate.string)), \(bind: StoreDate.string(date)), \(bind: StoreDate.string(date)), \(bind: sealed))
                """).run()
            try await AuditLog.append(database, actor: actor, instance: stored.instance, action: .flowCreate, detail: "\(name): \(stored.kind.rawValue)", at: date)
        }
        return (try await flow(named: name), definition.kind == .webhook ? password : nil)
    }

    /// A mirror flow's database password, opened; `nil` when its URL had none.
    func databasePassword(flowID: String) async throws -> String? {
        let sealed = try await store.read { database in
            try await database.raw("SELECT secret FROM flows WHERE id = \(bind: flowID)").fetchFirst()?.decode(column: "secret", as: String?.self)
        }
        return try sealed.map { try context.secrets.open($0, for: SecretBinding(instanceID: flowID, field: .databasePassword)) }
    }

    /// A webhook flow's signing secret, opened.
    func signingSecret(flowID: String) async throws -> String? {
        let sealed = try await store.read { database in
            try await database.raw("SELECT secret FROM flows WHERE id = \(bind: flowID)").fetchFirst()?.decode(column: "secret", as: String?.self)
        }
        return try sealed.map { try context.secrets.open($0, for: SecretBinding(instanceID: flowID, field: .signingSecret)) }
    }

    public func list() async throws -> [Flow] {
        try await store.read { database in
            try await database.raw("SELECT \(unsafeRaw: Self.flowColumns) FROM flows ORDER BY name").fetchAll().map(Self.decodeFlow)
        }
    }

    public func flow(named name: String) async throws -> Flow {
        try await store.read { try await Self.flow(named: name, in: $0) }
    }

    /// Replaces an import's or a webhook's mapping; runs that start afterwards use it.
    /// - Throws: ``SuiteBridgeError`` `.notFound`; `.invalidInput` naming the field and step of a mapping that cannot
    ///   work, or `flow` for another kind of flow.
    @discardableResult
    public func updateMapping(_ name: String, mapping: Mapping) async throws -> Flow {
        try mapping.validate()
        let date = context.now()
        let actor = context.actor
        try await store.transaction { database in
            var flow = try await Self.flow(named: name, in: database)
            if flow.definition.import != nil {
                flow.definition.import?.mapping = mapping
            } else if flow.definition.webhook != nil {
                flow.definition.webhook?.mapping = mapping
            } else {
                throw SuiteBridgeError(.invalidInput, "\(name) is a\(flow.definition.kind == .export ? "n" : "") \(flow.definition.kind.rawValue) flow; only imports and webhooks have a mapping.",
                                       remedy: "Give the name of an import or webhook flow.", field: "flow")
            }
            let encoded = String(decoding: try JSONEncoder().encode(flow.definition), as: UTF8.self)
            try await database.raw("UPDATE flows SET definition = \(bind: encoded), updated_at = \(bind: StoreDate.string(date)) WHERE id = \(bind: flow.id)").run()
            try await AuditLog.append(database, actor: actor, instance: flow.definition.instance, action: .flowMapping,
                                      detail: "\(name): \(mapping.fields.count) field\(mapping.fields.count == 1 ? "" : "s")", at: date)
        }
        return try await flow(named: name)
    }

    /// Pauses a flow: no scheduled runs; queued ones stay queued until it resumes.
    public func pause(_ name: String, reason: String = "paused by hand") async throws {
        try await setState(name, .paused, reason: reason, action: .flowPause)
    }

    /// Resumes a paused or waiting flow.
    public func resume(_ name: String) async throws {
        try await setState(name, .active, reason: nil, action: .flowResume)
    }

    private func setState(_ name: String, _ state: FlowState, reason: String?, action: AuditAction) async throws {
        let date = context.now()
        let actor = context.actor
        try await store.transaction { database in
            let flow = try await Self.flow(named: name, in: database)
            try await database.raw("UPDATE flows SET state = \(bind: state.rawValue), state_reason = \(bind: reason), updated_at = \(bind: StoreDate.string(date)) WHERE id = \(bind: flow.id)").run()
            try await AuditLog.append(database, actor: actor, instance: flow.definition.instance, action: action, detail: name, at: date)
        }
    }

    /// Deletes a flow and its runs.
    public func delete(_ name: String) async throws {
        let date = context.now()
        let actor = context.actor
        try await store.transaction { database in
            let flow = try await Self.flow(named: name, in: database)
            try await database.raw("DELETE FROM run_errors WHERE run_id IN (SELECT id FROM runs WHERE flow_id = \(bind: flow.id))").run()
            try await database.raw("DELETE FROM runs WHERE flow_id = \(bind: flow.id)").run()
            try await database.raw("DELETE FROM flows WHERE id = \(bind: flow.id)").run()
            try await AuditLog.append(database, actor: actor, instance: flow.definition.instance, action: .flowDelete, detail: name, at: date)
        }
    }

    /// The names of the flows that run against the instance `instanceID`.
    static func flowNames(usingInstanceID instanceID: String, in database: any SQLDatabase) async throws -> [String] {
        try await database.raw("SELECT name FROM flows WHERE instance_id = \(bind: instanceID) ORDER BY name").fetchAll()
            .map { try $0.decode(column: "name", as: String.self) }
    }

    /// Deletes the flows of instance `instanceID` with their runs, inside the caller's transaction.
    static func deleteFlows(usingInstanceID instanceID: String, in database: any SQLDatabase) async throws {
        let flows = "SELECT id FROM flows WHERE instance_id = "
        try await database.raw("DELETE FROM run_errors WHERE run_id IN (SELECT id FROM runs WHERE flow_id IN (\(unsafeRaw: flows)\(bind: instanceID)))").run()
        try await database.raw("DELETE FROM runs WHERE flow_id IN (\(unsafeRaw: flows)\(bind: instanceID))").run()
        try await database.raw("DELETE FROM flows WHERE instance_id = \(bind: instanceID)").run()
    }

    /// Writes instance `instanceID`'s new name `name` into its flows (definitions included), inside the caller's
    /// transaction; the flows stay tied to the instance by id.
    static func renameInstance(id instanceID: String, to name: String, in database: any SQLDatabase) async throws {
        for row in try await database.raw("SELECT \(unsafeRaw: flowColumns) FROM flows WHERE instance_id = \(bind: instanceID)").fetchAll() {
            var flow = try decodeFlow(row)
            flow.definition.instance = name
            let encoded = String(decoding: try JSONEncoder().encode(flow.definition), as: UTF8.self)
            try await database.raw("UPDATE flows SET instance = \(bind: name), definition = \(bind: encoded) WHERE id = \(bind: flow.id)").run()
        }
    }

    /// Moves flows to another instance (by id, definitions included), inside the caller's transaction; returns the
    /// names of those moved. A run in progress finishes with the client it has; the next one uses `instance`.
    static func repoint(flowIDs: [String]? = nil, from oldInstanceID: String, to instance: Instance, in database: any SQLDatabase) async throws -> [String] {
        var moved: [String] = []
        for row in try await database.raw("SELECT \(unsafeRaw: flowColumns) FROM flows WHERE instance_id = \(bind: oldInstanceID) ORDER BY name").fetchAll() {
            var flow = try decodeFlow(row)
            if let flowIDs, !flowIDs.contains(flow.id) { continue }
            flow.definition.instance = instance.name
            let encoded = String(decoding: try JSONEncoder().encode(flow.definition), as: UTF8.self)
            try await database.raw("""
                UPDATE flows SET instance = \(bind: instance.name), instance_id = \(bind: instance.id), definition = \(bind: encoded) WHERE id = \(bind: flow.id)
                """).run()
            moved.append(flow.name)
        }
        return moved
    }

    /// The flows that run against the instance `instanceID`.
    static func flows(usingInstanceID instanceID: String, in database: any SQLDatabase) async throws -> [Flow] {
        try await database.raw("SELECT \(unsafeRaw: flowColumns) FROM flows WHERE instance_id = \(bind: instanceID) ORDER BY name").fetchAll().map(decodeFlow)
    }

    /// Queues a run of the flow.
    /// - Throws: ``SuiteBridgeError`` `.conflict` when the flow waits for credentials or is paused.
    @discardableResult
    public func enqueue(_ name: String, trigger: String = "manual") async throws -> Run {
        let date = context.now()
        let id = UUID().uuidString.lowercased()
        try await store.transaction { database in
            let flow = try await Self.flow(named: name, in: database)
            switch flow.state {
            case .active: break
            case .paused:
                throw SuiteBridgeError(.conflict, "\(name) is paused.", remedy: "Resume it first: `suitebridge flow resume \(name)`.", field: "flow")
            case .waitingForCredentials:
                throw SuiteBridgeError(.conflict, "\(name) waits for its instance's credentials: \(flow.stateReason ?? "")",
                                       remedy: "Fix the credentials, then `suitebridge instance test \(flow.definition.instance)`; the flow resumes on its own.", field: "flow")
            }
            try await database.raw("""
                INSERT INTO runs (id, flow_id, state, trigger, queued_at) VALUES (\(bind: id), \(bind: flow.id), \(bind: RunState.queued.rawValue), \(bind: trigger), \(bind: StoreDate.string(date)))
                """).run()
        }
        return try await run(id: id)
    }

    /// Cancels a queued or running run; a worker running it stops at its next heartbeat.
    /// - Throws: ``SuiteBridgeError`` `.conflict` when the run is already over.
    @discardableResult
    public func cancel(run id: String) async throws -> Run {
        let run = try await self.run(id: id)
        guard run.state.applying(.cancel) != nil else {
            throw SuiteBridgeError(.conflict, "Run \(run.id.prefix(8)) is already \(run.state.rawValue).", remedy: "Only queued or running runs can be cancelled.", field: "run")
        }
        let cancelled = try run.state.after(.cancel, run: run.id)
        let cancellable = RunState.states(allowing: .cancel).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let date = context.now()
        let actor = context.actor
        try await store.transaction { database in
            try await database.raw("""
                UPDATE runs SET state = \(bind: cancelled.rawValue), finished_at = \(bind: StoreDate.string(date)), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(bind: run.id) AND state IN (\(unsafeRaw: cancellable))
                """).run()
            try await AuditLog.append(database, actor: actor, instance: nil, action: .runCancel, detail: "\(run.flowName) run \(run.id.prefix(8))", at: date)
        }
        return try await self.run(id: run.id)
    }

    public func run(id: String) async throws -> Run {
        try await store.read { database in
            var found = try await database.raw("SELECT \(unsafeRaw: Self.runColumns) FROM runs JOIN flows ON flows.id = runs.flow_id WHERE runs.id = \(bind: id)").fetchFirst()
            if found == nil, id.count >= 6 {
                found = try await database.raw("SELECT \(unsafeRaw: Self.runColumns) FROM runs JOIN flows ON flows.id = runs.flow_id WHERE runs.id LIKE \(bind: id + "%")").fetchFirst()
            }
            guard let row = found else {
                throw SuiteBridgeError(.notFound, "There is no run \(id).", remedy: "Run `suitebridge runs list`.", field: "run")
            }
            return try Self.decodeRun(row)
        }
    }

    /// Runs newest first, of one flow or all.
    public func runs(flow name: String? = nil, limit: Int = 50) async throws -> [Run] {
        try await store.read { database in
            if let name {
                let flow = try await Self.flow(named: name, in: database)
                return try await database.raw("""
                    SELECT \(unsafeRaw: Self.runColumns) FROM runs JOIN flows ON flows.id = runs.flow_id WHERE runs.flow_id = \(bind: flow.id)
                    ORDER BY runs.queued_at DESC LIMIT \(literal: limit)
                    """).fetchAll().map(Self.decodeRun)
            }
            return try await database.raw("""
                SELECT \(unsafeRaw: Self.runColumns) FROM runs JOIN flows ON flows.id = runs.flow_id ORDER BY runs.queued_at DESC LIMIT \(literal: limit)
                """).fetchAll().map(Self.decodeRun)
        }
    }

    /// The rows a run refused (NetSuite refused them, or they could not be read), by the file line they start on.
    public func refusedRows(run id: String) async throws -> [(line: Int, externalID: String?, message: String, path: String?)] {
        try await store.read { database in
            try await database.raw("SELECT row_number, external_id, message, path FROM run_errors WHERE run_id = \(bind: id) ORDER BY row_number").fetchAll().map {
                (try $0.decode(column: "row_number", as: Int.self), try $0.decode(column: "external_id", as: String?.self),
                 try $0.decode(column: "message", as: String.self), try $0.decode(column: "path", as: String?.self))
            }
        }
    }

    /// Resumes the flows of instance `instanceID` that wait for its credentials, each with a new run; returns their names.
    static func resumeWaiting(instanceID: String, in database: any SQLDatabase, at date: Date) async throws -> [String] {
        let waiting = try await database.raw("""
            SELECT id, name FROM flows WHERE instance_id = \(bind: instanceID) AND state = \(bind: FlowState.waitingForCredentials.rawValue)
            """).fetchAll()
        var names: [String] = []
        for row in waiting {
            let id = try row.decode(column: "id", as: String.self)
            try await database.raw("UPDATE flows SET state = \(bind: FlowState.active.rawValue), state_reason = NULL, updated_at = \(bind: StoreDate.string(date)) WHERE id = \(bind: id)").run()
            try await database.raw("""
                INSERT INTO runs (id, flow_id, state, trigger, queued_at)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: id), \(bind: RunState.queued.rawValue), 'credentials-restored', \(bind: StoreDate.string(date)))
                """).run()
            names.append(try row.decode(column: "name", as: String.self))
        }
        return names
    }

    /// Queues a run of every active flow whose schedule is due, once even when several servers call this at once.
    @discardableResult
    public func enqueueScheduledRuns() async throws -> Int {
        let date = context.now()
        var queued = 0
        for due in try await dueFlows(at: date) where try await claimScheduledRun(due, at: date) {
            queued += 1
        }
        return queued
    }

    /// An active flow whose schedule is due, as read before claiming its run.
    struct DueFlow: Sendable {
        var id: String
        var definition: FlowDefinition
        /// `next_run_at` as stored: the claim compares the stored text (a date printed again may differ in its last digit).
        var dueText: String
    }

    /// The active flows whose next run is due at `date`.
    func dueFlows(at date: Date) async throws -> [DueFlow] {
        let now = StoreDate.string(date)
        return try await store.read { database in
            try await database.raw("""
                SELECT id, definition, next_run_at FROM flows WHERE state = \(bind: FlowState.active.rawValue) AND next_run_at IS NOT NULL AND next_run_at <= \(bind: now)
                """).fetchAll().map { row in
                DueFlow(id: try row.decode(column: "id", as: String.self),
                        definition: try JSONDecoder().decode(FlowDefinition.self, from: Data(try row.decode(column: "definition", as: String.self).utf8)),
                        dueText: try row.decode(column: "next_run_at", as: String.self))
            }
        }
    }

    /// Moves the flow's next run on and queues this one, unless another server did so first or the flow was paused
    /// since it was read (the claim re-checks both in one statement, so a pause never lets a scheduled run in after it).
    func claimScheduledRun(_ due: DueFlow, at date: Date) async throws -> Bool {
        guard let schedule = due.definition.schedule else { return false }
        let now = StoreDate.string(date)
        let next = StoreDate.string(try FlowSchedule(parsing: schedule).next(after: date))
        let runID = UUID().uuidString.lowercased()
        return try await store.transaction { database in
            let rows = try await database.raw("""
                UPDATE flows SET next_run_at = \(bind: next)
                WHERE id = \(bind: due.id) AND next_run_at = \(bind: due.dueText) AND state = \(bind: FlowState.active.rawValue) RETURNING id
                """).fetchAll()
            guard !rows.isEmpty else { return false }
            try await database.raw("""
                INSERT INTO runs (id, flow_id, state, trigger, queued_at) VALUES (\(bind: runID), \(bind: due.id), \(bind: RunState.queued.rawValue), 'schedule', \(bind: now))
                """).run()
            return true
        }
    }

}
