import ArgumentParser
import Foundation
import NetSuiteAuth
import SuiteBridgeCore

/// `suitebridge instance …`: the connector instances in the store.
struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Add, list, show, edit, test and remove connector instances (OAuth 1 TBA or OAuth 2 client credentials).",
        discussion: "Secrets come from environment variables (default names below) or files, never from flags.",
        subcommands: [Add.self, Import.self, List.self, Show.self, Edit.self, Test.self, Remove.self, Migrate.self]
    )

    /// The secret inputs, each from a file or an environment variable.
    struct SecretInputs: ParsableArguments {
        @Option(help: "File holding the consumer secret (else $NETSUITE_CONSUMER_SECRET).")
        var consumerSecretFile: String?
        @Option(help: "Environment variable holding the consumer secret.")
        var consumerSecretEnv = "NETSUITE_CONSUMER_SECRET"
        @Option(help: "File holding the token secret (else $NETSUITE_TOKEN_SECRET).")
        var tokenSecretFile: String?
        @Option(help: "Environment variable holding the token secret.")
        var tokenSecretEnv = "NETSUITE_TOKEN_SECRET"

        func consumerSecret(required: Bool) throws -> String? {
            try Self.secret("consumer secret", file: consumerSecretFile, variable: consumerSecretEnv, option: "--consumer-secret-file", required: required)
        }

        func tokenSecret(required: Bool) throws -> String? {
            try Self.secret("token secret", file: tokenSecretFile, variable: tokenSecretEnv, option: "--token-secret-file", required: required)
        }

        static func secret(_ field: String, file: String?, variable: String, option: String, required: Bool) throws -> String? {
            if !required, file == nil, (ProcessInfo.processInfo.environment[variable] ?? "").isEmpty { return nil }
            return try InputFiles.secret(field: field, file: file, environment: variable, fileOption: option)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a connector instance with the seed guides' fields for its auth method.")

        @Argument(help: "A name, e.g. acme-sandbox.") var name: String
        @Option(help: "tba (OAuth 1 token-based auth) or client-credentials (OAuth 2 machine to machine).") var auth: String
        @Option(help: "The account id in any form (1234567, 1234567-SB1, 1234567_sb1, or a NetSuite URL).") var accountId: String
        @Option(help: "OAuth 1: the integration record's consumer key.") var consumerKey: String?
        @Option(help: "OAuth 1: the access token's id.") var tokenId: String?
        @Option(help: "OAuth 2: the client id (the integration record's consumer key).") var clientId: String?
        @Option(help: "OAuth 2: the private key PEM file.") var privateKey: String?
        @Option(help: "OAuth 2: the certificate id from the M2M setup page.") var certificateId: String?
        @Option(help: "OAuth 2: the public certificate PEM file, to check the key and track expiry.") var certificate: String?
        @Option(help: "OAuth 2: the mapping's role internal id (for unattended rotation).") var roleId: String?
        @Option(help: "OAuth 2: the mapping's entity internal id (for unattended rotation).") var entityId: String?
        @Option(help: "Send requests here instead of NetSuite (a simulator or proxy), e.g. http://127.0.0.1:9090.") var baseUrl: String?
        @Option(help: "The account's concurrency limit.") var concurrencyLimit = 5
        @OptionGroup var secrets: SecretInputs
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let method = try AuthMethod(parsing: auth)
            let credentials: InstanceDraft.Credentials
            switch method {
            case .tokenBased:
                guard let consumerKey, let tokenId else {
                    throw CLIError.usage("\(consumerKey == nil ? "consumer key" : "token id"): not given.\n  fix: OAuth 1 needs --consumer-key and --token-id, and the two secrets from the environment or files.")
                }
                credentials = .tokenBased(consumerKey: consumerKey, consumerSecret: try secrets.consumerSecret(required: true) ?? "",
                                          tokenID: tokenId, tokenSecret: try secrets.tokenSecret(required: true) ?? "")
            case .clientCredentials:
                guard let clientId, let privateKey, let certificateId else {
                    let missing = clientId == nil ? "client id" : privateKey == nil ? "private key" : "certificate id"
                    throw CLIError.usage("\(missing): not given.\n  fix: OAuth 2 client credentials needs --client-id, --private-key FILE and --certificate-id.")
                }
                credentials = .clientCredentials(
                    clientID: clientId, privateKeyPEM: try InputFiles.read(privateKey, field: "private key"), certificateID: certificateId,
                    certificatePEM: try certificate.map { try InputFiles.read($0, field: "certificate") })
            }
            let workspace = try await store.open()
            let instance = try await workspace.context.instances.add(InstanceDraft(
                name: name, accountID: accountId, credentials: credentials, roleID: roleId, entityID: entityId, baseURL: baseUrl,
                concurrencyLimit: concurrencyLimit))
            print("added \(instance.name): \(instance.authMethod.displayName), account \(instance.accountID.realm) (realm \(instance.realm), host \(instance.accountID.hostLabel))")
            print("next: suitebridge instance test \(instance.name)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add instances from a credentials file: <account>-tba and <account>-oauth2.")
        @Option(help: "The file `suitebridge simulator --write-credentials` writes.") var credentials: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let text = try InputFiles.read(credentials, field: "credentials")
            let file = try CredentialsFile(data: Data(text.utf8), source: credentials)
            let workspace = try await store.open()
            for instance in try await workspace.context.instances.importCredentials(file) {
                print("added \(instance.name): \(instance.authMethod.displayName), account \(instance.accountID.realm)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the instances with their health and certificate expiry.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            var rows: [InstanceSummary] = []
            for instance in try await workspace.context.instances.list() { rows.append(try await workspace.context.instances.summary(of: instance)) }
            if json { return try Terminal.printJSON(rows) }
            if rows.isEmpty { return print("no instances; add one with `suitebridge instance add` or `instance import`") }
            print("NAME".column(24) + "AUTH".column(20)
                  + "ACCOUNT".column(16) + "HEALTH".column(11) + "CERTIFICATE")
            for row in rows {
                let certificate = row.auth == AuthMethod.clientCredentials.rawValue
                    ? row.activeCertificate.map { $0.daysLeft.map { "\($0) days left" } ?? "expiry unknown" } ?? "none active" : "-"
                print(row.name.column(24) + row.auth.column(20)
                      + row.accountId.column(16) + row.health.column(11) + certificate)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an instance: every field, secrets as \"set\" with fingerprints.")
        @Argument var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        /// The instance's summary and all its certificates.
        struct Shown: Encodable {
            var instance: InstanceSummary
            var certificates: [CertificateSummary]
        }

        func run() async throws {
            let workspace = try await store.open()
            let core = workspace.context
            let instance = try await core.instances.instance(named: name)
            let certificates = instance.authMethod == .clientCredentials ? try await core.certificates.list(of: name) : []
            let tba = instance.authMethod == .tokenBased
            let summary = try await core.instances.summary(of: instance)
            let shown = Shown(instance: summary, certificates: certificates.map(CertificateSummary.init))
            if json { return try Terminal.printJSON(shown) }
            var lines = [
                "name:              \(instance.name)",
                "auth:              \(instance.authMethod.displayName)",
                "account id:        \(instance.accountID.realm) (\(instance.accountID.kind))",
                "realm:             \(instance.realm)",
                "host:              \(instance.accountID.hostLabel)",
            ]
            if tba {
                lines += [
                    "signature method:  HMAC-SHA256",
                    "consumer key:      \(instance.consumerKey)",
                    "consumer secret:   \(summary.consumerSecret ?? "not set")",
                    "token id:          \(instance.tokenID ?? "not set")",
                    "token secret:      \(summary.tokenSecret ?? "not set")",
                ]
            } else {
                lines += [
                    "client id:         \(instance.consumerKey)",
                    "role id:           \(instance.roleID ?? "not set (needed for unattended rotation)")",
                    "entity id:         \(instance.entityID ?? "not set (needed for unattended rotation)")",
                ]
            }
            if let base = instance.baseURL { lines.append("base url:          \(base)") }
            lines += [
                "concurrency limit: \(instance.concurrencyLimit)",
                "health:            \(instance.health.rawValue)" + (instance.lastTestedAt.map { ", tested \($0.formatted(.iso8601))" } ?? ""),
            ]
            if let error = instance.lastError { lines.append("last error:        \(error)") }
            if let policy = summary.rotationPolicy {
                lines.append("rotation:          \(policy)" + (summary.nextRotation.map { ", next \($0.day)" } ?? ""))
            }
            for certificate in certificates {
                lines.append("certificate:       \(certificate.displayName) \(certificate.state.rawValue), \(certificate.keyType)"
                             + (certificate.notAfter.map { ", not after \($0.day), \(certificate.daysLeft() ?? 0) days left" } ?? ""))
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an instance: account id, consumer key or client id, or the credentials an admin reset in NetSuite.",
            discussion: "New secrets come from --consumer-secret-file/--token-secret-file or the environment variables named by --consumer-secret-env/--token-secret-env, only when set.")
        @Argument var name: String
        @Option(help: "A new account id, in any form.") var accountId: String?
        @Option(help: "A new consumer key (OAuth 1).") var consumerKey: String?
        @Option(help: "A new client id (OAuth 2).") var clientId: String?
        @Option(help: "A new token id (OAuth 1).") var tokenId: String?
        @Option(help: "The mapping's role internal id.") var roleId: String?
        @Option(help: "The mapping's entity internal id.") var entityId: String?
        @Option(help: "A base URL override; \"\" removes it.") var baseUrl: String?
        @Option(help: "The account's concurrency limit.") var concurrencyLimit: Int?
        @Option(help: "A new name.") var rename: String?
        @OptionGroup var secrets: SecretInputs
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let instance = try await workspace.context.instances.edit(name, .init(
                accountID: accountId, consumerKey: consumerKey ?? clientId, consumerSecret: try secrets.consumerSecret(required: false),
                tokenID: tokenId, tokenSecret: try secrets.tokenSecret(required: false), roleID: roleId, entityID: entityId, baseURL: baseUrl,
                concurrencyLimit: concurrencyLimit, newName: rename))
            print("updated \(instance.name): account \(instance.accountID.realm) (realm \(instance.realm), host \(instance.accountID.hostLabel))")
            print("next: suitebridge instance test \(instance.name)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Test an instance for real: a token exchange or signed call, then one cheap request.")
        @Argument var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        struct Output: Encodable {
            var instance: String
            var passed: Bool
            var steps: [[String: String]]
            var error: String?
            var fix: String?
        }

        func run() async throws {
            let workspace = try await store.open()
            let result = try await workspace.context.diagnostics.test(name)
            if json {
                try Terminal.printJSON(Output(instance: name, passed: result.passed,
                                              steps: result.steps.map { ["name": $0.name, "passed": "\($0.passed)", "detail": $0.detail] },
                                              error: result.failure?.message, fix: result.failure?.remedy))
            } else {
                for step in result.steps { print("\(step.passed ? "pass" : "FAIL")  \(step.name): \(step.detail)") }
            }
            if let failure = result.failure {
                if !json { Terminal.printError(failure) }
                throw ExitCode(1)
            }
            if !json { print("\(name) is healthy") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an instance and its stored certificates (nothing is revoked in NetSuite).")
        @Argument var name: String
        @Flag(help: "Also delete the flows that use it, and their runs (without it, an instance with flows is not removed).") var force = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            try await workspace.context.instances.remove(name, force: force)
            print("removed \(name)")
        }
    }
}
