import Foundation
import NetSuiteAuth

/// The simulated NetSuite: its accounts, their setup, data and counters, and the simulator's clock.
///
/// All state lives in this actor; HTTP handlers call it briefly and do slow work (latency, SuiteQL evaluation)
/// outside it.
///
/// Why one type with many public methods: they are the setup pages of NetSuite a test or demo drives (features,
/// roles, entities, integrations, tokens, M2M mappings, data, faults), and every one must change the accounts
/// atomically with the requests being served; one actor is what makes that so. They are grouped by concept in
/// this file's `MARK` sections.
public actor SimulatedNetSuite {
    var accounts: [String: AccountState] = [:]
    /// Seconds added to the real clock, so tests can make certificates expire and timestamps drift.
    public private(set) var clockOffset: TimeInterval = 0
    /// Bearer token value → account realm.
    var bearerIndex: [String: String] = [:]

    public init() {}

    /// The simulator's current time.
    public func now() -> Date { Date().addingTimeInterval(clockOffset) }

    public func setClockOffset(_ seconds: TimeInterval) { clockOffset = seconds }

    /// The account ids served, in realm form.
    public var accountIDs: [String] { accounts.keys.sorted() }

    func account(_ realm: String) throws(SimulatorError) -> AccountState {
        guard let account = accounts[realm] else { throw .notFound("No account \(realm) in the simulator.") }
        return account
    }

    func withAccount<T>(_ realm: String, _ body: (inout AccountState) throws(SimulatorError) -> T) throws(SimulatorError) -> T {
        // Taken out of the dictionary while it changes, so its record store is changed in place, not copied.
        guard var account = accounts.removeValue(forKey: realm) else { throw .notFound("No account \(realm) in the simulator.") }
        defer { accounts[realm] = account }
        return try body(&account)
    }

    /// The realm of an account id in any form, if the simulator has it.
    func realm(for text: String) -> String? {
        guard let id = try? AccountID(parsing: text) else { return nil }
        return accounts[id.realm] != nil ? id.realm : nil
    }

    // MARK: Setup

    /// Adds an account with its features on and a concurrency limit.
    /// - Throws: ``SimulatorError`` for an invalid or duplicate account id.
    @discardableResult
    public func createAccount(_ accountID: String, concurrencyLimit: Int = 5) throws(SimulatorError) -> AccountID {
        let id: AccountID
        do { id = try AccountID(parsing: accountID) } catch { throw .badRequest("accountId: \(error)") }
        guard accounts[id.realm] == nil else { throw .conflict("Account \(id.realm) exists.") }
        guard concurrencyLimit >= 1 else { throw .badRequest("concurrencyLimit must be 1 or more.") }
        accounts[id.realm] = AccountState(accountID: id, concurrencyLimit: concurrencyLimit)
        return id
    }

    public func setFeatures(_ realm: String, _ features: Features) throws(SimulatorError) {
        try withAccount(realm) { $0.features = features }
    }

    public func features(_ realm: String) throws(SimulatorError) -> Features { try account(realm).features }

    // MARK: Roles and entities

    /// Adds a role; `administrator` makes it the account's Administrator role (all that `governanceLimits` answers).
    public func addRole(_ realm: String, name: String, permissions: [String: PermissionLevel], administrator: Bool = false) throws(SimulatorError) -> Int {
        try withAccount(realm) { account in
            let id = account.makeID()
            account.roles[id] = Role(id: id, name: name, permissions: permissions, isAdministrator: administrator)
            return id
        }
    }

    public func setRoleInactive(_ realm: String, roleID: Int, inactive: Bool) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.roles[roleID] != nil else { throw .notFound("No role \(roleID).") }
            account.roles[roleID]?.isInactive = inactive
        }
    }

    /// Makes a role the account's Administrator role or takes that away (`governanceLimits` answers administrators only).
    public func setRoleAdministrator(_ realm: String, roleID: Int, administrator: Bool) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.roles[roleID] != nil else { throw .notFound("No role \(roleID).") }
            account.roles[roleID]?.isAdministrator = administrator
        }
    }

    /// Sets one permission of a role, as editing the role in Setup > Users/Roles > Manage Roles does; `.none` removes it.
    public func setRolePermission(_ realm: String, roleID: Int, permission: String, level: PermissionLevel) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.roles[roleID] != nil else { throw .notFound("No role \(roleID).") }
            account.roles[roleID]?.permissions[permission] = level == .none ? nil : level
        }
    }

    /// What a sandbox refresh does to OAuth 2.0: every client credentials mapping is gone (they are not copied),
    /// and so are the access tokens issued with them.
    public func sandboxRefresh(_ realm: String) throws(SimulatorError) {
        try withAccount(realm) { account in
            account.mappings = [:]
            for value in account.bearerTokens.keys { bearerIndex[value] = nil }
            account.bearerTokens = [:]
        }
    }

    public func addEntity(_ realm: String, name: String) throws(SimulatorError) -> Int {
        try withAccount(realm) { account in
            let id = account.makeID()
            account.entities[id] = Entity(id: id, name: name)
            return id
        }
    }

    public func setEntityInactive(_ realm: String, entityID: Int, inactive: Bool) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.entities[entityID] != nil else { throw .notFound("No entity \(entityID).") }
            account.entities[entityID]?.isInactive = inactive
        }
    }

    // MARK: Integrations, tokens and M2M mappings

    /// Adds an integration record; returns its id and its consumer key and secret (shown once, as in NetSuite).
    public func addIntegration(
        _ realm: String, name: String, tokenBasedAuthentication: Bool, clientCredentials: Bool, scopes: [String]
    ) throws(SimulatorError) -> (id: Int, consumerKey: String, consumerSecret: String) {
        let allowed: Set<String> = ["restlets", "rest_webservices", "suite_analytics", "mcp"]
        for scope in scopes where !allowed.contains(scope) { throw .badRequest("scopes: unknown scope \(scope).") }
        return try withAccount(realm) { account in
            let id = account.makeID()
            let integration = Integration(
                id: id, name: name, consumerKey: Secrets.hex(32), consumerSecret: Secrets.hex(32),
                tokenBasedAuthentication: tokenBasedAuthentication, clientCredentials: clientCredentials, scopes: Set(scopes))
            account.integrations[id] = integration
            return (id, integration.consumerKey, integration.consumerSecret)
        }
    }

    public func setIntegrationEnabled(_ realm: String, integrationID: Int, enabled: Bool) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.integrations[integrationID] != nil else { throw .notFound("No integration \(integrationID).") }
            account.integrations[integrationID]?.isEnabled = enabled
        }
    }

    /// Issues a TBA access token for an integration, entity and role.
    public func issueToken(_ realm: String, integrationID: Int, entityID: Int, roleID: Int) throws(SimulatorError) -> (tokenID: String, tokenSecret: String) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.integrations[integrationID] != nil else { throw .badRequest("integrationId: no integration \(integrationID).") }
            guard account.entities[entityID] != nil else { throw .badRequest("entityId: no entity \(entityID).") }
            guard account.roles[roleID] != nil else { throw .badRequest("roleId: no role \(roleID).") }
            let token = TBAToken(tokenID: Secrets.hex(32), tokenSecret: Secrets.hex(32), integrationID: integrationID, entityID: entityID, roleID: roleID)
            account.tokens[token.tokenID] = token
            return (token.tokenID, token.tokenSecret)
        }
    }

    public func revokeToken(_ realm: String, tokenID: String) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.tokens[tokenID] != nil else { throw .notFound("No token \(tokenID).") }
            account.tokens[tokenID]?.isRevoked = true
        }
    }

    /// Creates an OAuth 2.0 client credentials mapping for an uploaded certificate, as Setup > Integration >
    /// OAuth 2.0 Client Credentials (M2M) Setup does; validity is the certificate's, capped at 2 years.
    /// - Throws: ``SimulatorError`` for unknown ids, an integration without the client credentials grant, or a
    ///   certificate NetSuite would refuse (key type or size, expired).
    public func addMapping(
        _ realm: String, integrationID: Int, entityID: Int, roleID: Int, certificatePEM: String
    ) throws(SimulatorError) -> (certificateID: String, validUntil: Date) {
        let certificate: CertificateInfo
        do { certificate = try CertificateInfo(pemRepresentation: certificatePEM) } catch {
            throw .badRequest("certificatePEM: \(error)")
        }
        if let problem = certificate.keyType.netsuiteProblem { throw .badRequest("certificatePEM: \(problem)") }
        let now = self.now()
        guard certificate.notAfter > now else { throw .badRequest("certificatePEM: the certificate has expired.") }
        return try withAccount(realm) { account throws(SimulatorError) in
            guard let integration = account.integrations[integrationID] else { throw .badRequest("integrationId: no integration \(integrationID).") }
            guard integration.clientCredentials else {
                throw .badRequest("integrationId: the integration lacks the Client Credentials (Machine to Machine) Grant.")
            }
            guard account.entities[entityID] != nil else { throw .badRequest("entityId: no entity \(entityID).") }
            guard account.roles[roleID] != nil else { throw .badRequest("roleId: no role \(roleID).") }
            let cap = SimulatorDates.calendar.date(byAdding: .year, value: 2, to: certificate.notBefore) ?? certificate.notAfter
            let mapping = M2MMapping(
                certificateID: Secrets.base64URL(32), integrationID: integrationID, entityID: entityID, roleID: roleID,
                certificate: certificate, validFrom: certificate.notBefore, validUntil: min(certificate.notAfter, cap))
            account.mappings[mapping.certificateID] = mapping
            return (mapping.certificateID, mapping.validUntil)
        }
    }

    /// Revokes a mapping, irreversibly.
    /// The certificate ids of the account's M2M mappings that are not revoked: the certificates NetSuite would accept.
    public func activeMappings(_ realm: String) throws(SimulatorError) -> [String] {
        try account(realm).mappings.values.filter { !$0.isRevoked }.map(\.certificateID).sorted()
    }

    public func revokeMapping(_ realm: String, certificateID: String) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in
            guard account.mappings[certificateID] != nil else { throw .notFound("No certificate \(certificateID).") }
            account.mappings[certificateID]?.isRevoked = true
        }
    }

    /// Invalidates every access token issued for the account, as a role change or a revoked mapping would:
    /// the next call with one gets 401 `invalid_token`.
    public func revokeAccessTokens(_ realm: String) throws(SimulatorError) {
        try withAccount(realm) { account in
            for value in account.bearerTokens.keys { bearerIndex[value] = nil }
            account.bearerTokens = [:]
        }
    }

    // MARK: Governance, faults and preferences

    public func setConcurrencyLimit(_ realm: String, _ limit: Int) throws(SimulatorError) {
        guard limit >= 1 else { throw .badRequest("limit must be 1 or more.") }
        try withAccount(realm) { $0.concurrencyLimit = limit }
    }

    public func setFaults(_ realm: String, _ faults: FaultSettings) throws(SimulatorError) {
        guard (0...1).contains(faults.errorRate), (0...1).contains(faults.dropRate), faults.latencyMs >= 0, faults.jitterMs >= 0 else {
            throw .badRequest("errorRate and dropRate are between 0 and 1; latencyMs and jitterMs are 0 or more.")
        }
        try withAccount(realm) { account in
            account.faults = faults
            account.faultGenerator = SeededGenerator(seed: faults.seed)
        }
    }

    public func setDatePreference(_ realm: String, _ preference: String) throws(SimulatorError) {
        guard ["M/D/YYYY", "D/M/YYYY", "YYYY-MM-DD"].contains(preference) else {
            throw .badRequest("datePreference is M/D/YYYY, D/M/YYYY or YYYY-MM-DD.")
        }
        try withAccount(realm) { $0.datePreference = preference }
    }

    /// Adds a custom field to a record type of the account (as an administrator would in Customization > Lists,
    /// Records & Fields): from then on records take and show it, SuiteQL has its column and the metadata catalog
    /// describes it with `x-ns-custom-field`.
    /// - Throws: ``SimulatorError`` for an unknown record type, or an id that is not the family's form or is taken.
    public func addCustomField(_ realm: String, _ field: CustomField) throws(SimulatorError) {
        guard let type = RecordType(pathName: field.recordType) else {
            throw .badRequest("recordType \(field.recordType) is not one of \(RecordType.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard !field.label.trimmingCharacters(in: .whitespaces).isEmpty else { throw .badRequest("label must not be empty.") }
        try withAccount(realm) { account throws(SimulatorError) in try account.records.addCustomField(field, to: type) }
    }

    /// Deletes a custom field and its values from the account.
    /// - Throws: ``SimulatorError`` 404 when there is no such field.
    public func removeCustomField(_ realm: String, id: String) throws(SimulatorError) {
        try withAccount(realm) { account throws(SimulatorError) in try account.records.removeCustomField(id: id) }
    }

    /// The account's custom fields.
    public func customFields(_ realm: String) throws(SimulatorError) -> [CustomField] {
        let store = try account(realm).records
        return RecordType.allCases.flatMap { store.customFields[$0] ?? [] }
    }

    // MARK: Audit and counters

    public func loginAudit(_ realm: String) throws(SimulatorError) -> [LoginAuditEntry] { try account(realm).audit }

    public func stats(_ realm: String) throws(SimulatorError) -> AccountStats { try account(realm).stats }

    public func resetStats(_ realm: String) throws(SimulatorError) {
        try withAccount(realm) { account in
            let inFlight = account.stats.inFlight
            account.stats = AccountStats()
            account.stats.inFlight = inFlight
            account.stats.maxInFlight = inFlight
        }
    }

    // MARK: Data

    /// Fills an account with the deterministic data set: `customers` customers and their contacts, orders,
    /// payments, deposits and refunds, plus items and subsidiaries.
    public func generateData(_ realm: String, customers: Int, seed: UInt64) throws(SimulatorError) {
        try withAccount(realm) { account in
            var store = RecordStore()
            store.generatedNotAfter = Date().addingTimeInterval(clockOffset)
            DataSetGenerator(customers: customers, seed: seed).generate(into: &store)
            account.records = store
        }
    }

    /// Counts of records by type.
    public func recordCounts(_ realm: String) throws(SimulatorError) -> [String: Int] {
        let account = try account(realm)
        return Dictionary(uniqueKeysWithValues: RecordType.allCases.map { ($0.rawValue, account.records.count($0)) })
    }

    func records(_ realm: String) throws(SimulatorError) -> (RecordStore, String) {
        let account = try account(realm)
        return (account.records, account.datePreference)
    }

    func mutateRecords<T>(_ realm: String, _ body: (inout RecordStore, Date) throws(RecordError) -> T) throws(SimulatorError) -> Result<T, RecordError> {
        let now = self.now()
        return try withAccount(realm) { account in
            do throws(RecordError) {
                return .success(try body(&account.records, now))
            } catch {
                return .failure(error)
            }
        }
    }
}

/// A refusal from the simulator's admin side.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String

    static func notFound(_ message: String) -> SimulatorError { SimulatorError(status: 404, message: message) }
    static func badRequest(_ message: String) -> SimulatorError { SimulatorError(status: 400, message: message) }
    static func conflict(_ message: String) -> SimulatorError { SimulatorError(status: 409, message: message) }

    public var description: String { message }
}

/// Random credentials in NetSuite's shapes.
enum Secrets {
    /// `bytes` random bytes as lower-case hex (64 characters for 32 bytes, like NetSuite's keys).
    static func hex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// `bytes` random bytes as base64url without padding (43 characters for 32 bytes, like certificate ids).
    static func base64URL(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
