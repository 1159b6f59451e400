import Foundation
import NetSuiteAuth

/// One stored record: its body fields in NetSuite's REST form (references as `{"id": …}`), and its sublist lines.
struct StoredRecord: Sendable {
    var id: Int
    var fields: JSONObject
    var lines: [JSONObject] = []
    var created: Date
    var lastModified: Date
}

/// A refusal of a record write or read, as NetSuite words it.
struct RecordError: Error, Sendable {
    var status: Int
    var code: String
    var detail: String
    var path: String? = nil
    var queryParam: String? = nil

    static func invalidContent(_ detail: String, path: String) -> RecordError {
        RecordError(status: 400, code: NetSuiteErrorCode.invalidContent, detail: "Error while accessing a resource. \(detail)", path: path)
    }

    static func userError(_ detail: String, path: String? = nil) -> RecordError {
        RecordError(status: 400, code: NetSuiteErrorCode.userError, detail: "Error while accessing a resource. \(detail)", path: path)
    }

    static let nonexistent = RecordError(status: 404, code: NetSuiteErrorCode.nonexistentID, detail: "The record instance does not exist.")
}

/// The records of one account, with the indexes NetSuite's behaviour needs (external ids, id order).
struct RecordStore: Sendable {
    private(set) var records: [RecordType: [Int: StoredRecord]] = [:]
    private(set) var ids: [RecordType: [Int]] = [:]
    private var externalIDs: [RecordType: [String: Int]] = [:]
    private var nextID: [RecordType.Family: Int] = [.entity: 100, .transaction: 1000, .item: 200, .subsidiary: 1]
    private var tranNumbers: [RecordType: Int] = [:]
    /// The generated data set's creation and modification times are not later than this (the account's "now" when
    /// it was generated): a real account has no record modified in the future.
    var generatedNotAfter: Date?
    /// Grows with every change, so caches of derived data (SuiteQL tables) know when to rebuild.
    private(set) var version = 0
    /// Every deletion, oldest first: SuiteQL's `DeletedRecord` table.
    private(set) var deletions: [DeletedRecordEntry] = []
    /// Custom fields by record type, in the order they were added.
    private(set) var customFields: [RecordType: [CustomField]] = [:]

    /// The fields of `type` a client may send: the standard ones and its custom fields.
    func schema(of type: RecordType) -> [String: FieldKind] {
        var fields = type.schema
        for field in customFields[type] ?? [] { fields[field.id] = field.fieldKind }
        return fields
    }

    /// Adds a custom field to a record type; its values then appear in records, SuiteQL and the metadata catalog.
    /// - Throws: ``SimulatorError`` (an admin refusal) for an id without the family's prefix (`custentity_`,
    ///   `custbody_`, `custitem_`), an id that is not lower-case letters, digits and underscores, or one in use.
    mutating func addCustomField(_ field: CustomField, to type: RecordType) throws(SimulatorError) {
        guard let prefix = CustomField.prefix(for: type.family) else {
            throw .badRequest("recordType: custom fields cannot be added to \(type.rawValue) records here.")
        }
        guard field.id.hasPrefix(prefix), field.id.count > prefix.count, field.id.count <= 40,
            field.id.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") })
        else {
            throw .badRequest("id: the id of a custom field of \(type.rawValue) starts with \(prefix) and holds only lower-case letters, digits and underscores (at most 40).")
        }
        let family = RecordType.allCases.filter { $0.family == type.family }
        guard !family.contains(where: { other in (customFields[other] ?? []).contains { $0.id == field.id } }) else {
            throw .badRequest("id: a custom field with the id \(field.id) already exists.")
        }
        customFields[type, default: []].append(field)
        version += 1
    }

    /// Deletes a custom field with its values, as deleting it in NetSuite does: records, SuiteQL and the metadata
    /// catalog no longer have it.
    /// - Throws: ``SimulatorError`` (an admin refusal) when there is no such field.
    mutating func removeCustomField(id: String) throws(SimulatorError) {
        guard let type = customFields.first(where: { $0.value.contains { $0.id == id } })?.key else {
            throw .notFound("There is no custom field \(id).")
        }
        for member in RecordType.allCases where member.family == type.family {
            customFields[member]?.removeAll { $0.id == id }
            for recordID in records[member]?.keys.map({ $0 }) ?? [] { records[member]?[recordID]?.fields[id] = nil }
        }
        version += 1
    }

    func record(_ type: RecordType, _ id: Int) -> StoredRecord? { records[type]?[id] }

    func id(of type: RecordType, externalID: String) -> Int? { externalIDs[type]?[externalID] }

    func count(_ type: RecordType) -> Int { ids[type]?.count ?? 0 }

    // MARK: Writes

    /// Creates a record from a client body.
    /// - Throws: ``RecordError`` for unknown fields, wrong value types, references to missing records, missing
    ///   required values or a duplicate external id.
    mutating func create(_ type: RecordType, body: JSONObject, externalID: String? = nil, now: Date) throws(RecordError) -> Int {
        var (fields, lines) = try validate(type, body: body, isCreate: true)
        if let externalID { fields["externalId"] = .string(externalID) }
        if let external = fields["externalId"]?.stringValue, id(of: type, externalID: external) != nil {
            throw .userError("A record with external id \(external) already exists.", path: "externalId")
        }
        for (field, label) in type.requiredFields where fields[field] == nil || fields[field] == .string("") {
            throw .userError("You must enter a value for \(label).", path: field)
        }
        if type == .salesOrder && lines.isEmpty {
            throw .userError("You must enter at least one line item for this transaction.", path: "item")
        }
        let id = nextID[type.family, default: 1]
        nextID[type.family] = id + 1
        applyDefaults(type, fields: &fields, now: now)
        var record = StoredRecord(id: id, fields: fields, lines: [], created: now, lastModified: now)
        if type.sublist != nil { record.lines = numbered(lines, startingAt: 1) }
        computeTotals(type, &record)
        insert(type, record)
        return id
    }

    /// Creates many records quickly for the generated data set; the bodies are trusted.
    mutating func insertGenerated(_ type: RecordType, fields: JSONObject, lines: [JSONObject] = [], created: Date, modified: Date) -> Int {
        let created = generatedNotAfter.map { min(created, $0) } ?? created
        let modified = generatedNotAfter.map { min(modified, $0) } ?? modified
        let id = nextID[type.family, default: 1]
        nextID[type.family] = id + 1
        var record = StoredRecord(id: id, fields: fields, lines: numbered(lines, startingAt: 1), created: created, lastModified: modified)
        computeTotals(type, &record)
        insert(type, record)
        return id
    }

    /// Applies a PATCH: only the sent fields change; sublist lines with a `line` replace that line, others are
    /// added, and `replaceSublist` replaces the whole sublist.
    mutating func update(_ type: RecordType, id: Int, body: JSONObject, replaceSublist: Bool, now: Date) throws(RecordError) {
        guard var record = records[type]?[id] else { throw .nonexistent }
        let (fields, lines) = try validate(type, body: body, isCreate: false)
        if let external = fields["externalId"]?.stringValue, let other = self.id(of: type, externalID: external), other != id {
            throw .userError("A record with external id \(external) already exists.", path: "externalId")
        }
        if let old = record.fields["externalId"]?.stringValue, fields["externalId"] != nil {
            externalIDs[type]?[old] = nil
        }
        for (key, value) in fields { record.fields[key] = value }
        for (field, label) in type.requiredFields where record.fields[field] == nil || record.fields[field] == .string("") {
            throw .userError("You must enter a value for \(label).", path: field)
        }
        if body["item"] != nil, type.sublist != nil {
            if replaceSublist {
                record.lines = numbered(lines, startingAt: 1)
            } else {
                for line in lines {
                    if let number = line["line"]?.doubleValue.map(Int.init),
                        let index = record.lines.firstIndex(where: { $0["line"]?.doubleValue.map(Int.init) == number })
                    {
                        for (key, value) in line { record.lines[index][key] = value }
                    } else {
                        let next = (record.lines.compactMap { $0["line"]?.doubleValue.map(Int.init) }.max() ?? 0) + 1
                        record.lines += numbered([line], startingAt: next)
                    }
                }
            }
        }
        record.lastModified = now
        computeTotals(type, &record)
        insert(type, record)
    }

    /// Deletes a record, and logs the deletion for `DeletedRecord`.
    /// - Throws: ``RecordError/nonexistent``, or `USER_ERROR` when other records refer to it.
    mutating func delete(_ type: RecordType, id: Int, now: Date, by entity: Int? = nil) throws(RecordError) {
        guard let record = records[type]?[id] else { throw .nonexistent }
        if hasDependents(type, id: id) {
            throw .userError("This record cannot be deleted because it has dependent records.")
        }
        records[type]?[id] = nil
        if let index = ids[type]?.firstIndex(of: id) { ids[type]?.remove(at: index) }
        if let external = record.fields["externalId"]?.stringValue { externalIDs[type]?[external] = nil }
        deletions.append(DeletedRecordEntry(type: type, recordID: id, name: record.fields[type.displayField]?.scalarText, deletedAt: now, deletedBy: entity))
        version += 1
    }

    private mutating func insert(_ type: RecordType, _ record: StoredRecord) {
        if records[type]?[record.id] == nil {
            var list = ids[type, default: []]
            if let last = list.last, last > record.id {
                list.insert(record.id, at: list.firstIndex { $0 > record.id } ?? list.endIndex)
            } else {
                list.append(record.id)
            }
            ids[type] = list
        }
        records[type, default: [:]][record.id] = record
        if let external = record.fields["externalId"]?.stringValue { externalIDs[type, default: [:]][external] = record.id }
        version += 1
    }

    private func numbered(_ lines: [JSONObject], startingAt start: Int) -> [JSONObject] {
        lines.enumerated().map { offset, line in
            var line = line
            line["line"] = .number(Double(start + offset))
            return line
        }
    }

    private func hasDependents(_ type: RecordType, id: Int) -> Bool {
        let reference = JSONValue.object(JSONObject([("id", .string(String(id)))]))
        for other in RecordType.allCases {
            let fieldsReferring = other.schema.filter { $0.value == .reference(type) }.map(\.key)
            let linesRefer = other.sublist != nil && type == .inventoryItem
            guard !fieldsReferring.isEmpty || linesRefer else { continue }
            for record in records[other]?.values ?? [:].values {
                if other == type && record.id == id { continue }
                if fieldsReferring.contains(where: { record.fields[$0] == reference }) { return true }
                if linesRefer && record.lines.contains(where: { $0["item"] == reference }) { return true }
            }
        }
        return false
    }

    // MARK: Validation

    private func validate(_ type: RecordType, body: JSONObject, isCreate: Bool) throws(RecordError) -> (JSONObject, [JSONObject]) {
        let schema = schema(of: type)
        var fields = JSONObject()
        var lines: [JSONObject] = []
        let ignored: Set<String> = ["id", "links", "refName", "dateCreated", "createdDate", "lastModifiedDate"]
        for (key, value) in body {
            if ignored.contains(key) { continue }
            guard let kind = schema[key] else {
                throw .invalidContent("Invalid field name: \(key). It is not a field of \(type.rawValue).", path: key)
            }
            if kind == .sublist {
                lines = try validateLines(value, path: key)
                continue
            }
            if value == .null {
                fields[key] = nil
                continue
            }
            fields[key] = try normalize(value, kind: kind, path: key)
        }
        return (fields, lines)
    }

    private func validateLines(_ value: JSONValue, path: String) throws(RecordError) -> [JSONObject] {
        let items: [JSONValue]
        if let array = value.objectValue?["items"]?.arrayValue {
            items = array
        } else if let array = value.arrayValue {
            items = array
        } else {
            throw .invalidContent("The sublist \(path) must be {\"items\": [ … ]}.", path: path)
        }
        var lines: [JSONObject] = []
        for (index, item) in items.enumerated() {
            let linePath = "\(path).items[\(index)]"
            guard let object = item.objectValue else {
                throw .invalidContent("A line of \(path) must be an object.", path: linePath)
            }
            var line = JSONObject()
            for (key, value) in object where !["links", "amount"].contains(key) {
                guard let kind = RecordType.itemLineSchema[key] else {
                    throw .invalidContent("Invalid field name: \(key). It is not a field of the \(path) sublist.", path: "\(linePath).\(key)")
                }
                line[key] = try normalize(value, kind: kind, path: "\(linePath).\(key)")
            }
            guard line["item"] != nil else {
                throw .userError("You must enter a value for Item.", path: "\(linePath).item")
            }
            if line["quantity"] == nil { line["quantity"] = .number(1) }
            lines.append(line)
        }
        return lines
    }

    private func normalize(_ value: JSONValue, kind: FieldKind, path: String) throws(RecordError) -> JSONValue {
        let field = path.split(separator: ".").last.map(String.init) ?? path
        func wrong(_ expected: String) -> RecordError {
            .invalidContent("Invalid value for field \(field): \(value.serialized) is not \(expected).", path: path)
        }
        switch kind {
        case .string:
            guard let text = value.scalarText, value.boolValue == nil else { throw wrong("a string") }
            return .string(text)
        case .number:
            if let number = value.doubleValue { return .number(number) }
            if let text = value.stringValue, let number = Double(text) { return .number(number) }
            throw wrong("a number")
        case .bool:
            if let flag = value.boolValue { return .bool(flag) }
            if value.stringValue == "T" || value.stringValue == "true" { return .bool(true) }
            if value.stringValue == "F" || value.stringValue == "false" { return .bool(false) }
            throw wrong("true or false")
        case .date:
            guard let text = value.stringValue, let date = SimulatorDates.parseDate(text) else {
                throw wrong("a date (YYYY-MM-DD)")
            }
            return .string(SimulatorDates.dateString(date))
        case .integer:
            let number = value.doubleValue ?? value.stringValue.flatMap(Double.init)
            guard let number, number == number.rounded(), abs(number) < 9.0e15 else { throw wrong("an integer") }
            return .number(number)
        case .dateTime:
            guard let text = value.stringValue, let date = SimulatorDates.parseDateTime(text) else {
                throw wrong("a date and time (ISO 8601, such as 2026-12-02T10:30:00Z)")
            }
            return .string(SimulatorDates.dateTimeString(date))
        case .reference(let target):
            guard let id = resolve(value, target: target) else {
                let shown = value.objectValue?["id"]?.scalarText ?? value.objectValue?["externalId"]?.scalarText
                    ?? value.scalarText ?? value.serialized
                throw .invalidContent("You have entered an Invalid Field Value \(shown) for the following field: \(field)", path: path)
            }
            return .object(JSONObject([("id", .string(String(id)))]))
        case .listValue(let list):
            let id = value.objectValue?["id"]?.scalarText ?? value.scalarText
            guard let id, !id.isEmpty else { throw wrong("a reference {\"id\": …}") }
            let refName = value.objectValue?["refName"]?.stringValue ?? Self.listNames[list]?[id] ?? id
            return .object(JSONObject([("id", .string(id)), ("refName", .string(refName))]))
        case .enumValue:
            let id = value.objectValue?["id"]?.scalarText ?? value.scalarText
            guard let id, !id.isEmpty else { throw wrong("a value {\"id\": …}") }
            let refName = value.objectValue?["refName"]?.stringValue ?? Self.countryNames[id] ?? id
            return .object(JSONObject([("id", .string(id)), ("refName", .string(refName))]))
        case .sublist:
            throw wrong("a field")
        }
    }

    /// The internal id a reference value names: `{"id": "7"}`, `{"externalId": "X"}`, `"7"` or `7`.
    func resolve(_ value: JSONValue, target: RecordType) -> Int? {
        if let object = value.objectValue {
            if let text = object["id"]?.scalarText { return Int(text).flatMap { records[target]?[$0] != nil ? $0 : nil } }
            if let external = object["externalId"]?.scalarText { return id(of: target, externalID: external) }
            return nil
        }
        if let text = value.scalarText, let id = Int(text), records[target]?[id] != nil { return id }
        return nil
    }

    static let listNames: [String: [String: String]] = [
        "currency": ["1": "USA", "2": "British pound", "3": "Euro"],
        "term": ["1": "Net 15", "2": "Net 30", "3": "Net 60"],
        "customerstatus": ["13": "CUSTOMER-Closed Won", "6": "LEAD-Unqualified"],
        "paymentmethod": ["1": "Cash", "2": "Check", "5": "VISA"],
    ]
    static let countryNames = ["US": "United States", "GB": "United Kingdom", "DE": "Germany", "CA": "Canada"]

    // MARK: Defaults and totals

    private mutating func applyDefaults(_ type: RecordType, fields: inout JSONObject, now: Date) {
        let defaultSubsidiary = ids[.subsidiary]?.first.map { JSONValue.object(JSONObject([("id", .string(String($0)))])) }
        let usd = JSONValue.object(JSONObject([("id", .string("1")), ("refName", .string("USA"))]))
        switch type {
        case .customer:
            if fields["isPerson"] == nil { fields["isPerson"] = .bool(false) }
            if fields["entityId"] == nil {
                let name = fields["companyName"]?.stringValue
                    ?? [fields["firstName"]?.stringValue, fields["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
                fields["entityId"] = .string(name)
            }
            if fields["isInactive"] == nil { fields["isInactive"] = .bool(false) }
            if fields["subsidiary"] == nil, let defaultSubsidiary { fields["subsidiary"] = defaultSubsidiary }
            if fields["currency"] == nil { fields["currency"] = usd }
        case .contact:
            if fields["entityId"] == nil {
                fields["entityId"] = .string(
                    [fields["firstName"]?.stringValue, fields["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " "))
            }
            if fields["isInactive"] == nil { fields["isInactive"] = .bool(false) }
            if fields["subsidiary"] == nil, let defaultSubsidiary { fields["subsidiary"] = defaultSubsidiary }
        case .inventoryItem:
            if fields["isInactive"] == nil { fields["isInactive"] = .bool(false) }
            fields["itemType"] = .object(JSONObject([("id", .string("InvtPart")), ("refName", .string("InvtPart"))]))
            if fields["subsidiary"] == nil, let defaultSubsidiary { fields["subsidiary"] = defaultSubsidiary }
        case .salesOrder, .customerPayment, .customerDeposit, .customerRefund:
            if fields["tranId"] == nil {
                let number = tranNumbers[type, default: 0] + 1
                tranNumbers[type] = number
                let prefix = ["salesOrder": "SO", "customerPayment": "PYMT", "customerDeposit": "DEP", "customerRefund": "RFND"][type.rawValue] ?? "T"
                fields["tranId"] = .string("\(prefix)\(90000 + number)")
            }
            if fields["tranDate"] == nil { fields["tranDate"] = .string(SimulatorDates.dateString(now)) }
            if fields["subsidiary"] == nil {
                let customer = type.customerField.flatMap { fields[$0] }.flatMap { resolve($0, target: .customer) }
                fields["subsidiary"] = customer.flatMap { records[.customer]?[$0]?.fields["subsidiary"] } ?? defaultSubsidiary
            }
            if fields["currency"] == nil { fields["currency"] = usd }
            fields["exchangeRate"] = .number(1)
            let status =
                switch type {
                case .salesOrder: ("Pending Fulfillment", "B")
                case .customerPayment: ("Not Deposited", "A")
                case .customerDeposit: ("Not Deposited", "A")
                default: ("Paid", "B")
                }
            fields["status"] = .object(JSONObject([("id", .string(status.0)), ("refName", .string(status.0))]))
            if type == .salesOrder {
                fields["orderStatus"] = .object(JSONObject([("id", .string(status.1)), ("refName", .string(status.1))]))
            }
        case .subsidiary:
            if fields["isInactive"] == nil { fields["isInactive"] = .bool(false) }
            if fields["isElimination"] == nil { fields["isElimination"] = .bool(false) }
            if fields["currency"] == nil { fields["currency"] = usd }
        }
    }

    private func computeTotals(_ type: RecordType, _ record: inout StoredRecord) {
        switch type {
        case .salesOrder:
            var subtotal = 0.0
            for index in record.lines.indices {
                let quantity = record.lines[index]["quantity"]?.doubleValue ?? 1
                if record.lines[index]["rate"] == nil {
                    let item = record.lines[index]["item"].flatMap { resolve($0, target: .inventoryItem) }
                    record.lines[index]["rate"] = item.flatMap { records[.inventoryItem]?[$0]?.fields["basePrice"] } ?? .number(0)
                }
                let amount = ((quantity * (record.lines[index]["rate"]?.doubleValue ?? 0)) * 100).rounded() / 100
                record.lines[index]["amount"] = .number(amount)
                if record.lines[index]["isClosed"] == nil { record.lines[index]["isClosed"] = .bool(false) }
                subtotal += amount
            }
            record.fields["subtotal"] = .number(subtotal)
            record.fields["taxTotal"] = .number(0)
            record.fields["total"] = .number(subtotal)
        case .customerPayment, .customerDeposit:
            record.fields["total"] = record.fields["payment"]
        default:
            break
        }
    }
}
