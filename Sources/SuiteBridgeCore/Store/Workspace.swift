import Foundation
import Logging
import SQLKit

/// Everything a SuiteBridge process works with: the home folder, the store, the master key and the core's
/// ``CoreContext`` over them. Opening it checks that the master key is the one the store was sealed with.
public struct Workspace: Sendable {
    public let home: SuiteBridgeHome
    public let store: Store
    public let secrets: SecretBox
    /// The core acting as the workspace's actor: `context.instances`, `.connections`, `.certificates`, …
    public let context: CoreContext

    /// Opens the store (`databaseURL`, else `SUITEBRIDGE_DATABASE_URL`, else the SQLite file in the home folder)
    /// and the master key, and settles a key rotation a crash interrupted. Flow files stay under `filesRoot`, else
    /// `SUITEBRIDGE_FILES_ROOT`, else `$SUITEBRIDGE_HOME/files` (made 0700); flows send data to public https
    /// endpoints and the hosts in `allowDestinations` and `SUITEBRIDGE_ALLOW_DESTINATIONS`; with
    /// `onlyAllowedDestinations` (or `SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS=1`) nothing else is reached, NetSuite included.
    /// - Throws: ``SuiteBridgeError`` `.store` or `.masterKey` (a key that is not the store's names both key ids).
    public static func open(
        databaseURL: String? = nil, filesRoot: String? = nil, allowDestinations: [String] = [], onlyAllowedDestinations: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment, actor: String,
        logger: Logger = Logger(label: "suitebridge"), now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> Workspace {
        let home = SuiteBridgeHome.fromEnvironment(environment)
        let url = databaseURL ?? environment["SUITEBRIDGE_DATABASE_URL"]
        let store = try await Store.open(databaseURL: url, home: home, logger: logger)
        do {
            let key = try await settleMasterKey(store: store, home: home, environment: environment)
            let secrets = SecretBox(masterKey: key)
            let files = try FileBoundary(root: filesRoot ?? environment["SUITEBRIDGE_FILES_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? home.path + "/files")
            return Workspace(home: home, store: store, secrets: secrets,
                             context: CoreContext(store: store, secrets: secrets, actor: actor, logger: logger, now: now, files: files,
                                                  destinations: .fromEnvironment(environment, extra: allowDestinations, onlyAllowlisted: onlyAllowedDestinations)))
        } catch {
            await store.close()
            throw error
        }
    }

    /// Closes the store.
    public func close() async {
        await store.close()
    }

    static let keyIDName = "master_key_id"

    /// Records the key the store is sealed with. An update of the one row (not a delete and insert), so a
    /// transaction waiting on its lock (``SecretBox/checkStillSealing(in:)``) reads the new value.
    static func recordKeyID(_ id: String, in database: any SQLDatabase) async throws {
        let updated = try await database.raw("UPDATE suitebridge_meta SET value = \(bind: id) WHERE name = \(bind: keyIDName) RETURNING name").fetchAll()
        if updated.isEmpty {
            try await database.raw("INSERT INTO suitebridge_meta (name, value) VALUES (\(bind: keyIDName), \(bind: id))").run()
        }
    }

    static func storedKeyID(_ store: Store) async throws -> String? {
        try await store.read { database in
            try await database.raw("SELECT value FROM suitebridge_meta WHERE name = \(bind: keyIDName)").fetchFirst()?.decode(column: "value", as: String.self)
        }
    }

    private static func settleMasterKey(store: Store, home: SuiteBridgeHome, environment: [String: String]) async throws -> MasterKey {
        let stored = try await storedKeyID(store)
        let nextPath = home.masterKeyPath + ".next"
        let usesFile = (environment["SUITEBRIDGE_MASTER_KEY"] ?? "").isEmpty
        if usesFile, FileManager.default.fileExists(atPath: nextPath) {
            // A `keys rotate` was interrupted: the store's record says which key won.
            let next = try MasterKey.read(path: nextPath)
            if next.id == stored {
                if rename(nextPath, home.masterKeyPath) != 0 {
                    throw SuiteBridgeError(.masterKey, "The rotated master key could not be moved into place.",
                                           remedy: "Move \(nextPath) to \(home.masterKeyPath) by hand.", field: "master key")
                }
            } else {
                try? FileManager.default.removeItem(atPath: nextPath)
            }
        }
        let key = try MasterKey.load(environment: environment, home: home)
        guard let stored else {
            try await store.read { try await recordKeyID(key.id, in: $0) }
            return key
        }
        guard stored == key.id else {
            throw SuiteBridgeError(.masterKey, "The master key from \(key.source) (id \(key.id)) is not the one this store's secrets are sealed with (id \(stored)).",
                                   remedy: "Use the store's key: set SUITEBRIDGE_MASTER_KEY to it, or put it in \(home.masterKeyPath). Without it the stored secrets cannot be opened.",
                                   field: "master key")
        }
        return key
    }

    /// Re-seals every secret under a new master key. With the key file, the new key replaces it; with
    /// `SUITEBRIDGE_MASTER_KEY`, `newKey` must be given and the caller switches the variable afterwards. The old key
    /// is not kept (it would open every copy of the store taken before), unless `keepOldKeyAt` names a file for it.
    ///
    /// Servers sharing the store that read the same key file on this machine switch to the new key on their next
    /// heartbeat (``ServerPresence``). Any other live server (its key from the environment, or on another machine)
    /// could neither open nor store secrets afterwards, so the rotation is refused while one runs, unless `force`.
    /// - Returns: the new key and how many secrets were re-sealed.
    /// - Throws: ``SuiteBridgeError`` `.conflict` naming the servers that cannot follow; `.masterKey`.
    public func rotateMasterKey(newKey: MasterKey? = nil, actor: String, force: Bool = false, keepOldKeyAt: String? = nil) async throws -> (key: MasterKey, resealed: Int) {
        let current = secrets.masterKey
        let keyFile: String? = if case .file(let path) = current.source { path } else { nil }
        let host = ProcessInfo.processInfo.hostName
        let blocking = try await ServerPresence.live(in: store, now: context.now()).filter { !$0.canFollowRotation(ofKeyFile: keyFile, onHost: host) }
        if !blocking.isEmpty, !force {
            throw SuiteBridgeError(.conflict, "\(blocking.count) running server(s) share this store and could not read the new key: \(blocking.map(\.summary).joined(separator: "; ")).",
                                   remedy: "Stop them first, or rotate with --force and restart them with the new key at once (until then they store no secrets and open none).",
                                   field: "master key")
        }
        if let keepOldKeyAt {
            guard !FileManager.default.fileExists(atPath: keepOldKeyAt) else {
                throw SuiteBridgeError(.invalidInput, "\(keepOldKeyAt) exists; the old key is not written over another file.",
                                       remedy: "Name a new file.", field: "keep-old")
            }
            try MasterKey.write(current, to: keepOldKeyAt)
        }
        switch current.source {
        case .environment:
            guard let newKey else {
                throw SuiteBridgeError(.masterKey, "The master key comes from SUITEBRIDGE_MASTER_KEY, which SuiteBridge cannot change.",
                                       remedy: "Put the new key in SUITEBRIDGE_NEW_MASTER_KEY (`openssl rand -base64 32`), run `suitebridge keys rotate`, then set SUITEBRIDGE_MASTER_KEY to it.",
                                       field: "master key")
            }
            let count = try await MasterKeyRotation.reseal(store: store, from: secrets, to: SecretBox(masterKey: newKey), actor: actor)
            return (newKey, count)
        case .file(let path):
            let key = newKey ?? MasterKey.generate(source: .file(path))
            let nextPath = path + ".next"
            try MasterKey.write(key, to: nextPath)
            let count: Int
            do {
                count = try await MasterKeyRotation.reseal(store: store, from: secrets, to: SecretBox(masterKey: key), actor: actor)
            } catch {
                try? FileManager.default.removeItem(atPath: nextPath)
                throw error
            }
            await FaultPoint.keysRotateAfterCommit.pauseIfRequested()
            // Earlier versions kept the previous key beside the new one; it is removed with the next rotation.
            try? FileManager.default.removeItem(atPath: path + ".old")
            if rename(nextPath, path) != 0 {
                throw SuiteBridgeError(.masterKey, "The secrets are re-sealed but the new key could not replace \(path).",
                                       remedy: "Move \(nextPath) to \(path) by hand before the next start (it will also be done on the next start).",
                                       field: "master key")
            }
            secrets.followStore(keyID: key.id)
            return (MasterKey(key: key.key, source: .file(path)), count)
        }
    }
}
