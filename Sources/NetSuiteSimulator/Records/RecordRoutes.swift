import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteAuth

extension SimulatorServer {
    /// REST records under `/services/rest/record/v1/`: list, get (with `fields`, `expandSubResources`), sublists,
    /// create, PATCH, upsert by external id (`PUT …/eid:X`), delete.
    func addRecordRoutes(to router: Router<BasicRequestContext>) {
        let base = "/services/rest/record/v1"
        router.get(RouterPath(base + "/{type}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await listRecords(call, typeName: context.parameters.get("type") ?? "")
            }
        }
        router.post(RouterPath(base + "/{type}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await writeRecord(call, typeName: context.parameters.get("type") ?? "", id: nil)
            }
        }
        router.get(RouterPath(base + "/{type}/{id}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await getRecord(call, typeName: context.parameters.get("type") ?? "", idText: context.parameters.get("id") ?? "")
            }
        }
        router.get(RouterPath(base + "/{type}/{id}/{sublist}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await getSublist(call, context: context, line: nil)
            }
        }
        router.get(RouterPath(base + "/{type}/{id}/{sublist}/{line}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await getSublist(call, context: context, line: context.parameters.get("line"))
            }
        }
        for method in [HTTPRequest.Method.patch, .put] {
            router.on(RouterPath(base + "/{type}/{id}"), method: method) { request, context -> Response in
                try await serve(request, endpoint: .record) { call in
                    try await writeRecord(call, typeName: context.parameters.get("type") ?? "", id: context.parameters.get("id") ?? "")
                }
            }
        }
        router.delete(RouterPath(base + "/{type}/{id}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await deleteRecord(call, typeName: context.parameters.get("type") ?? "", idText: context.parameters.get("id") ?? "")
            }
        }
    }

    /// The record type named in the path, if the caller's role may use it at `level`; otherwise the answer to send.
    private func authorizedType(_ name: String, _ call: Call, _ level: PermissionLevel) -> Result<RecordType, RecordResponse> {
        guard let type = RecordType(pathName: name) else {
            return .failure(RecordResponse(NetSuiteResponse.error(
                RecordError(status: 404, code: NetSuiteErrorCode.nonexistentID, detail: "Record type '\(name)' does not exist or is not supported."))))
        }
        if let refusal = Self.checkPermission(call.principal, Permission.restWebServices, .full)
            ?? Self.checkPermission(call.principal, type.permission, level)
        {
            return .failure(RecordResponse(refusal))
        }
        return .success(type)
    }

    /// A finished answer carried through `Result` (a `Response` is not an `Error`).
    struct RecordResponse: Error {
        var response: Response
        init(_ response: Response) { self.response = response }
    }

    /// An internal id, or `eid:X` resolved through the external id index.
    private func resolveID(_ text: String, type: RecordType, store: RecordStore) -> Int? {
        if text.hasPrefix("eid:") { return store.id(of: type, externalID: String(text.dropFirst(4))) }
        return Int(text)
    }

    private func listRecords(_ call: Call, typeName: String) async throws -> Response {
        let type: RecordType
        switch authorizedType(typeName, call, .view) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        let query = call.request.uri.queryParameters
        let limitText = query["limit"].map(String.init)
        let offsetText = query["offset"].map(String.init)
        let limit = limitText.flatMap(Int.init) ?? 1000
        let offset = offsetText.flatMap(Int.init) ?? 0
        if limitText != nil && Int(limitText ?? "") == nil || !(1...1000).contains(limit) {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "The limit parameter must be between 1 and 1000.", queryParam: "limit")
        }
        if offsetText != nil && Int(offsetText ?? "") == nil || offset < 0 || offset % limit != 0 {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "The offset parameter must be a multiple of limit.", queryParam: "offset")
        }
        if offset + limit > 100_000 {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "The maximum number of results is 100000.", queryParam: "offset")
        }
        let (store, datePreference) = try await netsuite.records(call.principal.realm)
        var ids = store.ids[type] ?? []
        if let q = query["q"].map(String.init), !q.isEmpty {
            let filter: RecordFilter
            do throws(RecordError) {
                filter = try RecordFilter.parse(q, type: type, fields: store.schema(of: type), datePreference: datePreference)
            } catch {
                return NetSuiteResponse.error(error)
            }
            ids = ids.filter { id in store.record(type, id).map { filter.matches($0, type: type) } ?? false }
        }
        let page = ids.dropFirst(offset).prefix(limit)
        let recordBase = "\(call.origin)/services/rest/record/v1"
        let items: [JSONValue] = page.map { id in
            .object(JSONObject([
                ("links", .array([.object(JSONObject([("rel", .string("self")), ("href", .string("\(recordBase)/\(type.rawValue)/\(id)"))]))])),
                ("id", .string(String(id))),
            ]))
        }
        let q = query["q"].map(String.init)
        let envelope = RecordRenderer.collection(items: items, total: ids.count, limit: limit, offset: offset) { at in
            var url = "\(recordBase)/\(type.rawValue)?"
            if let q, let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { url += "q=\(encoded)&" }
            return url + "limit=\(limit)&offset=\(at)"
        }
        return NetSuiteResponse.json(.object(envelope), contentType: NetSuiteResponse.collection)
    }

    private func getRecord(_ call: Call, typeName: String, idText: String) async throws -> Response {
        let type: RecordType
        switch authorizedType(typeName, call, .view) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        let (store, _) = try await netsuite.records(call.principal.realm)
        guard let id = resolveID(idText, type: type, store: store), let record = store.record(type, id) else {
            return NetSuiteResponse.error(.nonexistent)
        }
        let query = call.request.uri.queryParameters
        let fields = query["fields"].map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        let expand = query["expandSubResources"].map { $0.lowercased() == "true" } ?? false
        let renderer = RecordRenderer(recordBase: "\(call.origin)/services/rest/record/v1", store: store)
        return NetSuiteResponse.json(.object(renderer.render(type, record, fields: fields, expandSubResources: expand)), contentType: NetSuiteResponse.singular)
    }

    private func getSublist(_ call: Call, context: BasicRequestContext, line: String?) async throws -> Response {
        let type: RecordType
        switch authorizedType(context.parameters.get("type") ?? "", call, .view) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        let (store, _) = try await netsuite.records(call.principal.realm)
        let sublist = context.parameters.get("sublist") ?? ""
        guard let id = resolveID(context.parameters.get("id") ?? "", type: type, store: store), let record = store.record(type, id),
            type.sublist == sublist
        else { return NetSuiteResponse.error(.nonexistent) }
        let renderer = RecordRenderer(recordBase: "\(call.origin)/services/rest/record/v1", store: store)
        let lines = record.lines.map { renderer.renderLine($0, type: type, recordID: id, sublist: sublist) }
        if let line {
            guard let found = lines.first(where: { $0["line"]?.scalarText == line }) else { return NetSuiteResponse.error(.nonexistent) }
            return NetSuiteResponse.json(.object(found), contentType: NetSuiteResponse.singular)
        }
        let href = "\(call.origin)/services/rest/record/v1/\(type.hrefName)/\(id)/\(sublist)"
        return NetSuiteResponse.json(.object(JSONObject([
            ("links", renderer.selfLinks(href)), ("items", .array(lines.map(JSONValue.object))), ("totalResults", .number(Double(lines.count))),
        ])), contentType: NetSuiteResponse.collection)
    }

    /// POST (create), PATCH (update) and PUT `eid:` (upsert).
    private func writeRecord(_ call: Call, typeName: String, id idText: String?) async throws -> Response {
        let method = call.request.method
        let level: PermissionLevel = method == .post ? .create : .edit
        let type: RecordType
        switch authorizedType(typeName, call, level) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        let body: JSONObject
        if call.body.readableBytes == 0 && method != .post {
            body = JSONObject()
        } else {
            guard let parsed = try? JSONValue(parsing: call.body.data), let object = parsed.objectValue else {
                return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidContent, detail: "The request body is not a JSON object.", path: "")
            }
            body = object
        }
        let replace = call.request.uri.queryParameters["replace"].map { $0.split(separator: ",").contains { $0 == (type.sublist ?? "") } } ?? false
        let realm = call.principal.realm
        let recordBase = "\(call.origin)/services/rest/record/v1/\(type.rawValue)"
        let outcome: Result<Int, RecordError>
        if method == .post {
            outcome = try await netsuite.mutateRecords(realm) { store, now throws(RecordError) in
                try store.create(type, body: body, now: now)
            }
        } else if method == .put {
            guard let idText, idText.hasPrefix("eid:"), idText.count > 4 else {
                return NetSuiteResponse.error(status: 405, code: NetSuiteErrorCode.invalidRequest, detail: "PUT is only allowed with an external id: \(type.rawValue)/eid:{externalId}.")
            }
            let externalID = String(idText.dropFirst(4))
            guard externalID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !externalID.contains("|") else {
                return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "An external id may contain letters, digits, _ and -.")
            }
            outcome = try await netsuite.mutateRecords(realm) { store, now throws(RecordError) in
                if let existing = store.id(of: type, externalID: externalID) {
                    try store.update(type, id: existing, body: body, replaceSublist: replace, now: now)
                    return existing
                }
                return try store.create(type, body: body, externalID: externalID, now: now)
            }
        } else {
            outcome = try await netsuite.mutateRecords(realm) { store, now throws(RecordError) in
                guard let idText else { throw RecordError.nonexistent }
                let id = idText.hasPrefix("eid:") ? store.id(of: type, externalID: String(idText.dropFirst(4))) : Int(idText)
                guard let id else { throw RecordError.nonexistent }
                try store.update(type, id: id, body: body, replaceSublist: replace, now: now)
                return id
            }
        }
        switch outcome {
        case .failure(let error): return NetSuiteResponse.error(error)
        case .success(let id): return NetSuiteResponse.noContent(location: "\(recordBase)/\(id)")
        }
    }

    private func deleteRecord(_ call: Call, typeName: String, idText: String) async throws -> Response {
        let type: RecordType
        switch authorizedType(typeName, call, .full) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        let entity = call.principal.entityID
        let outcome = try await netsuite.mutateRecords(call.principal.realm) { store, now throws(RecordError) in
            let id = idText.hasPrefix("eid:") ? store.id(of: type, externalID: String(idText.dropFirst(4))) : Int(idText)
            guard let id else { throw RecordError.nonexistent }
            try store.delete(type, id: id, now: now, by: entity)
        }
        if case .failure(let error) = outcome { return NetSuiteResponse.error(error) }
        return NetSuiteResponse.noContent()
    }
}
