/// An error from `SuiteBridgeCore`: what went wrong, the field it is about, and what to do.
///
/// Compare by ``code``. Messages never contain a secret, a private key or a token.
public struct SuiteBridgeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// A value given by the user is malformed or not acceptable; ``SuiteBridgeError/field`` names it.
        case invalidInput
        /// The named instance or certificate does not exist.
        case notFound
        /// The change conflicts with what is stored (a duplicate name, a certificate in the wrong state).
        case conflict
        /// The database could not be opened, migrated or written.
        case store
        /// The master key is missing, malformed or not the one the store was sealed with.
        case masterKey
        /// A sealed secret could not be opened: tampered with, moved to another row, or sealed under another key.
        case sealedSecret
        /// NetSuite refused the credentials or could not be reached; ``SuiteBridgeError/remedy`` says why.
        case netsuite
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

    public var description: String {
        let prefix = field.map { "\($0): " } ?? ""
        return remedy.isEmpty ? "\(prefix)\(message)" : "\(prefix)\(message) \(remedy)"
    }

    static func notFound(instance name: String) -> SuiteBridgeError {
        SuiteBridgeError(.notFound, "There is no instance named \"\(name)\".",
                         remedy: "Run `suitebridge instance list` to see the names.", field: "instance")
    }
}
