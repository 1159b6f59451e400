import Foundation

/// A custom field an administrator added to a record type (Customization > Lists, Records & Fields), as the admin
/// API takes it: `{"recordType": "customer", "id": "custentity_tier", "type": "integer", "label": "Tier"}`.
public struct CustomField: Sendable, Hashable, Codable {
    /// The field's type, as NetSuite's field type list names them.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case text, integer, decimal, checkbox, date, datetime
    }

    /// The record type it belongs to (`customer`, `salesOrder`).
    public var recordType: String
    /// The script id: `custentity_…` on customers and contacts, `custbody_…` on transactions, `custitem_…` on items.
    public var id: String
    public var type: Kind
    public var label: String

    public init(recordType: String, id: String, type: Kind, label: String) {
        self.recordType = recordType
        self.id = id
        self.type = type
        self.label = label
    }

    /// How values are checked when clients write them.
    var fieldKind: FieldKind {
        switch type {
        case .text: .string
        case .integer: .integer
        case .decimal: .number
        case .checkbox: .bool
        case .date: .date
        case .datetime: .dateTime
        }
    }

    /// The script id prefix NetSuite gives custom fields of a record family.
    static func prefix(for family: RecordType.Family) -> String? {
        switch family {
        case .entity: "custentity_"
        case .transaction: "custbody_"
        case .item: "custitem_"
        case .subsidiary: nil
        }
    }
}
