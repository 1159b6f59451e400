import ArgumentParser
import Foundation
import NetSuiteAuth
import SuiteBridgeCore

extension InstanceCommand {
    /// `suitebridge instance migrate NAME …`: a TBA instance to OAuth 2 client credentials, with a safety net.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a TBA instance to OAuth 2 client credentials (NetSuite 2027.1 creates no new TBA integrations).",
            discussion: """
                1. `instance migrate NAME [--client-id C] [--key K] [--out DIR]` makes a linked OAuth 2 instance and a certificate \
                (DIR/auth-cert.pem) and prints NetSuite's steps.
                2. `instance migrate NAME --certificate-id ID [--keep-days 14]` proves it with a token exchange, reads the same \
                things through both instances, and only when they agree moves every flow to the new one.
                3. `instance migrate NAME --rollback` moves them back while NAME is the standby; after --keep-days it is retired.
                `--status` shows where it stands.
                """)
        @Argument(help: "The TBA instance.") var name: String
        @Option(help: "Step 1: the integration record's client id (default: the TBA consumer key, the same value on the same record).")
        var clientId: String?
        @Option(help: "Step 1: key type, rsa-4096 (default), rsa-3072, ec-p256, ec-p384 or ec-p521.") var key: CertCommand.KeyChoice?
        @Option(help: "Step 1: folder to write auth-cert.pem to.") var out = "."
        @Option(help: "Step 1: the new instance's name (default NAME-oauth2).") var newName: String?
        @Option(help: "Step 2: the certificate id NetSuite gave the uploaded certificate.") var certificateId: String?
        @Option(help: "Step 2: days the TBA instance stays the standby for --rollback, 1 to 365.") var keepDays = InstanceMigrations.defaultKeepDays
        @Flag(help: "Move the flows back to the TBA instance (or cancel a prepared migration).") var rollback = false
        @Flag(help: "Show the migration's state and last parity check.") var status = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func validate() throws {
            if [certificateId != nil, rollback, status].filter({ $0 }).count > 1 {
                throw ValidationError("Give one of --certificate-id, --rollback and --status.")
            }
        }

        func run() async throws {
            let workspace = try await store.open()
            let migrations = workspace.context.instanceMigrations
            _ = try await migrations.retireDue()
            if status {
                guard let migration = try await migrations.current(name) else {
                    throw CLIError(message: "\(name) has no migration.\n  fix: start one with `suitebridge instance migrate \(name)`.")
                }
                return try show(migration)
            }
            if rollback {
                return try show(try await migrations.rollback(name))
            }
            if let certificateId {
                let migration = try await migrations.complete(name, certificateID: certificateId, keepDays: keepDays)
                try show(migration)
                if migration.state != .switched {
                    throw CLIError(message: "the parity check failed, so no flow moved.\n  fix: make the OAuth 2 mapping's role read what \(name)'s role reads (see the checks above), then run this again.")
                }
                return
            }
            let plan = try await migrations.prepare(name, clientID: clientId, keyType: key?.keyType ?? .rsa(bits: 4096), newName: newName)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let path = (out as NSString).appendingPathComponent("auth-cert.pem")
            guard FileManager.default.createFile(atPath: path, contents: Data(plan.certificatePEM.utf8)) else {
                throw CLIError(message: "out: cannot write \(path).\n  fix: choose a writable folder with --out; `suitebridge cert download --instance \(plan.migration.to)` gets it again.")
            }
            if json { return try Terminal.printJSON(plan.migration) }
            print("prepared \(plan.migration.to): OAuth 2 client credentials, account \(name)'s, client id \(plan.clientID.prefix(8))…")
            print("wrote \(path) (the public certificate; the private key stays sealed in the store)")
            print("In NetSuite:")
            for (index, step) in plan.steps.enumerated() { print("\(index + 1). \(step)") }
        }

        private func show(_ migration: InstanceMigration) throws {
            if json { return try Terminal.printJSON(migration) }
            print("\(migration.from) → \(migration.to): \(migration.state.rawValue)")
            if let until = migration.standbyUntil, migration.state == .switched {
                print("flows moved: \(migration.flows.isEmpty ? "none" : migration.flows.joined(separator: ", ")); \(migration.from) is the standby until \(until.formatted(.iso8601)) (--rollback)")
            }
            for check in migration.parity {
                print("\(check.matches ? "same" : "DIFF")  \(check.name): TBA \(check.tba); OAuth 2 \(check.oauth2)")
            }
        }
    }
}
