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
                let typeName = context.parameters.get("type") ?? ""
                if Self.isBatch(call) { return try await writeBatch(call, typeName: typeName) }
                return try await writeRecord(call, typeName: typeName, id: nil)
            }
        }
        for method in [HTTPRequest.Method.patch, .put] {
            router.on(RouterPath(base + "/{type}"), method: method) { request, context -> Response in
                try await serve(request, endpoint: .record) { call in
                    try await writeBatch(call, typeName: context.parameters.get("type") ?? "")
                }
            }
        }
        router.delete(RouterPath(base + "/{type}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await deleteBatch(call, typeName: context.parameters.get("type") ?? "")
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
    func authorizedType(_ name: String, _ call: Call, _ level: PermissionLevel) -> Result<RecordType, RecordResponse> {
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

    private func resolveID(_ text: String, type: RecordType, store: RecordStore) -> Int? {
        RecordOperation.resolve(text, type: type, store: store)
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

    /// POST (create), PATCH (update) and PUT `eid:` (upsert), synchronous or, with `Prefer: respond-async`, as a job.
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
        let replace = Self.replacesSublist(call, type)
        let operation: RecordOperation
        if method == .post {
            operation = .create(type, body: body)
        } else if method == .put {
            guard let idText, idText.hasPrefix("eid:"), idText.count > 4 else {
                return NetSuiteResponse.error(status: 405, code: NetSuiteErrorCode.invalidRequest, detail: "PUT is only allowed with an external id: \(type.rawValue)/eid:{externalId}.")
            }
            let externalID = String(idText.dropFirst(4))
            guard RecordOperation.isValidExternalID(externalID) else {
                return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "An external id may contain letters, digits, _ and -.")
            }
            operation = .upsert(type, externalID: externalID, body: body, replaceSublist: replace)
        } else {
            operation = .update(type, idText: idText ?? "", body: body, replaceSublist: replace)
        }
        return try await perform([operation], call, batch: false)
    }

    private func deleteRecord(_ call: Call, typeName: String, idText: String) async throws -> Response {
        let type: RecordType
        switch authorizedType(typeName, call, .full) {
        case .failure(let refusal): return refusal.response
        case .success(let value): type = value
        }
        return try await perform([.delete(type, idText: idText)], call, batch: false)
    }

    /// Whether the request asks for the record type's sublist to be replaced whole (`?replace=item`).
    static func replacesSublist(_ call: Call, _ type: RecordType) -> Bool {
        call.request.uri.queryParameters["replace"].map { $0.split(separator: ",").contains { $0 == (type.sublist ?? "") } } ?? false
    }

    /// Applies writes now (one, synchronous) or queues them as a job when the request prefers `respond-async`
    /// (always for a batch): 202 with the job's `Location`.
    func perform(_ operations: [RecordOperation], _ call: Call, batch: Bool) async throws -> Response {
        let preferences = AsyncPreferences(call.request.headers)
        let realm = call.principal.realm
        guard preferences.respondAsync else {
            guard !batch else {
                return NetSuiteResponse.error(
                    status: 400, code: NetSuiteErrorCode.invalidRequest,
                    detail: "Batch operations are executed asynchronously: send the request with the header Prefer: respond-async.")
            }
            let entity = call.principal.entityID
            let outcome = try await netsuite.mutateRecords(realm) { store, now throws(RecordError) in
                try operations[0].apply(to: &store, now: now, by: entity)
            }
            switch outcome {
            case .failure(let error): return NetSuiteResponse.error(error)
            case .success(let id?): return NetSuiteResponse.noContent(location: "\(call.origin)/services/rest/record/v1/\(operations[0].type.rawValue)/\(id)")
            case .success(nil): return NetSuiteResponse.noContent()
            }
        }
        var key: String?
        if let text = call.request.headers.header(AsyncPreferences.idempotencyKeyHeader) {
            guard UUID(uuidString: text) != nil else {
                return NetSuiteResponse.error(
                    status: 400, code: NetSuiteErrorCode.invalidRequest, detail: "The idempotency key must be an RFC 4122 UUID.", headers: [])
            }
            key = text.lowercased()
        }
        let submission = try await netsuite.submitJob(
            realm, principal: call.principal, operations: operations, parallel: preferences.parallel, idempotencyKey: key)
        switch submission {
        case .accepted(let jobID):
            var fields = HTTPFields()
            fields[.location] = "\(call.origin)\(AsyncPreferences.jobPath)/\(jobID)"
            if let name = HTTPField.Name("Preference-Applied") { fields[name] = "respond-async" }
            return Response(status: .accepted, headers: fields)
        case .duplicate(let jobID):
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.idempotencyError,
                detail: "A request with the same idempotency key is already submitted. See the \"Location\" header for a link to the previously submitted job",
                headers: [("Location", "\(call.origin)\(AsyncPreferences.jobPath)/\(jobID)"), ("Preference-Applied", "respond-async")])
        }
    }
}
