import Foundation
import NetSuiteClient
import SQLKit

extension ErrorInbox {
    /// What a bulk retry did.
    public struct RetryResult: Sendable, Hashable, Codable {
        public var retried: Int
        public var resolved: Int
        public var stillOpen: Int
    }

    /// Sends an open error's row again, now, with the flow's current mapping (and the values edited since): resolved
    /// when NetSuite takes it, else the error is updated (message, attempts).
    /// - Throws: ``SuiteBridgeError`` `.notFound`, `.conflict` when it is not open or its flow is not an import;
    ///   NetSuite's error when NetSuite cannot be reached (the error stays as it was).
    public func retry(id: String) async throws -> InboxError {
        let error = try await self.error(id: id)
        guard error.state == .open else { throw Self.notOpen(error) }
        let flow = try await context.flows.flow(named: error.flow)
        let sender = try await sender(for: flow)
        try await retry(error, flowID: flow.id, sender: sender)
        return try await self.error(id: id)
    }

    /// Retries every open error of a flow, a few at a time.
    public func retry(flow name: String) async throws -> RetryResult {
        let flow = try await context.flows.flow(named: name)
        let sender = try await sender(for: flow)
        let open = try await list(flow: name, state: .open, limit: 10_000)
        let parallelism = max(1, sender.client.configuration.concurrencyLimit)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for error in open {
                if running == parallelism {
                    try await group.next()
                    running -= 1
                }
                group.addTask { try await self.retry(error, flowID: flow.id, sender: sender) }
                running += 1
            }
            try await group.waitForAll()
        }
        let after = try await list(flow: name, state: .open, limit: 10_000)
        let stillOpen = Set(after.map(\.id)).intersection(open.map(\.id)).count
        return RetryResult(retried: open.count, resolved: open.count - stillOpen, stillOpen: stillOpen)
    }

    private func sender(for flow: Flow) async throws -> RecordSender {
        guard flow.definition.import != nil || flow.definition.webhook != nil else {
            throw SuiteBridgeError(.conflict, "\(flow.name) is not an import or webhook flow.", remedy: "", field: "flow")
        }
        return try RecordSender(flow: flow, lookups: context.lookups, client: try await context.connections.client(forInstanceID: flow.instanceID))
    }

    private func retry(_ error: InboxError, flowID: String, sender: RecordSender) async throws {
        let outcome = try await sender.send(SourceRow(text: error.sourceRow), line: nil)
        let actor = context.actor
        let date = context.now()
        try await context.store.transaction { database in
            switch outcome {
            case .upserted:
                try await database.raw("""
                    UPDATE inbox_errors SET state = 'resolved', attempts = attempts + 1, last_seen_at = \(bind: StoreDate.string(date)),
                        closed_at = \(bind: StoreDate.string(date)), closed_by = \(bind: "retry by \(actor)") WHERE id = \(bind: error.id) AND state = 'open'
                    """).run()
            case .refused(let refusal):
                try await database.raw("""
                    UPDATE inbox_errors SET body = \(bind: refusal.body), code = \(bind: refusal.code), message = \(bind: refusal.message), field = \(bind: refusal.field),
                        remedy = \(bind: refusal.remedy), last_seen_at = \(bind: StoreDate.string(date)), attempts = attempts + 1
                    WHERE id = \(bind: error.id) AND state = 'open'
                    """).run()
            }
            let result = if case .upserted = outcome { "resolved" } else { "still refused" }
            try await AuditLog.append(database, actor: actor, instance: nil, action: .inboxRetry, detail: "\(error.flow) \(error.externalId ?? error.id): \(result)", at: date)
        }
    }
}
