import Foundation
import Metrics
import NetSuiteAuth
import NetSuiteClient
import SQLKit

extension InstanceRegistry {
    /// The client for an instance, shared by every caller in this process. OAuth 2 instances read their active
    /// certificate at each token exchange, so a rotation reaches the client without rebuilding it.
    /// - Throws: ``SuiteBridgeError`` `.notFound`, `.sealedSecret` (wrong master key), `.invalidInput` (stored
    ///   credentials no longer valid).
    public func client(for name: String) async throws -> NetSuiteClient {
        try await connections.client(name) {
            let row = try await store.read { try await InstanceRows.instance(named: name, in: $0) }
            return try await makeClient(row)
        }
    }

    func makeClient(_ row: InstanceRows.Row, provider: AccessTokenProvider? = nil) async throws -> NetSuiteClient {
        let instance = row.instance
        let authentication: NetSuiteClientConfiguration.Authentication
        switch instance.authMethod {
        case .tokenBased:
            guard let sealedConsumer = row.sealedConsumerSecret, let sealedToken = row.sealedTokenSecret, let tokenID = instance.tokenID else {
                throw SuiteBridgeError(.invalidInput, "\(instance.name) lacks its token credentials.",
                                       remedy: "Set them with `suitebridge instance edit \(instance.name) --token-id … --token-secret-env …`.", field: "token id")
            }
            let credentials = TokenBasedAuth.Credentials(
                consumerKey: instance.consumerKey,
                consumerSecret: try secrets.open(sealedConsumer, for: .init(instanceID: instance.id, field: .consumerSecret)),
                tokenID: tokenID,
                tokenSecret: try secrets.open(sealedToken, for: .init(instanceID: instance.id, field: .tokenSecret)))
            do {
                authentication = .tokenBased(try TokenBasedAuth(account: instance.accountID, credentials: credentials))
            } catch let error as NetSuiteAuthError {
                throw SuiteBridgeError(.invalidInput, error.message, remedy: error.remedy, field: error.field)
            }
        case .clientCredentials:
            authentication = .clientCredentials(provider ?? activeCertificateProvider(instance))
        }
        var configuration = NetSuiteClientConfiguration(
            account: instance.accountID, authentication: authentication, baseURL: instance.baseURL,
            concurrencyLimit: instance.concurrencyLimit)
        configuration.metricsLabel = instance.name
        if store.kind == .postgres {
            // Several servers may share this store: they share the account's limit through it.
            configuration.sharedBudget = DatabaseConcurrencyBudget(
                store: store, account: instance.accountID.realm + "@" + configuration.baseURL, limit: instance.concurrencyLimit,
                holder: Self.processIdentity)
        }
        return await NetSuiteClient(configuration: configuration, transport: transport, logger: logger)
    }

    /// A token provider that signs with the instance's active certificate as stored at each exchange, and counts
    /// exchanges (`suitebridge_token_exchanges_total`).
    func activeCertificateProvider(_ instance: Instance) -> AccessTokenProvider {
        AccessTokenProvider(
            account: instance.accountID,
            assertionSource: { [self, name = instance.name, instanceID = instance.id] in
                Counter(label: "suitebridge_token_exchanges_total", dimensions: [("instance", name)]).increment()
                return try await self.currentAssertion(instanceID: instanceID)
            },
            transport: transport,
            configuration: .init(tokenURL: Self.tokenURL(instance)),
            now: now)
    }

    /// This process, as the holder of shared concurrency slots.
    static let processIdentity = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"

    static func tokenURL(_ instance: Instance) -> String? {
        instance.baseURL.map { $0 + "/services/rest/auth/oauth2/v1/token" }
    }

    /// The assertion of the instance's active certificate, read now.
    func currentAssertion(instanceID: String) async throws -> ClientAssertion {
        let (instance, certificate) = try await store.read { database -> (Instance, InstanceRows.CertificateRow?) in
            guard let row = try await database.raw("SELECT \(unsafeRaw: InstanceRows.instanceColumns) FROM instances WHERE id = \(bind: instanceID)").first() else {
                throw SuiteBridgeError(.notFound, "The instance was removed.", remedy: "Add it again.", field: "instance")
            }
            let instance = try InstanceRows.decodeInstance(row).instance
            let active = try await InstanceRows.certificates(instanceID: instanceID, in: database).first { $0.certificate.state == .active }
            return (instance, active)
        }
        guard let certificate, let certificateID = certificate.certificate.certificateID else {
            throw SuiteBridgeError(.conflict, "\(instance.name) has no active certificate.",
                                   remedy: "Activate one: `suitebridge cert activate --instance \(instance.name) --certificate-id ID`, or `suitebridge cert rotate --instance \(instance.name)` for a new pair.",
                                   field: "certificate id")
        }
        return try await assertion(instance: instance, certificate: certificate, certificateID: certificateID)
    }

    func assertion(instance: Instance, certificate: InstanceRows.CertificateRow, certificateID: String) async throws -> ClientAssertion {
        let pem = try secrets.open(certificate.sealedPrivateKey,
                                   for: .init(instanceID: instance.id, certificateID: certificate.certificate.id, field: .privateKey))
        do {
            let key = try SigningKey(pemRepresentation: pem)
            return try await ClientAssertion(
                configuration: .init(account: instance.accountID, clientID: instance.consumerKey, certificateID: certificateID), key: key)
        } catch let error as NetSuiteAuthError {
            throw SuiteBridgeError(.invalidInput, error.message, remedy: error.remedy, field: error.field)
        }
    }

    /// A provider that exchanges with exactly this certificate: to prove a pending one before switching.
    func provingProvider(instance: Instance, certificate: InstanceRows.CertificateRow, certificateID: String) async throws -> AccessTokenProvider {
        let assertion = try await assertion(instance: instance, certificate: certificate, certificateID: certificateID)
        return AccessTokenProvider(assertion: assertion, transport: transport, configuration: .init(tokenURL: Self.tokenURL(instance)), now: now)
    }
}
