import Foundation
import NetSuiteAuth
import HTTPTypes
import Hummingbird

extension SimulatorServer {
    /// At most this many records in one batch request.
    static let batchLimit = 100

    /// Whether a collection request's body is a batch (`Content-Type: application/vnd.oracle.resource+json; type=collection`).
    static func isBatch(_ call: Call) -> Bool {
        call.request.headers[.contentType]?.lowercased().replacingOccurrences(of: " ", with: "").contains("type=collection") == true
    }

    /// Batch create (POST), update (PATCH) or upsert (PUT) on a collection: `{"items": [...]}`, up to 100 records of
    /// the path's type, always as a job. PATCH items carry `id` or `externalId` (the internal id wins); PUT items
    /// carry `externalId`. A bad item fails its own task, not the batch.
    func writeBatch(_ call: Call, typeName: String) async throws -> Response {
        let method = call.request.method
        let type: RecordType
        switch authorizedType(typeName, call, method == .post ? .create : .edit) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        guard Self.isBatch(call) else {
            return NetSuiteResponse.error(
                status: 415, code: NetSuiteErrorCode.invalidHeader,
                detail: "A batch request needs Content-Type: application/vnd.oracle.resource+json; type=collection.")
        }
        if let refusal = await batchRefusal(call, type) { return refusal }
        guard let parsed = try? JSONValue(parsing: call.body.data), case .array(let items)? = parsed.objectValue?["items"] else {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidContent, detail: "A batch body is {\"items\": [...]}.", path: "items")
        }
        guard !items.isEmpty, items.count <= Self.batchLimit else {
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.invalidContent,
                detail: "A batch request holds 1 to \(Self.batchLimit) records; this one holds \(items.count).", path: "items")
        }
        let replace = Self.replacesSublist(call, type)
        let operations: [RecordOperation] = items.enumerated().map { index, item in
            var body = item.objectValue ?? JSONObject()
            let externalID = body["externalId"]?.scalarText
            let id = body["id"]?.scalarText
            switch method {
            case .post:
                return .create(type, body: body)
            case .put:
                // An item without a usable external id fails in its task, as NetSuite reports per record.
                return .upsert(type, externalID: externalID ?? "", body: body, replaceSublist: replace)
            default:
                body["id"] = nil
                if let id { return .update(type, idText: id, body: body, replaceSublist: replace) }
                if let externalID { return .update(type, idText: "eid:" + externalID, body: body, replaceSublist: replace) }
                return .update(type, idText: "item \(index + 1) has no id", body: body, replaceSublist: replace)
            }
        }
        return try await perform(operations, call, batch: true)
    }

    /// Batch delete: `DELETE …/{type}?ids=1,2,eid:x`, as a job.
    func deleteBatch(_ call: Call, typeName: String) async throws -> Response {
        let type: RecordType
        switch authorizedType(typeName, call, .full) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        if let refusal = await batchRefusal(call, type) { return refusal }
        let ids = (call.request.uri.queryParameters["ids"].map(String.init) ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "'", with: "")
        }.filter { !$0.isEmpty }
        guard !ids.isEmpty, ids.count <= Self.batchLimit else {
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "ids lists 1 to \(Self.batchLimit) records.", queryParam: "ids")
        }
        return try await perform(ids.map { .delete(type, idText: $0) }, call, batch: true)
    }

    /// The refusal of a batch for a record type the account's model says has no batch support.
    private func batchRefusal(_ call: Call, _ type: RecordType) async -> Response? {
        guard let settings = try? await netsuite.asyncSettings(call.principal.realm),
              settings.batchUnavailableTypes.contains(where: { $0.lowercased() == type.rawValue.lowercased() }) else { return nil }
        return NetSuiteResponse.error(
            status: 400, code: NetSuiteErrorCode.invalidRequest, detail: "Batch operations are not supported for the record type \(type.rawValue).")
    }
}
