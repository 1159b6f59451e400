import Foundation

/// A table SuiteQL can read: lower-case column names and rows of values.
struct SQLTable: Sendable {
    let name: String
    let columns: [String]
    let rows: [[SQLValue]]
    /// The permission a role needs to query it.
    let permission: String
    /// The column whose values ascend with the rows (the table's key, when its rows are in key order), all of one
    /// kind: key conditions and ORDER BY on it need no check of the rows.
    let ascendingColumn: Int?

    /// - Parameter orderedBy: the key the rows are expected to be in order of; checked here.
    init(name: String, columns: [String], rows: [[SQLValue]], permission: String, orderedBy key: String = "id") {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.permission = permission
        ascendingColumn = columns.firstIndex(of: key).flatMap { column in
            guard let first = rows.first?[column], SuiteQLEvaluator.isAscending(rows, column: column, kind: first) else { return nil }
            return column
        }
    }

    func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }
}

/// The SuiteQL tables of one account, derived from its records.
struct SuiteQLCatalog: Sendable {
    var tables: [String: SQLTable]

    init(store: RecordStore) {
        var tables: [String: SQLTable] = [:]
        func ref(_ value: JSONValue?) -> SQLValue {
            guard let id = value?.objectValue?["id"]?.stringValue else { return .null }
            return .string(id)
        }
        func text(_ value: JSONValue?) -> SQLValue {
            guard let text = value?.scalarText, !text.isEmpty else { return .null }
            return .string(text)
        }
        func flag(_ value: JSONValue?) -> SQLValue {
            guard let flag = value?.boolValue else { return .null }
            return .string(flag ? "T" : "F")
        }
        func number(_ value: JSONValue?) -> SQLValue {
            guard let number = value?.doubleValue else { return .null }
            return .number(number)
        }
        func date(_ value: JSONValue?) -> SQLValue {
            guard let text = value?.stringValue, let date = SimulatorDates.parseDate(text) else { return .null }
            return .date(date)
        }
        func records(_ type: RecordType) -> [StoredRecord] {
            (store.ids[type] ?? []).compactMap { store.record(type, $0) }
        }
        /// The custom fields of these types, once each: SuiteQL columns named by their ids.
        func custom(_ types: [RecordType]) -> [CustomField] {
            var seen: Set<String> = []
            return types.flatMap { store.customFields[$0] ?? [] }.filter { seen.insert($0.id).inserted }
        }
        func customValues(_ fields: [CustomField], _ record: StoredRecord) -> [SQLValue] {
            fields.map { field in
                let value = record.fields[field.id]
                switch field.type {
                case .text: return text(value)
                case .integer, .decimal: return number(value)
                case .checkbox: return flag(value)
                case .date: return date(value)
                case .datetime:
                    guard let text = value?.stringValue, let date = SimulatorDates.parseDateTime(text) else { return .null }
                    return .date(date)
                }
            }
        }

        tables["customer"] = SQLTable(
            name: "customer",
            columns: ["id", "entityid", "companyname", "altname", "isperson", "firstname", "lastname", "email", "phone",
                      "isinactive", "datecreated", "lastmodifieddate", "externalid", "subsidiary", "currency", "terms", "comments"]
                + custom([.customer]).map(\.id),
            rows: records(.customer).map { r in
                let f = r.fields
                return [.number(Double(r.id)), text(f["entityId"]), text(f["companyName"]), text(f["companyName"] ?? f["entityId"]),
                        flag(f["isPerson"]), text(f["firstName"]), text(f["lastName"]), text(f["email"]), text(f["phone"]),
                        flag(f["isInactive"]), .date(r.created), .date(r.lastModified), text(f["externalId"]), ref(f["subsidiary"]),
                        ref(f["currency"]), ref(f["terms"]), text(f["comments"])] + customValues(custom([.customer]), r)
            },
            permission: Permission.customers)

        tables["contact"] = SQLTable(
            name: "contact",
            columns: ["id", "entityid", "firstname", "lastname", "email", "phone", "title", "company", "subsidiary",
                      "isinactive", "datecreated", "lastmodifieddate", "externalid"] + custom([.contact]).map(\.id),
            rows: records(.contact).map { r in
                let f = r.fields
                return [.number(Double(r.id)), text(f["entityId"]), text(f["firstName"]), text(f["lastName"]), text(f["email"]),
                        text(f["phone"]), text(f["title"]), ref(f["company"]), ref(f["subsidiary"]), flag(f["isInactive"]),
                        .date(r.created), .date(r.lastModified), text(f["externalId"])] + customValues(custom([.contact]), r)
            },
            permission: Permission.contacts)

        tables["item"] = SQLTable(
            name: "item",
            columns: ["id", "itemid", "displayname", "description", "itemtype", "isinactive", "subsidiary", "cost",
                      "baseprice", "createddate", "lastmodifieddate", "externalid", "fullname"] + custom([.inventoryItem]).map(\.id),
            rows: records(.inventoryItem).map { r in
                let f = r.fields
                return [.number(Double(r.id)), text(f["itemId"]), text(f["displayName"]), text(f["description"]),
                        .string("InvtPart"), flag(f["isInactive"]), ref(f["subsidiary"]), number(f["cost"]),
                        number(f["basePrice"]), .date(r.created), .date(r.lastModified), text(f["externalId"]), text(f["itemId"])]
                    + customValues(custom([.inventoryItem]), r)
            },
            permission: Permission.items)

        var transactions: [(RecordType, StoredRecord)] = []
        for type in [RecordType.salesOrder, .customerPayment, .customerDeposit, .customerRefund] {
            transactions += records(type).map { (type, $0) }
        }
        transactions.sort { $0.1.id < $1.1.id }
        let transactionCustom = custom([.salesOrder, .customerPayment, .customerDeposit, .customerRefund])
        tables["transaction"] = SQLTable(
            name: "transaction",
            columns: ["id", "tranid", "trandate", "type", "status", "entity", "currency", "exchangerate", "foreigntotal",
                      "memo", "createddate", "lastmodifieddate", "externalid"] + transactionCustom.map(\.id),
            rows: transactions.map { type, r in
                let f = r.fields
                let status = type == .salesOrder ? (f["orderStatus"]?.objectValue?["id"]?.stringValue ?? "B") : (type == .customerRefund ? "B" : "A")
                return [.number(Double(r.id)), text(f["tranId"]), date(f["tranDate"]), .string(type.transactionTypeCode ?? ""),
                        .string(status), ref(type.customerField.flatMap { f[$0] }), ref(f["currency"]), number(f["exchangeRate"]),
                        number(f["total"]), text(f["memo"]), .date(r.created), .date(r.lastModified), text(f["externalId"])]
                    + customValues(transactionCustom, r)
            },
            permission: Permission.findTransaction)

        // A line's unique key stays the same while the account changes (as NetSuite's does): the transaction's id
        // and the line's sequence number, so keyset paging by it resumes where it stopped.
        var lines: [[SQLValue]] = []
        for (type, r) in transactions {
            let f = r.fields
            let entity = ref(type.customerField.flatMap { f[$0] })
            let subsidiary = ref(f["subsidiary"])
            let modified = SQLValue.date(r.lastModified)
            func uniqueKey(_ sequence: Double) -> SQLValue { .number(Double(r.id) * 10_000 + sequence) }
            lines.append([.number(0), .number(Double(r.id)), .number(0), uniqueKey(0), .null, .null, .null,
                          .null, number(f["total"]), .string("T"), .string("F"), text(f["memo"]), entity, subsidiary, .string("F"), modified])
            for line in r.lines {
                let quantity = line["quantity"]?.doubleValue ?? 0
                let amount = line["amount"]?.doubleValue ?? 0
                let sequence = line["line"]?.doubleValue ?? 0
                lines.append([.number(sequence), .number(Double(r.id)), .number(sequence), uniqueKey(sequence),
                              ref(line["item"]), .number(-quantity), number(line["rate"]), .number(-amount),
                              .number(-amount), .string("F"), .string("F"), text(line["description"]), entity, subsidiary,
                              flag(line["isClosed"]), modified])
            }
        }
        tables["transactionline"] = SQLTable(
            name: "transactionline",
            columns: ["id", "transaction", "linesequencenumber", "uniquekey", "item", "quantity", "rate", "netamount",
                      "foreignamount", "mainline", "taxline", "memo", "entity", "subsidiary", "isclosed", "linelastmodifieddate"],
            rows: lines,
            permission: Permission.findTransaction,
            orderedBy: "uniquekey")

        tables["subsidiary"] = SQLTable(
            name: "subsidiary",
            columns: ["id", "name", "parent", "currency", "country", "iselimination", "isinactive", "lastmodifieddate",
                      "fullname", "legalname"],
            rows: records(.subsidiary).map { r in
                let f = r.fields
                return [.number(Double(r.id)), text(f["name"]), ref(f["parent"]), ref(f["currency"]), ref(f["country"]),
                        flag(f["isElimination"]), flag(f["isInactive"]), .date(r.lastModified), text(f["name"]), text(f["legalName"])]
            },
            permission: Permission.subsidiaries)

        tables["deletedrecord"] = SQLTable(
            name: "deletedrecord", columns: DeletedRecordEntry.columns, rows: store.deletions.map(\.row), permission: Permission.deletedRecords)
        self.tables = tables
    }
}
