import Foundation

/// Named points where a crash test can stop the process: when `SUITEBRIDGE_FAULT_PAUSE` names the point, the
/// process writes the file `SUITEBRIDGE_FAULT_MARKER` names and sleeps, so the test can kill it there with SIGKILL
/// and check that the store is consistent afterwards. Without the variable it does nothing.
enum FaultPoint: String {
    /// Inside `keys rotate`'s transaction, after every secret was re-sealed, before the commit.
    case keysRotateBeforeCommit = "keys.rotate.before-commit"
    /// After `keys rotate` committed, before the new key file replaced the old one.
    case keysRotateAfterCommit = "keys.rotate.after-commit"
    /// Inside `cert activate`'s transaction, after the switch was written, before the commit.
    case certificateActivateBeforeCommit = "cert.activate.before-commit"
    /// In an unattended rotation, after NetSuite accepted the new certificate and the store recorded its id,
    /// before the switch.
    case rotationAfterUpload = "cert.rotate-auto.after-upload"

    func pauseIfRequested() async {
        let environment = ProcessInfo.processInfo.environment
        guard environment["SUITEBRIDGE_FAULT_PAUSE"] == rawValue else { return }
        if let marker = environment["SUITEBRIDGE_FAULT_MARKER"] {
            FileManager.default.createFile(atPath: marker, contents: Data(rawValue.utf8))
        }
        try? await Task.sleep(for: .seconds(60))
    }
}
