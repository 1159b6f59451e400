import Foundation

/// Renders stored records as NetSuite's REST service returns them: links, string ids, references with
/// `links`/`id`/`refName`, sublists as link stubs or expanded.
struct RecordRenderer {
    /// `http://127.0.0.1:9090/services/rest/record/v1`: links are absolute, on the address the request came to.
    var recordBase: String
    var store: RecordStore

    func link(_ href: String, rel: String = "self") -> JSONValue {
        .object(JSONObject([("rel", .string(rel)), ("href", .string(href))]))
    }

    func selfLinks(_ href: String) -> JSONValue { .array([link(href)]) }

    /// The whole record, or only `fields` (plus `links` and `id`) when given.
    func render(_ type: RecordType, _ record: StoredRecord, fields selected: Set<String>?, expandSubResources: Bool) -> JSONObject {
        var href = "\(recordBase)/\(type.rawValue)/\(record.id)"
        if expandSubResources { href += "?expandSubResources=true" }
        var output = JSONObject([("links", selfLinks(href)), ("id", .string(String(record.id)))])
        let schema = type.schema
        var body = record.fields
        body[type.createdField] = .string(SimulatorDates.dateTimeString(record.created))
        body["lastModifiedDate"] = .string(SimulatorDates.dateTimeString(record.lastModified))
        for (key, value) in body {
            if let selected, !selected.contains(key) { continue }
            output[key] = renderValue(value, kind: schema[key])
        }
        if let sublist = type.sublist, selected == nil || selected?.contains(sublist) == true {
            let sublistHref = "\(recordBase)/\(type.hrefName)/\(record.id)/\(sublist)"
            if expandSubResources {
                let lines = record.lines.map { JSONValue.object(renderLine($0, type: type, recordID: record.id, sublist: sublist)) }
                output[sublist] = .object(JSONObject([
                    ("links", selfLinks(sublistHref)), ("items", .array(lines)), ("totalResults", .number(Double(lines.count))),
                ]))
            } else {
                output[sublist] = .object(JSONObject([("links", selfLinks(sublistHref))]))
            }
        }
        return output
    }

    func renderLine(_ line: JSONObject, type: RecordType, recordID: Int, sublist: String) -> JSONObject {
        let number = line["line"]?.scalarText ?? "0"
        var output = JSONObject([("links", selfLinks("\(recordBase)/\(type.hrefName)/\(recordID)/\(sublist)/\(number)"))])
        for (key, value) in line {
            output[key] = key == "item" ? renderValue(value, kind: .reference(.inventoryItem)) : value
        }
        output["itemType"] = .object(JSONObject([("id", .string("InvtPart")), ("refName", .string("InvtPart"))]))
        return output
    }

    private func renderValue(_ value: JSONValue, kind: FieldKind?) -> JSONValue {
        switch kind {
        case .reference(let target):
            guard let id = value.objectValue?["id"]?.stringValue else { return value }
            var object = JSONObject([("links", selfLinks("\(recordBase)/\(target.hrefName)/\(id)")), ("id", .string(id))])
            if let intID = Int(id), let referenced = store.record(target, intID),
                let name = referenced.fields[target.displayField]?.stringValue ?? referenced.fields["entityId"]?.stringValue
            {
                object["refName"] = .string(name)
            }
            return .object(object)
        case .listValue(let list):
            guard var object = value.objectValue, let id = object["id"]?.stringValue else { return value }
            object = JSONObject([("links", selfLinks("\(recordBase)/\(list)/\(id)"))] + object.pairs.map { ($0.key, $0.value) })
            return .object(object)
        default:
            return value
        }
    }

    /// The collection envelope of a list: `links` (first, prev, next, last, self), `count`, `hasMore`, `items`,
    /// `offset`, `totalResults`.
    static func collection(
        items: [JSONValue], total: Int, limit: Int, offset: Int, selfURL: (Int) -> String
    ) -> JSONObject {
        var envelope = collection(itemCount: items.count, total: total, limit: limit, offset: offset, selfURL: selfURL)
        envelope["items"] = .array(items)
        return envelope
    }

    /// The envelope of a page of `itemCount` items, with `items` empty (for a caller that writes them itself).
    static func collection(
        itemCount: Int, total: Int, limit: Int, offset: Int, selfURL: (Int) -> String
    ) -> JSONObject {
        var links: [JSONValue] = []
        func link(_ rel: String, _ at: Int) -> JSONValue {
            .object(JSONObject([("rel", .string(rel)), ("href", .string(selfURL(at)))]))
        }
        let lastOffset = total == 0 ? 0 : ((total - 1) / limit) * limit
        if offset > 0 {
            links.append(link("first", 0))
            links.append(link("prev", max(0, offset - limit)))
        }
        let hasMore = offset + itemCount < total
        if hasMore { links.append(link("next", offset + limit)) }
        links.append(link("last", lastOffset))
        links.append(link("self", offset))
        return JSONObject([
            ("links", .array(links)), ("count", .number(Double(itemCount))), ("hasMore", .bool(hasMore)),
            ("items", .array([])), ("offset", .number(Double(offset))), ("totalResults", .number(Double(total))),
        ])
    }
}
