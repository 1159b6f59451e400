import Foundation
import NetSuiteAuth
import Testing

@Suite("Reading keys and certificates openssl made")
struct CertificateReadingTests {
    static let pairs = ["rsa-pss-4096", "rsa-4096", "rsa-3072", "ec-p256", "ec-p384", "ec-p521"]

    /// openssl's `notBefore=Nov 27 02:32:02 2026 GMT` form.
    static func opensslDate(_ text: String) throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy zzz"
        let squeezed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return try #require(formatter.date(from: squeezed), "cannot read \(text)")
    }

    @Test("each certificate reads as openssl reads it", arguments: pairs + ["rsa-2048", "rsa-3072-3years"])
    func certificateMatchesOpenSSL(_ name: String) throws {
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/\(name)-cert.pem"))
        let openssl = try Fixture.keyValues("openssl/\(name).openssl.txt")
        #expect(certificate.subject == openssl["subject"])
        #expect(certificate.serialNumber == openssl["serial"])
        #expect(certificate.sha256Fingerprint == openssl["sha256"])
        #expect(certificate.notBefore == (try Self.opensslDate(try #require(openssl["notBefore"]))))
        #expect(certificate.notAfter == (try Self.opensslDate(try #require(openssl["notAfter"]))))
        #expect(certificate.keyType.bits == Int(try #require(openssl["bits"])))
    }

    @Test("each private key reads and belongs to its certificate", arguments: pairs)
    func keyMatchesCertificate(_ name: String) throws {
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/\(name)-cert.pem"))
        let key = try CertificateKit.checkPair(
            privateKeyPEM: try Fixture.text("openssl/\(name)-key.pem"), certificate: certificate)
        #expect(key.keyType == certificate.keyType)
    }

    @Test("Oracle's rsa-pss command: key and certificate read with the RSASSA-PSS algorithm")
    func rsaPSS() throws {
        let keyPEM = try Fixture.text("openssl/rsa-pss-4096-key.pem")
        #expect(keyPEM.contains("BEGIN PRIVATE KEY"))
        let key = try SigningKey(pemRepresentation: keyPEM)
        #expect(key.keyType == .rsa(bits: 4096))
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/rsa-pss-4096-cert.pem"))
        #expect(certificate.signatureAlgorithm == "rsassaPss")
        #expect(certificate.keyType == .rsa(bits: 4096))
        #expect(certificate.matches(key))
    }

    @Test(
        "PKCS#1 and SEC1 forms read as the same key as their PKCS#8 form",
        arguments: [("rsa-4096-key-pkcs1", "rsa-4096"), ("ec-p256-key-sec1", "ec-p256"), ("ec-p384-key-sec1", "ec-p384"), ("ec-p521-key-sec1", "ec-p521")])
    func legacyForms(file: String, pair: String) throws {
        let legacy = try SigningKey(pemRepresentation: try Fixture.text("openssl/\(file).pem"))
        let pkcs8 = try SigningKey(pemRepresentation: try Fixture.text("openssl/\(pair)-key.pem"))
        #expect(legacy.publicKey == pkcs8.publicKey)
        #expect(try SigningKey(pemRepresentation: legacy.pemRepresentation).publicKey == pkcs8.publicKey)
    }

    @Test("signature algorithms are named as openssl names them", arguments: pairs + ["rsa-2048"])
    func signatureAlgorithm(_ name: String) throws {
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/\(name)-cert.pem"))
        #expect(certificate.signatureAlgorithm == (try Fixture.keyValues("openssl/\(name).openssl.txt")["sigalg"]))
    }

    @Test("encrypted keys are refused with how to decrypt them", arguments: ["rsa-3072-key-encrypted", "rsa-3072-key-encrypted-legacy"])
    func encrypted(_ name: String) throws {
        let error = try #require(throws: NetSuiteAuthError.self) {
            try SigningKey(pemRepresentation: try Fixture.text("openssl/\(name).pem"))
        }
        #expect(error.code == .encryptedKey)
        #expect(error.field == "private key")
        #expect(error.remedy.contains("openssl pkey"))
    }

    @Test("garbage, plain text and a certificate in place of a key are refused clearly")
    func garbageKeys() throws {
        for name in ["garbage-key.pem", "not-pem.txt"] {
            let error = try #require(throws: NetSuiteAuthError.self) {
                try SigningKey(pemRepresentation: try Fixture.text("openssl/\(name)"))
            }
            #expect(error.code == .malformedKey, "\(name)")
        }
        let swapped = try #require(throws: NetSuiteAuthError.self) {
            try SigningKey(pemRepresentation: try Fixture.text("openssl/ec-p256-cert.pem"))
        }
        #expect(swapped.message.contains("certificate"))
        let reversed = try #require(throws: NetSuiteAuthError.self) {
            try CertificateInfo(pemRepresentation: try Fixture.text("openssl/ec-p256-key.pem"))
        }
        #expect(reversed.code == .malformedCertificate)
        #expect(reversed.message.contains("private key"))
        let broken = try #require(throws: NetSuiteAuthError.self) {
            try CertificateInfo(pemRepresentation: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        }
        #expect(broken.code == .malformedCertificate)
    }

    @Test("a key from another pair does not match, and says so")
    func mismatch() throws {
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/rsa-4096-cert.pem"))
        let error = try #require(throws: NetSuiteAuthError.self) {
            try CertificateKit.checkPair(
                privateKeyPEM: try Fixture.text("openssl/rsa-pss-4096-key.pem"), certificate: certificate)
        }
        #expect(error.code == .keyDoesNotMatchCertificate)
        #expect(try !CertificateKit.keyMatches(privateKeyPEM: try Fixture.text("openssl/rsa-2048-key.pem"), certificate: certificate))
        let small = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/rsa-2048-cert.pem"))
        #expect(try CertificateKit.keyMatches(privateKeyPEM: try Fixture.text("openssl/rsa-2048-key.pem"), certificate: small))
    }

    @Test("NetSuite's conditions: key size, at most 2 years, not expired")
    func netsuiteConditions() throws {
        let good = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/rsa-4096-cert.pem"))
        let during = good.notBefore.addingTimeInterval(86_400)
        #expect(good.netsuiteAccepts(at: during), "730 days is allowed: \(good.netsuiteProblems(at: during))")
        let expired = good.netsuiteProblems(at: good.notAfter.addingTimeInterval(1))
        #expect(expired.count == 1 && expired[0].hasPrefix("Expired"))
        #expect(good.daysLeft(at: good.notAfter.addingTimeInterval(-86_400 * 10 - 5)) == 10)
        #expect(good.daysLeft(at: good.notAfter.addingTimeInterval(86_400 * 2)) == -2)

        let small = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/rsa-2048-cert.pem"))
        #expect(small.netsuiteProblems(at: small.notBefore).contains { $0.contains("3072") })
        let long = try CertificateInfo(pemRepresentation: try Fixture.text("openssl/rsa-3072-3years-cert.pem"))
        #expect(long.netsuiteProblems(at: long.notBefore).contains { $0.contains("2 years") })
    }
}
