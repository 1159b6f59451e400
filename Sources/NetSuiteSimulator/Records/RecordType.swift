/// The record types the simulator serves under `/services/rest/record/v1/`.
enum RecordType: String, Sendable, CaseIterable, Codable {
    case customer, contact, inventoryItem, salesOrder, customerPayment, customerDeposit, customerRefund, subsidiary

    /// Reads a type from a request path, in any case (`salesOrder`, `salesorder`).
    init?(pathName: String) {
        guard let type = Self.allCases.first(where: { $0.rawValue.lowercased() == pathName.lowercased() }) else {
            return nil
        }
        self = type
    }

    /// The lower-case form NetSuite uses in link hrefs (`salesorder`).
    var hrefName: String { rawValue.lowercased() }

    /// Internal ids are unique within a family, as in NetSuite (entities share one sequence, transactions another).
    enum Family: Sendable { case entity, transaction, item, subsidiary }

    var family: Family {
        switch self {
        case .customer, .contact: .entity
        case .salesOrder, .customerPayment, .customerDeposit, .customerRefund: .transaction
        case .inventoryItem: .item
        case .subsidiary: .subsidiary
        }
    }

    /// The permission (seed guide's name) a role needs to read or write this type.
    var permission: String {
        switch self {
        case .customer: Permission.customers
        case .contact: Permission.contacts
        case .inventoryItem: Permission.items
        case .salesOrder: Permission.salesOrder
        case .customerPayment: Permission.customerPayment
        case .customerDeposit: Permission.customerDeposit
        case .customerRefund: Permission.customerRefund
        case .subsidiary: Permission.subsidiaries
        }
    }

    /// The field whose value is a reference's `refName`.
    var displayField: String {
        switch self {
        case .customer: "companyName"
        case .contact: "entityId"
        case .inventoryItem: "itemId"
        case .salesOrder, .customerPayment, .customerDeposit, .customerRefund: "tranId"
        case .subsidiary: "name"
        }
    }

    /// The sublist the type carries, if any.
    var sublist: String? { self == .salesOrder ? "item" : nil }

    var isTransaction: Bool { family == .transaction }

    /// The field that records when the record was created.
    var createdField: String {
        switch self {
        case .customer, .contact: "dateCreated"
        default: "createdDate"
        }
    }

    /// The fields a client may send, with their kinds.
    var schema: [String: FieldKind] {
        var fields: [String: FieldKind] = ["externalId": .string]
        switch self {
        case .customer:
            fields.merge([
                "entityId": .string, "companyName": .string, "isPerson": .bool, "firstName": .string,
                "lastName": .string, "email": .string, "phone": .string, "isInactive": .bool, "comments": .string,
                "subsidiary": .reference(.subsidiary), "currency": .listValue("currency"), "terms": .listValue("term"),
                "entityStatus": .listValue("customerstatus"),
            ]) { $1 }
        case .contact:
            fields.merge([
                "entityId": .string, "firstName": .string, "lastName": .string, "email": .string, "phone": .string,
                "title": .string, "company": .reference(.customer), "subsidiary": .reference(.subsidiary),
                "isInactive": .bool,
            ]) { $1 }
        case .inventoryItem:
            fields.merge([
                "itemId": .string, "displayName": .string, "description": .string, "isInactive": .bool,
                "cost": .number, "basePrice": .number, "subsidiary": .reference(.subsidiary),
            ]) { $1 }
        case .salesOrder:
            fields.merge([
                "tranId": .string, "tranDate": .date, "entity": .reference(.customer), "subsidiary": .reference(.subsidiary),
                "currency": .listValue("currency"), "exchangeRate": .number, "memo": .string, "item": .sublist,
            ]) { $1 }
        case .customerPayment:
            fields.merge([
                "tranId": .string, "tranDate": .date, "customer": .reference(.customer), "payment": .number,
                "subsidiary": .reference(.subsidiary), "currency": .listValue("currency"), "memo": .string,
                "undepFunds": .bool,
            ]) { $1 }
        case .customerDeposit:
            fields.merge([
                "tranId": .string, "tranDate": .date, "customer": .reference(.customer), "payment": .number,
                "salesOrder": .reference(.salesOrder), "subsidiary": .reference(.subsidiary),
                "currency": .listValue("currency"), "memo": .string,
            ]) { $1 }
        case .customerRefund:
            fields.merge([
                "tranId": .string, "tranDate": .date, "customer": .reference(.customer), "total": .number,
                "subsidiary": .reference(.subsidiary), "currency": .listValue("currency"), "memo": .string,
                "paymentMethod": .listValue("paymentmethod"),
            ]) { $1 }
        case .subsidiary:
            fields.merge([
                "name": .string, "legalName": .string, "parent": .reference(.subsidiary), "currency": .listValue("currency"),
                "country": .enumValue, "isInactive": .bool, "isElimination": .bool,
            ]) { $1 }
        }
        return fields
    }

    /// Fields of a sublist line.
    static let itemLineSchema: [String: FieldKind] = [
        "line": .number, "item": .reference(.inventoryItem), "quantity": .number, "rate": .number,
        "description": .string, "isClosed": .bool,
    ]

    /// Fields that must have a value on create, with the label NetSuite's message uses.
    var requiredFields: [(field: String, label: String)] {
        switch self {
        case .customer: [("companyName", "Company Name")]
        case .contact: [("lastName", "Last Name")]
        case .inventoryItem: [("itemId", "Item Name/Number")]
        case .salesOrder: [("entity", "Customer")]
        case .customerPayment: [("customer", "Customer"), ("payment", "Payment Amount")]
        case .customerDeposit: [("customer", "Customer"), ("payment", "Payment Amount")]
        case .customerRefund: [("customer", "Customer"), ("total", "Amount")]
        case .subsidiary: [("name", "Name")]
        }
    }

    /// The field holding the customer of a transaction.
    var customerField: String? {
        switch self {
        case .salesOrder: "entity"
        case .customerPayment, .customerDeposit, .customerRefund: "customer"
        default: nil
        }
    }

    /// SuiteQL's `transaction.type` code.
    var transactionTypeCode: String? {
        switch self {
        case .salesOrder: "SalesOrd"
        case .customerPayment: "CustPymt"
        case .customerDeposit: "CustDep"
        case .customerRefund: "CustRfnd"
        default: nil
        }
    }
}

/// The kind of a record field, for validating what clients send.
enum FieldKind: Sendable, Hashable {
    case string, number, bool, date
    /// A whole number (custom integer fields).
    case integer
    /// An ISO 8601 date and time (custom date/time fields).
    case dateTime
    /// A reference to a record the simulator holds.
    case reference(RecordType)
    /// A reference to a list the simulator does not model (currency, terms); href type given.
    case listValue(String)
    /// An `{"id","refName"}` value (country).
    case enumValue
    /// A sublist (`item` of a sales order).
    case sublist
}
