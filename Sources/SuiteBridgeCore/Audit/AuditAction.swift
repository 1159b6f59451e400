/// What an audit entry records: `instance.add`, `certificate.rotate`, … Written as its ``rawValue`` in the store
/// and the API.
public struct AuditAction: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // MARK: Instances
    public static let instanceAdd = AuditAction(rawValue: "instance.add")
    public static let instanceEdit = AuditAction(rawValue: "instance.edit")
    public static let instanceRemove = AuditAction(rawValue: "instance.remove")
    public static let instanceTest = AuditAction(rawValue: "instance.test")
    /// A request made with the instance was refused at authentication.
    public static let instanceUse = AuditAction(rawValue: "instance.use")
    /// The concurrency limit was set from NetSuite's `governanceLimits`.
    public static let instanceGovernance = AuditAction(rawValue: "instance.governance")
    /// A step of moving a TBA instance to OAuth 2 client credentials (prepare, switch, rollback, retire).
    public static let instanceMigrate = AuditAction(rawValue: "instance.migrate")

    // MARK: Certificates
    public static let certificateRotate = AuditAction(rawValue: "certificate.rotate")
    public static let certificateRotateAuto = AuditAction(rawValue: "certificate.rotate-auto")
    public static let certificateRotateScheduled = AuditAction(rawValue: "certificate.rotate-scheduled")
    /// A pending certificate replaced by a newer pending one.
    public static let certificateDiscard = AuditAction(rawValue: "certificate.discard")
    public static let certificateActivate = AuditAction(rawValue: "certificate.activate")
    public static let certificateUpdateID = AuditAction(rawValue: "certificate.update-id")
    public static let certificateRevoke = AuditAction(rawValue: "certificate.revoke")
    public static let certificatePolicy = AuditAction(rawValue: "certificate.policy")

    // MARK: Flows and runs
    public static let flowCreate = AuditAction(rawValue: "flow.create")
    public static let flowDelete = AuditAction(rawValue: "flow.delete")
    public static let flowPause = AuditAction(rawValue: "flow.pause")
    public static let flowResume = AuditAction(rawValue: "flow.resume")
    /// An import's or webhook's mapping replaced.
    public static let flowMapping = AuditAction(rawValue: "flow.mapping")
    public static let flowWaitForCredentials = AuditAction(rawValue: "flow.wait-for-credentials")
    public static let runCancel = AuditAction(rawValue: "run.cancel")

    // MARK: Lookup tables
    public static let lookupPut = AuditAction(rawValue: "lookup.put")
    public static let lookupDelete = AuditAction(rawValue: "lookup.delete")

    // MARK: Error inbox
    public static let inboxEdit = AuditAction(rawValue: "inbox.edit")
    public static let inboxRetry = AuditAction(rawValue: "inbox.retry")
    public static let inboxResolve = AuditAction(rawValue: "inbox.resolve")
    public static let inboxIgnore = AuditAction(rawValue: "inbox.ignore")

    // MARK: Alerts
    public static let alertAdd = AuditAction(rawValue: "alert.add")
    public static let alertRemove = AuditAction(rawValue: "alert.remove")

    // MARK: Administration
    public static let keysRotate = AuditAction(rawValue: "keys.rotate")
    /// A backup of the store was written (the file and its row counts; never the passphrase).
    public static let storeBackup = AuditAction(rawValue: "store.backup")
    /// The store was restored from a backup (recorded in the restored store).
    public static let storeRestore = AuditAction(rawValue: "store.restore")
    public static let tokenCreate = AuditAction(rawValue: "token.create")
    public static let tokenRevoke = AuditAction(rawValue: "token.revoke")
}
