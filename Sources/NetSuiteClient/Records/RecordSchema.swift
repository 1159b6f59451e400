import Foundation

/// A record type's fields as NetSuite's record metadata catalog describes them (`application/schema+json`): each
/// field's JSON type and format, and whether it is a custom field.
public struct RecordSchema: Sendable, Hashable {
    /// One field of the record.
    public struct Property: Sendable, Hashable {
        /// The field's name as the REST record spells it (`companyName`, `custentity_region`).
        public var name: String
        /// `string`, `integer`, `number`, `boolean` or `object` (a reference or sublist); `nil` when not given.
        public var type: String?
        /// `date`, `date-time`, `int64`, `double`…
        public var format: String?
        /// Whether NetSuite marks it `x-ns-custom-field`.
        public var isCustomField: Bool

        public init(name: String, type: String?, format: String? = nil, isCustomField: Bool = false) {
            self.name = name
            self.type = type
            self.format = format
            self.isCustomField = isCustomField
        }
    }

    /// The record type, e.g. `customer`.
    public var recordType: String
    public var properties: [Property]

    public init(recordType: String, properties: [Property]) {
        self.recordType = recordType
        self.properties = properties
    }

    /// Reads a catalog schema: `{"properties": {"name": {"type": …, "format": …, "x-ns-custom-field": true}}}`.
    /// - Throws: ``NetSuiteError`` `.malformedResponse` when the body is not such a schema.
    public init(recordType: String, json: [UInt8]) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any],
            let properties = object["properties"] as? [String: Any]
        else {
            throw NetSuiteError(
                code: .malformedResponse, request: "GET /record/v1/metadata-catalog/\(recordType)",
                message: "The metadata catalog's answer for \(recordType) is not a JSON Schema with properties.",
                remedy: "Check that the base URL points at NetSuite (or the simulator).")
        }
        self.recordType = recordType
        self.properties = properties.keys.sorted().map { name in
            let field = properties[name] as? [String: Any] ?? [:]
            return Property(name: name, type: field["type"] as? String, format: field["format"] as? String,
                            isCustomField: field["x-ns-custom-field"] as? Bool ?? false)
        }
    }
}

extension NetSuiteClient.Records {
    /// The media type of a record type's JSON Schema in the metadata catalog.
    public static let schemaMediaType = "application/schema+json"

    /// A record type's fields from the metadata catalog (`GET /record/v1/metadata-catalog/{type}` as
    /// `application/schema+json`).
    /// - Throws: ``NetSuiteError``: an unknown record type (400), a role without REST web services, a body that is no
    ///   schema (`.malformedResponse`).
    public func schema(_ type: String) async throws -> RecordSchema {
        let label = "GET /record/v1/metadata-catalog/\(type)"
        var call = NetSuiteClient.Call(
            method: "GET", url: "\(client.configuration.baseURL)/services/rest/record/v1/metadata-catalog/\(Self.encodePath(type))",
            idempotent: true, label: label, recordType: type)
        call.accept = Self.schemaMediaType
        let response = try await client.perform(call)
        return try RecordSchema(recordType: type, json: response.body)
    }
}
