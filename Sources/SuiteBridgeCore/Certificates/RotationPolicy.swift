import Foundation
import Logging
import SQLKit

/// When an OAuth 2 instance's certificate is rotated without an admin.
public enum RotationPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Never unattended; `cert status` and the logs still warn.
    case off
    /// Rotate through NetSuite's certificate rotation endpoint this many days before the active one expires.
    case daysBeforeExpiry(Int)

    /// The default for instances that allow unattended rotation (their role and entity ids are known).
    public static let defaultDays = 30

    /// The stored column: `NULL` for the default, `0` for off, `N` days.
    init(column: Int?, allowsUnattended: Bool) {
        switch column {
        case .some(0): self = .off
        case .some(let days): self = allowsUnattended ? .daysBeforeExpiry(days) : .off
        case .none: self = allowsUnattended ? .daysBeforeExpiry(Self.defaultDays) : .off
        }
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .daysBeforeExpiry(let days): "rotate \(days) days before expiry"
        }
    }

    /// When the rotation of a certificate expiring at `notAfter` is due, or `nil` when the policy is off.
    public func dueDate(notAfter: Date) -> Date? {
        switch self {
        case .off: nil
        case .daysBeforeExpiry(let days): notAfter.addingTimeInterval(-Double(days) * 86_400)
        }
    }
}
