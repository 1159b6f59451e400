import Foundation
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
        let flow = try await core.flows.create(name: body.name, definition: try body.definition.definition())
        return .created(.init(headers: .init(location: APIPath.flow(flow.name)), body: .json(try await representation(flow))))
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

    func previewFlow(_ input: Operations.PreviewFlow.Input) async throws -> Operations.PreviewFlow.Output {
        var request: Components.Schemas.PreviewRequest?
        if case .json(let body) = input.body { request = body }
        let rows = try await core.flows.preview(input.path.name, rows: request?.rows ?? 5, file: request?.file)
        return .ok(.init(body: .json(.init(items: rows.map {
            .init(line: $0.line, externalId: $0.externalId, body: $0.body, refusal: $0.refusal, field: $0.field)
        }))))
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
