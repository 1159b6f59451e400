import Foundation
import Testing
@testable import SuiteBridgeCore

@Suite("Configuration file")
struct ServerSettingsTests {
    @Test("every key is read; lists as YAML lists or comma text; log format and level")
    func reads() throws {
        let settings = try ServerSettings.parse("""
            host: 0.0.0.0
            port: 9444
            home: /var/lib/suitebridge
            database: postgres://sb@127.0.0.1:5432/sb
            filesRoot: /srv/files
            allowDestinations:
              - erp.example.com
              - 10.0.0.5:8443
            onlyAllowedDestinations: true
            trustedProxies: 127.0.0.1, 10.0.0.1
            failedLoginLimit: 20
            log: {format: json, level: warning}
            tls: {certificate: /etc/ssl/sb.pem, key: /etc/ssl/sb.key}
            traces: {endpoint: "http://127.0.0.1:4318"}
            """, file: "sb.yaml")
        #expect(settings.tracesEndpoint == "http://127.0.0.1:4318")
        #expect(settings.tlsCertificate == "/etc/ssl/sb.pem" && settings.tlsKey == "/etc/ssl/sb.key")
        #expect(settings.host == "0.0.0.0" && settings.port == 9444 && settings.home == "/var/lib/suitebridge" && settings.filesRoot == "/srv/files")
        #expect(settings.allowDestinations == ["erp.example.com", "10.0.0.5:8443"] && settings.trustedProxies == ["127.0.0.1", "10.0.0.1"])
        #expect(settings.onlyAllowedDestinations == true && settings.failedLoginLimit == 20 && settings.logFormat == "json" && settings.logLevel == "warning")
        #expect(try ServerSettings.parse("", file: "empty.yaml") == ServerSettings())
    }

    @Test("the environment wins over the file; the file fills in what the environment lacks")
    func precedence() throws {
        let settings = try ServerSettings.parse("database: sqlite:/srv/a.sqlite\nfilesRoot: /srv/files\nlog: {format: json}\n", file: "sb.yaml")
        let merged = settings.filling(["SUITEBRIDGE_DATABASE_URL": "postgres://env@127.0.0.1/sb", "SUITEBRIDGE_FILES_ROOT": "", "PATH": "/bin"])
        #expect(merged["SUITEBRIDGE_DATABASE_URL"] == "postgres://env@127.0.0.1/sb")
        #expect(merged["SUITEBRIDGE_FILES_ROOT"] == "/srv/files", "an empty variable is unset")
        #expect(merged["SUITEBRIDGE_LOG_FORMAT"] == "json" && merged["PATH"] == "/bin" && merged["SUITEBRIDGE_HOME"] == nil)
    }

    @Test("errors name the file, the line and the key, with the fix", arguments: [
        ("host: a\nprot: 80\n", "sb.yaml line 2: unknown key prot (did you mean port?)", "config.prot"),
        ("port: eighty\n", "sb.yaml line 1: port must be a whole number from 0 to 65535", "config.port"),
        ("port: 70000\n", "line 1: port must be a whole number", "config.port"),
        ("failedLoginLimit: 0\n", "failedLoginLimit must be a whole number from 1 to 100000", "config.failedLoginLimit"),
        ("onlyAllowedDestinations: yes\n", "onlyAllowedDestinations must be true or false", "config.onlyAllowedDestinations"),
        ("log:\n  format: xml\n", "line 2: log.format is text or json, not xml", "config.log.format"),
        ("log:\n  colour: red\n", "line 2: log has no key colour", "config.log"),
        ("tls: {certificate: a.pem}\n", "line 1: tls needs both certificate and key", "config.tls"),
        ("tls:\n  cert: a.pem\n", "line 2: tls has no key cert", "config.tls"),
        ("traces:\n  endpoint: collector:4318\n", "line 2: traces.endpoint is an http(s) URL", "config.traces.endpoint"),
        ("- a\n- b\n", "not a mapping", "config"),
        ("host: [a\n", "not YAML", "config"),
    ])
    func errors(text: String, message: String, field: String) {
        do {
            _ = try ServerSettings.parse(text, file: "sb.yaml")
            Issue.record("accepted: \(text)")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .invalidInput && error.message.contains(message) && error.field == field && !error.remedy.isEmpty, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
