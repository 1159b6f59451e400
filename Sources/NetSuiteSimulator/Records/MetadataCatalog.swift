import Foundation

/// The record metadata catalog as NetSuite serves it under `/services/rest/record/v1/metadata-catalog`
/// (`shared/reference/netsuite-rest-2026.md`, section 2): the list of record types with their links, and per type a
/// JSON Schema (`application/schema+json`) or an OpenAPI 3.0 document (`application/swagger+json`). Custom fields
/// carry `x-ns-custom-field: true`; the schema lists its filterable fields in `x-ns-filterable`.
struct MetadataCatalog: Sendable {
    static let path = "/services/rest/record/v1/metadata-catalog"
    static let schemaMediaType = "application/schema+json"
    static let swaggerMediaType = "application/swagger+json"

    let store: RecordStore
    /// `http://host:port`: hrefs are absolute on the address the request came to.
    let origin: String

    /// A name in `select` that is no record type.
    struct UnknownType: Error {
        var name: String
    }

    /// The types named in `select` (comma-separated, any case), or all.
    /// - Returns: ``UnknownType`` naming the first unknown name.
    static func types(selecting select: String?) -> Result<[RecordType], UnknownType> {
        guard let select, !select.isEmpty else { return .success(RecordType.allCases) }
        var types: [RecordType] = []
        for name in select.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let type = RecordType(pathName: name) else { return .failure(UnknownType(name: name)) }
            if !types.contains(type) { types.append(type) }
        }
        return .success(types)
    }

    /// One list item: `{"name": "customer", "links": [canonical, alternate swagger, alternate schema, describes]}`.
    func item(_ type: RecordType) -> JSONValue {
        let href = "\(origin)\(Self.path)/\(type.hrefName)"
        func link(_ rel: String, _ mediaType: String?) -> JSONValue {
            var link = JSONObject([("rel", .string(rel)), ("href", .string(href))])
            if let mediaType { link["mediaType"] = .string(mediaType) }
            return .object(link)
        }
        return .object(JSONObject([
            ("name", .string(type.hrefName)),
            ("links", .array([link("canonical", "application/json"), link("alternate", Self.swaggerMediaType),
                              link("alternate", Self.schemaMediaType), link("describes", nil)])),
        ]))
    }

    /// `{"items": [...]}` for the given types.
    func list(_ types: [RecordType]) -> JSONValue {
        .object(JSONObject([("items", .array(types.map(item)))]))
    }

    /// The JSON Schema of a record type (draft-06 hyper-schema, as NetSuite labels it).
    func schema(_ type: RecordType) -> JSONValue {
        var object = schemaBody(type)
        object["$schema"] = .string("https://json-schema.org/draft-06/hyper-schema#")
        return .object(object)
    }

    /// The OpenAPI 3.0 document of a record type: its paths, the record and collection schemas, the error body.
    func openAPI(_ type: RecordType) -> JSONValue {
        let name = type.hrefName
        func ref(_ schema: String) -> JSONValue { .object(JSONObject([("$ref", .string("#/components/schemas/\(schema)"))])) }
        func response(_ description: String, _ mediaType: String, _ schema: String) -> JSONValue {
            .object(JSONObject([("description", .string(description)), ("content", .object(JSONObject([(mediaType, .object(JSONObject([("schema", ref(schema))])))])))]))
        }
        let error = response("Error response.", NetSuiteResponse.errorType, "rest_error")
        let noContent = JSONValue.object(JSONObject([("description", .string("Done."))]))
        let idParameter = JSONValue.object(JSONObject([
            ("name", .string("id")), ("in", .string("path")), ("required", .bool(true)),
            ("schema", .object(JSONObject([("type", .string("string"))]))),
        ]))
        func operation(_ summary: String, _ responses: [(String, JSONValue)], parameters: [JSONValue] = [], body: Bool = false) -> JSONValue {
            var op = JSONObject([("summary", .string(summary)), ("responses", .object(JSONObject(responses + [("default", error)])))])
            if !parameters.isEmpty { op["parameters"] = .array(parameters) }
            if body {
                op["requestBody"] = .object(JSONObject([("content", .object(JSONObject([("application/json", .object(JSONObject([("schema", ref(name))])))])))]))
            }
            return .object(op)
        }
        let paths = JSONObject([
            ("/\(name)", .object(JSONObject([
                ("get", operation("Get list of records.", [("200", response("List of records.", NetSuiteResponse.collection, "\(name)Collection"))])),
                ("post", operation("Insert record.", [("204", noContent)], body: true)),
            ]))),
            ("/\(name)/{id}", .object(JSONObject([
                ("get", operation("Get record.", [("200", response("Record.", "application/vnd.oracle.resource+json; type=singular-resource", name))], parameters: [idParameter])),
                ("patch", operation("Update record.", [("204", noContent)], parameters: [idParameter], body: true)),
                ("put", operation("Insert or update record.", [("204", noContent)], parameters: [idParameter], body: true)),
                ("delete", operation("Remove record.", [("204", noContent)], parameters: [idParameter])),
            ]))),
        ])
        let collection = JSONObject([
            ("type", .string("object")),
            ("properties", .object(JSONObject([
                ("links", Self.links), ("count", Self.integer), ("hasMore", .object(JSONObject([("type", .string("boolean"))]))),
                ("items", .object(JSONObject([("type", .string("array")), ("items", ref(name))]))), ("offset", Self.integer),
                ("totalResults", Self.integer),
            ]))),
        ])
        let restError = JSONObject([
            ("type", .string("object")),
            ("properties", .object(JSONObject([
                ("type", Self.string), ("title", Self.string), ("status", Self.integer),
                ("o:errorDetails", .object(JSONObject([("type", .string("array")), ("items", .object(JSONObject([
                    ("type", .string("object")),
                    ("properties", .object(JSONObject([("detail", Self.string), ("o:errorCode", Self.string), ("o:errorPath", Self.string), ("o:errorQueryParam", Self.string)]))),
                ])))]))),
            ]))),
        ])
        return .object(JSONObject([
            ("openapi", .string("3.0.1")),
            ("info", .object(JSONObject([("title", .string("NetSuite REST Record API")), ("version", .string("v1"))]))),
            ("servers", .array([.object(JSONObject([("url", .string("\(origin)/services/rest/record/v1"))]))])),
            ("paths", .object(paths)),
            ("components", .object(JSONObject([("schemas", .object(JSONObject([
                (name, .object(schemaBody(type))), ("\(name)Collection", .object(collection)), ("rest_error", .object(restError)),
            ])))]))),
        ]))
    }

    // MARK: Properties

    private static let string = JSONValue.object(JSONObject([("type", .string("string"))]))
    private static let integer = JSONValue.object(JSONObject([("type", .string("integer")), ("format", .string("int64"))]))
    private static let links = JSONValue.object(JSONObject([
        ("type", .string("array")), ("readOnly", .bool(true)),
        ("items", .object(JSONObject([("$ref", .string("\(path)/nsLink"))]))),
    ]))

    /// `type`, `properties` and `x-ns-filterable` of a record type: standard fields, its dates, its custom fields.
    private func schemaBody(_ type: RecordType) -> JSONObject {
        var properties: [(String, JSONValue)] = [
            ("links", Self.links),
            ("id", property("Internal ID", ["type": "string"], readOnly: true)),
        ]
        var filterable = ["id"]
        for (field, kind) in type.schema.sorted(by: { $0.key < $1.key }) {
            properties.append((field, property(Self.title(field), kind, type: type)))
            if Self.isFilterable(kind) { filterable.append(field) }
        }
        for (field, title) in [(type.createdField, "Date Created"), ("lastModifiedDate", "Last Modified Date")] {
            properties.append((field, property(title, ["type": "string", "format": "date-time"], readOnly: true)))
            filterable.append(field)
        }
        for field in store.customFields[type] ?? [] {
            var value = property(field.label, field.fieldKind, type: type)
            if case .object(var object) = value {
                object["x-ns-custom-field"] = .bool(true)
                value = .object(object)
            }
            properties.append((field.id, value))
            filterable.append(field.id)
        }
        return JSONObject([
            ("type", .string("object")),
            ("properties", .object(JSONObject(properties))),
            ("x-ns-filterable", .array(filterable.map(JSONValue.string))),
        ])
    }

    private func property(_ title: String, _ kind: FieldKind, type: RecordType) -> JSONValue {
        switch kind {
        case .string: property(title, ["type": "string"])
        case .number: property(title, ["type": "number", "format": "double"])
        case .integer: property(title, ["type": "integer", "format": "int64"])
        case .bool: property(title, ["type": "boolean"])
        case .date: property(title, ["type": "string", "format": "date"])
        case .dateTime: property(title, ["type": "string", "format": "date-time"])
        case .reference, .listValue, .enumValue:
            // A reference: id, refName, externalId and links (outside `select`, Oracle declares a plain object).
            .object(JSONObject([
                ("title", .string(title)), ("type", .string("object")), ("nullable", .bool(true)),
                ("properties", .object(JSONObject([("id", Self.string), ("refName", Self.string), ("externalId", Self.string), ("links", Self.links)]))),
            ]))
        case .sublist:
            .object(JSONObject([
                ("title", .string(title)), ("type", .string("object")),
                ("properties", .object(JSONObject([("items", .object(JSONObject([("type", .string("array")), ("items", .object(JSONObject([("type", .string("object"))])))]))), ("links", Self.links)]))),
            ]))
        }
    }

    private func property(_ title: String, _ facets: KeyValuePairs<String, String>, readOnly: Bool = false) -> JSONValue {
        var object = JSONObject([("title", .string(title))])
        for (key, value) in facets { object[key] = .string(value) }
        object["nullable"] = .bool(true)
        if readOnly { object["readOnly"] = .bool(true) }
        return .object(object)
    }

    private static func isFilterable(_ kind: FieldKind) -> Bool {
        switch kind {
        case .string, .number, .integer, .bool, .date, .dateTime, .reference, .listValue: true
        case .enumValue, .sublist: false
        }
    }

    /// `companyName` → `Company Name`.
    static func title(_ field: String) -> String {
        var words: [String] = []
        var current = ""
        for character in field {
            if character.isUppercase, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
