import Foundation
import NetSuiteAuth

/// Sets simulated accounts up as a NetSuite admin would for an integration (the seed guide's five stages), and
/// describes the credentials it made.
public enum SimulatorProvisioning {
    /// The `--config` file: several accounts, each with its size and setup.
    public struct Configuration: Codable, Sendable {
        public var accounts: [AccountSpec]

        public init(accounts: [AccountSpec]) { self.accounts = accounts }

        /// One sandbox account `1234567_SB1` with `records` customers: what `suitebridge simulator` serves by default.
        public static func standard(records: Int = 1000, seed: UInt64 = 1, concurrencyLimit: Int = 5, latencyMs: Int = 0) -> Configuration {
            Configuration(accounts: [AccountSpec(accountId: "1234567_SB1", concurrencyLimit: concurrencyLimit, records: records, seed: seed, latencyMs: latencyMs)])
        }
    }

    /// One account of a configuration. Every field but `accountId` has a default.
    public struct AccountSpec: Codable, Sendable {
        public var accountId: String
        /// Requests in flight at once before 429; default 5 (a Standard tier account).
        public var concurrencyLimit: Int?
        /// Customers in the generated data set; default 1000.
        public var records: Int?
        /// Seed of the data set and of faults; default 1.
        public var seed: UInt64?
        /// Fixed latency added to every NetSuite request, in milliseconds; default 0.
        public var latencyMs: Int?
        /// Random extra latency, up to this many milliseconds; default 0.
        public var jitterMs: Int?
        /// SuiteQL date format: `M/D/YYYY` (default), `D/M/YYYY`, `YYYY-MM-DD`.
        public var datePreference: String?
        /// Make a TBA token; default true.
        public var tba: Bool?
        /// Make an M2M mapping with a new certificate; default true.
        public var clientCredentials: Bool?
        /// The key of that certificate: `ec-p256` (default), `ec-p384`, `ec-p521`, `rsa-3072`, `rsa-4096`.
        public var keyType: String?

        public init(
            accountId: String, concurrencyLimit: Int? = nil, records: Int? = nil, seed: UInt64? = nil, latencyMs: Int? = nil,
            jitterMs: Int? = nil, datePreference: String? = nil, tba: Bool? = nil, clientCredentials: Bool? = nil, keyType: String? = nil
        ) {
            self.accountId = accountId
            self.concurrencyLimit = concurrencyLimit
            self.records = records
            self.seed = seed
            self.latencyMs = latencyMs
            self.jitterMs = jitterMs
            self.datePreference = datePreference
            self.tba = tba
            self.clientCredentials = clientCredentials
            self.keyType = keyType
        }
    }

    /// Creates the configured accounts with the seed guide's setup: features on, an integration role with the seed's
    /// permissions, a user, an integration record with both grants, a TBA token and an M2M mapping.
    /// - Parameter baseURL: where the simulator listens, written into the credentials.
    /// - Throws: ``SimulatorError`` for an invalid or duplicate account, or a bad setting.
    public static func provision(_ netsuite: SimulatedNetSuite, configuration: Configuration, baseURL: String) async throws -> CredentialsFile {
        var result: [CredentialsFile.Account] = []
        for spec in configuration.accounts {
            let id = try await netsuite.createAccount(spec.accountId, concurrencyLimit: spec.concurrencyLimit ?? 5)
            let realm = id.realm
            try await netsuite.generateData(realm, customers: spec.records ?? 1000, seed: spec.seed ?? 1)
            if let preference = spec.datePreference { try await netsuite.setDatePreference(realm, preference) }
            if (spec.latencyMs ?? 0) > 0 || (spec.jitterMs ?? 0) > 0 {
                try await netsuite.setFaults(realm, FaultSettings(latencyMs: spec.latencyMs ?? 0, jitterMs: spec.jitterMs ?? 0, seed: spec.seed ?? 1))
            }
            let role = try await netsuite.addRole(realm, name: "SuiteBridge Integration", permissions: Permission.integrationRole)
            let entity = try await netsuite.addEntity(realm, name: "SuiteBridge Integration User")
            let integration = try await netsuite.addIntegration(
                realm, name: "SuiteBridge", tokenBasedAuthentication: true, clientCredentials: true, scopes: ["restlets", "rest_webservices"])
            var credentials = CredentialsFile.Account(accountId: realm, baseURL: baseURL)
            if spec.tba ?? true {
                let token = try await netsuite.issueToken(realm, integrationID: integration.id, entityID: entity, roleID: role)
                credentials.tba = .init(
                    consumerKey: integration.consumerKey, consumerSecret: integration.consumerSecret, tokenId: token.tokenID, tokenSecret: token.tokenSecret)
            }
            if spec.clientCredentials ?? true {
                let keyType = try keyType(spec.keyType ?? "ec-p256")
                let generated = try CertificateKit.generate(keyType: keyType, subject: "CN=SuiteBridge simulator \(realm)", now: await netsuite.now())
                let mapping = try await netsuite.addMapping(
                    realm, integrationID: integration.id, entityID: entity, roleID: role, certificatePEM: generated.certificatePEM)
                credentials.clientCredentials = .init(
                    clientId: integration.consumerKey, certificateId: mapping.certificateID, privateKeyPEM: generated.privateKeyPEM,
                    certificatePEM: generated.certificatePEM, roleId: String(role), entityId: String(entity))
            }
            result.append(credentials)
        }
        return CredentialsFile(accounts: result)
    }

    static func keyType(_ name: String) throws(SimulatorError) -> KeyType {
        do {
            return try KeyType(identifier: name)
        } catch {
            throw .badRequest("keyType \(name): use \(KeyType.acceptedIdentifiers).")
        }
    }
}
