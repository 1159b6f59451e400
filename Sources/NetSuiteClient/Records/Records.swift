import Foundation

/// One item of a record list: its internal id and link.
public struct RecordReference: Sendable, Hashable, Decodable {
    public var id: String
}

/// One page of a record list, as NetSuite's collection envelope gives it.
public struct RecordPage: Sendable, Decodable {
    public var items: [RecordReference]
    public var count: Int
    public var hasMore: Bool
    public var offset: Int
    public var totalResults: Int?
}

extension NetSuiteClient {
    /// REST records under `/services/rest/record/v1/`.
    public var records: Records { Records(client: self) }

    public struct Records: Sendable {
        let client: NetSuiteClient

        func url(_ type: String, _ id: String? = nil, query: [(String, String)] = []) -> String {
            var url = "\(client.configuration.baseURL)/services/rest/record/v1/\(Self.encodePath(type))"
            if let id { url += "/" + Self.encodePath(id) }
            if !query.isEmpty { url += "?" + query.map { "\($0.0)=\(Self.encodeQuery($0.1))" }.joined(separator: "&") }
            return url
        }

        static func encodePath(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~:"))) ?? text
        }

        static func encodeQuery(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~,"))) ?? text
        }

        /// Fetches one record as raw JSON. `id` is an internal id or `eid:<externalId>`.
        /// - Throws: ``NetSuiteError`` (`NONEXISTENT_ID` when there is none).
        public func getJSON(_ type: String, id: String, fields: [String]? = nil, expandSubResources: Bool = false) async throws -> Data {
            var query: [(String, String)] = []
            if let fields, !fields.isEmpty { query.append(("fields", fields.joined(separator: ","))) }
            if expandSubResources { query.append(("expandSubResources", "true")) }
            let response = try await client.perform(.init(
                method: "GET", url: url(type, id, query: query), idempotent: true, label: "GET /record/v1/\(type)/\(id)", recordType: type))
            return Data(response.body)
        }

        /// Fetches one record decoded as `T`.
        public func get<T: Decodable>(_ type: String, id: String, as _: T.Type = T.self, fields: [String]? = nil, expandSubResources: Bool = false) async throws -> T {
            let data = try await getJSON(type, id: id, fields: fields, expandSubResources: expandSubResources)
            do { return try JSONDecoder().decode(T.self, from: data) } catch {
                throw NetSuiteError(
                    code: .malformedResponse, request: "GET /record/v1/\(type)/\(id)", message: "The record could not be decoded as \(T.self): \(error).",
                    remedy: "Make the type's fields match the record (optional for fields NetSuite may omit).")
            }
        }

        /// One page of ids, with an optional `q` filter.
        public func list(_ type: String, q: String? = nil, limit: Int = 1000, offset: Int = 0) async throws -> RecordPage {
            var query = [("limit", String(limit)), ("offset", String(offset))]
            if let q { query.insert(("q", q), at: 0) }
            let response = try await client.perform(.init(
                method: "GET", url: url(type, query: query), idempotent: true, label: "GET /record/v1/\(type)", recordType: type))
            do { return try JSONDecoder().decode(RecordPage.self, from: Data(response.body)) } catch {
                throw NetSuiteError(code: .malformedResponse, request: "GET /record/v1/\(type)", message: "The list answer could not be read.", remedy: "Check the base URL points at NetSuite.")
            }
        }

        /// Every id of a type (pages fetched one after another), with an optional `q` filter.
        public func all(_ type: String, q: String? = nil, pageSize: Int = 1000) -> AsyncThrowingStream<RecordReference, any Error> {
            AsyncThrowingStream { continuation in
                let task = Task {
                    do {
                        var offset = 0
                        while true {
                            let page = try await list(type, q: q, limit: pageSize, offset: offset)
                            for item in page.items { continuation.yield(item) }
                            guard page.hasMore, !page.items.isEmpty else { break }
                            offset += pageSize
                        }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }

        /// Creates a record from raw JSON and returns its internal id. Sent asynchronously with an idempotency key
        /// (`Prefer: respond-async`, `X-NetSuite-Idempotency-Key`), so it is safe to retry: after a dropped connection
        /// the same request is sent again, and NetSuite's `IDEMPOTENCY_ERROR` leads to the first job's record instead
        /// of a second one. The client waits for the job.
        /// - Parameter idempotencyKey: the same for every attempt to create this record; a random one by default
        ///   (safe within this call's retries). Derive it (``IdempotencyKey/derived(from:)``) to be safe across calls.
        /// - Throws: ``NetSuiteError``: NetSuite's refusal of the record (as a synchronous create would answer it),
        ///   `.jobTimedOut`, or a failure to reach NetSuite.
        public func create(_ type: String, json: Data, idempotencyKey: String = IdempotencyKey.random()) async throws -> String {
            let label = "POST /record/v1/\(type)"
            let job = try await client.asyncJobs.submit(.init(
                method: "POST", url: url(type), body: Array(json), contentType: "application/json", idempotent: true,
                label: label, recordType: type), idempotencyKey: idempotencyKey, batch: false)
            switch try await outcomes(of: job, count: 1, recordType: type, readResults: true).first {
            case .refused(let error)?: throw error
            case .succeeded(let data?)?:
                if let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let id = object["id"] as? String { return id }
                fallthrough
            default:
                throw NetSuiteError(
                    code: .malformedResponse, request: label, message: "The create's job finished without the record's id.",
                    remedy: "Look the record up by external id; check that the base URL points at NetSuite.")
            }
        }

        public func create(_ type: String, _ body: some Encodable, idempotencyKey: String = IdempotencyKey.random()) async throws -> String {
            try await create(type, json: try JSONEncoder().encode(body), idempotencyKey: idempotencyKey)
        }

        /// Changes only the fields sent (PATCH).
        public func update(_ type: String, id: String, json: Data, replaceSublists: [String] = []) async throws {
            let query = replaceSublists.isEmpty ? [] : [("replace", replaceSublists.joined(separator: ","))]
            _ = try await client.perform(.init(
                method: "PATCH", url: url(type, id, query: query), body: Array(json), contentType: "application/json", idempotent: false,
                label: "PATCH /record/v1/\(type)/\(id)", recordType: type))
        }

        public func update(_ type: String, id: String, _ body: some Encodable) async throws {
            try await update(type, id: id, json: try JSONEncoder().encode(body))
        }

        /// Creates or updates the record with this external id (`PUT …/eid:<externalId>`); safe to retry.
        /// `replaceSublists` are replaced whole (`?replace=item`), so sending the record again never adds its lines twice.
        /// Returns the internal id.
        public func upsert(_ type: String, externalID: String, json: Data, replaceSublists: [String] = []) async throws -> String {
            let query = replaceSublists.isEmpty ? [] : [("replace", replaceSublists.joined(separator: ","))]
            let response = try await client.perform(.init(
                method: "PUT", url: url(type, "eid:" + externalID, query: query), body: Array(json), contentType: "application/json", idempotent: true,
                label: "PUT /record/v1/\(type)/eid:\(externalID)", recordType: type))
            return try Self.id(from: response, label: "PUT /record/v1/\(type)/eid:\(externalID)")
        }

        public func upsert(_ type: String, externalID: String, _ body: some Encodable) async throws -> String {
            try await upsert(type, externalID: externalID, json: try JSONEncoder().encode(body))
        }

        /// Deletes a record.
        public func delete(_ type: String, id: String) async throws {
            _ = try await client.perform(.init(
                method: "DELETE", url: url(type, id), idempotent: true, label: "DELETE /record/v1/\(type)/\(id)", recordType: type))
        }

        static func id(from response: NetSuiteHTTPResponse, label: String) throws -> String {
            guard let location = response.header("Location"), let id = location.split(separator: "/").last, !id.isEmpty else {
                throw NetSuiteError(
                    code: .malformedResponse, status: response.status, request: label, message: "NetSuite answered without a Location header.",
                    remedy: "Look the record up by external id; check that the base URL points at NetSuite.")
            }
            return String(id)
        }
    }
}
