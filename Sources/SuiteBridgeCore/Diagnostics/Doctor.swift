import Foundation
import NetSuiteAuth
import NetSuiteClient

/// One check of `doctor`.
public struct DoctorCheck: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case pass, warn, fail, skipped
    }

    public var name: String
    public var status: Status
    public var detail: String
    /// What to do; empty when it passed.
    public var fix: String
}

/// Every check `doctor` ran on an instance.
public struct DoctorReport: Sendable, Hashable, Codable {
    public var instance: String
    public var checks: [DoctorCheck]

    /// True when no check failed.
    public var passed: Bool { !checks.contains { $0.status == .fail } }
}

/// Runs every check on an instance and says, for each failure, what to fix: account id, reachability, clock,
/// authentication (diagnosed), the role's permissions (named as the seed guide names them), governance and
/// certificate expiry.
public struct Doctor: Sendable {
    let context: CoreContext

    /// A doctor acting with `context` (its actor is written in the audit log of the test it runs).
    public init(context: CoreContext) {
        self.context = context
    }

    /// What the seed guide's role must hold, probed by listing one record of each type.
    static let recordProbes: [(type: String, permission: String)] = [
        ("customer", "Lists > Customers: Full"),
        ("contact", "Lists > Contacts: Full"),
        ("inventoryitem", "Lists > Items: Full"),
        ("subsidiary", "Lists > Subsidiaries: Full"),
        ("salesorder", "Transactions > Sales order: Full"),
        ("customerpayment", "Transactions > Customer payment: Full"),
        ("customerdeposit", "Transactions > Customer deposit: Full"),
        ("customerrefund", "Transactions > Customer refund: Full"),
    ]

    /// Runs the checks. Never throws for a NetSuite problem: each becomes a failed check with its fix.
    /// - Throws: ``SuiteBridgeError`` when the instance cannot be read.
    public func run(_ name: String) async throws -> DoctorReport {
        let instance = try await context.instances.instance(named: name)
        var checks: [DoctorCheck] = []
        let account = instance.accountID
        checks.append(DoctorCheck(
            name: "account id", status: .pass,
            detail: "\(account.realm) (\(account.kind)); realm \(account.realm), host \(account.hostLabel)", fix: ""))

        // Reachability and clock, from the answer's Date header. A slow answer is not an unreachable host: 15 s
        // (CI under ThreadSanitizer, with a 100,000-row mirror test beside it, saw 5 s run out).
        let origin = instance.baseURL.map(AccountID.origin) ?? account.restOrigin
        var reachable = false
        do {
            let response = try await context.transport.send(
                NetSuiteHTTPRequest(method: "GET", url: origin + "/services/rest/record/v1/metadata-catalog", headers: [("Accept", "application/json")]),
                timeout: .seconds(15))
            reachable = true
            checks.append(DoctorCheck(name: "reachability", status: .pass, detail: "\(origin) answered HTTP \(response.status)", fix: ""))
            if let header = response.header("Date"), let serverDate = Self.httpDate(header) {
                let skew = Int(context.now().timeIntervalSince(serverDate).rounded())
                if abs(skew) > 300 {
                    checks.append(DoctorCheck(name: "clock", status: .fail, detail: "this machine is \(skew) s \(skew > 0 ? "ahead of" : "behind") NetSuite",
                                              fix: "Synchronise the clock (NTP): NetSuite refuses OAuth 1 timestamps and JWTs more than 5 minutes off."))
                } else if abs(skew) > 60 {
                    checks.append(DoctorCheck(name: "clock", status: .warn, detail: "\(skew) s off NetSuite's clock", fix: "Synchronise the clock (NTP) before it drifts past 5 minutes."))
                } else {
                    checks.append(DoctorCheck(name: "clock", status: .pass, detail: "within \(abs(skew)) s of NetSuite's clock", fix: ""))
                }
            } else {
                checks.append(DoctorCheck(name: "clock", status: .skipped, detail: "the answer had no Date header", fix: ""))
            }
        } catch {
            checks.append(DoctorCheck(name: "reachability", status: .fail, detail: "\(origin) could not be reached: \(ErrorSummary.short(error))",
                                      fix: "Check the network, a proxy, and the account id (the host is built from it)."))
        }

        // Authentication, diagnosed.
        var authenticated = false
        if reachable {
            let result = try await context.diagnostics.test(name)
            if let failure = result.failure {
                checks.append(DoctorCheck(name: "authentication", status: .fail, detail: failure.message, fix: failure.remedy))
            } else {
                authenticated = true
                checks.append(DoctorCheck(name: "authentication", status: .pass, detail: result.steps.map(\.detail).joined(separator: "; "), fix: ""))
            }
        } else {
            checks.append(DoctorCheck(name: "authentication", status: .skipped, detail: "NetSuite is not reachable", fix: ""))
        }

        // Permissions.
        if authenticated {
            let client = try await context.connections.client(for: name)
            let missing = await Self.missingPermissions(client: client, certificatesClientID: instance.authMethod == .clientCredentials ? instance.consumerKey : nil)
            if missing.isEmpty {
                checks.append(DoctorCheck(name: "permissions", status: .pass, detail: "the role has every permission the seed guide lists that was probed", fix: ""))
            } else {
                checks.append(DoctorCheck(name: "permissions", status: .fail, detail: "the role lacks: " + missing.joined(separator: "; "),
                                          fix: "In NetSuite, Setup > Users/Roles > Manage Roles, edit the integration role and add: " + missing.joined(separator: "; ") + "."))
            }
        } else {
            checks.append(DoctorCheck(name: "permissions", status: .skipped, detail: "authentication did not succeed", fix: ""))
        }

        if authenticated {
            // NetSuite's own clock (serverTime, 2025.2), which the Date header only approximates behind proxies.
            if let client = try? await context.connections.client(for: name), let serverTime = try? await client.system.serverTime() {
                let skew = Int(context.now().timeIntervalSince(serverTime).rounded())
                checks.removeAll { $0.name == "clock" }
                checks.append(DoctorCheck(
                    name: "clock", status: abs(skew) > 300 ? .fail : abs(skew) > 60 ? .warn : .pass,
                    detail: abs(skew) <= 60 ? "within \(abs(skew)) s of NetSuite's serverTime" : "this machine is \(abs(skew)) s \(skew > 0 ? "ahead of" : "behind") NetSuite's serverTime",
                    fix: abs(skew) <= 60 ? "" : "Synchronise the clock (NTP): NetSuite refuses OAuth 1 timestamps and JWTs more than 5 minutes off."))
            }
        }
        if let reading = try await context.diagnostics.lastGovernanceReading(name), authenticated {
            checks.append(DoctorCheck(
                name: "governance", status: reading.fromNetSuite ? .pass : .warn, detail: reading.detail,
                fix: reading.fromNetSuite ? "" : "Give the limit NetSuite shows at Setup > Integration > Integration Management > Integration Governance with `suitebridge instance edit \(name) --concurrency-limit N`, or let an administrator role read it."))
        } else {
            checks.append(DoctorCheck(
                name: "governance", status: .pass,
                detail: "concurrency limit \(instance.concurrencyLimit) configured (the client lowers its window on 429)", fix: ""))
        }
        if instance.authMethod == .tokenBased {
            checks.append(DoctorCheck(
                name: "NetSuite 2027.1", status: .warn,
                detail: "this instance uses token-based authentication (TBA): from NetSuite 2027.1 no new TBA integration can be created, and support for existing ones ends later (tentatively 2028.1)",
                fix: "Move it to OAuth 2 client credentials: `suitebridge instance migrate \(name)` (the dashboard's Migrate action walks the same steps)."))
        }

        if instance.authMethod == .clientCredentials {
            let certificates = try await context.certificates.list(of: name)
            if let active = certificates.first(where: { $0.state == .active }) {
                if let days = active.daysLeft(at: context.now()) {
                    let status: DoctorCheck.Status = days < 0 ? .fail : days <= 30 ? .warn : .pass
                    checks.append(DoctorCheck(name: "certificate expiry", status: status,
                                              detail: "\(active.displayName): \(days < 0 ? "expired \(-days) days ago" : "\(days) days left") (not after \(CredentialDiagnosis.day(active.notAfter)))",
                                              fix: status == .pass ? "" : "Rotate: `suitebridge cert rotate --instance \(name)` (or --auto)."))
                } else {
                    checks.append(DoctorCheck(name: "certificate expiry", status: .warn, detail: "\(active.displayName): the public certificate is not stored, so its expiry is unknown",
                                              fix: "Rotate once with `suitebridge cert rotate` so SuiteBridge tracks the expiry."))
                }
                if let id = active.certificateID, !Self.looksLikeCertificateID(id) {
                    checks.append(DoctorCheck(name: "certificate id", status: .warn, detail: "\(id) does not look like NetSuite's 43-character certificate ids",
                                              fix: "Copy the id again from Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup."))
                }
            } else {
                checks.append(DoctorCheck(name: "certificate expiry", status: .fail, detail: "no active certificate",
                                          fix: "Run `suitebridge cert rotate --instance \(name)`, upload auth-cert.pem, then `suitebridge cert activate`."))
            }
        }
        return DoctorReport(instance: name, checks: checks)
    }

    /// What the role lacks of the seed guide's permissions, found by listing one record of each type, a SuiteQL
    /// query, and (for OAuth 2, given its client id) the certificates endpoint; named as the seed guide names them.
    static func missingPermissions(client: NetSuiteClient, certificatesClientID: String?) async -> [String] {
        var missing: [String] = []
        var restRefused = 0
        for probe in recordProbes {
            do {
                _ = try await client.records.list(probe.type, limit: 1)
            } catch let error as NetSuiteError where error.errorCode == NetSuiteErrorCode.insufficientPermission || error.status == 403 {
                missing.append(probe.permission)
                if error.detail?.contains("REST web services") == true { restRefused += 1 }
            } catch {
                // Another failure (a record type the account lacks) says nothing about the role.
            }
        }
        do {
            var pages = client.suiteQL("SELECT id FROM transaction", pageSize: 1, parallelism: 1).makeAsyncIterator()
            _ = try await pages.next()
        } catch let error as NetSuiteError where error.errorCode == NetSuiteErrorCode.insufficientPermission || error.status == 403 {
            missing.append("Transactions > Find transaction: Full")
        } catch {}
        if restRefused == recordProbes.count {
            missing = ["Setup > REST web services: Full"]
        }
        if let clientID = certificatesClientID {
            do {
                _ = try await client.certificates(clientID: clientID).list()
            } catch let error as NetSuiteError where error.status == 403 || error.errorCode == NetSuiteErrorCode.insufficientPermission {
                missing.append("Setup > Manage own OAuth 2.0 Client Credentials certificates: Full (only for unattended rotation)")
            } catch {}
        }
        return missing
    }

    static func looksLikeCertificateID(_ id: String) -> Bool {
        id.count == 43 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
