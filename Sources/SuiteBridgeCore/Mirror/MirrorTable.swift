import Foundation

/// How one SuiteQL table is mirrored: its key, how it pages, how its changes and deletions are found, where its
/// column types come from, and the permission a role needs to read it.
public struct MirrorTable: Sendable, Hashable {
    /// The SuiteQL table, lower case; also the destination table's name.
    public var name: String
    /// The destination's primary key: `id`, or the documented compound key (`transaction, id` for lines).
    public var keyColumns: [String]
    /// The unique column reads are ordered and continued by (past the 100,000-row cap, and after a crash).
    public var pagingKey: String
    /// The column holding each row's last change; `nil`: every run reads the whole table.
    public var changeColumn: String?
    /// The record types (as `DeletedRecord.type` names them) whose deletion removes rows of this table.
    public var deletedTypes: [String]
    /// The column a deleted record's id is matched against (`id`, or `transaction` for lines).
    public var deletionColumn: String
    /// For a table of a record's lines: the column naming the parent record. A changed parent's lines are read
    /// again whole, and its lines the read did not return are removed (a line removed from a transaction leaves no
    /// `DeletedRecord`).
    public var parentColumn: String?
    /// The parent's table, whose `lastmodifieddate` says which parents changed.
    public var parentTable: String? = nil
    /// The record type in the metadata catalog whose schema types the columns.
    public var catalogRecordType: String?
    /// The permission the role needs, as the seed guide names it.
    public var permission: String

    /// Every key column, typed integer whatever the catalog says (SuiteQL ids are integers).
    var integerColumns: Set<String> { Set(keyColumns + [pagingKey, deletionColumn] + (parentColumn.map { [$0] } ?? [])) }

    static let transactionTypes = ["salesorder", "customerpayment", "customerdeposit", "customerrefund", "invoice", "cashsale",
                                   "creditmemo", "estimate", "purchaseorder", "vendorbill", "journalentry", "itemfulfillment"]

    /// The tables SuiteBridge knows (discovery probes these).
    public static let known: [MirrorTable] = [
        MirrorTable(name: "customer", keyColumns: ["id"], pagingKey: "id", changeColumn: "lastmodifieddate", deletedTypes: ["customer"],
                    deletionColumn: "id", parentColumn: nil, catalogRecordType: "customer", permission: "Customers"),
        MirrorTable(name: "contact", keyColumns: ["id"], pagingKey: "id", changeColumn: "lastmodifieddate", deletedTypes: ["contact"],
                    deletionColumn: "id", parentColumn: nil, catalogRecordType: "contact", permission: "Contacts"),
        MirrorTable(name: "item", keyColumns: ["id"], pagingKey: "id", changeColumn: "lastmodifieddate",
                    deletedTypes: ["inventoryitem", "noninventoryitem", "serviceitem", "kititem", "assemblyitem"],
                    deletionColumn: "id", parentColumn: nil, catalogRecordType: "inventoryItem", permission: "Items"),
        MirrorTable(name: "subsidiary", keyColumns: ["id"], pagingKey: "id", changeColumn: "lastmodifieddate", deletedTypes: ["subsidiary"],
                    deletionColumn: "id", parentColumn: nil, catalogRecordType: "subsidiary", permission: "Subsidiaries"),
        MirrorTable(name: "transaction", keyColumns: ["id"], pagingKey: "id", changeColumn: "lastmodifieddate", deletedTypes: transactionTypes,
                    deletionColumn: "id", parentColumn: nil, catalogRecordType: "salesOrder", permission: "Find transaction"),
        MirrorTable(name: "transactionline", keyColumns: ["transaction", "id"], pagingKey: "uniquekey", changeColumn: "linelastmodifieddate",
                    deletedTypes: transactionTypes, deletionColumn: "transaction", parentColumn: "transaction", parentTable: "transaction",
                    catalogRecordType: nil, permission: "Find transaction"),
    ]

    /// The known table of that name, or a table keyed by `id` changing by `lastmodifieddate`, typed by the catalog
    /// record type of the same name.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` for a name that is no SuiteQL table name.
    public static func named(_ name: String) throws -> MirrorTable {
        let lower = name.lowercased().trimmingCharacters(in: .whitespaces)
        if let table = known.first(where: { $0.name == lower }) { return table }
        guard let first = lower.first, first.isLetter, lower.count <= 60, lower.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            lower.allSatisfy(\.isASCII)
        else {
            throw SuiteBridgeError(.invalidInput, "\"\(name)\" is not a SuiteQL table name.",
                                   remedy: "Give table names such as customer, transaction, transactionline (`suitebridge mirror tables` lists them).",
                                   field: "mirror.tables")
        }
        return MirrorTable(name: lower, keyColumns: ["id"], pagingKey: "id", changeColumn: "lastmodifieddate", deletedTypes: [lower],
                           deletionColumn: "id", parentColumn: nil, catalogRecordType: lower, permission: "the record type's permission")
    }
}
