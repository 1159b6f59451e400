import Foundation

/// The kind and size of a key, as NetSuite's certificate conditions talk about it.
public enum KeyType: Sendable, Hashable, CustomStringConvertible {
    /// An RSA key of `bits` bits. NetSuite accepts 3072 and 4096.
    case rsa(bits: Int)
    /// An elliptic-curve key on one of the curves NetSuite accepts.
    case ec(Curve)

    /// The elliptic curves NetSuite accepts (P-256, P-384, P-521).
    public enum Curve: String, Sendable, Hashable, CaseIterable {
        case p256 = "P-256"
        case p384 = "P-384"
        case p521 = "P-521"

        /// The key size in bits: 256, 384 or 521.
        public var bits: Int {
            switch self {
            case .p256: 256
            case .p384: 384
            case .p521: 521
            }
        }
    }

    /// The smallest RSA key NetSuite accepts.
    public static let minimumRSABits = 3072

    /// `rsa` or `ec`.
    public var family: String {
        switch self {
        case .rsa: "rsa"
        case .ec: "ec"
        }
    }

    /// The key size in bits.
    public var bits: Int {
        switch self {
        case .rsa(let bits): bits
        case .ec(let curve): curve.bits
        }
    }

    /// Why NetSuite refuses this key type, or `nil` if it accepts it.
    public var netsuiteProblem: String? {
        switch self {
        case .rsa(let bits) where bits < Self.minimumRSABits:
            "RSA key of \(bits) bits: NetSuite requires RSA keys of 3072 or 4096 bits (2048 is refused)."
        case .rsa(let bits) where bits != 3072 && bits != 4096:
            "RSA key of \(bits) bits: NetSuite accepts RSA keys of 3072 or 4096 bits."
        default:
            nil
        }
    }

    /// The key types NetSuite accepts, in the order they are offered: RSA 4096 first (the default).
    public static let accepted: [KeyType] = [.rsa(bits: 4096), .rsa(bits: 3072), .ec(.p256), .ec(.p384), .ec(.p521)]

    /// The identifier used on the command line, in the API, in simulator configurations and in the store:
    /// `rsa-4096`, `rsa-3072`, `ec-p256`, `ec-p384`, `ec-p521`.
    public var identifier: String {
        switch self {
        case .rsa(let bits): "rsa-\(bits)"
        case .ec(let curve): "ec-" + curve.rawValue.lowercased().replacingOccurrences(of: "-", with: "")
        }
    }

    /// `rsa-4096, rsa-3072, ec-p256, ec-p384 or ec-p521`: for help texts and remedies.
    public static var acceptedIdentifiers: String {
        let names = accepted.map(\.identifier)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    /// Reads an identifier (``identifier``, any case) or a description (`RSA 4096`, `EC P-256`), for a key type
    /// NetSuite accepts.
    /// - Throws: ``NetSuiteAuthError`` `unsupportedKey` naming the accepted identifiers.
    public init(identifier text: String) throws {
        let folded = text.lowercased().replacingOccurrences(of: " ", with: "-")
        let compact = folded.replacingOccurrences(of: "ec-p-", with: "ec-p")
        guard let type = Self.accepted.first(where: { $0.identifier == compact }) else {
            throw NetSuiteAuthError(
                code: .unsupportedKey,
                message: "\"\(text)\" is not a key type NetSuite accepts.",
                remedy: "Use \(Self.acceptedIdentifiers).",
                field: "key type"
            )
        }
        self = type
    }

    /// `RSA 4096`, `EC P-256`.
    public var description: String {
        switch self {
        case .rsa(let bits): "RSA \(bits)"
        case .ec(let curve): "EC \(curve.rawValue)"
        }
    }
}
