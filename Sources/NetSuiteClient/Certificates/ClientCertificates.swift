import Foundation

/// One certificate of an OAuth 2.0 client, as NetSuite's certificate rotation endpoint lists it.
public struct ClientCertificate: Sendable, Hashable, Decodable {
    public var certificateId: String
    public var entity: String?
    public var role: String?
    public var validFrom: String?
    public var validUntil: String?
    public var revoked: Bool?

    enum CodingKeys: String, CodingKey { case certificateId, entity, role, validFrom, validUntil, revoked }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        certificateId = try container.decode(String.self, forKey: .certificateId)
        entity = Self.text(container, .entity)
        role = Self.text(container, .role)
        validFrom = try container.decodeIfPresent(String.self, forKey: .validFrom)
        validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
        revoked = try container.decodeIfPresent(Bool.self, forKey: .revoked)
    }

    /// Ids come as numbers or strings.
    private static func text(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> String? {
        if let text = try? container.decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? container.decodeIfPresent(Int.self, forKey: key) { return String(number) }
        return nil
    }
}

extension NetSuiteClient {
    /// NetSuite's certificate rotation endpoint for one OAuth 2.0 client (`/services/rest/auth/oauth2/v1/clients/<id>/certificates`
    /// on the RESTlets host). It needs an OAuth 2.0 access token whose role has "Manage own OAuth 2.0 Client
    /// Credentials certificates"; a client may manage only its own certificates.
    public func certificates(clientID: String) -> ClientCertificates {
        ClientCertificates(client: self, clientID: clientID)
    }

    public struct ClientCertificates: Sendable {
        let client: NetSuiteClient
        let clientID: String

        private var base: String {
            var origin = client.configuration.restletURL
            if let range = origin.range(of: "/app/site/hosting/restlet.nl") { origin = String(origin[..<range.lowerBound]) }
            return "\(origin)/services/rest/auth/oauth2/v1/clients/\(NetSuiteClient.Records.encodePath(clientID))/certificates"
        }

        /// The client's certificates.
        /// - Throws: ``NetSuiteError`` (403 `INSUFFICIENT_PERMISSION` without the rotation permission).
        public func list() async throws -> [ClientCertificate] {
            let response = try await client.perform(.init(method: "GET", url: base, idempotent: true, label: "GET certificates"))
            struct Envelope: Decodable { var items: [ClientCertificate] }
            do {
                return try JSONDecoder().decode(Envelope.self, from: Data(response.body)).items
            } catch {
                throw NetSuiteError(code: .malformedResponse, request: "GET certificates", message: "The certificate list could not be read: \(error).",
                                    remedy: "Check that the account's certificate rotation endpoint is available.")
            }
        }

        /// Uploads a certificate for the (role, entity) mapping and returns its new certificate id.
        /// Not retried after a dropped connection (it may have been added): list the certificates to find out.
        public func add(certificatePEM: String, role: String?, entity: String?) async throws -> String {
            var body: [String: String] = ["fileContent": certificatePEM]
            if let role { body["role"] = role }
            if let entity { body["entity"] = entity }
            let data = try JSONEncoder().encode(body)
            let response = try await client.perform(.init(
                method: "POST", url: base, body: Array(data), contentType: "application/json", idempotent: false, label: "POST certificates"))
            struct Added: Decodable { var certificateId: String }
            do {
                return try JSONDecoder().decode(Added.self, from: Data(response.body)).certificateId
            } catch {
                throw NetSuiteError(code: .malformedResponse, request: "POST certificates", message: "The answer to the certificate upload has no certificateId.",
                                    remedy: "List the client's certificates to see whether it was added.")
            }
        }

        /// Revokes a certificate. Irreversible in NetSuite.
        public func revoke(certificateID: String) async throws {
            _ = try await client.perform(.init(
                method: "POST", url: "\(base)/\(NetSuiteClient.Records.encodePath(certificateID))/revoke", idempotent: true,
                label: "POST certificates/\(certificateID)/revoke"))
        }
    }
}
