import Foundation
import SQLKit

/// The error inbox: rows an import refused, kept in the store to be edited, retried, resolved or ignored.
///
/// A row refused again (same flow and external id) updates its open error — last seen, attempts — instead of
/// adding one. An open error resolves itself when a later run, or a retry, upserts the same external id. Every
/// change by hand is audited.
public struct ErrorInbox: Sendable {
    let context: CoreContext

    /// What a refusal records.
    struct Entry: Sendable {
        var flowID: String
        var runID: String?
        var line: Int?
        var externalID: String?
        var sourceRow: [String: String]
        var body: String?
        var code: String
        var message: String
        var field: String?
        var remedy: String?
    }

    static let columns = """
        inbox_errors.id, flows.name AS flow_name, inbox_errors.external_id, inbox_errors.state, inbox_errors.source_row, inbox_errors.body, \
        inbox_errors.code, inbox_errors.message, inbox_errors.field, inbox_errors.remedy, inbox_errors.line, inbox_errors.run_id, \
        inbox_errors.first_seen_at, inbox_errors.last_seen_at, inbox_errors.attempts, inbox_errors.closed_at, inbox_errors.closed_by
        """

    static func decode(_ row: any SQLRow) throws -> InboxError {
        let source = try row.decode(column: "source_row", as: String.self)
        return InboxError(
            id: try row.decode(column: "id", as: String.self), flow: try row.decode(column: "flow_name", as: String.self),
            externalId: try row.decode(column: "external_id", as: String?.self),
            state: InboxError.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .open,
            sourceRow: (try? JSONDecoder().decode([String: String].self, from: Data(source.utf8))) ?? [:],
            body: try row.decode(column: "body", as: String?.self), code: try row.decode(column: "code", as: String.self),
            message: try row.decode(column: "message", as: String.self), field: try row.decode(column: "field", as: String?.self),
            remedy: try row.decode(column: "remedy", as: String?.self), line: try row.decode(column: "line", as: Int?.self),
            runId: try row.decode(column: "run_id", as: String?.self),
            firstSeenAt: StoreDate.date(try row.decode(column: "first_seen_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
            lastSeenAt: StoreDate.date(try row.decode(column: "last_seen_at", as: String.self)) ?? Date(timeIntervalSince1970: 0),
            attempts: try row.decode(column: "attempts", as: Int.self),
            closedAt: StoreDate.date(try row.decode(column: "closed_at", as: String?.self)), closedBy: try row.decode(column: "closed_by", as: String?.self))
    }

    /// Records a refusal inside the caller's transaction: the flow's open error for the same external id is updated
    /// (attempts + 1, unless this run already recorded this line), else a new open error is added.
    static func record(_ entry: Entry, in database: any SQLDatabase, at date: Date) async throws {
        let now = StoreDate.string(date)
        let source = String(decoding: try JSONEncoder.sorted.encode(entry.sourceRow), as: UTF8.self)
        var existing: (any SQLRow)?
        if let externalID = entry.externalID {
            existing = try await database.raw("""
                SELECT id, run_id, line FROM inbox_errors WHERE flow_id = \(bind: entry.flowID) AND external_id = \(bind: externalID) AND state = 'open'
                """).fetchFirst()
        } else if let runID = entry.runID, let line = entry.line {
            existing = try await database.raw("""
                SELECT id, run_id, line FROM inbox_errors WHERE flow_id = \(bind: entry.flowID) AND run_id = \(bind: runID) AND line = \(bind: line) AND state = 'open'
                """).fetchFirst()
        }
        if let existing {
            let id = try existing.decode(column: "id", as: String.self)
            let again = try existing.decode(column: "run_id", as: String?.self) == entry.runID && entry.runID != nil
                && (try existing.decode(column: "line", as: Int?.self)) == entry.line
            try await database.raw("""
                UPDATE inbox_errors SET source_row = \(bind: source), body = \(bind: entry.body), code = \(bind: entry.code), message = \(bind: entry.message),
                    field = \(bind: entry.field), remedy = \(bind: entry.remedy), line = \(bind: entry.line), run_id = \(bind: entry.runID),
                    last_seen_at = \(bind: now), attempts = attempts + \(literal: again ? 0 : 1)
                WHERE id = \(bind: id)
                """).run()
        } else {
            try await database.raw("""
                INSERT INTO inbox_errors (id, flow_id, external_id, state, source_row, body, code, message, field, remedy, line, run_id, first_seen_at, last_seen_at, attempts)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: entry.flowID), \(bind: entry.externalID), 'open', \(bind: source), \(bind: entry.body),
                        \(bind: entry.code), \(bind: entry.message), \(bind: entry.field), \(bind: entry.remedy), \(bind: entry.line), \(bind: entry.runID), \(bind: now), \(bind: now), 1)
                """).run()
        }
    }

    /// Resolves the flow's open errors for `externalIDs`, upserted by `closedBy` (a run): not those that run refused
    /// itself (a later line with the same id), which stay open.
    static func resolve(externalIDs: [String], flowID: String, runID: String?, closedBy: String, in database: any SQLDatabase, at date: Date) async throws {
        guard !externalIDs.isEmpty else { return }
        for start in stride(from: 0, to: externalIDs.count, by: 500) {
            let ids = SQLList(externalIDs[start..<min(externalIDs.count, start + 500)].map { SQLBind($0) })
            try await database.raw("""
                UPDATE inbox_errors SET state = 'resolved', closed_at = \(bind: StoreDate.string(date)), closed_by = \(bind: closedBy)
                WHERE flow_id = \(bind: flowID) AND state = 'open' AND external_id IN (\(ids)) AND (run_id IS NULL OR run_id <> \(bind: runID ?? ""))
                """).run()
        }
    }

    // MARK: Reading

    /// The errors, newest first, of one flow or all, in one state or all.
    public func list(flow: String? = nil, state: InboxError.State? = nil, limit: Int = 200) async throws -> [InboxError] {
        var found: String?
        if let flow { found = try await context.flows.flow(named: flow).id }
        let flowID = found
        return try await context.store.read { database in
            var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM inbox_errors JOIN flows ON flows.id = inbox_errors.flow_id WHERE 1 = 1")
            if let flowID { query.appendInterpolation(unsafeRaw: " AND inbox_errors.flow_id = "); query.appendInterpolation(bind: flowID) }
            if let state { query.appendInterpolation(unsafeRaw: " AND inbox_errors.state = "); query.appendInterpolation(bind: state.rawValue) }
            query.appendInterpolation(unsafeRaw: " ORDER BY inbox_errors.last_seen_at DESC, inbox_errors.id LIMIT \(max(1, min(limit, 10_000)))")
            return try await database.raw(query).fetchAll().map(Self.decode)
        }
    }

    /// Open errors, per flow name.
    public func openCounts() async throws -> [String: Int] {
        try await context.store.read { database in
            var counts: [String: Int] = [:]
            for row in try await database.raw("""
                SELECT flows.name AS name, COUNT(*) AS n FROM inbox_errors JOIN flows ON flows.id = inbox_errors.flow_id WHERE inbox_errors.state = 'open' GROUP BY flows.name
                """).fetchAll() {
                counts[try row.decode(column: "name", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// One error.
    /// - Throws: ``SuiteBridgeError`` `.notFound`.
    public func error(id: String) async throws -> InboxError {
        let found = try await context.store.read { database in
            try await database.raw("SELECT \(unsafeRaw: Self.columns) FROM inbox_errors JOIN flows ON flows.id = inbox_errors.flow_id WHERE inbox_errors.id = \(bind: id)").fetchFirst()
        }
        guard let found else {
            throw SuiteBridgeError(.notFound, "There is no error \(id) in the inbox.", remedy: "suitebridge errors list shows the errors and their ids.", field: "id")
        }
        return try Self.decode(found)
    }

    // MARK: Changing

    /// Replaces source values of an open error (the others stay); the next retry maps the edited row.
    /// - Throws: ``SuiteBridgeError`` `.notFound`, or `.conflict` when the error is not open.
    public func edit(id: String, values: [String: String]) async throws -> InboxError {
        let error = try await self.error(id: id)
        guard error.state == .open else { throw Self.notOpen(error) }
        let source = String(decoding: try JSONEncoder.sorted.encode(error.sourceRow.merging(values) { $1 }), as: UTF8.self)
        let actor = context.actor
        let date = context.now()
        try await context.store.transaction { database in
            try await database.raw("UPDATE inbox_errors SET source_row = \(bind: source) WHERE id = \(bind: id) AND state = 'open'").run()
            try await AuditLog.append(database, actor: actor, instance: nil, action: .inboxEdit,
                                      detail: "\(error.flow) \(error.externalId ?? id): \(values.keys.sorted().joined(separator: ", ")) edited", at: date)
        }
        return try await self.error(id: id)
    }

    /// Marks an open error resolved by hand.
    public func resolve(id: String) async throws -> InboxError { try await close(id: id, as: .resolved, action: .inboxResolve) }

    /// Marks an open error ignored: it stays in the inbox, out of the open ones.
    public func ignore(id: String) async throws -> InboxError { try await close(id: id, as: .ignored, action: .inboxIgnore) }

    private func close(id: String, as state: InboxError.State, action: AuditAction) async throws -> InboxError {
        let error = try await self.error(id: id)
        guard error.state == .open else { throw Self.notOpen(error) }
        let actor = context.actor
        let date = context.now()
        try await context.store.transaction { database in
            try await database.raw("""
                UPDATE inbox_errors SET state = \(bind: state.rawValue), closed_at = \(bind: StoreDate.string(date)), closed_by = \(bind: actor) WHERE id = \(bind: id) AND state = 'open'
                """).run()
            try await AuditLog.append(database, actor: actor, instance: nil, action: action, detail: "\(error.flow) \(error.externalId ?? id)", at: date)
        }
        return try await self.error(id: id)
    }

    static func notOpen(_ error: InboxError) -> SuiteBridgeError {
        SuiteBridgeError(.conflict, "The error \(error.id) is \(error.state.rawValue), not open.", remedy: "Only open errors are edited, retried, resolved or ignored.", field: "id")
    }
}

extension JSONEncoder {
    /// Compact, keys sorted: the same value always writes the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension CoreContext {
    /// Refused rows to fix and retry.
    public var inbox: ErrorInbox { ErrorInbox(context: self) }
}
