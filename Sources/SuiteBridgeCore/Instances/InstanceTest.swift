import Foundation
import NetSuiteAuth
import NetSuiteClient

/// What `instance test` found.
public struct InstanceTestResult: Sendable, Hashable {
    /// One step of the test.
    public struct Step: Sendable, Hashable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    public var instance: String
    public var steps: [Step]
    /// Why it failed, and the fix; `nil` when it passed.
    public var failure: SuiteBridgeError?

    public var passed: Bool { failure == nil }
}

extension InstanceRegistry {
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
                let provider = activeCertificateProvider(instance)
                do {
                    let token = try await provider.accessToken()
                    let minutes = Int(token.expiresAt.timeIntervalSince(now()) / 60)
                    steps.append(.init(name: "token exchange", passed: true, detail: "access token valid for \(minutes) minutes"))
                } catch {
                    steps.append(.init(name: "token exchange", passed: false, detail: "refused"))
                    throw error
                }
                client = try await makeClient(row, provider: provider)
            } else {
                client = try await makeClient(row)
            }
            let stepName = instance.authMethod == .tokenBased ? "signed request" : "request with the token"
            do {
                let page = try await client.records.list("customer", limit: 1)
                steps.append(.init(name: stepName, passed: true, detail: "GET customer?limit=1 answered (\(page.totalResults ?? page.count) customers)"))
            } catch let error as NetSuiteError where error.errorCode == "INSUFFICIENT_PERMISSION" {
                // NetSuite accepted the login; only the role's permissions are short, which `doctor` details.
                steps.append(.init(name: stepName, passed: true, detail: "authenticated; the role may not read customers (run `suitebridge doctor`)"))
            }
        } catch {
            let certificates = (try? await certificates(of: name)) ?? []
            failure = CredentialDiagnosis.explain(error, instance: instance, activeCertificate: certificates.first { $0.state == .active }, now: now())
            if steps.last?.passed != false {
                steps.append(.init(name: instance.authMethod == .tokenBased ? "signed request" : "request with the token", passed: false, detail: "refused"))
            }
        }
        let health: InstanceHealth = failure == nil ? .healthy : .unhealthy
        let lastError = failure.map { "\($0.message) \($0.remedy)" }
        let date = now()
        let actor = self.actor
        let outcome: AuditLog.Outcome = failure == nil ? .success : .failure
        let auditDetail = failure?.message ?? "passed"
        try await store.transaction { database in
            try await InstanceRows.setHealth(instanceID: instance.id, health: health, error: lastError, at: date, in: database)
            try await AuditLog.append(database, actor: actor, instance: name, action: "instance.test", outcome: outcome,
                                      detail: auditDetail, at: date)
            if health == .healthy {
                for flow in try await Flows.resumeWaiting(instance: name, in: database, at: date) {
                    try await AuditLog.append(database, actor: actor, instance: name, action: "flow.resume", detail: "\(flow): credentials work again", at: date)
                }
            }
        }
        return InstanceTestResult(instance: name, steps: steps, failure: failure)
    }
}

/// Turns a failed authentication into the likely cause and the fix, from what SuiteBridge knows locally.
enum CredentialDiagnosis {
    static func explain(_ error: any Error, instance: Instance, activeCertificate: StoredCertificate?, now: Date) -> SuiteBridgeError {
        if let error = error as? SuiteBridgeError { return error }
        let text: String
        var remedy: String
        var errorCode: String?
        switch error {
        case let error as NetSuiteError:
            text = error.message
            remedy = error.remedy
            errorCode = error.errorCode
            if error.code == .authentication, let detail = error.detail { errorCode = errorCode ?? detail }
            if error.code == .authentication, error.message.contains("invalid_grant") { errorCode = "invalid_grant" }
            if error.code == .authentication, error.message.contains("invalid_client") { errorCode = "invalid_client" }
        case let error as NetSuiteAuthError:
            text = error.message
            remedy = error.remedy
            if error.message.contains("invalid_grant") { errorCode = "invalid_grant" }
            if error.message.contains("invalid_client") { errorCode = "invalid_client" }
        default:
            text = "\(error)"
            remedy = "Check the network and the instance's settings."
        }
        switch errorCode {
        case "invalid_grant":
            if let certificate = activeCertificate, certificate.isExpired(at: now) {
                return SuiteBridgeError(.netsuite, "NetSuite refused the client assertion (invalid_grant): the certificate \(certificate.displayName) expired on \(Self.day(certificate.notAfter)).",
                                        remedy: "Rotate it: `suitebridge cert rotate --instance \(instance.name)`, upload auth-cert.pem in NetSuite, then `suitebridge cert activate`.",
                                        field: "certificate id")
            }
            let id = activeCertificate?.certificateID ?? "(none)"
            return SuiteBridgeError(.netsuite, "NetSuite refused the client assertion (invalid_grant) for certificate id \(id). Likely causes: the certificate was revoked in NetSuite, or NetSuite no longer knows this certificate id (a sandbox refresh clears the M2M mappings), or the id was mistyped.",
                                    remedy: "In NetSuite open Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup: if the mapping is missing or revoked, run `suitebridge cert rotate --instance \(instance.name)`, upload auth-cert.pem there and `suitebridge cert activate` with the new id; if it is there with another id, run `suitebridge cert update-id --instance \(instance.name) --certificate-id ID`. Also check this machine's clock.",
                                    field: "certificate id")
        case "INVALID_LOGIN" where instance.authMethod == .tokenBased, "INVALID_LOGIN_ATTEMPT" where instance.authMethod == .tokenBased:
            return SuiteBridgeError(.netsuite, "NetSuite refused the token-based login (INVALID_LOGIN) for realm \(instance.realm), consumer key \(instance.consumerKey.prefix(8))…, token \(instance.tokenID?.prefix(8) ?? "?")….",
                                    remedy: "NetSuite does not say which part it refused; the Login Audit Trail does. In order of likelihood: the token was revoked or its id or secret is wrong (Setup > Users/Roles > Access Tokens: issue a new one and `suitebridge instance edit \(instance.name) --token-id …` with the new secret); the consumer key or secret is wrong, or the integration is disabled or lacks Token-based Authentication (Setup > Integration > Manage Integrations); the Token-based Authentication or REST Web Services feature is off (Setup > Company > Enable Features > SuiteCloud); the role lacks \"Setup > Log in using access tokens: Full\"; this machine's clock is more than 5 minutes off.",
                                    field: "token id")
        case "invalid_client":
            return SuiteBridgeError(.netsuite, "NetSuite does not accept the client id \(instance.consumerKey) (invalid_client).",
                                    remedy: "Check the client id (the integration record's consumer key), that the integration has \"Client Credentials (Machine to Machine) Grant\" ticked and is enabled, and that the OAuth 2.0 feature is on (Setup > Company > Enable Features > SuiteCloud).",
                                    field: "client id")
        default:
            return SuiteBridgeError(.netsuite, text, remedy: remedy)
        }
    }

    static func day(_ date: Date?) -> String {
        guard let date else { return "an unknown date" }
        return date.formatted(.iso8601.year().month().day())
    }
}

extension InstanceRegistry {
    /// Records that a request made with the instance was refused at authentication (`invalid_grant`,
    /// `INVALID_LOGIN`, …): marks the instance unhealthy with the likely cause, audits it, and returns the diagnosis.
    @discardableResult
    public func recordAuthenticationFailure(_ name: String, _ error: any Error) async -> SuiteBridgeError {
        guard let instance = try? await instance(named: name) else {
            return SuiteBridgeError(.netsuite, "\(error)", remedy: "")
        }
        let certificates = (try? await certificates(of: name)) ?? []
        let diagnosis = CredentialDiagnosis.explain(error, instance: instance, activeCertificate: certificates.first { $0.state == .active }, now: now())
        try? await setHealth(instance, .unhealthy, error: "\(diagnosis.message) \(diagnosis.remedy)")
        try? await audit.record(actor: actor, instance: name, action: "instance.use", outcome: .failure, detail: diagnosis.message)
        return diagnosis
    }
}
