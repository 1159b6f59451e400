import Foundation
import SuiteBridgeTestSupport

/// Runs the built `suitebridge` binary and captures what it prints.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary SwiftPM built beside the test bundle.
    static var binary: URL {
        let testBundle = Bundle.main.bundleURL
        let directory = testBundle.pathExtension == "xctest" ? testBundle.deletingLastPathComponent() : testBundle
        return directory.appendingPathComponent("suitebridge")
    }

    /// The shared openssl fixtures of the NetSuiteAuth tests.
    static func fixture(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NetSuiteAuthTests/Fixtures").appendingPathComponent(path).path
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SUITEBRIDGE_CONSUMER_SECRET"] = nil
        env["SUITEBRIDGE_TOKEN_SECRET"] = nil
        // The tests' simulators listen on 127.0.0.1: allowed as instances' base URL and as export destinations.
        env["SUITEBRIDGE_ALLOW_DESTINATIONS"] = "127.0.0.1"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts the binary with `SUITEBRIDGE_FAULT_PAUSE` set to `point`, waits until it reaches the point, and kills it
    /// with SIGKILL there: a crash at a chosen moment.
    /// - Returns: whether the process reached the point (and was killed).
    static func crash(_ arguments: [String], at point: String, environment: [String: String]) throws -> Bool {
        let marker = try temporaryDirectory().path + "-marker"
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(environment) { $1 }
            .merging(["SUITEBRIDGE_FAULT_PAUSE": point, "SUITEBRIDGE_FAULT_MARKER": marker]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker), process.isRunning, Date() < deadline {
            usleep(20_000)
        }
        let reached = FileManager.default.fileExists(atPath: marker)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return reached
    }

    /// Starts `suitebridge ARGUMENTS` (a server) and reads its standard output until it has printed `marker` (or
    /// a minute passed). - Returns: the process, still running (terminate it), and what it printed.
    static func startServer(_ arguments: [String], environment: [String: String], until marker: String = "store:") throws -> (Process, String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains(marker), process.isRunning, Date() < deadline {
            text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        return (process, text)
    }

    static func temporaryDirectory() throws -> URL {
        URL(fileURLWithPath: try TestFolder().path)
    }
}
