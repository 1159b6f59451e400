import Foundation
import NetSuiteAuth
import NetSuiteClient
import SQLKit

/// What NetSuite's `governanceLimits` said of an instance's account, and what SuiteBridge did with it.
public struct GovernanceReading: Sendable, Hashable, Codable {
    /// NetSuite's answer; `nil` when it could not be read (the role is not an administrator, an older release).
    public var limits: GovernanceLimits?
    /// The instance's concurrency limit before and after.
    public var configuredLimit: Int
    public var limit: Int
    /// What happened, in a sentence: the account's allocation, or why the configured limit stays.
    public var detail: String
    public var readAt: Date

    /// Whether the limit now comes from NetSuite.
    public var fromNetSuite: Bool { limits?.effectiveLimit != nil }
}

extension Diagnostics {
    /// Reads the account's limits from `GET /services/rest/system/v1/governanceLimits` (administrator roles only)
    /// and sets the instance's concurrency limit from them: the integration's own limit when it has one, else the
    /// account's unallocated limit it shares with other integrations. Otherwise the configured limit stays, and the
    /// reading says why. Kept in ``InstanceFacts`` for doctor and the dashboard; a change is audited.
    /// - Throws: ``SuiteBridgeError`` when the instance cannot be read or the store written; never for NetSuite.
    @discardableResult
    public func readGovernance(_ name: String) async throws -> GovernanceReading {
        let instance = try await context.instances.instance(named: name)
        var reading = GovernanceReading(limits: nil, configuredLimit: instance.concurrencyLimit, limit: instance.concurrencyLimit, detail: "", readAt: now())
        do {
            let client = try await context.connections.client(for: name)
            let limits = try await client.system.governanceLimits()
            reading.limits = limits
            let allocation = "account limit \(limits.accountConcurrencyLimit), \(limits.accountUnallocatedConcurrencyLimit) unallocated"
                + (limits.integrationConcurrencyLimit.map { ", this integration's own limit \($0)" } ?? ", this integration shares the unallocated limit")
            if let effective = limits.effectiveLimit {
                reading.limit = effective
                reading.detail = allocation + (effective == instance.concurrencyLimit ? "; limit \(effective) as configured" : "; limit set to \(effective) (was \(instance.concurrencyLimit))")
            } else {
                reading.detail = allocation + "; NetSuite says the limit type is \(limits.integrationLimitType), so the configured \(instance.concurrencyLimit) stays"
            }
        } catch let error as NetSuiteError where error.status == 403 || error.errorCode == NetSuiteErrorCode.insufficientPermission {
            reading.detail = "NetSuite answers governanceLimits to administrator roles only; the configured limit \(instance.concurrencyLimit) stays (set it with `suitebridge instance edit --concurrency-limit`)"
        } catch {
            reading.detail = "governanceLimits could not be read (\(ErrorSummary.short(error))); the configured limit \(instance.concurrencyLimit) stays"
        }
        let json = String(decoding: try JSONEncoder.store.encode(reading), as: UTF8.self)
        try await context.instanceFacts.set(instance.id, InstanceFacts.Name.governance, json)
        if reading.limit != instance.concurrencyLimit {
            let date = now()
            let actor = context.actor
            let detail = reading.detail
            let limit = reading.limit
            try await store.transaction { database in
                try await database.raw("UPDATE instances SET concurrency_limit = \(bind: limit), updated_at = \(bind: StoreDate.string(date)) WHERE id = \(bind: instance.id)").run()
                try await AuditLog.append(database, actor: actor, instance: name, action: .instanceGovernance, detail: detail, at: date)
            }
            await context.connectionCache.forget(name)
        }
        return reading
    }

    /// The last governance reading of an instance, if any.
    public func lastGovernanceReading(_ name: String) async throws -> GovernanceReading? {
        let instance = try await context.instances.instance(named: name)
        guard let json = try await context.instanceFacts.value(instance.id, InstanceFacts.Name.governance) else { return nil }
        return try? JSONDecoder.store.decode(GovernanceReading.self, from: Data(json.utf8))
    }

    /// Reads the limits of every instance that has worked, as `serve` does each hour.
    public func readGovernanceOfAll() async throws {
        for instance in try await context.instances.list() where instance.health == .healthy {
            _ = try await readGovernance(instance.name)
        }
    }
}
