import Foundation

/// A NetSuite account id, parsed from whatever form a user pastes, that gives each form NetSuite wants.
///
/// NetSuite writes one account id several ways: `1234567_SB1` in Company Information and the OAuth 1
/// realm, `1234567-sb1` in every domain name. `AccountID` accepts any of them (and a whole NetSuite URL)
/// and hands out the right one for each use.
///
/// ```swift
/// let account = try AccountID(parsing: "1234567-SB1")
/// account.hostLabel   // "1234567-sb1"
/// account.realm       // "1234567_SB1"
/// account.kind        // .sandbox(1)
/// ```
public struct AccountID: Sendable, Hashable, CustomStringConvertible {
    /// Which kind of NetSuite account the id names.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// A production account: digits only (`1234567`).
        case production
        /// Sandbox number N of a production account (`1234567_SB1`).
        case sandbox(Int)
        /// The release preview of an account (`1234567_RP`).
        case releasePreview
        /// A test-drive or SuiteCloud Developer Network account (`TSTDRV1431250`).
        case testDrive

        /// Words for the kind: `production`, `sandbox 1`, `release preview`, `test drive`.
        public var description: String {
            switch self {
            case .production: "production"
            case .sandbox(let number): "sandbox \(number)"
            case .releasePreview: "release preview"
            case .testDrive: "test drive"
            }
        }
    }

    /// The account's base id in upper case, without a suffix (`1234567`, `TSTDRV1431250`).
    public let baseID: String
    /// What kind of account this is.
    public let kind: Kind

    /// Parses an account id in any form NetSuite shows it, or a NetSuite URL.
    ///
    /// Accepted: `1234567`, `1234567_SB1`, `1234567-sb1` (any case), `1234567_RP`, `TSTDRV1431250`, and URLs such as
    /// `https://tstdrv1431250.app.netsuite.com/app/center/card.nl` or `https://1234567-sb2.suitetalk.api.netsuite.com/`.
    /// Leading and trailing whitespace (a pasted newline) is ignored.
    /// - Throws: ``NetSuiteAuthError`` with code `invalidAccountID` for empty input, spaces inside the id, an unknown
    ///   suffix (`1234567-XX`), or a URL whose host is not under `netsuite.com`; the message shows an accepted form.
    public init(parsing input: String) throws {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw Self.error("The account id is empty.")
        }
        if trimmed.contains("://") || trimmed.lowercased().contains(".netsuite.com") {
            self = try Self.parseURL(trimmed, original: input)
            return
        }
        guard !trimmed.contains(where: \.isWhitespace) else {
            throw Self.error("The account id \"\(trimmed)\" contains spaces.")
        }
        self = try Self.parseID(trimmed)
    }

    /// Creates an account id from its parts.
    /// - Precondition: `baseID` is digits, or `TSTDRV` followed by digits; a sandbox number is 1 or more.
    public init(baseID: String, kind: Kind) throws {
        let suffix: String =
            switch kind {
            case .production, .testDrive: ""
            case .sandbox(let number): "_SB\(number)"
            case .releasePreview: "_RP"
            }
        self = try Self.parseID(baseID + suffix)
    }

    private init(validatedBase: String, kind: Kind) {
        self.baseID = validatedBase
        self.kind = kind
    }

    /// The id as NetSuite writes it in Company Information and the OAuth 1 realm: upper case, underscore
    /// (`1234567_SB1`, `TSTDRV1431250`). A realm in any other form gives `INVALID_LOGIN`.
    public var realm: String {
        switch kind {
        case .production, .testDrive: baseID
        case .sandbox(let number): "\(baseID)_SB\(number)"
        case .releasePreview: "\(baseID)_RP"
        }
    }

    /// The first label of the account's domain names: lower case, dash (`1234567-sb1`, `tstdrv1431250`).
    public var hostLabel: String {
        realm.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// `https://<host>.suitetalk.api.netsuite.com`: the origin of REST records, SuiteQL and OAuth 2.
    public var restOrigin: String { "https://\(hostLabel).suitetalk.api.netsuite.com" }

    /// `https://<host>.suitetalk.api.netsuite.com/services/rest/`: REST records, SuiteQL and OAuth 2.
    public var restBaseURL: String { restOrigin + "/services/rest/" }

    /// `https://<host>.restlets.api.netsuite.com/app/site/hosting/restlet.nl`: RESTlets, with `script` and `deploy`.
    public var restletBaseURL: String { "https://\(hostLabel).restlets.api.netsuite.com/app/site/hosting/restlet.nl" }

    /// `https://<host>.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token`: the OAuth 2 token endpoint,
    /// also the `aud` of a client assertion.
    public var tokenURL: String { tokenURL(origin: nil) }

    /// The path of the OAuth 2 token endpoint under the REST origin.
    public static let tokenPath = "/services/rest/auth/oauth2/v1/token"

    /// The token endpoint under `origin` (a simulator or proxy, with or without a trailing `/`), or under the
    /// account's own ``restOrigin`` when `origin` is `nil`.
    public func tokenURL(origin: String?) -> String {
        Self.origin(origin ?? restOrigin) + Self.tokenPath
    }

    /// `origin` without a trailing `/`.
    public static func origin(_ origin: String) -> String {
        origin.hasSuffix("/") ? String(origin.dropLast()) : origin
    }

    /// The realm form (`1234567_SB1`).
    public var description: String { realm }

    // MARK: - Parsing

    private static let acceptedForms =
        "Accepted forms: 1234567 (production), 1234567_SB1 or 1234567-sb1 (sandbox), 1234567_RP (release preview), "
        + "TSTDRV1431250 (test drive), or the URL you see after logging in, e.g. https://1234567.app.netsuite.com/."

    private static func error(_ message: String) -> NetSuiteAuthError {
        NetSuiteAuthError(
            code: .invalidAccountID,
            message: message,
            remedy: "Copy it from Setup > Company > Company Information (Account ID) or from your NetSuite URL. "
                + acceptedForms,
            field: "account id"
        )
    }

    private static func parseURL(_ text: String, original: String) throws -> AccountID {
        let withScheme = text.contains("://") ? text : "https://" + text
        guard let components = URLComponents(string: withScheme), let host = components.host?.lowercased(),
            !host.isEmpty
        else {
            throw error("\"\(text)\" is not a URL that can be read.")
        }
        guard host.hasSuffix(".netsuite.com") else {
            throw error("\"\(host)\" is not a NetSuite address (NetSuite's end in .netsuite.com).")
        }
        guard let label = host.split(separator: ".").first, let account = try? parseID(String(label)) else {
            throw error(
                "The URL \"\(text)\" does not start with an account id (it should look like https://1234567.app.netsuite.com/)."
            )
        }
        return account
    }

    private static func parseID(_ text: String) throws -> AccountID {
        let upper = text.uppercased()
        var base = Substring(upper)
        var suffix: Substring? = nil
        if let separator = upper.firstIndex(where: { $0 == "_" || $0 == "-" }) {
            base = upper[..<separator]
            suffix = upper[upper.index(after: separator)...]
        }
        let isTestDrive = base.hasPrefix("TSTDRV")
        let digits = isTestDrive ? base.dropFirst("TSTDRV".count) : base
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else {
            throw error("\"\(text)\" is not an account id: it should start with digits or TSTDRV and digits.")
        }
        guard let suffix else {
            return AccountID(validatedBase: String(base), kind: isTestDrive ? .testDrive : .production)
        }
        if suffix == "RP" {
            return AccountID(validatedBase: String(base), kind: .releasePreview)
        }
        if suffix.hasPrefix("SB"), let number = Int(suffix.dropFirst(2)), number >= 1,
            suffix.dropFirst(2).allSatisfy(\.isASCIIDigit)
        {
            return AccountID(validatedBase: String(base), kind: .sandbox(number))
        }
        throw error(
            "\"\(text)\" has an unknown suffix \"\(suffix)\"; NetSuite's are SB1, SB2, ... (sandbox) and RP (release preview), e.g. \(base)_SB1."
        )
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
