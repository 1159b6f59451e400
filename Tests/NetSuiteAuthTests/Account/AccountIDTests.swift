import NetSuiteAuth
import Testing

@Suite("AccountID")
struct AccountIDTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var hostLabel: String
        var realm: String
        var kind: AccountID.Kind
        var testDescription: String { input }
    }

    static let table: [Case] = [
        Case(input: "1234567", hostLabel: "1234567", realm: "1234567", kind: .production),
        Case(input: "1234567-SB1", hostLabel: "1234567-sb1", realm: "1234567_SB1", kind: .sandbox(1)),
        Case(input: "1234567_SB1", hostLabel: "1234567-sb1", realm: "1234567_SB1", kind: .sandbox(1)),
        Case(input: "1234567-sb1", hostLabel: "1234567-sb1", realm: "1234567_SB1", kind: .sandbox(1)),
        Case(input: "1234567_sb1", hostLabel: "1234567-sb1", realm: "1234567_SB1", kind: .sandbox(1)),
        Case(input: "1234567_RP", hostLabel: "1234567-rp", realm: "1234567_RP", kind: .releasePreview),
        Case(input: "1234567-rp", hostLabel: "1234567-rp", realm: "1234567_RP", kind: .releasePreview),
        Case(input: "TSTDRV1431250", hostLabel: "tstdrv1431250", realm: "TSTDRV1431250", kind: .testDrive),
        Case(input: "tstdrv1431250", hostLabel: "tstdrv1431250", realm: "TSTDRV1431250", kind: .testDrive),
        Case(
            input: "https://tstdrv1431250.app.netsuite.com/app/center/card.nl?sc=-29&whence=",
            hostLabel: "tstdrv1431250", realm: "TSTDRV1431250", kind: .testDrive),
        Case(
            input: "https://1234567-sb2.suitetalk.api.netsuite.com/services/rest/",
            hostLabel: "1234567-sb2", realm: "1234567_SB2", kind: .sandbox(2)),
        Case(input: "1234567_SB12", hostLabel: "1234567-sb12", realm: "1234567_SB12", kind: .sandbox(12)),
        Case(input: " 1234567-SB1\n", hostLabel: "1234567-sb1", realm: "1234567_SB1", kind: .sandbox(1)),
        Case(input: "1234567.app.netsuite.com", hostLabel: "1234567", realm: "1234567", kind: .production),
        Case(input: "TSTDRV939179_RP", hostLabel: "tstdrv939179-rp", realm: "TSTDRV939179_RP", kind: .releasePreview),
    ]

    @Test("every form a user pastes gives NetSuite's host label, realm and kind", arguments: table)
    func parses(_ row: Case) throws {
        let account = try AccountID(parsing: row.input)
        #expect(account.hostLabel == row.hostLabel)
        #expect(account.realm == row.realm)
        #expect(account.kind == row.kind)
    }

    @Test("URLs: REST, RESTlet and token endpoint")
    func urls() throws {
        let account = try AccountID(parsing: "1234567-SB1")
        #expect(account.restBaseURL == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/")
        #expect(account.restletBaseURL == "https://1234567-sb1.restlets.api.netsuite.com/app/site/hosting/restlet.nl")
        #expect(account.tokenURL == "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")
    }

    @Test("the kind reads as the table words it")
    func kindWords() {
        #expect(AccountID.Kind.sandbox(1).description == "sandbox 1")
        #expect(AccountID.Kind.releasePreview.description == "release preview")
        #expect(AccountID.Kind.testDrive.description == "test drive")
        #expect(AccountID.Kind.production.description == "production")
    }

    @Test("building from parts gives the same id as parsing")
    func fromParts() throws {
        #expect(try AccountID(baseID: "1234567", kind: .sandbox(3)) == AccountID(parsing: "1234567-sb3"))
        #expect(throws: NetSuiteAuthError.self) { try AccountID(baseID: "12a4", kind: .production) }
    }

    @Test(
        "bad input is refused with what is wrong and an accepted form",
        arguments: [
            ("", "empty"),
            ("   ", "empty"),
            ("1234567 SB1", "spaces"),
            ("1234567-XX", "unknown suffix"),
            ("1234567_SB", "unknown suffix"),
            ("1234567_SB0", "unknown suffix"),
            ("https://example.com/app/center/card.nl", "not a NetSuite address"),
            ("https://system.netsuite.com/app/login", "does not start with an account id"),
            ("ACME", "should start with digits"),
            ("-SB1", "should start with digits"),
        ])
    func refuses(input: String, reason: String) throws {
        let error = try #require(throws: NetSuiteAuthError.self) { try AccountID(parsing: input) }
        #expect(error.code == .invalidAccountID)
        #expect(error.field == "account id")
        #expect(error.message.contains(reason), "\(error.message)")
        #expect(error.remedy.contains("1234567_SB1"))
    }
}
