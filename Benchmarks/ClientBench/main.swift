// suitebridge-bench: the Swift side of Benchmarks/client/run.py. Prints one JSON line per run.
//   suitebridge-bench fetch PROFILE IDS_FILE CONCURRENCY_LIMIT   fetch every customer id in IDS_FILE
//   suitebridge-bench tokens PROFILE REQUESTS                    REQUESTS concurrent GETs from a cold client-credentials client
//   suitebridge-bench sign SECONDS                               TBA headers/s and client assertions/s on one core
//   suitebridge-bench page-latency PROFILE [N]                   N sequential SuiteQL pages: bare transport vs the pager (text)
import Foundation
import NetSuiteAuth
import NetSuiteClient

struct Profile: Decodable {
    struct Account: Decodable {
        var accountId: String
        var baseURL: String
        var tba: TBA
        var clientCredentials: ClientCredentials
    }
    struct TBA: Decodable { var consumerKey, consumerSecret, tokenId, tokenSecret: String }
    struct ClientCredentials: Decodable { var clientId, certificateId, privateKeyPEM: String }
    var accounts: [Account]

    static func load(_ path: String) throws -> Account {
        try JSONDecoder().decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: path))).accounts[0]
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func tbaClient(_ account: Profile.Account, limit: Int) async throws -> NetSuiteClient {
    let id = try AccountID(parsing: account.accountId)
    let tba = try TokenBasedAuth(account: id, credentials: .init(
        consumerKey: account.tba.consumerKey, consumerSecret: account.tba.consumerSecret, tokenID: account.tba.tokenId,
        tokenSecret: account.tba.tokenSecret))
    return await NetSuiteClient(configuration: .init(account: id, authentication: .tokenBased(tba), baseURL: account.baseURL, concurrencyLimit: limit))
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "fetch":
    let account = try Profile.load(arguments[2])
    let ids = try String(contentsOfFile: arguments[3], encoding: .utf8).split(separator: "\n").map(String.init)
    let client = try await tbaClient(account, limit: Int(arguments[4]) ?? 5)
    let start = ContinuousClock.now
    let failed = await withTaskGroup(of: Int.self) { group in
        for id in ids {
            group.addTask {
                do {
                    _ = try await client.records.getJSON("customer", id: id)
                    return 0
                } catch {
                    return 1
                }
            }
        }
        var total = 0
        for await value in group { total += value }
        return total
    }
    let stats = client.statistics.snapshot
    print("{\"requests\":\(ids.count),\"failed\":\(failed),\"retries\":\(stats.retries),\"throttled\":\(stats.throttled),\"seconds\":\(seconds(since: start))}")

case "tokens":
    let account = try Profile.load(arguments[2])
    let id = try AccountID(parsing: account.accountId)
    let key = try SigningKey(pemRepresentation: account.clientCredentials.privateKeyPEM)
    let assertion = try await ClientAssertion(
        configuration: .init(account: id, clientID: account.clientCredentials.clientId, certificateID: account.clientCredentials.certificateId), key: key)
    let provider = AccessTokenProvider(
        assertion: assertion, transport: HTTPClientTransport(), configuration: .init(tokenURL: account.baseURL + "/services/rest/auth/oauth2/v1/token"))
    let client = await NetSuiteClient(configuration: .init(
        account: id, authentication: .clientCredentials(provider), baseURL: account.baseURL, concurrencyLimit: 50))
    let requests = Int(arguments[3]) ?? 1000
    let start = ContinuousClock.now
    let failed = await withTaskGroup(of: Int.self) { group in
        for _ in 0..<requests {
            group.addTask { (try? await client.records.getJSON("subsidiary", id: "1")) == nil ? 1 : 0 }
        }
        var total = 0
        for await value in group { total += value }
        return total
    }
    print("{\"requests\":\(requests),\"failed\":\(failed),\"exchanges\":\(await provider.exchangeCount),\"seconds\":\(seconds(since: start))}")

case "sign":
    let duration = Double(arguments.count > 2 ? arguments[2] : "3") ?? 3
    let account = try AccountID(parsing: "1234567_SB1")
    let tba = try TokenBasedAuth(account: account, credentials: .init(
        consumerKey: String(repeating: "a", count: 64), consumerSecret: String(repeating: "b", count: 64),
        tokenID: String(repeating: "c", count: 64), tokenSecret: String(repeating: "d", count: 64)))
    let url = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=2000"
    var headers = 0
    var start = ContinuousClock.now
    while seconds(since: start) < duration {
        for _ in 0..<500 { _ = try tba.sign(method: "POST", url: url).headerValue }
        headers += 500
    }
    let tbaRate = Double(headers) / seconds(since: start)
    let key = try SigningKey.generate(.ec(.p256))
    let assertion = try await ClientAssertion(configuration: .init(account: account, clientID: "client", certificateID: "kid"), key: key)
    var assertions = 0
    start = ContinuousClock.now
    while seconds(since: start) < duration {
        for _ in 0..<50 { _ = try await assertion.make() }
        assertions += 50
    }
    let es256Rate = Double(assertions) / seconds(since: start)
    let rsa = try SigningKey.generate(.rsa(bits: 3072))
    let rsaAssertion = try await ClientAssertion(configuration: .init(account: account, clientID: "client", certificateID: "kid"), key: rsa)
    assertions = 0
    start = ContinuousClock.now
    while seconds(since: start) < duration {
        for _ in 0..<10 { _ = try await rsaAssertion.make() }
        assertions += 10
    }
    let ps256Rate = Double(assertions) / seconds(since: start)
    print("{\"tbaHeadersPerSecond\":\(tbaRate),\"es256AssertionsPerSecond\":\(es256Rate),\"ps256AssertionsPerSecond\":\(ps256Rate)}")

case "sign-tba":
    // A fixed number of TBA headers, for profiling (valgrind --tool=callgrind).
    let count = Int(arguments.count > 2 ? arguments[2] : "1000") ?? 1000
    let tba = try TokenBasedAuth(account: try AccountID(parsing: "1234567_SB1"), credentials: .init(
        consumerKey: String(repeating: "a", count: 64), consumerSecret: String(repeating: "b", count: 64),
        tokenID: String(repeating: "c", count: 64), tokenSecret: String(repeating: "d", count: 64)))
    var total = 0
    for _ in 0..<count {
        total += try tba.sign(method: "POST", url: "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=2000")
            .headerValue.utf8.count
    }
    print(total)

case "sign-parts":
    // Where a TBA header's time goes, for tuning.
    let count = 50_000
    let url = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=2000"
    let oauth = [("oauth_consumer_key", String(repeating: "a", count: 64)), ("oauth_token", String(repeating: "c", count: 64)),
                 ("oauth_signature_method", "HMAC-SHA256"), ("oauth_timestamp", "1764200000"), ("oauth_nonce", "abcdefghijklmnopqrstuvwxyz012345"),
                 ("oauth_version", "1.0")]
    var start = ContinuousClock.now
    var base = try SignatureBaseString(method: "POST", url: url, oauthParameters: oauth)
    for _ in 0..<count { base = try SignatureBaseString(method: "POST", url: url, oauthParameters: oauth) }
    print("base string µs", seconds(since: start) / Double(count) * 1e6)
    start = ContinuousClock.now
    var signature = ""
    for _ in 0..<count { signature = TokenBasedAuth.signature(of: base, consumerSecret: "b", tokenSecret: "d") }
    print("hmac+base64 µs", seconds(since: start) / Double(count) * 1e6)
    let header = AuthorizationHeader(realm: "1234567_SB1", parameters: (oauth + [("oauth_signature", signature)]).map { .init(name: $0.0, value: $0.1) })
    start = ContinuousClock.now
    var length = 0
    for _ in 0..<count { length += header.description.utf8.count }
    print("header text µs", seconds(since: start) / Double(count) * 1e6)

case "page-latency":
    // Where a SuiteQL page's time goes: N sequential 1,000-row pages through the bare transport, then through the pager.
    let account = try Profile.load(arguments[2])
    let count = Int(arguments.count > 3 ? arguments[3] : "20") ?? 20
    let id = try AccountID(parsing: account.accountId)
    let tba = try TokenBasedAuth(account: id, credentials: .init(
        consumerKey: account.tba.consumerKey, consumerSecret: account.tba.consumerSecret, tokenID: account.tba.tokenId,
        tokenSecret: account.tba.tokenSecret))
    let query = "SELECT uniquekey, transaction, item, quantity, netamount FROM transactionline ORDER BY uniquekey"
    let body = Array(try JSONSerialization.data(withJSONObject: ["q": query]))
    let transport = HTTPClientTransport()
    var times: [Double] = []
    for page in 0..<count {
        let url = "\(account.baseURL)/services/rest/query/v1/suiteql?limit=1000&offset=\(page * 1000)"
        let header = try tba.sign(method: "POST", url: url).headerValue
        let start = ContinuousClock.now
        let response = try await transport.send(NetSuiteHTTPRequest(method: "POST", url: url, headers: [
            ("Authorization", header), ("Content-Type", "application/json"), ("Prefer", "transient"), ("Accept", "application/json")], body: body),
            timeout: .seconds(30))
        times.append(seconds(since: start) * 1000)
        precondition(response.status == 200, "\(response.status)")
    }
    times.sort()
    print("transport: median \(times[times.count / 2]) ms, min \(times[0]) ms, max \(times[times.count - 1]) ms")
    let client = try await tbaClient(account, limit: 5)
    var last = ContinuousClock.now
    times = []
    for try await _ in client.suiteQL(query, parallelism: 1) {
        times.append(seconds(since: last) * 1000)
        last = ContinuousClock.now
        if times.count == count { break }
    }
    times.sort()
    print("pager, parallelism 1: median \(times[times.count / 2]) ms, min \(times[0]) ms, max \(times[times.count - 1]) ms")

default:
    FileHandle.standardError.write(Data("usage: suitebridge-bench fetch|tokens|sign …\n".utf8))
    exit(2)
}
