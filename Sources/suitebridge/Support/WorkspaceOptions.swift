import ArgumentParser
import Foundation
import SuiteBridgeCore
import NIOConcurrencyHelpers

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
    private static let opened = NIOLockedValueBox<[Workspace]>([])
    private static let instanceInUse = NIOLockedValueBox<(name: String, workspace: Workspace)?>(nil)

    /// Notes the stored instance a client command uses, so an authentication failure is recorded on it.
    static func using(_ name: String, of workspace: Workspace) {
        instanceInUse.withLockedValue { $0 = (name, workspace) }
    }

    /// When a client command used a stored instance and NetSuite refused its credentials: marks the instance
    /// unhealthy and returns the diagnosis to print.
    static func recordAuthenticationFailure(_ error: any Error) async -> SuiteBridgeError? {
        guard let (name, workspace) = instanceInUse.withLockedValue({ $0 }) else { return nil }
        return await workspace.context.diagnostics.recordAuthenticationFailure(name, error)
    }

    static func register(_ workspace: Workspace) {
        opened.withLockedValue { $0.append(workspace) }
    }

    static func closeAll() async {
        for workspace in opened.withLockedValue({ list in defer { list = [] }; return list }) {
            await workspace.close()
        }
    }
}

extension String {
    /// The text padded with spaces to `width` characters, for table columns.
    func column(_ width: Int) -> String { padding(toLength: max(width, count), withPad: " ", startingAt: 0) }
}
