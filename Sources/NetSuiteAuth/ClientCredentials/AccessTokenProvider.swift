import Foundation

/// Gets access tokens for one client from NetSuite's token endpoint and caches them.
///
/// A token is reused until ``Configuration/refreshMargin`` before it expires. When several callers need a new
/// token at once, exactly one exchange runs and the others wait for it; if it fails, every waiter gets the error
/// and nothing is cached, so the next call tries again.
public actor AccessTokenProvider {
    /// How the provider behaves.
    public struct Configuration: Sendable {
        /// How long before expiry a token is replaced. Default 300 s (5 minutes).
        public var refreshMargin: TimeInterval
        /// The token endpoint URL; by default the account's ``AccountID/tokenURL``. Set it for a simulator or proxy.
        public var tokenURL: String?

        public init(refreshMargin: TimeInterval = 300, tokenURL: String? = nil) {
            self.refreshMargin = refreshMargin
            self.tokenURL = tokenURL
        }
    }

    private enum State {
        case empty
        case refreshing(generation: Int, Task<AccessToken, any Error>)
        case valid(AccessToken)
    }

    private let assertionSource: @Sendable () async throws -> ClientAssertion
    private let account: AccountID
    private let transport: any TokenEndpointTransport
    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private var state: State = .empty
    private var generation = 0

    /// How many exchanges with the token endpoint have been started.
    public private(set) var exchangeCount = 0

    /// - Parameters:
    ///   - assertion: makes the client assertion for each exchange.
    ///   - transport: sends the request.
    ///   - configuration: refresh margin and token URL.
    ///   - now: the clock; injectable for tests.
    public init(
        assertion: ClientAssertion,
        transport: any TokenEndpointTransport,
        configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.assertionSource = { assertion }
        self.account = assertion.configuration.account
        self.transport = transport
        self.configuration = configuration
        self.now = now
    }

    /// A provider that asks `assertionSource` for the assertion at each exchange, so the key and certificate id
    /// can change while the provider is in use (certificate rotation): the next exchange uses the new pair, and
    /// tokens already issued stay in use until they expire or NetSuite refuses them.
    /// - Parameters:
    ///   - account: the account, for the default token URL.
    ///   - assertionSource: the current assertion; its errors are thrown from ``accessToken()``.
    public init(
        account: AccountID,
        assertionSource: @escaping @Sendable () async throws -> ClientAssertion,
        transport: any TokenEndpointTransport,
        configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.assertionSource = assertionSource
        self.account = account
        self.transport = transport
        self.configuration = configuration
        self.now = now
    }

    /// The token endpoint URL requests go to.
    public nonisolated var tokenURL: String {
        configuration.tokenURL ?? account.tokenURL
    }

    /// Makes `token` the cached one, as if this provider had just exchanged it: for a caller that proved a new
    /// certificate with its own exchange and switches to it.
    public func adopt(_ token: AccessToken) {
        generation += 1
        state = .valid(token)
    }

    /// A valid access token: the cached one, or a new one from the token endpoint.
    /// - Throws: ``NetSuiteAuthError`` `tokenEndpointRefused` (with a remedy per OAuth error), `tokenEndpointResponse`,
    ///   or `transport` when the endpoint cannot be reached.
    public func accessToken() async throws -> AccessToken {
        switch state {
        case .valid(let token) where now() < token.expiresAt.addingTimeInterval(-configuration.refreshMargin):
            return token
        case .refreshing(_, let task):
            return try await task.value
        case .valid, .empty:
            generation += 1
            let current = generation
            exchangeCount += 1
            let task = Task { try await self.exchange() }
            state = .refreshing(generation: current, task)
            do {
                let token = try await task.value
                if case .refreshing(current, _) = state { state = .valid(token) }
                return token
            } catch {
                if case .refreshing(current, _) = state { state = .empty }
                throw error
            }
        }
    }

    /// Forgets `token` if it is the cached one, so the next call exchanges again: for a 401 `invalid_token`.
    public func invalidate(_ token: AccessToken) {
        if case .valid(let cached) = state, cached == token {
            state = .empty
        }
    }

    private func exchange() async throws -> AccessToken {
        let jwt = try await assertionSource().make(issuedAt: now())
        let body = [
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", jwt),
        ].map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        let response: TokenEndpointResponse
        do {
            response = try await transport.send(TokenEndpointRequest(url: tokenURL, body: body))
        } catch let error as NetSuiteAuthError {
            throw error
        } catch {
            throw NetSuiteAuthError(
                code: .transport,
                message: "The token endpoint \(tokenURL) could not be reached: \(error).",
                remedy: "Check the network and the account id (the token URL is built from it), then try again.",
                field: "token endpoint"
            )
        }
        return try response.accessToken(receivedAt: now())
    }
}
