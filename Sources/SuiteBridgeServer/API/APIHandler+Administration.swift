import Foundation
import SuiteBridgeCore

extension APIHandler {
    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let limit = try Self.limit(input.query.limit, parameter: "limit", default: 200, range: 1...1000)
        let entries = try await core.audit.entries(instance: input.query.instance, limit: limit)
        return .ok(.init(body: .json(.init(items: try entries.map {
            .init(sequence: $0.sequence, at: $0.at, actor: $0.actor, instance: $0.instance, action: $0.action.rawValue,
                  outcome: try APISchema.value($0.outcome, field: "outcome"), detail: $0.detail)
        }))))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let tokens = try await server.tokens.list()
        return .ok(.init(body: .json(.init(items: tokens.map {
            .init(name: $0.name, scope: .init($0.scope), createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revokedAt: $0.revokedAt)
        }))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let scope = body.scope.map { TokenScope(rawValue: $0.rawValue) ?? .read } ?? .read
        let value = try await server.tokens.create(name: body.name, scope: scope, actor: core.actor)
        return .created(.init(body: .json(.init(name: body.name, scope: .init(scope), token: value))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        try await server.tokens.revoke(name: input.path.name, actor: core.actor)
        await server.sessions.end(actor: input.path.name)
        return .noContent(.init())
    }
}

extension Components.Schemas.TokenScope {
    init(_ scope: TokenScope) {
        switch scope {
        case .metrics: self = .metrics
        case .read: self = .read
        case .operate: self = .operate
        case .admin: self = .admin
        }
    }
}
