import Foundation
import SuiteBridgeCore

extension Components.Schemas.InboxError {
    init(_ error: SuiteBridgeCore.InboxError) throws {
        self.init(
            id: error.id, flow: error.flow, externalId: error.externalId, state: try APISchema.value(error.state.rawValue, field: "state"),
            sourceRow: .init(additionalProperties: error.sourceRow), body: error.body, code: error.code, message: error.message, field: error.field,
            remedy: error.remedy, line: error.line, runId: error.runId, firstSeenAt: error.firstSeenAt, lastSeenAt: error.lastSeenAt,
            attempts: error.attempts, closedAt: error.closedAt, closedBy: error.closedBy)
    }
}

extension APIHandler {
    func listErrors(_ input: Operations.ListErrors.Input) async throws -> Operations.ListErrors.Output {
        let limit = try Self.limit(input.query.limit, parameter: "limit", default: 200, range: 1...10_000)
        let state = input.query.state.flatMap { InboxError.State(rawValue: $0.rawValue) }
        let errors = try await core.inbox.list(flow: input.query.flow, state: state, limit: limit)
        return .ok(.init(body: .json(.init(items: try errors.map(Components.Schemas.InboxError.init)))))
    }

    func getError(_ input: Operations.GetError.Input) async throws -> Operations.GetError.Output {
        .ok(.init(body: .json(try .init(try await core.inbox.error(id: input.path.id)))))
    }

    func editError(_ input: Operations.EditError.Input) async throws -> Operations.EditError.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        return .ok(.init(body: .json(try .init(try await core.inbox.edit(id: input.path.id, values: body.data.additionalProperties)))))
    }

    func retryError(_ input: Operations.RetryError.Input) async throws -> Operations.RetryError.Output {
        .ok(.init(body: .json(try .init(try await core.inbox.retry(id: input.path.id)))))
    }

    func resolveError(_ input: Operations.ResolveError.Input) async throws -> Operations.ResolveError.Output {
        .ok(.init(body: .json(try .init(try await core.inbox.resolve(id: input.path.id)))))
    }

    func ignoreError(_ input: Operations.IgnoreError.Input) async throws -> Operations.IgnoreError.Output {
        .ok(.init(body: .json(try .init(try await core.inbox.ignore(id: input.path.id)))))
    }

    func retryFlowErrors(_ input: Operations.RetryFlowErrors.Input) async throws -> Operations.RetryFlowErrors.Output {
        let result = try await core.inbox.retry(flow: input.path.name)
        return .ok(.init(body: .json(.init(retried: result.retried, resolved: result.resolved, stillOpen: result.stillOpen))))
    }
}
