import Foundation
import Metrics
import NetSuiteAuth
import NetSuiteClient

extension Connections {
    /// A token provider that signs with the instance's active certificate as stored at each exchange, and counts
    /// exchanges (`suitebridge_token_exchanges_total`).
    func activeCertificateProvider(_ instance: Instance) -> AccessTokenProvider {
        AccessTokenProvider(
            account: instance.accountID,
            assertionSource: { [self, name = instance.name, instanceID = instance.id] in
                Counter(label: "suitebridge_token_exchanges_total", dimensions: [("instance", name)]).increment()
                return try await self.currentAssertion(instanceID: instanceID)
            },
            transport: context.transport,
            configuration: .init(tokenURL: instance.accountID.tokenURL(origin: instance.baseURL)),
            now: context.now)
    }

    /// The assertion of the instance's active certificate, as stored now.
    /// - Throws: ``SuiteBridgeError`` `.notFound` when the instance was removed, `.conflict` without an active
    ///   certificate.
    func currentAssertion(instanceID: String) async throws -> ClientAssertion {
        let (instance, certificate) = try await context.store.read { database -> (Instance, CertificateRows.Row?) in
            guard let row = try await InstanceRows.instance(id: instanceID, in: database) else {
                throw SuiteBridgeError(.notFound, "The instance was removed.", remedy: "Add it again.", field: "instance")
            }
            let active = try await CertificateRows.of(instanceID: instanceID, in: database).first { $0.certificate.state == .active }
            return (row.instance, active)
        }
        guard let certificate, let certificateID = certificate.certificate.certificateID else {
            throw SuiteBridgeError(.conflict, "\(instance.name) has no active certificate.",
                                   remedy: "Activate one: `suitebridge cert activate --instance \(instance.name) --certificate-id ID`, or `suitebridge cert rotate --instance \(instance.name)` for a new pair.",
                                   field: "certificate id")
        }
        return try await assertion(instance: instance, certificate: certificate, certificateID: certificateID)
    }

    /// The assertion for `certificate` under `certificateID`: its private key opened and parsed once per process.
    func assertion(instance: Instance, certificate: CertificateRows.Row, certificateID: String) async throws -> ClientAssertion {
        let key = ConnectionCache.AssertionKey(certificateRowID: certificate.certificate.id, certificateID: certificateID,
                                               clientID: instance.consumerKey, account: instance.accountID.realm)
        return try await context.connectionCache.assertion(key) {
            let pem = try context.secrets.open(certificate.sealedPrivateKey,
                                               for: .init(instanceID: instance.id, certificateID: certificate.certificate.id, field: .privateKey))
            return try await SuiteBridgeError.converting {
                // Bound to the token URL actually called: an assertion sent to a simulator or proxy is useless at NetSuite.
                try await ClientAssertion(
                    configuration: .init(account: instance.accountID, clientID: instance.consumerKey, certificateID: certificateID,
                                         audience: instance.baseURL.map { instance.accountID.tokenURL(origin: $0) }),
                    key: try SigningKey(pemRepresentation: pem))
            }
        }
    }

    /// A provider that exchanges with exactly this certificate: to prove a pending one before switching.
    func provingProvider(instance: Instance, certificate: CertificateRows.Row, certificateID: String) async throws -> AccessTokenProvider {
        let assertion = try await assertion(instance: instance, certificate: certificate, certificateID: certificateID)
        return AccessTokenProvider(assertion: assertion, transport: context.transport,
                                   configuration: .init(tokenURL: instance.accountID.tokenURL(origin: instance.baseURL)), now: context.now)
    }

    /// Requests of this process's client for the instance that NetSuite has not answered yet (the concurrency slots
    /// it holds); 0 when no client was made.
    public func inFlight(_ name: String) async -> Int {
        await context.connectionCache.existingClient(name)?.statistics.snapshot.inFlight ?? 0
    }

    /// Hands a proved token to this process's client for the instance, so its users switch at once.
    func adopt(_ token: AccessToken, instance name: String) async {
        guard let client = await context.connectionCache.existingClient(name) else { return }
        if case .clientCredentials(let provider) = client.configuration.authentication {
            await provider.adopt(token)
        }
    }
}
