import Foundation

/// Where SuiteBridge keeps its files: `$SUITEBRIDGE_HOME`, or `./.suitebridge` when it is not set.
public struct SuiteBridgeHome: Sendable, Hashable {
    /// The folder.
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// The folder from `SUITEBRIDGE_HOME`, or `./.suitebridge`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SuiteBridgeHome {
        if let home = environment["SUITEBRIDGE_HOME"], !home.isEmpty { return SuiteBridgeHome(path: home) }
        return SuiteBridgeHome(path: FileManager.default.currentDirectoryPath + "/.suitebridge")
    }

    /// `suitebridge.sqlite` in the folder: the embedded store.
    public var databasePath: String { path + "/suitebridge.sqlite" }
    /// `master.key` in the folder: the key secrets are sealed with, when `SUITEBRIDGE_MASTER_KEY` is not set.
    public var masterKeyPath: String { path + "/master.key" }
}
