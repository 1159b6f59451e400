import NetSuiteAuth
import NetSuiteClient

/// What this process made for its instances and shares among every user of them: one client per instance (so all
/// share its token and concurrency budget, and a certificate switch reaches all of them), and the prepared
/// assertion of each certificate (so a private key is opened and parsed once, not at every token exchange).
actor ConnectionCache {
    private var clients: [String: NetSuiteClient] = [:]
    private var assertions: [AssertionKey: ClientAssertion] = [:]

    /// What makes an assertion: a certificate row under one NetSuite id, for one client of one account.
    struct AssertionKey: Hashable, Sendable {
        var certificateRowID: String
        var certificateID: String
        var clientID: String
        var account: String
    }

    func client(_ name: String, make: () async throws -> NetSuiteClient) async rethrows -> NetSuiteClient {
        if let client = clients[name] { return client }
        let client = try await make()
        clients[name] = client
        return client
    }

    /// The client made for `name`, if any.
    func existingClient(_ name: String) -> NetSuiteClient? {
        clients[name]
    }

    func forget(_ name: String) {
        clients[name] = nil
    }

    func assertion(_ key: AssertionKey, make: () async throws -> ClientAssertion) async rethrows -> ClientAssertion {
        if let assertion = assertions[key] { return assertion }
        let assertion = try await make()
        assertions[key] = assertion
        return assertion
    }
}
