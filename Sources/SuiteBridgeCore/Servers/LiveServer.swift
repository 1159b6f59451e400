import Foundation

/// A server that shares this store and sent a heartbeat recently, with the master key it holds.
public struct LiveServer: Sendable, Hashable, Codable {
    public var id: String
    public var host: String
    public var pid: Int
    /// The id of the master key it seals with.
    public var keyID: String
    /// Where its key comes from: a key file's path, or `SUITEBRIDGE_MASTER_KEY`.
    public var keySource: String
    public var startedAt: Date
    public var seenAt: Date

    /// Whether this server picks up a key that `keys rotate` writes to `keyFile` on `host`: it reads the same file
    /// on the same machine. A key from the environment, or a file on another machine, cannot follow.
    public func canFollowRotation(ofKeyFile keyFile: String?, onHost host: String) -> Bool {
        guard let keyFile else { return false }
        return keySource == keyFile && self.host == host
    }

    public var summary: String {
        "\(host) pid \(pid) (key \(keyID) from \(keySource), last seen \(seenAt.formatted(.iso8601)))"
    }
}
