import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteAuth

/// The RESTlet scripts the simulator deploys, by script and deploy id.
enum BuiltInRestlet: String, CaseIterable {
    /// `customscript_sb_echo` (script 1, deploy 1): returns the method, the query and the body it received.
    case echo = "customscript_sb_echo"
    /// `customscript_sb_lookup` (script 2, deploy 1): returns a record as `{type, id, fields}`; `type` and `id` in
    /// the query (GET) or the JSON body (POST).
    case lookup = "customscript_sb_lookup"

    var scriptID: String { self == .echo ? "1" : "2" }

    init?(script: String, deploy: String) {
        guard deploy == "1" || deploy == "customdeploy1" else { return nil }
        guard let match = Self.allCases.first(where: { $0.scriptID == script || $0.rawValue == script }) else { return nil }
        self = match
    }
}

extension SimulatorServer {
    /// `/app/site/hosting/restlet.nl?script=&deploy=` for GET, POST, PUT and DELETE.
    func addRestletRoutes(to router: Router<BasicRequestContext>) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/app/site/hosting/restlet.nl", method: method) { request, _ -> Response in
                try await serve(request, endpoint: .restlet) { call in
                    try await runRestlet(call)
                }
            }
        }
    }

    private func runRestlet(_ call: Call) async throws -> Response {
        let query = call.request.uri.queryParameters
        guard let script = query["script"].map(String.init), let deploy = query["deploy"].map(String.init),
            let restlet = BuiltInRestlet(script: script, deploy: deploy)
        else {
            return NetSuiteResponse.restletError(
                status: 400, code: NetSuiteErrorCode.invalidScriptletID, message: "That Suitelet is invalid, disabled, or no longer exists.")
        }
        let body = call.body.readableBytes > 0 ? try? JSONValue(parsing: call.body.data) : nil
        if call.body.readableBytes > 0 && body == nil && call.request.headers[.contentType]?.contains("json") == true {
            return NetSuiteResponse.restletError(status: 400, code: NetSuiteErrorCode.syntaxError, message: "SyntaxError: Unexpected token in JSON.")
        }
        switch restlet {
        case .echo:
            let parameters = JSONObject(query.map { (String($0.key), JSONValue.string(String($0.value))) })
            return NetSuiteResponse.json(.object(JSONObject([
                ("method", .string(call.request.method.rawValue)), ("parameters", .object(parameters)),
                ("body", body ?? (call.body.readableBytes > 0 ? .string(String(buffer: call.body)) : .null)),
                ("user", .string(String(call.principal.entityID))), ("role", .string(String(call.principal.roleID))),
            ])))
        case .lookup:
            let typeName = body?.objectValue?["type"]?.scalarText ?? query["type"].map(String.init) ?? ""
            let idText = body?.objectValue?["id"]?.scalarText ?? query["id"].map(String.init) ?? ""
            guard let type = RecordType(pathName: typeName) else {
                return NetSuiteResponse.restletError(status: 400, code: NetSuiteErrorCode.invalidTypeArgument, message: "You have entered an invalid type argument: \(typeName)")
            }
            if call.principal.role.level(of: type.permission) < .view {
                return NetSuiteResponse.restletError(
                    status: 400, code: NetSuiteErrorCode.insufficientPermission, message: "Permission Violation: You need the '\(type.permission)' permission.")
            }
            let (store, _) = try await netsuite.records(call.principal.realm)
            guard let id = Int(idText), let record = store.record(type, id) else {
                return NetSuiteResponse.restletError(status: 400, code: NetSuiteErrorCode.recordDoesNotExist, message: "That record does not exist.")
            }
            let renderer = RecordRenderer(recordBase: "\(call.origin)/services/rest/record/v1", store: store)
            var fields = renderer.render(type, record, fields: nil, expandSubResources: false)
            fields["links"] = nil
            return NetSuiteResponse.json(.object(JSONObject([
                ("type", .string(type.rawValue)), ("id", .string(String(id))), ("fields", .object(fields)),
            ])))
        }
    }
}
