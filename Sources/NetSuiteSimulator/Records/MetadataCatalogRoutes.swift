import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteAuth

extension SimulatorServer {
    /// `GET /services/rest/record/v1/metadata-catalog[/][?select=a,b]` and `…/metadata-catalog/{type}` with `Accept`
    /// `application/schema+json`, `application/swagger+json` or JSON (the type's list item). Any role with REST web
    /// services may read it.
    func addMetadataCatalogRoutes(to router: Router<BasicRequestContext>) {
        // One route serves `metadata-catalog` and `metadata-catalog/` (the router ignores a trailing slash).
        router.get(RouterPath(MetadataCatalog.path)) { request, _ -> Response in
            try await serve(request, endpoint: .record) { call in try await metadataCatalogList(call) }
        }
        router.get(RouterPath(MetadataCatalog.path + "/{type}")) { request, context -> Response in
            try await serve(request, endpoint: .record) { call in
                try await metadataCatalogType(call, name: context.parameters.get("type") ?? "")
            }
        }
    }

    private func metadataCatalog(_ call: Call) async throws -> Result<MetadataCatalog, RecordResponse> {
        if let refusal = Self.checkPermission(call.principal, Permission.restWebServices, .full) { return .failure(RecordResponse(refusal)) }
        let (store, _) = try await netsuite.records(call.principal.realm)
        return .success(MetadataCatalog(store: store, origin: call.origin))
    }

    private func metadataCatalogList(_ call: Call) async throws -> Response {
        let catalog: MetadataCatalog
        switch try await metadataCatalog(call) {
        case .failure(let refusal): return refusal.response
        case .success(let value): catalog = value
        }
        switch MetadataCatalog.types(selecting: call.request.uri.queryParameters["select"].map(String.init)) {
        case .failure(let unknown):
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.invalidParameter,
                detail: "Invalid select parameter: '\(unknown.name)' is not a record type. Give record type names separated by commas.", queryParam: "select")
        case .success(let types):
            return NetSuiteResponse.json(catalog.list(types))
        }
    }

    private func metadataCatalogType(_ call: Call, name: String) async throws -> Response {
        let catalog: MetadataCatalog
        switch try await metadataCatalog(call) {
        case .failure(let refusal): return refusal.response
        case .success(let value): catalog = value
        }
        guard let type = RecordType(pathName: name) else {
            // Oracle: a malformed path such as `metadata-catalog/customer, salesOrder` is INVALID_REQUEST.
            return NetSuiteResponse.error(
                status: 400, code: NetSuiteErrorCode.invalidRequest,
                detail: "Invalid request: '\(name)' is not a record type. Use metadata-catalog?select=a,b for several.")
        }
        let accept = call.request.headers[.accept]?.lowercased() ?? ""
        if accept.contains(MetadataCatalog.schemaMediaType) {
            return NetSuiteResponse.json(catalog.schema(type), contentType: MetadataCatalog.schemaMediaType)
        }
        if accept.contains(MetadataCatalog.swaggerMediaType) {
            return NetSuiteResponse.json(catalog.openAPI(type), contentType: MetadataCatalog.swaggerMediaType)
        }
        return NetSuiteResponse.json(catalog.item(type))
    }
}
