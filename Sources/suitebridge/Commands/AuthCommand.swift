import ArgumentParser
import Foundation
import NetSuiteAuth

/// `suitebridge auth …`: the credentials of one request, for debugging and for scripts.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Build OAuth 1 Authorization headers and OAuth 2 client assertions.",
        subcommands: [TBAHeader.self, Assertion.self]
    )

    struct TBAHeader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tba-header",
            abstract: "Print the OAuth 1 (token-based auth) Authorization header value for one request.",
            discussion: "Secrets come from SUITEBRIDGE_CONSUMER_SECRET and SUITEBRIDGE_TOKEN_SECRET, or from --consumer-secret-file and --token-secret-file."
        )

        @Option(name: .customLong("account-id"), help: "The account id, in any form (1234567-SB1, 1234567_SB1, a URL).")
        var accountID: String
        @Option(name: .customLong("consumer-key"), help: "The integration record's consumer key.")
        var consumerKey: String
        @Option(name: .customLong("token-id"), help: "The access token's id.")
        var tokenID: String
        @Option(help: "The HTTP method.")
        var method: String
        @Option(help: "The exact URL that will be requested, with its query.")
        var url: String
        @Option(name: .customLong("form-body"), help: "A file with the application/x-www-form-urlencoded body (its parameters are signed).")
        var formBody: String?
        @Option(help: "Unix seconds; now by default.")
        var timestamp: Int?
        @Option(help: "6 to 64 letters and digits; random by default.")
        var nonce: String?
        @Option(name: .customLong("signature-method"), help: "HMAC-SHA256, the only method NetSuite accepts.")
        var signatureMethod: String = "HMAC-SHA256"
        @Option(name: .customLong("consumer-secret-file"), help: "A file holding the consumer secret.")
        var consumerSecretFile: String?
        @Option(name: .customLong("token-secret-file"), help: "A file holding the token secret.")
        var tokenSecretFile: String?

        func run() async throws {
            let method = try TokenBasedAuth.SignatureMethod(parsing: signatureMethod)
            let account = try AccountID(parsing: accountID)
            let credentials = TokenBasedAuth.Credentials(
                consumerKey: consumerKey,
                consumerSecret: try InputFiles.secret(
                    field: "consumer secret", file: consumerSecretFile, environment: "SUITEBRIDGE_CONSUMER_SECRET",
                    fileOption: "--consumer-secret-file"),
                tokenID: tokenID,
                tokenSecret: try InputFiles.secret(
                    field: "token secret", file: tokenSecretFile, environment: "SUITEBRIDGE_TOKEN_SECRET",
                    fileOption: "--token-secret-file")
            )
            let body = try formBody.map { try InputFiles.read($0, field: "form body").trimmingCharacters(in: .newlines) }
            let signer = try TokenBasedAuth(account: account, credentials: credentials, signatureMethod: method)
            let signed = try signer.sign(method: self.method, url: url, formBody: body, timestamp: timestamp, nonce: nonce)
            print(signed.headerValue)
        }
    }

    struct Assertion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assertion",
            abstract: "Print a signed client assertion (JWT) for NetSuite's OAuth 2 client credentials flow."
        )

        @Option(name: .customLong("account-id"), help: "The account id, in any form.")
        var accountID: String
        @Option(name: .customLong("client-id"), help: "The integration record's client id (consumer key): iss.")
        var clientID: String
        @Option(name: .customLong("certificate-id"), help: "The certificate id from NetSuite's M2M setup: kid.")
        var certificateID: String
        @Option(name: .customLong("private-key"), help: "The private key PEM file (auth-key.pem).")
        var privateKey: String
        @Option(help: "Scopes, comma-separated: restlets, rest_webservices, suite_analytics, mcp.")
        var scope: String = "restlets,rest_webservices"
        @Option(name: .customLong("issued-at"), help: "iat in Unix seconds; now by default.")
        var issuedAt: Int?
        @Option(help: "Seconds from iat to exp, 1 to 3599.")
        var lifetime: Int = 1800
        @Option(help: "PS256, PS384 or PS512 for RSA keys; ES256/ES384/ES512 follow the EC curve.")
        var alg: String?

        func run() async throws {
            let account = try AccountID(parsing: accountID)
            let key = try SigningKey(pemRepresentation: try InputFiles.read(privateKey, field: "private key"))
            let configuration = ClientAssertion.Configuration(
                account: account, clientID: clientID, certificateID: certificateID,
                scopes: try ClientAssertion.Scope.list(parsing: scope), lifetime: lifetime,
                algorithm: try alg.map(ClientAssertion.Algorithm.init(parsing:))
            )
            let assertion = try await ClientAssertion(configuration: configuration, key: key)
            let issued = issuedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
            print(try await assertion.make(issuedAt: issued))
        }
    }
}
