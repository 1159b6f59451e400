import Foundation
import Yams

/// `serve`'s settings from a configuration file (YAML, keys named like the flags), merged with the usual precedence:
/// a flag over an environment variable over the file over the default. Each setting the file gives and the
/// environment does not becomes that variable for the process, so every part that reads the environment (the
/// store, the files root, the destinations) sees it without a second rule.
public struct ServerSettings: Sendable, Hashable {
    public var host: String?
    public var port: Int?
    /// `SUITEBRIDGE_HOME`.
    public var home: String?
    /// `SUITEBRIDGE_DATABASE_URL`.
    public var database: String?
    /// `SUITEBRIDGE_FILES_ROOT`.
    public var filesRoot: String?
    /// `SUITEBRIDGE_ALLOW_DESTINATIONS`.
    public var allowDestinations: [String]?
    /// `SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS`.
    public var onlyAllowedDestinations: Bool?
    /// `SUITEBRIDGE_TRUSTED_PROXIES`.
    public var trustedProxies: [String]?
    public var failedLoginLimit: Int?
    /// `log.format`: `text` or `json` (`SUITEBRIDGE_LOG_FORMAT`).
    public var logFormat: String?
    /// `log.level` (`SUITEBRIDGE_LOG_LEVEL`).
    public var logLevel: String?
    /// `tls.certificate`: the PEM certificate chain `serve` terminates TLS with (`SUITEBRIDGE_TLS_CERTIFICATE`).
    public var tlsCertificate: String?
    /// `tls.key`: its PEM private key (`SUITEBRIDGE_TLS_KEY`).
    public var tlsKey: String?
    /// `traces.endpoint`: the OTLP/HTTP collector traces go to (`SUITEBRIDGE_TRACES_ENDPOINT`).
    public var tracesEndpoint: String?

    public init() {}

    /// The keys a file may hold, in the order `config check` shows them.
    public static let keys = ["host", "port", "home", "database", "filesRoot", "allowDestinations", "onlyAllowedDestinations", "trustedProxies",
                              "failedLoginLimit", "log", "tls", "traces"]
    static let logKeys = ["format", "level"]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// The environment variable each setting stands for; a setting without one (host, port, failedLoginLimit) is
    /// applied by `serve` itself.
    public static let variables: [(key: String, variable: String)] = [
        ("home", "SUITEBRIDGE_HOME"), ("database", "SUITEBRIDGE_DATABASE_URL"), ("filesRoot", "SUITEBRIDGE_FILES_ROOT"),
        ("allowDestinations", "SUITEBRIDGE_ALLOW_DESTINATIONS"), ("onlyAllowedDestinations", "SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS"),
        ("trustedProxies", "SUITEBRIDGE_TRUSTED_PROXIES"), ("log.format", "SUITEBRIDGE_LOG_FORMAT"), ("log.level", "SUITEBRIDGE_LOG_LEVEL"),
        ("tls.certificate", "SUITEBRIDGE_TLS_CERTIFICATE"), ("tls.key", "SUITEBRIDGE_TLS_KEY"), ("traces.endpoint", "SUITEBRIDGE_TRACES_ENDPOINT"),
    ]

    /// Reads a configuration file.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming the file, the line and the key: a syntax error, an unknown
    ///   key (with the known ones), a value of the wrong kind or out of range.
    public static func load(path: String) throws -> ServerSettings {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SuiteBridgeError(.invalidInput, "The configuration file \(path) cannot be read.", remedy: "Check the path and that it is UTF-8 text.", field: "config")
        }
        return try parse(text, file: path)
    }

    /// Parses configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> ServerSettings {
        func fail(_ line: Int?, _ message: String, _ remedy: String, key: String? = nil) -> SuiteBridgeError {
            SuiteBridgeError(.invalidInput, "\(file)\(line.map { " line \($0)" } ?? ""): \(message)", remedy: remedy, field: key.map { "config.\($0)" } ?? "config")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, YAMLDocument.resolver)
        } catch let error as YamlError {
            throw fail(nil, "not YAML: \(error)", "Check the indentation and quotes on that line.")
        }
        var settings = ServerSettings()
        guard let root else { return settings }
        guard case .mapping(let mapping) = root else { throw fail(root.mark?.line, "the file is not a mapping of keys to values.", "Write `key: value` lines, e.g. `port: 8080`.") }
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line
            guard case .scalar(let keyScalar) = keyNode else { throw fail(line, "a key that is not text.", "Use the keys: \(keys.joined(separator: ", ")).") }
            let key = keyScalar.string
            func text() throws -> String {
                guard case .scalar(let scalar) = value, value.tag.rawValue != Tag.Name.null.rawValue, !scalar.string.isEmpty else {
                    throw fail(line, "\(key) needs a text value.", "Write `\(key): VALUE`.", key: key)
                }
                return scalar.string
            }
            func list() throws -> [String] {
                if case .scalar = value { return try text().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                guard case .sequence(let items) = value else { throw fail(line, "\(key) needs a list.", "Write `\(key): [a, b]` or one `- item` per line.", key: key) }
                return try items.map { item in
                    guard case .scalar(let scalar) = item, !scalar.string.isEmpty else {
                        throw fail(item.mark?.line ?? line, "every item of \(key) is text.", "Write each as a host or address.", key: key)
                    }
                    return scalar.string
                }
            }
            func number(_ range: ClosedRange<Int>) throws -> Int {
                guard value.tag.rawValue == Tag.Name.int.rawValue, let number = Int(try text()), range.contains(number) else {
                    throw fail(line, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound).", "Write e.g. `\(key): \(range.upperBound > 1000 ? 8080 : 10)`.", key: key)
                }
                return number
            }
            switch key {
            case "host": settings.host = try text()
            case "port": settings.port = try number(0...65_535)
            case "home": settings.home = try text()
            case "database": settings.database = try text()
            case "filesRoot": settings.filesRoot = try text()
            case "allowDestinations": settings.allowDestinations = try list()
            case "trustedProxies": settings.trustedProxies = try list()
            case "failedLoginLimit": settings.failedLoginLimit = try number(1...100_000)
            case "onlyAllowedDestinations":
                guard value.tag.rawValue == Tag.Name.bool.rawValue else {
                    throw fail(line, "onlyAllowedDestinations must be true or false.", "Write `onlyAllowedDestinations: true`.", key: key)
                }
                settings.onlyAllowedDestinations = try text().lowercased() == "true"
            case "log":
                guard case .mapping(let log) = value else { throw fail(line, "log holds format and level.", "Write `log: {format: json, level: info}`.", key: key) }
                for (logKey, logValue) in log {
                    let logLine = logKey.mark?.line ?? line
                    guard case .scalar(let name) = logKey, case .scalar(let chosen) = logValue else {
                        throw fail(logLine, "log holds format and level, each text.", "Write `log: {format: json, level: info}`.", key: key)
                    }
                    switch name.string {
                    case "format":
                        guard ["text", "json"].contains(chosen.string) else { throw fail(logLine, "log.format is text or json, not \(chosen.string).", "Write `format: json`.", key: "log.format") }
                        settings.logFormat = chosen.string
                    case "level":
                        guard logLevels.contains(chosen.string) else {
                            throw fail(logLine, "log.level is one of \(logLevels.joined(separator: ", ")), not \(chosen.string).", "Write `level: info`.", key: "log.level")
                        }
                        settings.logLevel = chosen.string
                    default:
                        throw fail(logLine, "log has no key \(name.string).", "Use \(logKeys.joined(separator: " and ")).", key: "log")
                    }
                }
            case "traces":
                guard case .mapping(let traces) = value else { throw fail(line, "traces holds endpoint.", "Write `traces: {endpoint: http://127.0.0.1:4318}`.", key: key) }
                for (tracesKey, tracesValue) in traces {
                    let tracesLine = tracesKey.mark?.line ?? line
                    guard case .scalar(let name) = tracesKey, name.string == "endpoint" else {
                        throw fail(tracesLine, "traces has no key \((tracesKey.scalar?.string) ?? "?").", "Use endpoint.", key: "traces")
                    }
                    guard case .scalar(let url) = tracesValue, let scheme = URLComponents(string: url.string)?.scheme, ["http", "https"].contains(scheme) else {
                        throw fail(tracesLine, "traces.endpoint is an http(s) URL.", "Write `endpoint: http://127.0.0.1:4318`.", key: "traces.endpoint")
                    }
                    settings.tracesEndpoint = url.string
                }
            case "tls":
                guard case .mapping(let tls) = value else { throw fail(line, "tls holds certificate and key.", "Write `tls: {certificate: /etc/ssl/sb.pem, key: /etc/ssl/sb.key}`.", key: key) }
                for (tlsKey, tlsValue) in tls {
                    let tlsLine = tlsKey.mark?.line ?? line
                    guard case .scalar(let name) = tlsKey, case .scalar(let path) = tlsValue, !path.string.isEmpty else {
                        throw fail(tlsLine, "tls holds certificate and key, each a file path.", "Write `tls: {certificate: …, key: …}`.", key: key)
                    }
                    switch name.string {
                    case "certificate": settings.tlsCertificate = path.string
                    case "key": settings.tlsKey = path.string
                    default: throw fail(tlsLine, "tls has no key \(name.string).", "Use certificate and key.", key: "tls")
                    }
                }
                if (settings.tlsCertificate == nil) != (settings.tlsKey == nil) {
                    throw fail(line, "tls needs both certificate and key.", "Give both files.", key: "tls")
                }
            default:
                let suggestion = keys.min { Self.distance($0.lowercased(), key.lowercased()) < Self.distance($1.lowercased(), key.lowercased()) }
                throw fail(line, "unknown key \(key)\(suggestion.map { Self.distance($0.lowercased(), key.lowercased()) <= 3 ? " (did you mean \($0)?)" : "" } ?? "").",
                           "Use the keys: \(keys.joined(separator: ", ")).", key: key)
            }
        }
        return settings
    }

    /// The value a file gives for each environment variable, as the variable's text.
    public var environmentValues: [String: String] {
        var values: [String: String] = [:]
        values["SUITEBRIDGE_HOME"] = home
        values["SUITEBRIDGE_DATABASE_URL"] = database
        values["SUITEBRIDGE_FILES_ROOT"] = filesRoot
        values["SUITEBRIDGE_ALLOW_DESTINATIONS"] = allowDestinations?.joined(separator: ",")
        values["SUITEBRIDGE_ONLY_ALLOWED_DESTINATIONS"] = onlyAllowedDestinations.map { $0 ? "1" : "0" }
        values["SUITEBRIDGE_TRUSTED_PROXIES"] = trustedProxies?.joined(separator: ",")
        values["SUITEBRIDGE_LOG_FORMAT"] = logFormat
        values["SUITEBRIDGE_LOG_LEVEL"] = logLevel
        values["SUITEBRIDGE_TLS_CERTIFICATE"] = tlsCertificate
        values["SUITEBRIDGE_TLS_KEY"] = tlsKey
        values["SUITEBRIDGE_TRACES_ENDPOINT"] = tracesEndpoint
        return values
    }

    /// `environment` with the file's values added where the environment has none (the environment wins).
    public func filling(_ environment: [String: String]) -> [String: String] {
        var merged = environment
        for (variable, value) in environmentValues where (environment[variable] ?? "").isEmpty { merged[variable] = value }
        return merged
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : (b.isEmpty ? a.count : row[b.count])
    }
}
