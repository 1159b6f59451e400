import Foundation
import SuiteBridgeCore

extension Dashboard {
    /// The add-instance form: exactly the seed guide's fields of the auth method, with help texts. Secrets are never
    /// written back into the form.
    func newInstanceValues(auth: AuthMethod, values: [String: String], error: SuiteBridgeError?) -> [String: Any] {
        struct Field { var id, label, help: String; var type = "text"; var required = true; var multiline = false; var secret = false }
        let common = [
            Field(id: "name", label: "Name", help: "A name for this connection, e.g. acme-sandbox."),
            Field(id: "accountId", label: "Account ID",
                  help: "Setup > Company > Company Information > Account ID, e.g. 1234567 or 1234567_SB1 (sandbox). Any form works, even the URL you log in at."),
        ]
        let specific: [Field] = switch auth {
        case .tokenBased: [
            Field(id: "consumerKey", label: "Consumer key", help: "Shown once when the integration record is saved (Setup > Integration > Manage Integrations)."),
            Field(id: "consumerSecret", label: "Consumer secret", help: "Shown with the consumer key. Stored encrypted, never shown again.", type: "password", secret: true),
            Field(id: "tokenId", label: "Token ID", help: "Shown once when the access token is saved (Setup > Users/Roles > Access Tokens > New)."),
            Field(id: "tokenSecret", label: "Token secret", help: "Shown with the token id. Stored encrypted, never shown again.", type: "password", secret: true),
        ]
        case .clientCredentials: [
            Field(id: "clientId", label: "Consumer key (client ID)", help: "The integration record's consumer key; it needs \"Client Credentials (Machine to Machine) Grant\" ticked."),
            Field(id: "certificateId", label: "Certificate ID", help: "From Setup > Integration > Manage Authentication > OAuth 2.0 Client Credentials (M2M) Setup, after uploading the certificate."),
            Field(id: "privateKeyPem", label: "Private key (PEM)", help: "The key made with the certificate: RSA 3072/4096 or EC P-256/384/521. Stored encrypted.", required: true, multiline: true, secret: true),
            Field(id: "certificatePem", label: "Certificate (PEM, optional)", help: "The uploaded certificate: SuiteBridge checks the key matches and tracks its expiry.", required: false, multiline: true),
            Field(id: "roleId", label: "Role internal id (optional)", help: "The mapping's role, needed for unattended rotation.", required: false),
            Field(id: "entityId", label: "Entity internal id (optional)", help: "The mapping's user, needed for unattended rotation.", required: false),
        ]
        }
        let base = Field(id: "baseUrl", label: "Base URL (optional)", help: "Only for a simulator or proxy, e.g. http://127.0.0.1:9090.", type: "url", required: false)
        let errorField = error?.field.map(Self.formField(for:))
        let fields = (common + specific + [base]).map { field -> [String: Any] in
            var row: [String: Any] = ["id": field.id, "label": field.label, "help": field.help, "type": field.type, "required": field.required,
                                      "multiline": field.multiline, "value": field.secret ? "" : values[field.id] ?? ""]
            if field.id == errorField, let error { row["error"] = "\(error.message) \(error.remedy)" }
            if field.id == "accountId" { row["help"] = field.help + " Realm: shown as you type." }
            return row
        }
        return ["auth": auth.rawValue, "tba": auth == .tokenBased, "oauth2": auth == .clientCredentials, "fields": fields]
    }

    static func formField(for field: String) -> String {
        [
            "name": "name", "account id": "accountId", "consumer key": "consumerKey", "consumer secret": "consumerSecret", "token id": "tokenId",
            "token secret": "tokenSecret", "client id": "clientId", "private key": "privateKeyPem", "certificate id": "certificateId",
            "certificate": "certificatePem", "role id": "roleId", "entity id": "entityId", "base url": "baseUrl",
        ][field] ?? field
    }
}
