import Foundation

/// A mirror's destination as the user writes it: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]` or
/// `sqlite:PATH` (a file under the files root).
enum MirrorDatabaseURL: Sendable, Hashable {
    case postgres(URLComponents)
    case sqlite(path: String)

    /// - Throws: ``SuiteBridgeError`` naming `mirror.database`.
    init(_ text: String) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
                components.path.count > 1, components.user?.isEmpty == false
            else {
                throw SuiteBridgeError(.invalidInput, "The mirror's database URL is not a complete PostgreSQL URL.",
                                       remedy: "Use postgres://USER:PASSWORD@HOST:5432/DATABASE (add ?sslmode=disable for a server without TLS).",
                                       field: "mirror.database")
            }
            self = .postgres(components)
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw SuiteBridgeError(.invalidInput, "The mirror's SQLite URL names no file.", remedy: "Use sqlite:PATH, a file under the files root.",
                                       field: "mirror.database")
            }
            self = .sqlite(path: path)
        } else {
            throw SuiteBridgeError(.invalidInput, "The mirror's database must be PostgreSQL or SQLite.",
                                   remedy: "Use postgres://USER:PASSWORD@HOST/DATABASE or sqlite:PATH.", field: "mirror.database")
        }
    }

    /// The URL without its password, and the password apart (sealed in the store, never shown).
    static func splittingPassword(_ text: String) throws -> (url: String, password: String?) {
        guard case .postgres(var components) = try MirrorDatabaseURL(text) else { return (text, nil) }
        let password = components.password
        components.password = nil
        return (components.string ?? text, password)
    }

    /// Host and port, for the destination policy.
    var hostAndPort: (host: String, port: Int)? {
        guard case .postgres(let components) = self, let host = components.host else { return nil }
        return (host.lowercased(), components.port ?? 5432)
    }
}
