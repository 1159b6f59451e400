import Foundation
import NetSuiteClient

/// Sends source rows (an import's lines, a webhook's deliveries) as upserts by external id: maps each, then either
/// in REST batches of up to 100 records (`PUT` on the collection, as an async job) or one `PUT …/eid:<id>` per
/// row, replacing the mapping's sublists. What came of each row is returned for the caller to record (a run's
/// counts, the error inbox).
///
/// Batches are the default for flows: they hold a concurrency slot for one request per 100 records instead of 100.
/// A record type NetSuite refuses batches for is remembered per instance (``InstanceFacts``) and sent per record
/// from then on, as is every row of a flow created with `--per-record`.
struct RecordSender: Sendable {
    let recordType: String
    /// The column or path of the row's external id.
    let externalIDPath: String
    let mapping: Mapping
    let mapper: RecordMapper
    let client: NetSuiteClient

    init(recordType: String, externalIDPath: String, mapping: Mapping, lookups: LookupTables, client: NetSuiteClient) {
        self.recordType = recordType
        self.externalIDPath = externalIDPath
        self.mapping = mapping
        self.mapper = RecordMapper(mapping: mapping, resources: MappingResources(lookups: lookups, client: client))
        self.client = client
    }

    /// The sender of an import or webhook flow.
    /// - Throws: ``SuiteBridgeError`` `.conflict` for another kind of flow.
    init(flow: Flow, lookups: LookupTables, client: NetSuiteClient) throws {
        if let spec = flow.definition.import {
            self.init(recordType: spec.recordType, externalIDPath: spec.externalIdColumn, mapping: spec.mapping, lookups: lookups, client: client)
        } else if let spec = flow.definition.webhook {
            self.init(recordType: spec.recordType, externalIDPath: spec.externalIdField, mapping: spec.mapping, lookups: lookups, client: client)
        } else {
            throw SuiteBridgeError(.conflict, "\(flow.name) is not an import or webhook flow.", remedy: "", field: "flow")
        }
    }

    /// Why a row was not upserted.
    struct Refusal: Sendable, Hashable {
        var externalID: String?
        var message: String
        var field: String?
        /// NetSuite's error code, `mapping`, `source` or `duplicate`.
        var code: String
        var remedy: String?
        /// The body the row mapped to, when it did.
        var body: String?
    }

    enum Outcome: Sendable, Hashable {
        case upserted(externalID: String)
        case refused(Refusal)
    }

    /// A row mapped and ready to send, or refused before sending.
    enum Prepared: Sendable {
        case ready(externalID: String, json: String)
        case refused(Refusal)
    }

    /// How a run's rows go out in batches: the instance whose facts say which record types have no batch support,
    /// and the scope idempotency keys are derived in (the run).
    struct Batching: Sendable {
        var instanceID: String
        var facts: InstanceFacts
        var keyScope: String
    }

    /// Maps a row; a row without an external id or that the mapping refuses is refused here.
    func prepare(_ row: SourceRow, line: Int?) async throws -> Prepared {
        let at = line.map { "Line \($0)" } ?? "The row"
        guard let externalID = SourcePath(externalIDPath).value(in: row)?.text.flatMap({ $0.isEmpty ? nil : $0 }) else {
            return .refused(Refusal(message: "\(at) has no value in \(externalIDPath), its external id; it was not sent. Give every row an external id.",
                                    field: externalIDPath, code: "source", remedy: "Give the row a value in \(externalIDPath)."))
        }
        var body: [String: JSONValue]
        do {
            body = try await mapper.body(for: row)
        } catch let refusal as MappingRefusal {
            return .refused(Refusal(externalID: externalID, message: "\(at): " + refusal.message, field: refusal.field, code: "mapping",
                                    remedy: "Fix the value in the source (errors edit), or the flow's mapping, then retry."))
        }
        body["externalId"] = .string(externalID)
        return .ready(externalID: externalID, json: JSONValue.object(body).json)
    }

    /// Sends one row by itself (`PUT …/eid:<id>`).
    /// - Throws: what is not the row's fault — NetSuite unreachable, throttled past the retries, a 5xx, the store —
    ///   so the caller stops instead of refusing rows that are fine.
    func send(_ row: SourceRow, line: Int?) async throws -> Outcome {
        switch try await prepare(row, line: line) {
        case .refused(let refusal): return .refused(refusal)
        case .ready(let externalID, let json): return try await upsert(externalID: externalID, json: json)
        }
    }

    private func upsert(externalID: String, json: String) async throws -> Outcome {
        do {
            _ = try await client.records.upsert(recordType, externalID: externalID, json: Data(json.utf8), replaceSublists: mapping.sublists)
            return .upserted(externalID: externalID)
        } catch let error as NetSuiteError where Self.isRecordRefusal(error) {
            return .refused(Self.refusal(error, externalID: externalID, json: json))
        }
    }

    /// Whether NetSuite refused the record itself (a 4xx other than 429), not the request or the connection.
    static func isRecordRefusal(_ error: NetSuiteError) -> Bool {
        error.code == .response && (400..<500).contains(error.status ?? 0) && error.status != 429
    }

    static func refusal(_ error: NetSuiteError, externalID: String, json: String) -> Refusal {
        Refusal(externalID: externalID, message: error.detail ?? error.message, field: error.errorPath, code: error.errorCode ?? "HTTP \(error.status ?? 0)",
                remedy: error.remedy.isEmpty ? nil : error.remedy, body: json)
    }

    /// Sends rows, `parallelism` requests at a time, and returns each row's outcome in order: in batches of up to
    /// 100 when `batching` is given and the record type has batch support, else one request per row.
    /// - Throws: as ``send(_:line:)``.
    func sendAll(_ rows: [(row: SourceRow, line: Int?)], parallelism: Int, batching: Batching?) async throws -> [Outcome] {
        let prepared = try await Self.inOrder(rows.count, parallelism: parallelism) { index in try await prepare(rows[index].row, line: rows[index].line) }
        var batching = batching
        if let current = batching, try await current.facts.batchUnavailable(current.instanceID, recordType: recordType) { batching = nil }
        guard let batching else {
            return try await Self.inOrder(prepared.count, parallelism: parallelism) { index in
                switch prepared[index] {
                case .refused(let refusal): return .refused(refusal)
                case .ready(let externalID, let json): return try await upsert(externalID: externalID, json: json)
                }
            }
        }
        var outcomes: [Outcome?] = prepared.map { if case .refused(let refusal) = $0 { .refused(refusal) } else { nil } }
        let ready: [(index: Int, externalID: String, json: String)] = prepared.enumerated().compactMap { index, item in
            if case .ready(let externalID, let json) = item { (index, externalID, json) } else { nil }
        }
        let batches = stride(from: 0, to: ready.count, by: NetSuiteClient.Records.batchLimit).map { Array(ready[$0..<min(ready.count, $0 + NetSuiteClient.Records.batchLimit)]) }
        let sent = try await Self.inOrder(batches.count, parallelism: parallelism) { number in
            try await sendBatch(batches[number], batching: batching)
        }
        for (batch, results) in zip(batches, sent) {
            for (item, outcome) in zip(batch, results) { outcomes[item.index] = outcome }
        }
        return outcomes.map { $0 ?? .refused(Refusal(message: "The row was not sent.", code: "internal")) }
    }

    /// One batch; when NetSuite refuses batches for the record type, that is remembered and the batch goes per record.
    private func sendBatch(_ batch: [(index: Int, externalID: String, json: String)], batching: Batching) async throws -> [Outcome] {
        // The key is the run and the content, never the attempt: a batch sent again after a lost answer is the same
        // batch, and NetSuite answers with the first job.
        let key = IdempotencyKey.derived(from: [batching.keyScope, recordType] + batch.flatMap { [$0.externalID, $0.json] })
        do {
            let results = try await client.records.batchUpsert(
                recordType, items: batch.map { BatchUpsertItem(externalID: $0.externalID, json: Data($0.json.utf8)) },
                replaceSublists: mapping.sublists, idempotencyKey: key)
            return zip(batch, results).map { item, result in
                switch result {
                case .succeeded: .upserted(externalID: item.externalID)
                case .refused(let error): .refused(Self.refusal(error, externalID: item.externalID, json: item.json))
                }
            }
        } catch let error as NetSuiteError where error.code == .batchUnavailable {
            try await batching.facts.set(batching.instanceID, InstanceFacts.Name.batchUnavailable(recordType), error.detail ?? error.message)
            var outcomes: [Outcome] = []
            for item in batch { outcomes.append(try await upsert(externalID: item.externalID, json: item.json)) }
            return outcomes
        }
    }

    /// `body(0..<count)`, at most `parallelism` at a time, results in index order.
    static func inOrder<T: Sendable>(_ count: Int, parallelism: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: count)
            var next = 0
            while next < min(count, max(1, parallelism)) {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
