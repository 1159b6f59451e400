import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge keys rotate`: re-seal every stored secret under a new master key.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage the master key that seals stored secrets.",
                                                    subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every secret under a new master key, in one transaction.",
            discussion: """
                With $SUITEBRIDGE_HOME/master.key a new key replaces it; the old key is not kept unless --keep-old names a file for it \
                (copies of the store taken before need it). With SUITEBRIDGE_MASTER_KEY, put the new key in SUITEBRIDGE_NEW_MASTER_KEY, \
                then switch SUITEBRIDGE_MASTER_KEY to it. Servers on this machine reading the same key file switch to the new key \
                within seconds; while any other server shares the store (a key from the environment, or another machine) the \
                rotation is refused unless --force.
                """)
        @Option(name: .customLong("keep-old"), help: "Write the old key to this new file (mode 0600).") var keepOld: String?
        @Flag(help: "Rotate even while servers that cannot read the new key run; restart them with it at once.") var force = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let newKey = try ProcessInfo.processInfo.environment["SUITEBRIDGE_NEW_MASTER_KEY"].map { try MasterKey(base64: $0, source: .environment) }
            let (key, count) = try await workspace.rotateMasterKey(newKey: newKey, actor: WorkspaceOptions.actor, force: force, keepOldKeyAt: keepOld)
            print("re-sealed \(count) secrets under master key \(key.id) (\(key.source))")
        }
    }
}

/// `suitebridge doctor --instance N`.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check an instance end to end and say what to fix: account id, reachability, clock, authentication, permissions, governance, certificate expiry.")
    @Option(help: "The instance.") var instance: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var store: WorkspaceOptions

    func run() async throws {
        let workspace = try await store.open()
        let report = try await workspace.context.diagnostics.doctor(instance)
        if json {
            try Terminal.printJSON(report)
        } else {
            for check in report.checks {
                print("\(check.status.rawValue.uppercased().column(8))\(check.name): \(check.detail)")
                if !check.fix.isEmpty { print("        fix: \(check.fix)") }
            }
        }
        if !report.passed { throw ExitCode(1) }
    }
}

/// `suitebridge audit [--instance N]`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Show the audit log: changes, tests, rotations, revocations.")
    @Option(help: "Only this instance.") var instance: String?
    @Option(help: "How many entries, newest first.") var limit = 200
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var store: WorkspaceOptions

    func run() async throws {
        let workspace = try await store.open()
        let entries = try await workspace.context.audit.entries(instance: instance, limit: limit)
        if json { return try Terminal.printJSON(entries) }
        for entry in entries {
            print("\(entry.at.formatted(.iso8601))  \(entry.actor)  \(entry.instance ?? "-")  \(entry.action)  \(entry.outcome)  \(entry.detail)")
        }
    }
}
