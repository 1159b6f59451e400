import ArgumentParser
import Foundation
import SuiteBridgeCore
import Synchronization

/// `--database` for the commands that use the store.
struct WorkspaceOptions: ParsableArguments {
    @Option(help: "The store: postgres://… or a SQLite path (default $SUITEBRIDGE_DATABASE_URL, else $SUITEBRIDGE_HOME/suitebridge.sqlite).")
    var database: String?

    func open() async throws -> Workspace {
        try await Self.open(database: database)
    }

    static func open(database: String?) async throws -> Workspace {
        let workspace = try await Workspace.open(databaseURL: database, actor: actor, logger: Terminal.quietLogger)
        OpenWorkspaces.register(workspace)
        return workspace
    }

    /// The audit log's actor for this command line: `cli:<user>`.
    static var actor: String {
        "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown")
    }
}

extension Date {
    /// `2026-11-27` for tables.
    var day: String { formatted(.iso8601.year().month().day()) }
}

/// Workspaces this command line opened; closed before the process exits (a store must be closed, not dropped).
enum OpenWorkspaces {
    private static let opened = Mutex<[Workspace]>([])

    static func register(_ workspace: Workspace) {
        opened.withLock { $0.append(workspace) }
    }

    static func closeAll() async {
        for workspace in opened.withLock({ list in defer { list = [] }; return list }) {
            await workspace.close()
        }
    }
}
