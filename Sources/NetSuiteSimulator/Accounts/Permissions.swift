/// How much a role may do with one permission, as NetSuite's role editor offers it.
public enum PermissionLevel: Int, Sendable, Codable, Comparable, CaseIterable {
    case none = 0, view, create, edit, full

    public static func < (lhs: PermissionLevel, rhs: PermissionLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Reads `View`, `Create`, `Edit`, `Full` (any case).
    public init?(name: String) {
        switch name.lowercased() {
        case "none": self = .none
        case "view": self = .view
        case "create": self = .create
        case "edit": self = .edit
        case "full": self = .full
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .none: "None"
        case .view: "View"
        case .create: "Create"
        case .edit: "Edit"
        case .full: "Full"
        }
    }
}

/// Permission names the simulator checks, as the Patchworks seed guide lists them.
public enum Permission {
    public static let logInUsingAccessTokens = "Log in using access tokens"
    public static let logInUsingOAuth2AccessTokens = "Log in using OAuth 2.0 access tokens"
    public static let manageOwnOAuth2Certificates = "Manage own OAuth 2.0 Client Credentials certificates"
    public static let restWebServices = "REST web services"
    public static let customers = "Customers"
    public static let contacts = "Contacts"
    public static let items = "Items"
    public static let subsidiaries = "Subsidiaries"
    public static let salesOrder = "Sales order"
    public static let customerPayment = "Customer payment"
    public static let customerDeposit = "Customer deposit"
    public static let customerRefund = "Customer refund"
    public static let findTransaction = "Find transaction"
    /// Setup subtab; reads `DeletedRecord` (not in the seed guide's role: an integration that wants deletions adds it).
    public static let deletedRecords = "Deleted Records"

    /// The integration role of the seed guide ("Preparing your NetSuite environment"), stage 3, plus the two
    /// OAuth 2.0 permissions client credentials need.
    public static let integrationRole: [String: PermissionLevel] = [
        "Accounting lists": .view, "Customer status": .full, "Custom fields": .view, "Custom body fields": .view,
        "Custom entity fields": .view, "Custom record types": .view, "Custom column fields": .view,
        "Custom item fields": .view, "Custom lists": .view, "Custom transaction fields": .view,
        logInUsingAccessTokens: .full, restWebServices: .full, "SuiteAnalytics workbook": .edit,
        subsidiaries: .full, contacts: .full, "Currency": .edit, customers: .full,
        "Entity-subsidiary relationship view": .full, items: .full, "Record custom field": .full,
        "Payment methods": .full, "Shipping items": .full, "Perform search": .full, customerDeposit: .full,
        customerPayment: .full, customerRefund: .full, findTransaction: .full, salesOrder: .full,
        logInUsingOAuth2AccessTokens: .full, manageOwnOAuth2Certificates: .full,
    ]
}
