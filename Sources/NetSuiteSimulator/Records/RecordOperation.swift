import Foundation
import NetSuiteAuth

/// One record write, as a synchronous request, an asynchronous one, or one item of a batch carries it: the same
/// rules apply however it arrives.
enum RecordOperation: Sendable {
    /// `POST …/{type}`.
    case create(RecordType, body: JSONObject)
    /// `PUT …/{type}/eid:{externalId}`: create or update by external id.
    case upsert(RecordType, externalID: String, body: JSONObject, replaceSublist: Bool)
    /// `PATCH …/{type}/{id}` (an internal id, or `eid:X`).
    case update(RecordType, idText: String, body: JSONObject, replaceSublist: Bool)
    /// `DELETE …/{type}/{id}`.
    case delete(RecordType, idText: String)

    var type: RecordType {
        switch self {
        case .create(let type, _), .upsert(let type, _, _, _), .update(let type, _, _, _), .delete(let type, _): type
        }
    }

    /// Whether an external id has the characters the simulator accepts (letters, digits, `_`, `-`).
    static func isValidExternalID(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    /// Applies the write; returns the record's internal id (`nil` after a delete).
    func apply(to store: inout RecordStore, now: Date, by entity: Int?) throws(RecordError) -> Int? {
        switch self {
        case .create(let type, let body):
            return try store.create(type, body: body, now: now)
        case .upsert(let type, let externalID, let body, let replace):
            guard Self.isValidExternalID(externalID) else {
                throw RecordError(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "An external id may contain letters, digits, _ and -.")
            }
            if let existing = store.id(of: type, externalID: externalID) {
                try store.update(type, id: existing, body: body, replaceSublist: replace, now: now)
                return existing
            }
            return try store.create(type, body: body, externalID: externalID, now: now)
        case .update(let type, let idText, let body, let replace):
            guard let id = Self.resolve(idText, type: type, store: store) else { throw RecordError.nonexistent }
            try store.update(type, id: id, body: body, replaceSublist: replace, now: now)
            return id
        case .delete(let type, let idText):
            guard let id = Self.resolve(idText, type: type, store: store) else { throw RecordError.nonexistent }
            try store.delete(type, id: id, now: now, by: entity)
            return nil
        }
    }

    /// An internal id, or `eid:X` resolved through the external id index.
    static func resolve(_ text: String, type: RecordType, store: RecordStore) -> Int? {
        if text.hasPrefix("eid:") { return store.id(of: type, externalID: String(text.dropFirst(4))) }
        return Int(text)
    }
}
