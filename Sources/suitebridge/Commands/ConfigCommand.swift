import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge config check FILE`: validates a configuration file and prints the settings `serve --config FILE`
/// would run with here, and where each comes from.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Check a configuration file for `serve --config`.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate FILE and print the effective settings (flag > environment > file > default); secrets are shown as set or unset.")
        @Argument(help: "The configuration file (YAML).") var file: String
        @Flag(help: "Print JSON.") var json = false

        struct Setting: Encodable {
            var key: String
            var value: String
            var source: String
        }

        func run() async throws {
            let settings = try ServerSettings.load(path: file)
            let process = ProcessInfo.processInfo.environment
            let environment = settings.filling(process)
            let fileValues = settings.environmentValues
            func source(_ variable: String) -> String {
                if !(process[variable] ?? "").isEmpty { return "environment \(variable)" }
                return fileValues[variable] != nil ? "file" : "default"
            }
            func variable(_ key: String, _ variable: String, default value: String) -> Setting {
                Setting(key: key, value: environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? value, source: source(variable))
            }
            let home = SuiteBridgeHome.fromEnvironment(environment)
            var rows = [
                Setting(key: "host", value: settings.host ?? "127.0.0.1", source: settings.host == nil ? "default" : "file"),
                Setting(key: "port", value: String(settings.port ?? 8080), source: settings.port == nil ? "default" : "file"),
                variable("home", "SUITEBRIDGE_HOME", default: home.path),
            ]
            var database = variable("database", "SUITEBRIDGE_DATABASE_URL", default: "sqlite:" + home.databasePath)
            database.value = Store.redacted(database.value)
            rows.append(database)
            rows += [
                variable("filesRoot", "SUITEBRIDGE_FILES_ROOT", default: home.path + "/files"),
                variable("allowDestinations", "SUITEBRIDGE_ALLOW_DESTINATIONS", default: "(none)"),
                variable("onlyAllowedDestinations", "SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS", default: "0"),
                variable("trustedProxies", "SUITEBRIDGE_TRUSTED_PROXIES", default: "(none)"),
                Setting(key: "failedLoginLimit", value: String(settings.failedLoginLimit ?? 10), source: settings.failedLoginLimit == nil ? "default" : "file"),
                variable("log.format", "SUITEBRIDGE_LOG_FORMAT", default: "text"),
                variable("log.level", "SUITEBRIDGE_LOG_LEVEL", default: "info"),
                variable("tls.certificate", "SUITEBRIDGE_TLS_CERTIFICATE", default: "(none: plain HTTP)"),
                variable("tls.key", "SUITEBRIDGE_TLS_KEY", default: "(none)"),
                variable("traces.endpoint", TraceExport.environmentVariable, default: "(none: no traces sent)"),
            ]
            let keyFile = home.path + "/master.key"
            rows.append((process["SUITEBRIDGE_MASTER_KEY"] ?? "").isEmpty
                ? Setting(key: "masterKey", value: FileManager.default.fileExists(atPath: keyFile) ? "set (\(keyFile))" : "unset (made at \(keyFile) on first start)", source: "file")
                : Setting(key: "masterKey", value: "set", source: "environment SUITEBRIDGE_MASTER_KEY"))
            if json { return try Terminal.printJSON(rows) }
            print("\(file) is valid; `serve --config \(file)` runs with (a flag given to serve wins over these):")
            for row in rows { print("  \(row.key): \(row.value)  [\(row.source)]") }
        }
    }
}
