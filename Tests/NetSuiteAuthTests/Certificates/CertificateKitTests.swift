import Foundation
import NetSuiteAuth
import Testing

@Suite("Generating certificates")
struct CertificateKitTests {
    @Test(
        "each key type NetSuite accepts: generated, read back, key matches, valid 365 days",
        arguments: [KeyType.rsa(bits: 3072), .ec(.p256), .ec(.p384), .ec(.p521)])
    func generate(_ keyType: KeyType) throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000.6)
        let generated = try CertificateKit.generate(keyType: keyType, subject: "CN=Acme NetSuite, O=Acme Ltd, C=gb", now: now)
        let certificate = try CertificateInfo(pemRepresentation: generated.certificatePEM)
        #expect(certificate == generated.certificate)
        #expect(certificate.keyType == keyType)
        #expect(certificate.subject == "CN=Acme NetSuite,O=Acme Ltd,C=GB")
        #expect(certificate.notBefore == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(certificate.notAfter.timeIntervalSince(certificate.notBefore) == 365 * 86_400)
        #expect(certificate.netsuiteAccepts(at: now))
        let key = try CertificateKit.checkPair(privateKeyPEM: generated.privateKeyPEM, certificate: certificate)
        #expect(key.keyType == keyType)
        #expect(generated.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("validity: 730 days is the most; more is refused with NetSuite's reason")
    func validity() throws {
        let longest = try CertificateKit.generate(keyType: .ec(.p256), validityDays: 730)
        #expect(longest.certificate.netsuiteAccepts(at: longest.certificate.notBefore))
        let error = try #require(throws: NetSuiteAuthError.self) {
            try CertificateKit.generate(keyType: .ec(.p256), validityDays: 731)
        }
        #expect(error.field == "days")
        #expect(error.message.contains("2 years"))
        #expect(throws: NetSuiteAuthError.self) { try CertificateKit.generate(keyType: .ec(.p256), validityDays: 0) }
    }

    @Test("a certificate generated in the past reads as expired")
    func expired() throws {
        let old = try CertificateKit.generate(keyType: .ec(.p256), validityDays: 30, now: Date().addingTimeInterval(-40 * 86_400))
        #expect(!old.certificate.netsuiteAccepts())
        #expect(old.certificate.daysLeft() < 0)
    }

    @Test("subjects in RFC 4514 and openssl forms give the same name; bad subjects are refused")
    func subjects() throws {
        let rfc = try CertificateKit.distinguishedName(parsing: "CN=a\\, b, O=Org, C=GB")
        let openssl = try CertificateKit.distinguishedName(parsing: "/C=GB/O=Org/CN=a, b")
        #expect(rfc == openssl)
        for bad in ["", "CN", "CN=", "XX=1", "C=GBR"] {
            let error = try #require(throws: NetSuiteAuthError.self) { try CertificateKit.distinguishedName(parsing: bad) }
            #expect(error.field == "subject", "\(bad)")
        }
    }

    @Test(
        "certificates made by `suitebridge cert generate` passed openssl x509, pkey -check and verify",
        arguments: ["rsa-3072", "rsa-4096", "ec-p256", "ec-p384", "ec-p521"])
    func generatedFixtures(_ name: String) throws {
        let directory = "generated/\(name)"
        let certificate = try CertificateInfo(pemRepresentation: try Fixture.text("\(directory)/auth-cert.pem"))
        _ = try CertificateKit.checkPair(privateKeyPEM: try Fixture.text("\(directory)/auth-key.pem"), certificate: certificate)
        let check = try Fixture.text("\(directory)/openssl-pkey-check.txt")
        #expect(check.contains("Key is valid") || check.contains("RSA key ok"), "\(check)")
        #expect(try Fixture.text("\(directory)/openssl-verify.txt").contains(": OK"))
        #expect(try Fixture.text("\(directory)/openssl-sha256.txt").trimmingCharacters(in: .newlines) == certificate.sha256Fingerprint)
        let x509 = try Fixture.text("\(directory)/openssl-x509.txt")
        #expect(x509.contains("Version: 3 (0x2)"))
        #expect(x509.contains("CA:FALSE"))
        #expect(x509.contains("\(certificate.keyType.bits) bit"))
        #expect(try Fixture.text("\(directory)/key-mode.txt").trimmingCharacters(in: .newlines) == "600")
    }
}
