import Foundation
import NIOConcurrencyHelpers

/// The master key a process seals and opens with, which it can exchange for the store's new key after a
/// `keys rotate` by another process: a key read from `master.key` is re-read from that file (or from
/// `master.key.next` while a rotation settles). A key from `SUITEBRIDGE_MASTER_KEY` cannot be re-read.
final class MasterKeyring: Sendable {
    private let key: NIOLockedValueBox<MasterKey>

    init(_ key: MasterKey) {
        self.key = NIOLockedValueBox(key)
    }

    var current: MasterKey { key.withLockedValue { $0 } }

    /// The keys this process could switch to: those in its key file and the file a rotation writes first, other than
    /// the current one. Unreadable or malformed files are skipped (the caller reports the key that is missing).
    func candidates() -> [MasterKey] {
        let current = self.current
        guard case .file(let path) = current.source else { return [] }
        return [path, path + ".next"].compactMap { candidate in
            guard let key = try? MasterKey.read(path: candidate), key.id != current.id else { return nil }
            return MasterKey(key: key.key, source: current.source)
        }
    }

    /// Switches to the candidate whose id is `id`; `false` when no file holds it.
    func switchTo(id: String) -> Bool {
        if current.id == id { return true }
        guard let found = candidates().first(where: { $0.id == id }) else { return false }
        key.withLockedValue { $0 = found }
        return true
    }

    /// Switches to `candidate` (one that just opened a value sealed under the store's key).
    func adopt(_ candidate: MasterKey) {
        key.withLockedValue { $0 = candidate }
    }
}
