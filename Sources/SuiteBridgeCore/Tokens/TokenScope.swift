/// What an API token may do. Every API operation and dashboard action states the scope it needs; a token's scope
/// allows its own level and those below it.
///
/// | scope | may |
/// |---|---|
/// | `metrics` | read `/metrics` only (for Prometheus) |
/// | `read` | read everything (secrets are never returned to anyone), `/metrics` included |
/// | `operate` | also test and doctor instances, rotate and activate certificates, run, pause, resume and cancel flows |
/// | `admin` | everything: instances, their credentials and base URLs, tokens, flow definitions, revoking certificates |
public enum TokenScope: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case metrics, read, operate, admin

    /// Whether a token of this scope may do what needs `required`.
    public func allows(_ required: TokenScope) -> Bool {
        required <= self
    }

    /// The order of the levels: `metrics < read < operate < admin`.
    public static func < (lhs: TokenScope, rhs: TokenScope) -> Bool {
        let order = allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }

    public var description: String { rawValue }

    /// Reads `read`, `operate`, `admin` or `metrics`.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming the field `scope` and the accepted values.
    public init(parsing text: String) throws {
        guard let scope = TokenScope(rawValue: text.lowercased()) else {
            throw SuiteBridgeError(.invalidInput, "\"\(text)\" is not a token scope.",
                                   remedy: "Use one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")).", field: "scope")
        }
        self = scope
    }

    /// The refusal of a request that needs `required`, for a token of this scope.
    public func refusal(needing required: TokenScope, to action: String) -> SuiteBridgeError {
        let enough = Self.allCases.filter { $0.allows(required) }.map(\.rawValue).joined(separator: " or ")
        return SuiteBridgeError(.forbidden, "This token's scope (\(rawValue)) does not allow \(action); it needs \(required.rawValue).",
                                remedy: "Use a token with scope \(enough) (`suitebridge tokens create NAME --scope \(required.rawValue)`).", field: "scope")
    }
}

/// A token that authenticated: its name (the actor in the audit log) and its scope.
public struct AuthenticatedToken: Sendable, Hashable {
    public var name: String
    public var scope: TokenScope

    public init(name: String, scope: TokenScope) {
        self.name = name
        self.scope = scope
    }
}
