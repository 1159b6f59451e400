import Foundation
import NetSuiteAuth

/// The enabled features of an account (Setup > Company > Enable Features > SuiteCloud).
public struct Features: Sendable, Codable, Hashable {
    public var restWebServices: Bool
    public var tokenBasedAuthentication: Bool
    public var oauth2: Bool

    public init(restWebServices: Bool = true, tokenBasedAuthentication: Bool = true, oauth2: Bool = true) {
        self.restWebServices = restWebServices
        self.tokenBasedAuthentication = tokenBasedAuthentication
        self.oauth2 = oauth2
    }
}

/// A role and its permissions.
struct Role: Sendable {
    var id: Int
    var name: String
    var permissions: [String: PermissionLevel]
    var isInactive = false
    /// The Administrator role (or one like it): the only kind that may read `governanceLimits`.
    var isAdministrator = false

    func level(of permission: String) -> PermissionLevel { permissions[permission] ?? .none }
}

/// A user (employee) that tokens and mappings act as.
struct Entity: Sendable {
    var id: Int
    var name: String
    var isInactive = false
}

/// An integration record (Setup > Integration > Manage Integrations).
struct Integration: Sendable {
    var id: Int
    var name: String
    var consumerKey: String
    var consumerSecret: String
    var tokenBasedAuthentication: Bool
    var clientCredentials: Bool
    var scopes: Set<String>
    var isEnabled = true
    /// The integration's own concurrency limit (Setup > Integration > Integration Management > Integration
    /// Governance); `nil` shares the account's unallocated limit.
    var concurrencyLimit: Int?
}

/// An access token of token-based auth (Setup > Users/Roles > Access Tokens).
struct TBAToken: Sendable {
    var tokenID: String
    var tokenSecret: String
    var integrationID: Int
    var entityID: Int
    var roleID: Int
    var isRevoked = false
}

/// An OAuth 2.0 client credentials mapping: integration, entity, role and an uploaded certificate.
struct M2MMapping: Sendable {
    var certificateID: String
    var integrationID: Int
    var entityID: Int
    var roleID: Int
    var certificate: CertificateInfo
    var validFrom: Date
    var validUntil: Date
    var isRevoked = false
}

/// A bearer token the token endpoint issued.
struct IssuedBearerToken: Sendable {
    var value: String
    var integrationID: Int
    var entityID: Int
    var roleID: Int
    var scopes: Set<String>
    var expiresAt: Date
}

/// One line of the login audit trail (Setup > Users/Roles > User Management > View Login Audit Trail).
public struct LoginAuditEntry: Sendable, Codable, Hashable {
    public var date: Date
    /// `Token-based` or `OAuth 2.0`.
    public var method: String
    /// The entity, when known.
    public var user: String?
    /// The role, when known.
    public var role: String?
    /// The consumer key / client id presented, when any.
    public var client: String?
    /// `Success` or `Failure`.
    public var status: String
    /// Why it failed (`InvalidSignature`, `NonceRejected`, `CertificateRevoked`, ...), empty on success.
    public var detail: String
}

/// Fault injection settings of one account; all draws come from a generator seeded with `seed`.
public struct FaultSettings: Sendable, Codable, Hashable {
    /// Each request's time from receipt to answer, processing included (a request whose processing takes longer
    /// answers when it is done).
    public var latencyMs: Int
    public var jitterMs: Int
    public var errorRate: Double
    public var dropRate: Double
    public var seed: UInt64

    public init(latencyMs: Int = 0, jitterMs: Int = 0, errorRate: Double = 0, dropRate: Double = 0, seed: UInt64 = 1) {
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.errorRate = errorRate
        self.dropRate = dropRate
        self.seed = seed
    }
}

/// Request counters of one account, read by tests and benchmarks.
public struct AccountStats: Sendable, Codable, Hashable {
    /// Requests by endpoint (`record`, `suiteql`, `restlet`, `token`, `certificates`) and status code.
    public var requests: [String: [String: Int]] = [:]
    public var tokenExchanges = 0
    public var throttled = 0
    public var maxInFlight = 0
    public var inFlight = 0
    /// The sum over requests of the seconds each held a concurrency slot (admission to answer).
    public var slotSeconds: Double = 0
    /// Records processed by async jobs (single async requests and batch items).
    public var asyncRecords = 0

    mutating func count(endpoint: String, status: Int) {
        requests[endpoint, default: [:]][String(status), default: 0] += 1
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same faults and data.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
