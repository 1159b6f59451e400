import ArgumentParser
import Foundation
import NetSuiteAuth

/// `suitebridge cert …`: make and check the certificates of OAuth 2 client credentials.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Generate and inspect certificates for NetSuite's OAuth 2.0 Client Credentials (M2M) setup.",
        subcommands: [Generate.self, Inspect.self, Rotate.self, Activate.self, UpdateID.self, Revoke.self, Download.self, Status.self, Policy.self]
    )

    /// The `--key` choices: ``KeyType/identifier``s.
    struct KeyChoice: ExpressibleByArgument {
        var keyType: KeyType

        init?(argument: String) {
            guard let keyType = try? KeyType(identifier: argument) else { return nil }
            self.keyType = keyType
        }

        init(_ keyType: KeyType) {
            self.keyType = keyType
        }

        static var allValueStrings: [String] { KeyType.accepted.map(\.identifier) }
        var defaultValueDescription: String { keyType.identifier }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key pair and a self-signed certificate: DIR/auth-cert.pem (upload it to NetSuite) and DIR/auth-key.pem (keep it private)."
        )

        @Option(help: "Key type: rsa-4096, rsa-3072, ec-p256, ec-p384 or ec-p521.")
        var key = KeyChoice(.rsa(bits: 4096))

        @Option(help: "Days of validity, 1 to 730 (NetSuite's maximum).")
        var days: Int = CertificateKit.defaultValidityDays

        @Option(help: "Subject, e.g. \"CN=Acme NetSuite integration, O=Acme Ltd, C=GB\".")
        var subject: String = CertificateKit.defaultSubject

        @Option(help: "Folder to write the two files to; created if missing.")
        var out: String = "."

        @Flag(help: "Replace auth-cert.pem and auth-key.pem if they exist.")
        var force = false

        func run() async throws {
            let directory = URL(fileURLWithPath: out)
            let certificateURL = directory.appendingPathComponent("auth-cert.pem")
            let keyURL = directory.appendingPathComponent("auth-key.pem")
            if !force {
                for url in [certificateURL, keyURL] where FileManager.default.fileExists(atPath: url.path) {
                    throw CLIError(
                        message: "out: \(url.path) exists; not replacing it (it may be the key of a certificate NetSuite uses).\n  fix: choose another --out folder, or pass --force to replace it."
                    )
                }
            }
            let generated = try CertificateKit.generate(keyType: key.keyType, validityDays: days, subject: subject)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try writePrivate(generated.privateKeyPEM, to: keyURL)
                try Data(generated.certificatePEM.utf8).write(to: certificateURL, options: .atomic)
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError(message: "out: cannot write to \(directory.path): \(error.localizedDescription)\n  fix: choose a folder you can write to.")
            }
            let certificate = generated.certificate
            print("""
                wrote \(certificateURL.path) (upload this to NetSuite)
                wrote \(keyURL.path) (private key, mode 0600: keep it secret)
                subject      \(certificate.subject)
                key          \(certificate.keyType)
                serial       \(certificate.serialNumber)
                not after    \(certificate.notAfter.formatted(.iso8601)) (\(certificate.daysLeft()) days)
                SHA-256      \(certificate.sha256Fingerprint)
                next: in NetSuite, Setup > Integration > OAuth 2.0 Client Credentials (M2M) Setup > Create New: pick the entity, role and application, upload auth-cert.pem, then note the certificate id it shows.
                """)
        }

        /// Writes `text` to a new file readable by its owner only (mode 0600), replacing any file there.
        private func writePrivate(_ text: String, to url: URL) throws {
            let path = url.path
            unlink(path)
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                throw CLIError(message: "out: cannot create \(path): \(String(cString: strerror(errno))).\n  fix: choose a folder you can write to.")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a certificate's subject, serial, validity, key, fingerprint, and whether NetSuite accepts it."
        )

        @Argument(help: "The certificate PEM file (e.g. auth-cert.pem).")
        var certificateFile: String

        @Option(help: "A private key PEM file: also check that it belongs to the certificate.")
        var key: String?

        @Flag(help: "Print JSON.")
        var json = false

        struct Output: Encodable {
            var subject, serial: String
            var notBefore, notAfter: Date
            var daysLeft: Int
            var keyType: String
            var keySize: Int
            var signatureAlgorithm, sha256Fingerprint: String
            var netsuiteAccepts: Bool
            var problems: [String]
            var keyMatches: Bool?
        }

        func run() async throws {
            let certificate = try CertificateInfo(pemRepresentation: try InputFiles.read(certificateFile, field: "certificate"))
            let keyMatches = try key.map {
                try CertificateKit.keyMatches(privateKeyPEM: try InputFiles.read($0, field: "private key"), certificate: certificate)
            }
            let now = Date()
            let problems = certificate.netsuiteProblems(at: now)
            let output = Output(
                subject: certificate.subject, serial: certificate.serialNumber, notBefore: certificate.notBefore,
                notAfter: certificate.notAfter, daysLeft: certificate.daysLeft(at: now), keyType: certificate.keyType.family,
                keySize: certificate.keyType.bits, signatureAlgorithm: certificate.signatureAlgorithm,
                sha256Fingerprint: certificate.sha256Fingerprint, netsuiteAccepts: problems.isEmpty, problems: problems,
                keyMatches: keyMatches
            )
            if json {
                try Terminal.printJSON(output)
                return
            }
            var lines = [
                "subject              \(output.subject)",
                "serial               \(output.serial)",
                "not before           \(output.notBefore.formatted(.iso8601))",
                "not after            \(output.notAfter.formatted(.iso8601)) (\(output.daysLeft) days left)",
                "key                  \(certificate.keyType)",
                "signature algorithm  \(output.signatureAlgorithm)",
                "SHA-256              \(output.sha256Fingerprint)",
                "NetSuite accepts     \(problems.isEmpty ? "yes" : "no")",
            ]
            lines += problems.map { "  problem: \($0)" }
            if let keyMatches {
                lines.append("key matches          \(keyMatches ? "yes" : "no: this private key was not made with this certificate")")
            }
            print(lines.joined(separator: "\n"))
        }
    }
}
