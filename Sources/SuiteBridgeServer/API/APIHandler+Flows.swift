import Foundation
import OpenAPIRuntime
import SuiteBridgeCore

extension APIHandler {
    func representation(_ flow: Flow) async throws -> Components.Schemas.Flow {
        try .init(flow, lastRun: try await core.flows.runs(flow: flow.name, limit: 1).first)
    }

    func listFlows(_ input: Operations.ListFlows.Input) async throws -> Operations.ListFlows.Output {
        var items: [Components.Schemas.Flow] = []
        for flow in try await core.flows.list() { items.append(try await representation(flow)) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createFlow(_ input: Operations.CreateFlow.Input) async throws -> Operations.CreateFlow.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let definition = try body.definition.definition()
        guard definition.kind == .webhook else {
            let flow = try await core.flows.create(name: body.name, definition: definition)
            return .created(.init(headers: .init(location: APIPath.flow(flow.name)), body: .json(try await representation(flow))))
        }
        let (flow, secret) = try await core.flows.createWebhook(name: body.name, definition: definition, signingSecret: body.signingSecret)
        var created = try await representation(flow)
        created.signingSecret = secret  // this once
        return .created(.init(headers: .init(location: APIPath.flow(flow.name)), body: .json(created)))
    }

    func getFlow(_ input: Operations.GetFlow.Input) async throws -> Operations.GetFlow.Output {
        .ok(.init(body: .json(try await representation(try await core.flows.flow(named: input.path.name)))))
    }

    func deleteFlow(_ input: Operations.DeleteFlow.Input) async throws -> Operations.DeleteFlow.Output {
        try await core.flows.delete(input.path.name)
        return .noContent(.init())
    }

    func runFlow(_ input: Operations.RunFlow.Input) async throws -> Operations.RunFlow.Output {
        .accepted(.init(body: .json(try .init(try await core.flows.enqueue(input.path.name)))))
    }

    func pauseFlow(_ input: Operations.PauseFlow.Input) async throws -> Operations.PauseFlow.Output {
        try await core.flows.pause(input.path.name)
        return .ok(.init(body: .json(try await representation(try await core.flows.flow(named: input.path.name)))))
    }

    func resumeFlow(_ input: Operations.ResumeFlow.Input) async throws -> Operations.ResumeFlow.Output {
        try await core.flows.resume(input.path.name)
        return .ok(.init(body: .json(try await representation(try await core.flows.flow(named: input.path.name)))))
    }

    func getMirrorStatus(_ input: Operations.GetMirrorStatus.Input) async throws -> Operations.GetMirrorStatus.Output {
        let now = core.now()
        let states = try await core.mirrors.status(flow: input.path.name)
        return .ok(.init(body: .json(.init(items: states.map { .init($0, now: now) }))))
    }

    func listMirrorTables(_ input: Operations.ListMirrorTables.Input) async throws -> Operations.ListMirrorTables.Output {
        .ok(.init(body: .json(.init(try await core.mirrors.tables(instance: input.path.name)))))
    }

    func updateFlowMapping(_ input: Operations.UpdateFlowMapping.Input) async throws -> Operations.UpdateFlowMapping.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let flow = try await core.flows.updateMapping(input.path.name, mapping: try APISchema.mapping(body, field: "mapping"))
        return .ok(.init(body: .json(try await representation(flow))))
    }

    func previewFlow(_ input: Operations.PreviewFlow.Input) async throws -> Operations.PreviewFlow.Output {
        var request: Components.Schemas.PreviewRequest?
        if case .json(let body) = input.body { request = body }
        let rows = try await core.flows.preview(input.path.name, rows: request?.rows ?? 5, file: request?.file)
        return .ok(.init(body: .json(.init(items: rows.map {
            .init(line: $0.line, externalId: $0.externalId, body: $0.body, refusal: $0.refusal, field: $0.field)
        }))))
    }

    func deliverWebhook(_ input: Operations.DeliverWebhook.Input) async throws -> Operations.DeliverWebhook.Output {
        var bytes: [UInt8] = []
        if case .any(let body) = input.body { bytes = try await [UInt8](collecting: body, upTo: RequestBodyChecks.maximumBytes) }
        var headers: [String: String] = [:]
        let given = input.headers
        headers[WebhookSignature.suitebridgeHeader] = given.xSuiteBridgeSignature
        headers[WebhookSignature.shopifyHeader] = given.xShopifyHmacSha256
        headers["X-Request-Id"] = given.xRequestId
        headers["Idempotency-Key"] = given.idempotencyKey
        headers["X-Shopify-Webhook-Id"] = given.xShopifyWebhookId
        do {
            switch try await server.core.webhooks.accept(flowID: input.path.flowId, body: bytes, headers: headers, limiter: server.webhookLimiter) {
            case .accepted(let id): return .accepted(.init(body: .json(.init(deliveryId: id, duplicate: false))))
            case .duplicate(let id): return .ok(.init(body: .json(.init(deliveryId: id, duplicate: true))))
            }
        } catch let refusal as WebhookRefusal {
            let error = Components.Schemas._Error(error: .init(code: Self.webhookCode(refusal.status), message: refusal.message, remedy: refusal.remedy))
            switch refusal.status {
            case 400: return .badRequest(.init(body: .json(error)))
            case 401: return .unauthorized(.init(body: .json(error)))
            case 404: return .notFound(.init(body: .json(error)))
            case 413: return .contentTooLarge(.init(body: .json(error)))
            default: return .tooManyRequests(.init(headers: .init(retryAfter: refusal.retryAfter), body: .json(error)))
            }
        }
    }

    static func webhookCode(_ status: Int) -> String {
        switch status {
        case 400: "invalid_input"
        case 401: "unauthorized"
        case 404: "not_found"
        case 413: "too_large"
        default: "rate_limited"
        }
    }

    func listLookups(_ input: Operations.ListLookups.Input) async throws -> Operations.ListLookups.Output {
        .ok(.init(body: .json(.init(items: try await core.lookups.list().map { .init(name: $0.name, entries: $0.entries, updatedAt: $0.updatedAt) }))))
    }

    func getLookup(_ input: Operations.GetLookup.Input) async throws -> Operations.GetLookup.Output {
        .ok(.init(body: .json(.init(entries: try await core.lookups.entries(input.path.table).map { .init(key: $0.key, value: $0.value) }))))
    }

    func putLookup(_ input: Operations.PutLookup.Input) async throws -> Operations.PutLookup.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        try await core.lookups.put(input.path.table, entries: body.entries.map { (key: $0.key, value: $0.value) }, replace: body.replace ?? false)
        // Replaced by no entries, the table is gone: its entries are none.
        let entries = (try? await core.lookups.entries(input.path.table)) ?? []
        return .ok(.init(body: .json(.init(entries: entries.map { .init(key: $0.key, value: $0.value) }))))
    }

    func deleteLookup(_ input: Operations.DeleteLookup.Input) async throws -> Operations.DeleteLookup.Output {
        try await core.lookups.delete(input.path.table)
        return .noContent(.init())
    }

    func listRuns(_ input: Operations.ListRuns.Input) async throws -> Operations.ListRuns.Output {
        let limit = try Self.limit(input.query.limit, parameter: "limit", default: 50, range: 1...500)
        let runs = try await core.flows.runs(flow: input.query.flow, limit: limit)
        return .ok(.init(body: .json(.init(items: try runs.map(Components.Schemas.Run.init)))))
    }

    func cancelRun(_ input: Operations.CancelRun.Input) async throws -> Operations.CancelRun.Output {
        .ok(.init(body: .json(try .init(try await core.flows.cancel(run: input.path.id)))))
    }

    func getRun(_ input: Operations.GetRun.Input) async throws -> Operations.GetRun.Output {
        let run = try await core.flows.run(id: input.path.id)
        let refused = try await core.flows.refusedRows(run: run.id)
        return .ok(.init(body: .json(.init(run: try .init(run), refused: refused.map {
            .init(line: $0.line, externalId: $0.externalID, message: $0.message, path: $0.path)
        }))))
    }
}
