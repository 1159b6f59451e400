import Foundation

/// The value of an OAuth 1 `Authorization` header: `OAuth realm="…", oauth_consumer_key="…", …`.
public struct AuthorizationHeader: Sendable, Hashable, CustomStringConvertible {
    /// The realm: the account id in NetSuite's form (`1234567_SB1`). Not signed.
    public var realm: String?
    /// Every `oauth_*` parameter, decoded, in the order they appear (including `oauth_signature`).
    public var parameters: [Parameter]

    /// One `name="value"` pair of the header, decoded.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(realm: String?, parameters: [Parameter]) {
        self.realm = realm
        self.parameters = parameters
    }

    /// The first value of parameter `name`.
    public subscript(name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The header as sent: `OAuth realm="R", name="percent-encoded value", …`, in the order of ``parameters``.
    public var description: String {
        var text = "OAuth "
        text.reserveCapacity(64 + parameters.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count * 3 + 5 })
        var first = true
        if let realm {
            text += "realm=\""
            text += realm
            text += "\""
            first = false
        }
        for parameter in parameters {
            if !first { text += ", " }
            first = false
            text += PercentEncoding.encode(parameter.name)
            text += "=\""
            text += PercentEncoding.encode(parameter.value)
            text += "\""
        }
        return text
    }

    /// Parses a received `Authorization` header value.
    /// - Throws: ``NetSuiteAuthError`` `invalidRequest` when it is not an OAuth header or a pair is malformed.
    public init(parsing header: String) throws {
        let malformed = NetSuiteAuthError(
            code: .invalidRequest,
            message: "The Authorization header is not an OAuth 1 header.",
            remedy: "Send `OAuth realm=\"ACCOUNT\", oauth_consumer_key=\"…\", …` as NetSuite documents.",
            field: "Authorization"
        )
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 6, trimmed.prefix(6).lowercased() == "oauth " else { throw malformed }
        var realm: String?
        var parameters: [Parameter] = []
        var rest = Substring(trimmed.dropFirst(6))
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            if rest.isEmpty { break }
            guard let equals = rest.firstIndex(of: "=") else { throw malformed }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: equals)...]
            let value: Substring
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { throw malformed }
                value = rest[..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            if name == "realm" {
                realm = String(value)
            } else {
                parameters.append(Parameter(name: name.removingPercentEncoding ?? name, value: String(value).removingPercentEncoding ?? String(value)))
            }
        }
        self.init(realm: realm, parameters: parameters)
    }
}
