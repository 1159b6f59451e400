import Foundation
import NetSuiteAuth
import Testing

@Suite("OAuth 1 token-based auth")
struct TokenBasedAuthTests {
    static let credentials = TokenBasedAuth.Credentials(
        consumerKey: "ck-ABC123", consumerSecret: "cs&secret/with=reserved", tokenID: "tok~id.1",
        tokenSecret: "ts secret ünïcode")

    @Test("RFC 5849 §3.4.1 example base string")
    func rfcExample() throws {
        let base = try SignatureBaseString(
            method: "POST",
            url: "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            oauthParameters: [
                ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
                ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"), ("oauth_nonce", "7d8f3e4a"),
            ],
            formBody: "c2&a3=2+q"
        )
        #expect(
            base.value
                == "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        )
    }

    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name, method, url, realm: String
        var body: String?
        var consumer_key, consumer_secret, token_id, token_secret: String
        var timestamp: Int
        var nonce, baseString, signature: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        let data = (try? Data(contentsOf: Fixture.url("oauth1/oauthlib-vectors.json"))) ?? Data()
        return (try? JSONDecoder().decode([Vector].self, from: data)) ?? []
    }()

    @Test("the oauthlib vectors were loaded")
    func vectorsLoaded() {
        #expect(Self.vectors.count == 6)
    }

    @Test("base string and signature equal oauthlib's (independent implementation)", arguments: vectors)
    func matchesOAuthlib(_ vector: Vector) throws {
        let tba = try TokenBasedAuth(
            account: try AccountID(parsing: vector.realm),
            credentials: .init(
                consumerKey: vector.consumer_key, consumerSecret: vector.consumer_secret, tokenID: vector.token_id,
                tokenSecret: vector.token_secret))
        let signed = try tba.sign(
            method: vector.method, url: vector.url, formBody: vector.body, timestamp: vector.timestamp,
            nonce: vector.nonce)
        #expect(signed.baseString.value == vector.baseString)
        #expect(signed.signature == vector.signature.removingPercentEncoding)
        #expect(signed.authorization.realm == vector.realm)
        #expect(signed.headerValue == signed.authorization.description, "the header sent is the structured header's text")
        #expect(try AuthorizationHeader(parsing: signed.headerValue) == signed.authorization)
    }

    @Test("header: realm first, then NetSuite's parameter order, values percent-encoded")
    func headerLayout() throws {
        let tba = try TokenBasedAuth(account: try AccountID(parsing: "1234567-sb1"), credentials: Self.credentials)
        let signed = try tba.sign(
            method: "GET", url: "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/1",
            timestamp: 1_764_200_000, nonce: "abcDEF123")
        let header = signed.authorization.description
        let encodedSignature = signed.signature.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(
            header
                == "OAuth realm=\"1234567_SB1\", oauth_consumer_key=\"ck-ABC123\", oauth_token=\"tok~id.1\", oauth_signature_method=\"HMAC-SHA256\", oauth_timestamp=\"1764200000\", oauth_nonce=\"abcDEF123\", oauth_version=\"1.0\", oauth_signature=\"\(encodedSignature)\""
        )
        #expect(signed.headerValue == header)
        #expect(!signed.baseString.value.contains("realm"), "the realm is not signed")
    }

    @Test("a parsed header gives back every parameter, and re-signing verifies")
    func parseRoundTrip() throws {
        let tba = try TokenBasedAuth(account: try AccountID(parsing: "TSTDRV1431250"), credentials: Self.credentials)
        let url = "https://tstdrv1431250.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=12&deploy=1"
        let signed = try tba.sign(method: "POST", url: url)
        let parsed = try AuthorizationHeader(parsing: signed.authorization.description)
        #expect(parsed == signed.authorization)
        let oauth = parsed.parameters.filter { $0.name != "oauth_signature" }.map { ($0.name, $0.value) }
        let base = try SignatureBaseString(method: "POST", url: url, oauthParameters: oauth)
        #expect(
            TokenBasedAuth.signature(
                of: base, consumerSecret: Self.credentials.consumerSecret, tokenSecret: Self.credentials.tokenSecret)
                == parsed["oauth_signature"])
        #expect(throws: NetSuiteAuthError.self) { try AuthorizationHeader(parsing: "Bearer abc") }
    }

    @Test("scheme and host lower-cased, default ports dropped, other ports kept, fragment ignored")
    func urlNormalization() throws {
        let parameters = [("oauth_nonce", "abcdef")]
        func base(_ url: String) throws -> String {
            try SignatureBaseString(method: "get", url: url, oauthParameters: parameters).value
        }
        #expect(try base("HTTPS://Example.COM:443/a/B?x=1#frag") == base("https://example.com/a/B?x=1"))
        #expect(try base("http://example.com:80/a") == base("http://example.com/a"))
        #expect(try base("http://127.0.0.1:8081/a").hasPrefix("GET&http%3A%2F%2F127.0.0.1%3A8081%2Fa&"))
        #expect(try base("https://example.com").hasPrefix("GET&https%3A%2F%2Fexample.com%2F&"))
    }

    @Test("a JSON body is not signed; a form body is")
    func bodies() throws {
        let tba = try TokenBasedAuth(account: try AccountID(parsing: "1234567"), credentials: Self.credentials)
        let url = "https://1234567.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql"
        let plain = try tba.sign(method: "POST", url: url, timestamp: 1, nonce: "nonce1")
        let form = try tba.sign(method: "POST", url: url, formBody: "q=SELECT+1", timestamp: 1, nonce: "nonce1")
        #expect(plain.signature != form.signature)
        #expect(form.baseString.value.contains("q%3DSELECT%25201"))
    }

    @Test("+ in a query is a space, %2B is a plus; repeated keys sort by value")
    func plusAndRepeats() throws {
        let base = try SignatureBaseString(
            method: "GET", url: "https://h.example/p?a=x+y&a=x%2By&a=x%20y&b=%E2%82%AC", oauthParameters: [])
        #expect(base.value == "GET&https%3A%2F%2Fh.example%2Fp&a%3Dx%2520y%26a%3Dx%2520y%26a%3Dx%252By%26b%3D%25E2%2582%25AC")
    }

    @Test("HMAC-SHA1 is refused with the 2023.1 reason")
    func sha1Refused() throws {
        let error = try #require(throws: NetSuiteAuthError.self) {
            try TokenBasedAuth.SignatureMethod(parsing: "HMAC-SHA1")
        }
        #expect(error.code == .unsupportedSignatureMethod)
        #expect(error.message.contains("2023.1"))
        #expect(try TokenBasedAuth.SignatureMethod(parsing: "sha256") == .hmacSHA256)
    }

    @Test("random nonces are 32 letters and digits and differ; bad nonces are refused")
    func nonces() async throws {
        let tba = try TokenBasedAuth(account: try AccountID(parsing: "1234567"), credentials: Self.credentials)
        let url = "https://1234567.suitetalk.api.netsuite.com/services/rest/record/v1/customer"
        // Enough nonces to draw the random pool many times over, from several threads at once.
        let nonces = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { try (0..<1_000).map { _ in try #require(try tba.sign(method: "GET", url: url).authorization["oauth_nonce"]) } }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        for nonce in nonces {
            #expect(nonce.count == 32 && nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
        #expect(Set(nonces).count == 4_000)
        // Every character of the alphabet appears, about equally often (62 letters and digits, 128,000 draws).
        var counts: [Character: Int] = [:]
        for character in nonces.joined() { counts[character, default: 0] += 1 }
        #expect(counts.count == 62)
        #expect(counts.values.allSatisfy { (1_600...2_550).contains($0) }, "\(counts.values.min() ?? 0)...\(counts.values.max() ?? 0)")
        for bad in ["abc", String(repeating: "a", count: 65), "abc-def", "abc def"] {
            #expect(throws: NetSuiteAuthError.self) { try tba.sign(method: "GET", url: url, nonce: bad) }
        }
    }

    @Test("empty or padded credentials are refused, naming the field; secrets never in descriptions")
    func credentialValidation() throws {
        let account = try AccountID(parsing: "1234567")
        var credentials = Self.credentials
        credentials.tokenSecret = ""
        let empty = try #require(throws: NetSuiteAuthError.self) {
            try TokenBasedAuth(account: account, credentials: credentials)
        }
        #expect(empty.field == "token secret")
        credentials.tokenSecret = "x"
        credentials.consumerKey = "abc\n"
        let padded = try #require(throws: NetSuiteAuthError.self) {
            try TokenBasedAuth(account: account, credentials: credentials)
        }
        #expect(padded.field == "consumer key")
        #expect(!Self.credentials.description.contains(Self.credentials.consumerSecret))
        #expect(!Self.credentials.description.contains(Self.credentials.tokenSecret))
    }

    @Test("a URL that is not absolute http(s) is refused")
    func badURL() throws {
        let tba = try TokenBasedAuth(account: try AccountID(parsing: "1234567"), credentials: Self.credentials)
        for url in ["/services/rest/record/v1/customer", "ftp://example.com/x", "not a url"] {
            let error = try #require(throws: NetSuiteAuthError.self) { try tba.sign(method: "GET", url: url) }
            #expect(error.code == .invalidRequest)
        }
    }
}
