import ArgumentParser
import NetSuiteAuth

/// `suitebridge account ACCOUNT_OR_URL [--json]`: every form of an account id.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Show every form NetSuite wants of an account id (host label, OAuth 1 realm, URLs).",
        discussion: "Accepts 1234567, 1234567_SB1, 1234567-sb1, 1234567_RP, TSTDRV1431250, or a NetSuite URL."
    )

    @Argument(help: "The account id as you have it, or the URL you see after logging in to NetSuite.")
    var accountOrURL: String

    @Flag(help: "Print JSON (keys input, hostLabel, realm, kind, restBaseURL, restletBaseURL, tokenURL).")
    var json = false

    struct Output: Encodable {
        var input, hostLabel, realm, kind, restBaseURL, restletBaseURL, tokenURL: String
    }

    func run() async throws {
        let account = try AccountID(parsing: accountOrURL)
        let output = Output(
            input: accountOrURL, hostLabel: account.hostLabel, realm: account.realm, kind: account.kind.description,
            restBaseURL: account.restBaseURL, restletBaseURL: account.restletBaseURL, tokenURL: account.tokenURL
        )
        if json {
            try Terminal.printJSON(output)
            return
        }
        print("""
            account id      \(account.realm)
            kind            \(account.kind)
            host label      \(account.hostLabel)
            OAuth 1 realm   \(account.realm)
            REST base URL   \(account.restBaseURL)
            RESTlet URL     \(account.restletBaseURL)
            token URL       \(account.tokenURL)
            """)
    }
}
