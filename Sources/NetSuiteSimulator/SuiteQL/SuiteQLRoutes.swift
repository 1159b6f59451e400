import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteAuth

extension SimulatorServer {
    /// The most rows a SuiteQL query can page through over REST.
    static let suiteQLRowCap = 100_000

    /// `POST /services/rest/query/v1/suiteql?limit=&offset=` with `Prefer: transient` and `{"q": "SELECT …"}`.
    func addSuiteQLRoutes(to router: Router<BasicRequestContext>) {
        router.post("/services/rest/query/v1/suiteql") { request, _ -> Response in
            try await serve(request, endpoint: .suiteql) { call in
                try await runSuiteQL(call)
            }
        }
    }

    private func runSuiteQL(_ call: Call) async throws -> Response {
        if let refusal = Self.checkPermission(call.principal, Permission.restWebServices, .full) { return refusal }
        guard call.request.headers.header("Prefer")?.lowercased().contains("transient") == true else {
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.invalidHeader, detail: "The request header 'Prefer' must be 'transient' for SuiteQL queries.")
        }
        let query = call.request.uri.queryParameters
        let limitText = query["limit"].map(String.init)
        let offsetText = query["offset"].map(String.init)
        let limit = limitText.flatMap(Int.init) ?? 1000
        let offset = offsetText.flatMap(Int.init) ?? 0
        if (limitText != nil && Int(limitText ?? "") == nil) || !(1...1000).contains(limit) {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "The limit parameter must be between 1 and 1000.", queryParam: "limit")
        }
        if (offsetText != nil && Int(offsetText ?? "") == nil) || offset < 0 || offset % limit != 0 {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: "The offset parameter must be a multiple of limit.", queryParam: "offset")
        }
        if offset + limit > Self.suiteQLRowCap {
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.invalidParameter,
                detail: "offset + limit may not exceed 100000: SuiteQL returns at most 100000 results through REST web services.",
                queryParam: "offset")
        }
        guard let body = try? JSONValue(parsing: call.body.data).objectValue, let text = body["q"]?.stringValue, !text.isEmpty else {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidContent, detail: "The request body must be {\"q\": \"SELECT …\"}.", path: "q")
        }
        let (store, datePreference) = try await netsuite.records(call.principal.realm)
        let catalog = cache.catalog(realm: call.principal.realm, store: store)
        let result: SuiteQLResult
        do throws(SuiteQLError) {
            let select = try SQLParser.parse(text)
            for table in try SuiteQLEvaluator.tables(of: select, in: catalog) {
                if let refusal = Self.checkPermission(call.principal, table.permission, .view) { return refusal }
            }
            let key = "\(call.principal.realm)|\(store.version)|\(text)"
            result = try await cache.result(key: key) { () throws(SuiteQLError) in try SuiteQLEvaluator.run(select, catalog: catalog, projectingAtMost: Self.suiteQLRowCap) }
        } catch {
            return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidParameter, detail: error.detail, queryParam: "q")
        }

        let reachable = min(result.total, Self.suiteQLRowCap)
        let page = result.rows(in: offset..<(offset + limit))
        // The rows are written straight into the body as bytes (a page is up to 1,000 rows of every column): each row
        // an object of its non-NULL columns as strings, a column named twice written once (its first value).
        var seen: Set<String> = []
        let columns = result.columns.enumerated().filter { seen.insert($0.element).inserted }.map { index, name -> (Int, [UInt8]) in
            var key = JSONBytes()
            key.bytes.append(UInt8(ascii: ","))
            key.appendString(name)
            key.bytes.append(UInt8(ascii: ":"))
            return (index, key.bytes)
        }
        var items = JSONBytes()
        items.bytes.reserveCapacity(page.count * (16 + columns.count * 24))
        for (number, row) in page.enumerated() {
            if number > 0 { items.bytes.append(UInt8(ascii: ",")) }
            items.bytes.append(contentsOf: #"{"links":[]"#.utf8)
            for (index, key) in columns {
                guard let value = row[index].output(datePreference: datePreference) else { continue }
                items.bytes.append(contentsOf: key)
                items.appendString(value)
            }
            items.bytes.append(UInt8(ascii: "}"))
        }
        let url = "\(call.origin)/services/rest/query/v1/suiteql"
        // Links and hasMore stop at the cap; totalResults says how many rows the query has.
        var envelope = RecordRenderer.collection(itemCount: page.count, total: reachable, limit: limit, offset: offset) { at in
            "\(url)?limit=\(limit)&offset=\(at)"
        }
        envelope["totalResults"] = .number(Double(result.total))
        let envelopeText = JSONValue.object(envelope).serialized
        let slot = #""items":["#
        guard let range = envelopeText.range(of: slot + "]") else {
            return NetSuiteResponse.json(.object(envelope), contentType: NetSuiteResponse.collection)
        }
        var answer = ByteBuffer()
        answer.reserveCapacity(envelopeText.utf8.count + items.bytes.count)
        answer.writeString(String(envelopeText[..<range.lowerBound]) + slot)
        answer.writeBytes(items.bytes)
        answer.writeString(String(envelopeText[envelopeText.index(before: range.upperBound)...]))
        return NetSuiteResponse.json(bytes: answer, contentType: NetSuiteResponse.collection)
    }
}
