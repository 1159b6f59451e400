import Foundation
import NetSuiteAuth
import NetSuiteClient

/// The NetSuite client of each instance, made once per process and shared by every caller in it.
///
/// OAuth 1 instances open their secrets once, when the client is made. OAuth 2 instances read their active
/// certificate at each token exchange (so a rotation by this or another server reaches the client without
/// rebuilding it), but open and parse its private key once per certificate
/// (see `Connections+ClientCredentials.swift`).
public struct Connections: Sendable {
    let context: CoreContext

    init(context: CoreContext) {
        self.context = context
    }

    /// The client for an instance, shared by every caller in this process.
    /// - Throws: ``SuiteBridgeError`` `.notFound`, `.sealedSecret` (wrong master key), `.invalidInput` (stored
    ///   credentials no longer valid).
    ///
    /// The stored instance is read at each call: when it changed since the client was made (here or on another
    /// server sharing the store), a new client is made from it.
    public func client(for name: String) async throws -> NetSuiteClient {
        let row = try await context.store.read { try await InstanceRows.instance(named: name, in: $0) }
        let version = row.instance.id + "@" + StoreDate.string(row.instance.updatedAt)
        return try await context.connectionCache.client(name, version: version) {
            try await makeClient(row)
        }
    }

    /// The client for the instance whose id is `instanceID` (a flow's instance, which may have been renamed).
    /// - Throws: ``SuiteBridgeError`` `.notFound` when that instance was removed; as ``client(for:)``.
    public func client(forInstanceID instanceID: String?) async throws -> NetSuiteClient {
        var found: InstanceRows.Row?
        if let instanceID {
            found = try await context.store.read { try await InstanceRows.instance(id: instanceID, in: $0) }
        }
        guard let row = found else {
            throw SuiteBridgeError(.notFound, "The instance this flow was made for was removed.",
                                   remedy: "Delete the flow and create it again for an existing instance (`suitebridge flow create … --instance NAME`).",
                                   field: "instance")
        }
        let version = row.instance.id + "@" + StoreDate.string(row.instance.updatedAt)
        return try await context.connectionCache.client(row.instance.name, version: version) {
            try await makeClient(row)
        }
    }

    /// Drops this process's client for `name`: the next use makes a new one from the stored instance.
    func forget(_ name: String) async {
        await context.connectionCache.forget(name)
    }

    /// A client for the stored instance `row`; OAuth 2 instances use `provider` when given (a test's fresh one).
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
                consumerSecret: try context.secrets.open(sealedConsumer, for: .init(instanceID: instance.id, field: .consumerSecret)),
                tokenID: tokenID,
                tokenSecret: try context.secrets.open(sealedToken, for: .init(instanceID: instance.id, field: .tokenSecret)))
            authentication = .tokenBased(try SuiteBridgeError.converting { try TokenBasedAuth(account: instance.accountID, credentials: credentials) })
        case .clientCredentials:
            authentication = .clientCredentials(provider ?? activeCertificateProvider(instance))
        }
        var configuration = NetSuiteClientConfiguration(
            account: instance.accountID, authentication: authentication, baseURL: instance.baseURL,
            concurrencyLimit: instance.concurrencyLimit)
        configuration.metricsLabel = instance.name
        if context.store.kind == .postgres {
            // Several servers may share this store: they share the account's limit through it.
            configuration.sharedBudget = DatabaseConcurrencyBudget(
                store: context.store, account: instance.accountID.realm + "@" + configuration.baseURL, limit: instance.concurrencyLimit,
                holder: Self.processIdentity)
        }
        return await NetSuiteClient(configuration: configuration, transport: context.transport, logger: context.logger)
    }

    /// This process, as the holder of shared concurrency slots.
    static let processIdentity = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
}
