import Foundation

/// The account's concurrency limits as `governanceLimits` answers them (administrators only).
public struct GovernanceLimits: Sendable, Hashable, Codable {
    /// The account's whole limit.
    public var accountConcurrencyLimit: Int
    /// What no integration has been given: the limit integrations without their own share.
    public var accountUnallocatedConcurrencyLimit: Int
    /// This integration's own limit, when it has one (`integrationLimitType` `integrationSpecific`).
    public var integrationConcurrencyLimit: Int?
    /// `integrationSpecific`, `accountLimit`, or `internal`.
    public var integrationLimitType: String

    public init(accountConcurrencyLimit: Int, accountUnallocatedConcurrencyLimit: Int, integrationConcurrencyLimit: Int?, integrationLimitType: String) {
        self.accountConcurrencyLimit = accountConcurrencyLimit
        self.accountUnallocatedConcurrencyLimit = accountUnallocatedConcurrencyLimit
        self.integrationConcurrencyLimit = integrationConcurrencyLimit
        self.integrationLimitType = integrationLimitType
    }

    /// The limit this integration's requests are held to: its own when it has one, else the unallocated limit it
    /// shares with the others; `nil` when NetSuite says the limit is `internal` (not stated).
    public var effectiveLimit: Int? {
        switch integrationLimitType {
        case "integrationSpecific": integrationConcurrencyLimit
        case "accountLimit": accountUnallocatedConcurrencyLimit
        default: nil
        }
    }
}

extension NetSuiteClient {
    /// `/services/rest/system/v1/`: the account's governance limits and NetSuite's clock (added in 2025.2).
    public var system: System { System(client: self) }

    public struct System: Sendable {
        let client: NetSuiteClient

        /// `GET …/system/v1/governanceLimits`.
        /// - Throws: ``NetSuiteError``: `INSUFFICIENT_PERMISSION` (403) unless the role is an administrator.
        public func governanceLimits() async throws -> GovernanceLimits {
            let label = "GET /system/v1/governanceLimits"
            let response = try await client.perform(.init(
                method: "GET", url: client.configuration.baseURL + "/services/rest/system/v1/governanceLimits", idempotent: true, label: label))
            do { return try JSONDecoder().decode(GovernanceLimits.self, from: Data(response.body)) } catch {
                throw NetSuiteError(code: .malformedResponse, request: label, message: "The governance limits could not be read: \(error).",
                                    remedy: "Check the base URL points at NetSuite 2025.2 or later.")
            }
        }

        /// `GET …/system/v1/serverTime`: NetSuite's clock.
        public func serverTime() async throws -> Date {
            let label = "GET /system/v1/serverTime"
            let response = try await client.perform(.init(
                method: "GET", url: client.configuration.baseURL + "/services/rest/system/v1/serverTime", idempotent: true, label: label))
            struct Answer: Decodable { var serverTime: String }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body)),
                  let date = formatter.date(from: answer.serverTime) ?? ISO8601DateFormatter().date(from: answer.serverTime) else {
                throw NetSuiteError(code: .malformedResponse, request: label, message: "NetSuite's server time could not be read.",
                                    remedy: "Check the base URL points at NetSuite 2025.2 or later.")
            }
            return date
        }
    }
}
