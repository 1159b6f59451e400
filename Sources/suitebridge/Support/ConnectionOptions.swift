import ArgumentParser
import Foundation
import SuiteBridgeCore
import NetSuiteAuth
import NetSuiteClient

/// `--profile FILE [--account ID] [--auth tba|client-credentials] [--concurrency-limit N]`: which account and
/// credentials a client command uses.
struct ConnectionOptions: ParsableArguments {
    enum AuthChoice: String, ExpressibleByArgument, CaseIterable {
        case tba
        case clientCredentials = "client-credentials"
    }

    @Option(help: "A stored connector instance to use (see `suitebridge instance list`).")
    var instance: String?
    @Option(help: "The store: postgres://… or a SQLite path (default $SUITEBRIDGE_DATABASE_URL, else $SUITEBRIDGE_HOME/suitebridge.sqlite).")
    var database: String?
    @Option(help: "A credentials file (the one `suitebridge simulator --write-credentials` writes), instead of --instance.")
    var profile: String?
    @Option(help: "The account in the file to use, when it has several.")
    var account: String?
    @Option(help: "tba or client-credentials; client credentials when the account has them.")
    var auth: AuthChoice?
    @Option(name: .customLong("concurrency-limit"), help: "The account's concurrency limit (its service tier's).")
    var concurrencyLimit = 5

    /// A client for the chosen account.
    func makeClient() async throws -> NetSuiteClient {
        if let instance {
            // The workspace stays open for the command's life: OAuth 2 token exchanges read the active certificate.
            let workspace = try await WorkspaceOptions.open(database: database)
            OpenWorkspaces.using(instance, of: workspace)
            return try await workspace.context.connections.client(for: instance)
        }
        guard let profile else {
            throw CLIError.usage("instance: not given.\n  fix: pass --instance NAME (a stored connector instance) or --profile FILE (a credentials file).")
        }
        let text = try InputFiles.read(profile, field: "profile")
        let file = try CredentialsFile(data: Data(text.utf8), source: profile)
        if account == nil, file.accounts.count != 1 {
            throw CLIError.usage("account: \(profile) has \(file.accounts.count) accounts.\n  fix: pass --account with one of \(file.accounts.map(\.accountId).joined(separator: ", ")).")
        }
        let chosen = try file.account(account, source: profile)
        let accountID = try AccountID(parsing: chosen.accountId)
        let authentication: NetSuiteClientConfiguration.Authentication
        let choice = auth ?? (chosen.clientCredentials != nil ? .clientCredentials : .tba)
        switch choice {
        case .tba:
            guard let tba = chosen.tba else { throw CLIError(message: "auth: \(chosen.accountId) has no TBA credentials in \(profile).\n  fix: use --auth client-credentials.") }
            authentication = .tokenBased(try TokenBasedAuth(account: accountID, credentials: .init(
                consumerKey: tba.consumerKey, consumerSecret: tba.consumerSecret, tokenID: tba.tokenId, tokenSecret: tba.tokenSecret)))
        case .clientCredentials:
            guard let cc = chosen.clientCredentials else { throw CLIError(message: "auth: \(chosen.accountId) has no client credentials in \(profile).\n  fix: use --auth tba.") }
            let key = try SigningKey(pemRepresentation: cc.privateKeyPEM)
            let assertion = try await ClientAssertion(configuration: .init(
                account: accountID, clientID: cc.clientId, certificateID: cc.certificateId,
                audience: chosen.baseURL.map { accountID.tokenURL(origin: $0) }), key: key)
            let tokenURL = accountID.tokenURL(origin: chosen.baseURL)
            authentication = .clientCredentials(AccessTokenProvider(
                assertion: assertion, transport: HTTPClientTransport(), configuration: .init(tokenURL: tokenURL)))
        }
        let configuration = NetSuiteClientConfiguration(
            account: accountID, authentication: authentication, baseURL: chosen.baseURL, concurrencyLimit: concurrencyLimit)
        return await NetSuiteClient(configuration: configuration, logger: Terminal.quietLogger)
    }
}

/// Output formats of the client commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, jsonl, csv

    /// `table` on a terminal, JSON otherwise.
    static var automatic: OutputFormat { isatty(STDOUT_FILENO) != 0 ? .table : .json }
}

/// Reads `--data FILE|-`.
enum DataInput {
    static func read(_ source: String) throws -> Data {
        let data: Data
        if source == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = Data(try InputFiles.read(source, field: "data").utf8)
        }
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw CLIError(message: "data: \(source == "-" ? "standard input" : source) is not JSON.\n  fix: give the record body as a JSON object.")
        }
        return data
    }
}
