import Foundation
import Hummingbird
import SuiteBridgeCore

/// What the API shows of a flow.
struct FlowRepresentation: Codable, Sendable {
    var name: String
    var kind: String
    var instance: String
    var state: String
    var stateReason: String?
    var schedule: String?
    var nextRunAt: Date?
    var watermark: String?
    var definition: FlowDefinition
    var lastRun: Run?

    init(_ flow: Flow, lastRun: Run?) {
        name = flow.name
        kind = flow.definition.kind.rawValue
        instance = flow.definition.instance
        state = flow.state.rawValue
        stateReason = flow.stateReason
        schedule = flow.definition.schedule
        nextRunAt = flow.nextRunAt
        watermark = flow.watermark
        definition = flow.definition
        self.lastRun = lastRun
    }
}

struct CreateFlowBody: Codable, Sendable {
    var name: String
    var definition: FlowDefinition
}

struct RefusedRow: Codable, Sendable {
    var row: Int
    var externalId: String?
    var message: String
    var path: String?
}

extension SuiteBridgeServer {
    func flows(for context: ServerContext) -> Flows {
        core(for: context).flows
    }

    func flowRepresentation(_ flow: Flow) async throws -> FlowRepresentation {
        FlowRepresentation(flow, lastRun: try await core.flows.runs(flow: flow.name, limit: 1).first)
    }

    func addFlowRoutes(to api: RouterGroup<ServerContext>) {
        api.get("/flows") { _, context in
            var items: [FlowRepresentation] = []
            for flow in try await flows(for: context).list() { items.append(try await flowRepresentation(flow)) }
            return try JSONResponse.make(["items": items])
        }
        api.post("/flows") { request, context in
            let body = try await JSONResponse.decode(CreateFlowBody.self, from: request)
            let flow = try await flows(for: context).create(name: body.name, definition: body.definition)
            var response = try JSONResponse.make(try await flowRepresentation(flow), status: .created)
            response.headers[.location] = "/api/v1/flows/\(flow.name)"
            return response
        }
        api.get("/flows/{name}") { _, context in
            try JSONResponse.make(try await flowRepresentation(try await flows(for: context).flow(named: try context.parameters.require("name"))))
        }
        api.delete("/flows/{name}") { _, context in
            try await flows(for: context).delete(try context.parameters.require("name"))
            return Response(status: .noContent)
        }
        api.post("/flows/{name}/run") { _, context in
            try JSONResponse.make(try await flows(for: context).enqueue(try context.parameters.require("name")), status: .accepted)
        }
        api.post("/flows/{name}/pause") { _, context in
            let name = try context.parameters.require("name")
            try await flows(for: context).pause(name)
            return try JSONResponse.make(try await flowRepresentation(try await flows(for: context).flow(named: name)))
        }
        api.post("/flows/{name}/resume") { _, context in
            let name = try context.parameters.require("name")
            try await flows(for: context).resume(name)
            return try JSONResponse.make(try await flowRepresentation(try await flows(for: context).flow(named: name)))
        }
        api.get("/runs") { request, context in
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 50
            let flow: String? = request.uri.queryParameters.get("flow").map { String($0) }
            let runs = try await flows(for: context).runs(flow: flow, limit: max(1, min(limit, 500)))
            return try JSONResponse.make(["items": runs])
        }
        api.post("/runs/{id}/cancel") { _, context in
            try JSONResponse.make(try await flows(for: context).cancel(run: try context.parameters.require("id")))
        }
        api.get("/runs/{id}") { _, context in
            let flows = flows(for: context)
            let run = try await flows.run(id: try context.parameters.require("id"))
            struct Detail: Encodable { var run: Run; var refused: [RefusedRow] }
            let refused = try await flows.refusedRows(run: run.id).map { RefusedRow(row: $0.row, externalId: $0.externalID, message: $0.message, path: $0.path) }
            return try JSONResponse.make(Detail(run: run, refused: refused))
        }
    }
}
