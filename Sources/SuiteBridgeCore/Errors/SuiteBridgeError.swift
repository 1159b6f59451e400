import NetSuiteAuth

/// An error from `SuiteBridgeCore`: what went wrong, the field it is about, and what to do.
///
/// Compare by ``code``; the set of codes may grow, so switch over them with a `default` branch. Messages never
/// contain a secret, a private key or a token.
public struct SuiteBridgeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case invalidInput, notFound, conflict, forbidden, store, masterKey, sealedSecret, netsuite
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A value given by the user is malformed or not acceptable; ``SuiteBridgeError/field`` names it.
        public static let invalidInput = Code(.invalidInput)
        /// The named instance, certificate, flow or run does not exist.
        public static let notFound = Code(.notFound)
        /// The change conflicts with what is stored (a duplicate name, a certificate in the wrong state).
        public static let conflict = Code(.conflict)
        /// The caller may not do this: a token whose scope is too small, a path outside the files root.
        public static let forbidden = Code(.forbidden)
        /// The database could not be opened, migrated or written.
        public static let store = Code(.store)
        /// The master key is missing, malformed or not the one the store was sealed with.
        public static let masterKey = Code(.masterKey)
        /// A sealed secret could not be opened: tampered with, moved to another row, or sealed under another key.
        public static let sealedSecret = Code(.sealedSecret)
        /// NetSuite refused the credentials or could not be reached; ``SuiteBridgeError/remedy`` says why.
        public static let netsuite = Code(.netsuite)

        /// `invalidInput`, `notFound`, …: stable, for logs and API error bodies.
        public var description: String { backing.rawValue }
    }

    public var code: Code
    public var message: String
    public var remedy: String
    /// The input field (`account id`, `private key`, `certificate id`, ...) when there is one.
    public var field: String?

    public init(_ code: Code, _ message: String, remedy: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
        self.field = field
    }

    /// A credential, key or certificate that `NetSuiteAuth` refused, as invalid input naming the same field.
    public init(_ error: NetSuiteAuthError) {
        self.init(.invalidInput, error.message, remedy: error.remedy, field: error.field)
    }

    public var description: String {
        let prefix = field.map { "\($0): " } ?? ""
        return remedy.isEmpty ? "\(prefix)\(message)" : "\(prefix)\(message) \(remedy)"
    }

    static func notFound(instance name: String) -> SuiteBridgeError {
        SuiteBridgeError(.notFound, "There is no instance named \"\(name)\".",
                         remedy: "Run `suitebridge instance list` to see the names.", field: "instance")
    }

    /// Runs `body`, turning a ``NetSuiteAuthError`` it throws into a ``SuiteBridgeError``.
    static func converting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as NetSuiteAuthError {
            throw SuiteBridgeError(error)
        }
    }

    /// Runs `body`, turning a ``NetSuiteAuthError`` it throws into a ``SuiteBridgeError``.
    static func converting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as NetSuiteAuthError {
            throw SuiteBridgeError(error)
        }
    }
}
