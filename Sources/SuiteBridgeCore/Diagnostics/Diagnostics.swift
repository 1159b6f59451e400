import Foundation
import NetSuiteAuth
import NetSuiteClient

/// Tests and checks of instances: `test` (a real exchange and a cheap request), `doctor` (every check, each with its
/// fix), and what a refused login during use means (``recordAuthenticationFailure(_:_:)``).
public struct Diagnostics: Sendable {
    let context: CoreContext
    var store: Store { context.store }
    var now: @Sendable () -> Date { context.now }

    init(context: CoreContext) {
        self.context = context
    }

    /// Runs every check of `doctor` on the instance.
    /// - Throws: ``SuiteBridgeError`` when the instance cannot be read.
    public func doctor(_ name: String) async throws -> DoctorReport {
        try await Doctor(context: context).run(name)
    }

    /// Tests an instance for real: a token exchange (OAuth 2) or a signed call (OAuth 1), then one cheap request.
    /// Records the health and the last error on the instance, and an audit entry. Does not throw for a NetSuite
    /// refusal: the result says what failed and why.
    /// - Throws: ``SuiteBridgeError`` only when the instance cannot be read (not found, wrong master key).
    public func test(_ name: String) async throws -> InstanceTestResult {
        let row = try await store.read { try await InstanceRows.instance(named: name, in: $0) }
        let instance = row.instance
        var steps: [InstanceTestResult.Step] = []
        var failure: SuiteBridgeError?
        do {
            let client: NetSuiteClient
            if instance.authMethod == .clientCredentials {
                // A fresh provider, so the test exchanges for real instead of reusing a cached token.
                let provider = context.connections.activeCertificateProvider(instance)
                do {
                    let token = try await provider.accessToken()
                    let minutes = Int(token.expiresAt.timeIntervalSince(now()) / 60)
                    steps.append(.init(name: "token exchange", passed: true, detail: "access token valid for \(minutes) minutes"))
                } catch {
                    steps.append(.init(name: "token exchange", passed: false, detail: "refused"))
                    throw error
                }
                client = try await context.connections.makeClient(row, provider: provider)
            } else {
                client = try await context.connections.makeClient(row)
            }
            let stepName = instance.authMethod == .tokenBased ? "signed request" : "request with the token"
            do {
                let page = try await client.records.list("customer", limit: 1)
                steps.append(.init(name: stepName, passed: true, detail: "GET customer?limit=1 answered (\(page.totalResults ?? page.count) customers)"))
            } catch let error as NetSuiteError where error.errorCode == NetSuiteErrorCode.insufficientPermission {
                // NetSuite accepted the login; only the role's permissions are short, which `doctor` details.
                steps.append(.init(name: stepName, passed: true, detail: "authenticated; the role may not read customers (run `suitebridge doctor`)"))
            }
        } catch {
            let certificates = (try? await context.certificates.list(of: name)) ?? []
            failure = CredentialDiagnosis.explain(error, instance: instance, activeCertificate: certificates.first { $0.state == .active }, now: now())
            if steps.last?.passed != false {
                steps.append(.init(name: instance.authMethod == .tokenBased ? "signed request" : "request with the token", passed: false, detail: "refused"))
            }
        }
        let health: InstanceHealth = failure == nil ? .healthy : .unhealthy
        let lastError = failure.map { "\($0.message) \($0.remedy)" }
        let date = now()
        let actor = context.actor
        let outcome: AuditLog.Outcome = failure == nil ? .success : .failure
        let auditDetail = failure?.message ?? "passed"
        try await store.transaction { database in
            try await InstanceRows.setHealth(instanceID: instance.id, health: health, error: lastError, at: date, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: .instanceTest, outcome: outcome,
                                      detail: auditDetail, at: date)
            if health == .healthy {
                for flow in try await Flows.resumeWaiting(instanceID: instance.id, in: database, at: date) {
                    try await AuditLog.append(database, actor: actor, instance: name, action: .flowResume, detail: "\(flow): credentials work again", at: date)
                }
            }
        }
        var result = InstanceTestResult(instance: name, steps: steps, failure: failure)
        if failure == nil, let reading = try? await readGovernance(name) {
            result.steps.append(.init(name: "governance limits", passed: true, detail: reading.detail))
        }
        return result
    }

    /// Records that a request made with the instance was refused at authentication (`invalid_grant`,
    /// `INVALID_LOGIN`, …): marks the instance unhealthy with the likely cause, audits it, and returns the diagnosis.
    @discardableResult
    public func recordAuthenticationFailure(_ name: String, _ error: any Error) async -> SuiteBridgeError {
        guard let instance = try? await context.instances.instance(named: name) else {
            return SuiteBridgeError(.netsuite, "\(error)", remedy: "")
        }
        let certificates = (try? await context.certificates.list(of: name)) ?? []
        let diagnosis = CredentialDiagnosis.explain(error, instance: instance, activeCertificate: certificates.first { $0.state == .active }, now: now())
        try? await context.instances.setHealth(instance, .unhealthy, error: "\(diagnosis.message) \(diagnosis.remedy)")
        try? await context.audit.record(actor: context.actor, instance: name, action: .instanceUse, outcome: .failure, detail: diagnosis.message)
        return diagnosis
    }
}
