import Foundation
import NetSuiteClient

/// Sends one source row (an import's line, a webhook's delivery) as an upsert by external id: maps it, then
/// `PUT …/eid:<id>`, replacing the mapping's sublists. What came of it is returned for the caller to record (a run's
/// counts, the error inbox).
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

    /// - Throws: what is not the row's fault — NetSuite unreachable, throttled past the retries, a 5xx, the store —
    ///   so the caller stops instead of refusing rows that are fine.
    func send(_ row: SourceRow, line: Int?) async throws -> Outcome {
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
        let json = JSONValue.object(body).json
        do {
            _ = try await client.records.upsert(recordType, externalID: externalID, json: Data(json.utf8), replaceSublists: mapping.sublists)
            return .upserted(externalID: externalID)
        } catch let error as NetSuiteError where error.code == .response && (400..<500).contains(error.status ?? 0) && error.status != 429 {
            return .refused(Refusal(externalID: externalID, message: error.detail ?? error.message, field: error.errorPath, code: error.errorCode ?? "HTTP \(error.status ?? 0)",
                                    remedy: error.remedy.isEmpty ? nil : error.remedy, body: json))
        }
    }
}
