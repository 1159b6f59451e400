import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge backup --out FILE` and `suitebridge backup verify FILE`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up the store with its master key sealed under a passphrase, or check a backup.",
        subcommands: [Create.self, Verify.self], defaultSubcommand: Create.self)

    /// Where the passphrase comes from; never a flag.
    struct PassphraseOptions: ParsableArguments {
        @Option(name: .customLong("passphrase-file"), help: "A file whose first line is the passphrase (else $SUITEBRIDGE_BACKUP_PASSPHRASE; at least 12 characters).")
        var passphraseFile: String?

        func resolve() throws -> BackupPassphrase {
            try BackupPassphrase.resolve(file: passphraseFile, environment: ProcessInfo.processInfo.environment)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Write every table of the store at one instant, and the master key sealed under the passphrase, to FILE (mode 0600).",
            discussion: """
                Servers keep working while it runs (a read transaction). The file restores into SQLite or PostgreSQL alike \
                (`suitebridge restore`). Flow files under the files root are not in it: back that folder up with the host's files.
                """)
        @Option(help: "The backup file to write.") var out: String
        @Flag(help: "Replace FILE if it exists.") var force = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let passphrase = try passphrase.resolve()
            let workspace = try await store.open()
            let summary = try await StoreBackup.write(workspace, to: out, passphrase: passphrase, replacing: force, actor: WorkspaceOptions.actor)
            if json { return try Terminal.printJSON(summary) }
            print("backup written: \(out) (\(summary.bytes) bytes)")
            BackupCommand.printSummary(summary)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup: its trailer and checksum, that every row loads into a temporary store, and that every sealed secret opens.")
        @Argument(help: "The backup file.") var file: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            let summary = try await StoreBackup.verify(file, passphrase: try passphrase.resolve(), logger: Terminal.quietLogger)
            if json { return try Terminal.printJSON(summary) }
            print("backup verified: \(file)")
            BackupCommand.printSummary(summary)
        }
    }

    static func printSummary(_ summary: BackupSummary) {
        print("  taken \(summary.createdAt) from \(summary.store), schema \(summary.schemaVersion), master key \(summary.masterKeyID)")
        if let opened = summary.secretsOpened { print("  \(opened) sealed secrets open") }
        print("  \(summary.totalRows) rows: " + summary.rows.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}

/// `suitebridge restore FILE`: a backup into an empty store, and its master key where the store's servers read it.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty store (a new SUITEBRIDGE_HOME, or an empty PostgreSQL database with --database).",
        discussion: """
            The master key goes to $SUITEBRIDGE_HOME/master.key (mode 0600), or to --master-key-out FILE; with SUITEBRIDGE_MASTER_KEY set \
            it must already be the backup's key. Every row loads in one transaction and every sealed secret is opened before it \
            commits: on any error nothing is restored. The store is then migrated to this build's schema.
            """)
    @Argument(help: "The backup file.") var file: String
    @Option(name: .customLong("master-key-out"), help: "Write the master key to this new file (mode 0600) instead of $SUITEBRIDGE_HOME/master.key.")
    var masterKeyOut: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var passphrase: BackupCommand.PassphraseOptions
    @OptionGroup var store: WorkspaceOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let passphrase = try passphrase.resolve()
        let home = SuiteBridgeHome.fromEnvironment(environment)
        let (_, key) = try StoreBackup.open(file, passphrase: passphrase, keySource: .file(masterKeyOut ?? home.masterKeyPath))
        // Where the key goes, decided before the store is touched.
        let keyFile: String?
        if let masterKeyOut {
            guard !FileManager.default.fileExists(atPath: masterKeyOut) else {
                throw CLIError(message: "\(masterKeyOut) exists; the master key is not written over another file.\n  fix: name a new file.")
            }
            keyFile = masterKeyOut
        } else if let text = environment["SUITEBRIDGE_MASTER_KEY"], !text.isEmpty {
            let current = try MasterKey(base64: text, source: .environment)
            guard current.id == key.id else {
                throw CLIError(message: "SUITEBRIDGE_MASTER_KEY is key \(current.id); the backup is sealed with key \(key.id).\n  fix: unset SUITEBRIDGE_MASTER_KEY to restore the key into \(home.masterKeyPath), or pass --master-key-out FILE and set the variable from that file.")
            }
            keyFile = nil
        } else if FileManager.default.fileExists(atPath: home.masterKeyPath) {
            let text = (try? String(contentsOfFile: home.masterKeyPath, encoding: .utf8)) ?? ""
            let existing = try? MasterKey(base64: text, source: .environment)
            guard existing?.id == key.id else {
                throw CLIError(message: "\(home.masterKeyPath) holds another master key than the backup's (\(key.id)).\n  fix: restore into a new SUITEBRIDGE_HOME; if this home's store is empty, remove its master.key first.")
            }
            keyFile = nil
        } else {
            keyFile = home.masterKeyPath
        }
        let target = try await Store.open(databaseURL: store.database ?? environment["SUITEBRIDGE_DATABASE_URL"], home: home, migrating: false, logger: Terminal.quietLogger)
        let summary: BackupSummary
        do {
            summary = try await StoreBackup.restore(file, passphrase: passphrase, into: target, actor: WorkspaceOptions.actor)
            await target.close()
        } catch {
            await target.close()
            throw error
        }
        if let keyFile { try MasterKey.write(key, to: keyFile) }
        if json { return try Terminal.printJSON(summary) }
        print("restored \(file) into \(target.displayLocation); master key \(key.id) \(keyFile.map { "written to \($0)" } ?? "already in place")")
        BackupCommand.printSummary(summary)
    }
}
