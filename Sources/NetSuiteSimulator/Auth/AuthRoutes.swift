import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteAuth

extension SimulatorServer {
    /// `POST /services/rest/auth/oauth2/v1/token`.
    func addTokenRoutes(to router: Router<BasicRequestContext>) {
        router.post("/services/rest/auth/oauth2/v1/token") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1024 * 1024)
            let isForm = request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
            var form: [String: String] = [:]
            if isForm {
                for pair in String(buffer: body).split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    func decode(_ text: Substring) -> String {
                        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
                    }
                    form[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
                }
            }
            let receivedAt = request.head.authority.map { "http://\($0)" + request.uri.path }
            let answer = await netsuite.tokenRequest(form: form, receivedAt: receivedAt)
            let realm = await netsuite.accountIDs.first { realm in
                answer.headers.contains { $0.1.contains("\"\(realm)\"") }
            }
            if let realm { await netsuite.count(realm, endpoint: "token", status: answer.status) }
            return NetSuiteResponse.json(
                .object(answer.body), status: HTTPResponse.Status(code: answer.status), headers: answer.headers + [("Cache-Control", "no-store")])
        }
    }

    /// The certificate rotation endpoint: list, add, revoke a client's M2M certificates, with a bearer token whose
    /// role has "Manage own OAuth 2.0 Client Credentials certificates".
    func addCertificateRoutes(to router: Router<BasicRequestContext>) {
        let base = "/services/rest/auth/oauth2/v1/clients/{clientId}/certificates"
        router.get(RouterPath(base)) { request, context -> Response in
            let clientID = context.parameters.get("clientId") ?? ""
            return try await serve(request, endpoint: .certificates) { call in
                if let refusal = await checkCertificateAccess(call, clientID: clientID) { return refusal }
                let items = await netsuite.certificates(call.principal.realm, integrationID: call.principal.integrationID)
                return NetSuiteResponse.json(.object(JSONObject([("items", .array(items))])))
            }
        }
        router.post(RouterPath(base)) { request, context -> Response in
            let clientID = context.parameters.get("clientId") ?? ""
            return try await serve(request, endpoint: .certificates) { call in
                if let refusal = await checkCertificateAccess(call, clientID: clientID) { return refusal }
                guard let body = try? JSONValue(parsing: call.body.data).objectValue,
                    let pem = body["fileContent"]?.stringValue
                else {
                    return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.invalidContent, detail: "fileContent is required: the certificate PEM.", path: "fileContent")
                }
                let role = body["role"]?.scalarText.flatMap(Int.init) ?? call.principal.roleID
                let entity = body["entity"]?.scalarText.flatMap(Int.init) ?? call.principal.entityID
                do {
                    let (certificateID, _) = try await netsuite.addMapping(
                        call.principal.realm, integrationID: call.principal.integrationID, entityID: entity, roleID: role, certificatePEM: pem)
                    return NetSuiteResponse.json(.object(JSONObject([("certificateId", .string(certificateID))])))
                } catch let error as SimulatorError {
                    return NetSuiteResponse.error(status: 400, code: NetSuiteErrorCode.userError, detail: error.message)
                }
            }
        }
        router.post(RouterPath(base + "/{certificateId}/revoke")) { request, context -> Response in
            let clientID = context.parameters.get("clientId") ?? ""
            let certificateID = context.parameters.get("certificateId") ?? ""
            return try await serve(request, endpoint: .certificates) { call in
                if let refusal = await checkCertificateAccess(call, clientID: clientID) { return refusal }
                let owned = await netsuite.certificates(call.principal.realm, integrationID: call.principal.integrationID)
                    .contains { $0.objectValue?["certificateId"]?.stringValue == certificateID }
                guard owned else {
                    return NetSuiteResponse.error(status: 404, code: NetSuiteErrorCode.nonexistentID, detail: "The certificate \(certificateID) does not exist.")
                }
                try await netsuite.revokeMapping(call.principal.realm, certificateID: certificateID)
                return NetSuiteResponse.noContent()
            }
        }
    }

    private func checkCertificateAccess(_ call: Call, clientID: String) async -> Response? {
        guard call.principal.method == "OAuth 2.0" else {
            return NetSuiteResponse.error(status: 401, code: NetSuiteErrorCode.invalidLogin, detail: "This endpoint needs an OAuth 2.0 access token.")
        }
        if let refusal = Self.checkPermission(call.principal, Permission.manageOwnOAuth2Certificates, .full) { return refusal }
        let ownKey = await netsuite.consumerKey(call.principal.realm, integrationID: call.principal.integrationID)
        guard ownKey == clientID else {
            return NetSuiteResponse.error(status: 403, code: NetSuiteErrorCode.insufficientPermission, detail: "An access token may manage only its own client's certificates.")
        }
        return nil
    }
}

extension SimulatedNetSuite {
    func certificates(_ realm: String, integrationID: Int) -> [JSONValue] {
        (accounts[realm]?.mappings.values ?? [:].values).filter { $0.integrationID == integrationID }
            .sorted { $0.validFrom < $1.validFrom }
            .map { mapping in
                .object(JSONObject([
                    ("certificateId", .string(mapping.certificateID)), ("entity", .string(String(mapping.entityID))),
                    ("role", .string(String(mapping.roleID))), ("validFrom", .string(SimulatorDates.dateTimeString(mapping.validFrom))),
                    ("validUntil", .string(SimulatorDates.dateTimeString(mapping.validUntil))), ("revoked", .bool(mapping.isRevoked)),
                ]))
            }
    }

    func consumerKey(_ realm: String, integrationID: Int) -> String? {
        accounts[realm]?.integrations[integrationID]?.consumerKey
    }
}
