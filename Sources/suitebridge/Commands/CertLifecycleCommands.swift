import ArgumentParser
import Foundation
import NetSuiteAuth
import SuiteBridgeCore

/// The certificate lifecycle of stored OAuth 2 instances: `cert rotate|activate|update-id|revoke|download|status`.
extension CertCommand {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new pending certificate while the current one stays active; or with --auto rotate unattended through NetSuite's endpoint.")
        @Option(help: "The instance.") var instance: String
        @Option(help: "Key type: rsa-4096, rsa-3072, ec-p256, ec-p384 or ec-p521 (default: the active one's).") var key: KeyChoice?
        @Option(help: "Days of validity, 1 to 730.") var days = CertificateKit.defaultValidityDays
        @Option(help: "Folder to write auth-cert.pem to.") var out = "."
        @Flag(help: "Upload, prove, switch and revoke the old one through NetSuite's certificate rotation endpoint.") var auto = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            if auto {
                let result = try await workspace.context.certificates.rotateAutomatically(instance, keyType: key?.keyType, days: days)
                print("active: \(result.newCertificate.displayName), not after \(result.newCertificate.notAfter?.day ?? "?")")
                if let old = result.oldCertificate { print("old: \(old.displayName) \(old.state.rawValue)") }
                if let note = result.note { print("note: \(note)") }
                return
            }
            let pending = try await workspace.context.certificates.beginRotation(instance, keyType: key?.keyType, days: days)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let path = (out as NSString).appendingPathComponent("auth-cert.pem")
            guard FileManager.default.createFile(atPath: path, contents: Data(pending.certificatePEM.utf8)) else {
                throw CLIError(message: "out: cannot write \(path).\n  fix: choose a writable folder with --out; the pending certificate is stored, `cert download` gets it again.")
            }
            print("pending certificate \(pending.certificate.keyType), not after \(pending.certificate.notAfter?.day ?? "?"); the active one stays in use")
            print("wrote \(path) (the public certificate; the private key stays sealed in the store)")
            for (index, step) in PendingCertificate.uploadSteps.enumerated() {
                print("\(index + 1). \(step.replacingOccurrences(of: "NAME", with: instance))")
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prove the pending certificate under its NetSuite id with a token exchange, then switch to it.")
        @Option(help: "The instance.") var instance: String
        @Option(help: "The certificate id NetSuite gave the uploaded certificate.") var certificateId: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let certificate = try await workspace.context.certificates.activate(instance, certificateID: certificateId)
            print("active: \(certificate.displayName), not after \(certificate.notAfter?.day ?? "?"); the previous one is retired (revoke it when no longer needed)")
        }
    }

    struct UpdateID: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update-id", abstract: "Change the active certificate's id, after proving it with a token exchange.")
        @Option(help: "The instance.") var instance: String
        @Option(help: "The new certificate id.") var certificateId: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let certificate = try await workspace.context.certificates.updateCertificateID(instance, certificateID: certificateId)
            print("active certificate id is now \(certificate.displayName)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate (through NetSuite's endpoint when possible). Irreversible.")
        @Option(help: "The instance.") var instance: String
        @Option(help: "The certificate id.") var certificateId: String
        @Flag(help: "Also revoke the only active certificate (the instance stops working).") var force = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let result = try await workspace.context.certificates.revoke(instance, certificateID: certificateId, force: force)
            print("revoked \(result.certificate.displayName)" + (result.revokedInNetSuite ? " in NetSuite" : ""))
            if let note = result.note { print("note: \(note)") }
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the public certificate (pending, else active) for upload to NetSuite.")
        @Option(help: "The instance.") var instance: String
        @Option(help: "A certificate id (default: the pending one, else the active one).") var certificateId: String?
        @Option(help: "File to write; standard output when not given.") var out: String?
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let pem = try await workspace.context.certificates.certificatePEM(instance, certificateID: certificateId)
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data(pem.utf8)) else {
                    throw CLIError(message: "out: cannot write \(out).\n  fix: choose a writable path.")
                }
                print("wrote \(out)")
            } else {
                print(pem, terminator: pem.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every certificate with its days left. Exit 0 when all are fine, 10 inside the warning window, 11 when an active one is expired or revoked.")
        @Option(help: "Warn this many days before expiry.") var warnDays = 30
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        struct Line: Encodable {
            var instance: String
            var certificateId: String?
            var state: String?
            var notAfter: Date?
            var daysLeft: Int?
            var level: String
            var message: String
        }

        func run() async throws {
            let workspace = try await store.open()
            let lines = try await workspace.context.certificates.certificateStatus(warnDays: warnDays)
            if json {
                try Terminal.printJSON(lines.map {
                    Line(instance: $0.instance, certificateId: $0.certificateID, state: $0.state?.rawValue, notAfter: $0.notAfter, daysLeft: $0.daysLeft,
                         level: $0.level.rawValue, message: $0.message)
                })
            } else {
                for line in lines {
                    print("\(line.level.rawValue.uppercased().column(9))\(line.instance)  \(line.certificateID ?? "-")  \(line.state?.rawValue ?? "-")  \(line.notAfter?.day ?? "-")  \(line.daysLeft.map { "\($0) days" } ?? "-")  \(line.message)")
                }
            }
            switch lines.map(\.level).max() ?? .ok {
            case .ok: return
            case .warning: throw ExitCode(10)
            case .critical: throw ExitCode(11)
            }
        }
    }
}

extension CertCommand {
    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set when `serve` rotates an instance's certificate unattended: N days before expiry, or off.")
        @Option(help: "The instance.") var instance: String
        @Option(help: "Days before expiry (1 to 365), 0 or \"off\" to turn it off, \"default\" for 30 when possible.") var daysBefore: String?
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            if let daysBefore {
                let days: Int? = switch daysBefore {
                case "off": 0
                case "default": nil
                default: Int(daysBefore)
                }
                guard days != nil || daysBefore == "default" else {
                    throw CLIError.usage("days-before: \"\(daysBefore)\" is not a number of days.\n  fix: give 1 to 365, off, or default.")
                }
                try await workspace.context.certificates.setRotationPolicy(instance, daysBeforeExpiry: days)
            }
            print("\(instance): \(try await workspace.context.certificates.rotationPolicy(of: instance))")
        }
    }
}
