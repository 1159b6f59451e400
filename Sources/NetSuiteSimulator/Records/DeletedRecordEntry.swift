import Foundation

/// One record deletion, as SuiteQL's `DeletedRecord` table shows it (Oracle does not document the table; the columns
/// are those community clients read: `shared/reference/netsuite-rest-2026.md`, section 1).
struct DeletedRecordEntry: Sendable, Hashable {
    var type: RecordType
    var recordID: Int
    /// The record's display value when it was deleted (a customer's company name, a transaction's number).
    var name: String?
    var deletedAt: Date
    /// The entity whose credentials deleted it.
    var deletedBy: Int?
    /// How it was deleted: the simulator deletes only through REST web services.
    var context = "REST Web Services"

    /// The `DeletedRecord` columns, lower-case as SuiteQL names them.
    static let columns = ["name", "recordid", "recordtypeid", "scriptid", "context", "deletedby", "deleteddate", "iscustomlist",
                          "iscustomrecord", "iscustomtransaction", "type"]

    /// The row under ``columns``: `type` is the record type in lower case (`customer`, `salesorder`); `recordtypeid`
    /// and `scriptid` are set only for custom records and lists, which the simulator does not hold.
    var row: [SQLValue] {
        [name.map(SQLValue.string) ?? .null, .number(Double(recordID)), .null, .null, .string(context),
         deletedBy.map { .string(String($0)) } ?? .null, .date(deletedAt), .string("F"), .string("F"), .string("F"), .string(type.hrefName)]
    }
}
