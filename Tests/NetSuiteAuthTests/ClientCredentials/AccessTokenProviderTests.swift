import Foundation
import NetSuiteAuth
import NIOConcurrencyHelpers
import Testing

/// A token endpoint in memory: counts requests, answers from a script, optionally after a pause.
final class ScriptedTokenEndpoint: TokenEndpointTransport {
    struct State {
        var requests: [TokenEndpointRequest] = []
        var answers: [Result<TokenEndpointResponse, any Error>] = []
        var counter = 0
    }
    let state = NIOLockedValueBox(State())
    let delay: Duration

    init(delay: Duration = .zero) {
        self.delay = delay
    }

    func enqueue(_ answer: Result<TokenEndpointResponse, any Error>) {
        state.withLockedValue { $0.answers.append(answer) }
    }

    var requestCount: Int { state.withLockedValue { $0.requests.count } }
    var requests: [TokenEndpointRequest] { state.withLockedValue { $0.requests } }

    func send(_ request: TokenEndpointRequest) async throws -> TokenEndpointResponse {
        let answer = state.withLockedValue { state -> Result<TokenEndpointResponse, any Error> in
            state.requests.append(request)
            state.counter += 1
            if state.answers.isEmpty {
                return .success(Self.token("token-\(state.counter)", expiresIn: "3600"))
            }
            return state.answers.removeFirst()
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        return try answer.get()
    }

    static func token(_ value: String, expiresIn: String) -> TokenEndpointResponse {
        TokenEndpointResponse(
            status: 200,
            body: Array(#"{"access_token":"\#(value)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#.utf8))
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: NIOLockedValueBox<Date>
    init(_ start: Date) { current = NIOLockedValueBox(start) }
    var now: Date { current.withLockedValue { $0 } }
    func advance(by seconds: TimeInterval) { current.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("Access token provider")
struct AccessTokenProviderTests {
    static func makeProvider(
        endpoint: ScriptedTokenEndpoint, clock: ManualClock
    ) async throws -> AccessTokenProvider {
        let account = try AccountID(parsing: "1234567_SB1")
        let key = try SigningKey(pemRepresentation: try Fixture.text("openssl/ec-p256-key.pem"))
        let assertion = try await ClientAssertion(
            configuration: .init(account: account, clientID: "client-1", certificateID: "cert-1"), key: key)
        return AccessTokenProvider(assertion: assertion, transport: endpoint, now: { clock.now })
    }

    @Test("the request is NetSuite's client-credentials form, to the account's token URL")
    func requestShape() async throws {
        let endpoint = ScriptedTokenEndpoint()
        let clock = ManualClock(Date())
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: clock)
        _ = try await provider.accessToken()
        let request = try #require(endpoint.requests.first)
        #expect(request.url == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")
        #expect(request.contentType == "application/x-www-form-urlencoded")
        let fields = Dictionary(
            uniqueKeysWithValues: request.body.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding! }
                return (parts[0], parts[1])
            })
        #expect(fields["grant_type"] == "client_credentials")
        #expect(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        #expect(try ClientAssertion.header(of: try #require(fields["client_assertion"])).kid == "cert-1")
    }

    @Test("a token is cached, and replaced 5 minutes before it expires")
    func caching() async throws {
        let endpoint = ScriptedTokenEndpoint()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: clock)
        let first = try await provider.accessToken()
        #expect(first.value == "token-1")
        #expect(first.expiresAt == clock.now.addingTimeInterval(3600))
        clock.advance(by: 3600 - 301)
        #expect(try await provider.accessToken().value == "token-1")
        #expect(endpoint.requestCount == 1)
        clock.advance(by: 2)  // now inside the 5-minute margin
        #expect(try await provider.accessToken().value == "token-2")
        #expect(endpoint.requestCount == 2)
    }

    @Test("100 concurrent callers cause exactly one exchange and all get its token")
    func singleFlight() async throws {
        let endpoint = ScriptedTokenEndpoint(delay: .milliseconds(50))
        let clock = ManualClock(Date())
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: clock)
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 { group.addTask { try await provider.accessToken().value } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(values.count == 100)
        #expect(Set(values) == ["token-1"])
        #expect(endpoint.requestCount == 1)
        #expect(await provider.exchangeCount == 1)
    }

    @Test("a failure reaches every waiter and is not cached")
    func failureNotCached() async throws {
        let endpoint = ScriptedTokenEndpoint(delay: .milliseconds(50))
        endpoint.enqueue(.success(TokenEndpointResponse(status: 400, body: Array(#"{"error":"invalid_grant"}"#.utf8))))
        let clock = ManualClock(Date())
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: clock)
        let outcomes = await withTaskGroup(of: Result<String, NetSuiteAuthError>.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do { return .success(try await provider.accessToken().value) } catch let error as NetSuiteAuthError {
                        return .failure(error)
                    } catch { return .failure(NetSuiteAuthError(code: .transport, message: "", remedy: "")) }
                }
            }
            return await group.reduce(into: [Result<String, NetSuiteAuthError>]()) { $0.append($1) }
        }
        #expect(endpoint.requestCount == 1)
        for outcome in outcomes {
            guard case .failure(let error) = outcome else {
                Issue.record("a waiter got a token from a failed exchange")
                continue
            }
            #expect(error.code == .tokenEndpointRefused)
            #expect(error.message.contains("invalid_grant"))
            #expect(error.remedy.contains("revoked"))
        }
        #expect(try await provider.accessToken().value == "token-2")
        #expect(endpoint.requestCount == 2)
    }

    @Test("expires_in as a number or a numeric string")
    func expiresInForms() async throws {
        for (form, seconds) in [("3600", 3600.0), ("\"1800\"", 1800.0), ("900", 900.0)] {
            let endpoint = ScriptedTokenEndpoint()
            endpoint.enqueue(.success(ScriptedTokenEndpoint.token("t", expiresIn: form)))
            let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            let provider = try await Self.makeProvider(endpoint: endpoint, clock: clock)
            let token = try await provider.accessToken()
            #expect(token.expiresAt.timeIntervalSince(clock.now) == seconds)
        }
        let endpoint = ScriptedTokenEndpoint()
        endpoint.enqueue(.success(ScriptedTokenEndpoint.token("t", expiresIn: "\"soon\"")))
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: ManualClock(Date()))
        let error = try await #require(throws: NetSuiteAuthError.self) { try await provider.accessToken() }
        #expect(error.code == .tokenEndpointResponse)
    }

    @Test(
        "each OAuth error gets a remedy",
        arguments: [
            (400, "invalid_grant", "certificate"), (401, "invalid_client", "Client Credentials"),
            (400, "invalid_scope", "scope"), (400, "invalid_request", "token request"),
        ])
    func refusals(status: Int, code: String, remedyWord: String) async throws {
        let endpoint = ScriptedTokenEndpoint()
        endpoint.enqueue(.success(TokenEndpointResponse(status: status, body: Array(#"{"error":"\#(code)"}"#.utf8))))
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: ManualClock(Date()))
        let error = try await #require(throws: NetSuiteAuthError.self) { try await provider.accessToken() }
        #expect(error.code == .tokenEndpointRefused)
        #expect(error.message.contains(code))
        #expect(error.remedy.contains(remedyWord), "\(error.remedy)")
    }

    @Test("a dropped connection and a non-OAuth answer become clear errors")
    func transportAndGarbage() async throws {
        struct Dropped: Error {}
        let endpoint = ScriptedTokenEndpoint()
        endpoint.enqueue(.failure(Dropped()))
        endpoint.enqueue(.success(TokenEndpointResponse(status: 502, body: Array("<html>Bad gateway</html>".utf8))))
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: ManualClock(Date()))
        let dropped = try await #require(throws: NetSuiteAuthError.self) { try await provider.accessToken() }
        #expect(dropped.code == .transport)
        let garbage = try await #require(throws: NetSuiteAuthError.self) { try await provider.accessToken() }
        #expect(garbage.code == .tokenEndpointResponse)
        #expect(garbage.message.contains("502"))
    }

    @Test("invalidate drops the cached token so the next call exchanges again; descriptions hide the token")
    func invalidate() async throws {
        let endpoint = ScriptedTokenEndpoint()
        let provider = try await Self.makeProvider(endpoint: endpoint, clock: ManualClock(Date()))
        let first = try await provider.accessToken()
        await provider.invalidate(AccessToken(value: "other", issuedAt: Date(), expiresAt: Date()))
        #expect(try await provider.accessToken() == first)
        await provider.invalidate(first)
        #expect(try await provider.accessToken().value == "token-2")
        #expect(!first.description.contains(first.value))
    }
}
