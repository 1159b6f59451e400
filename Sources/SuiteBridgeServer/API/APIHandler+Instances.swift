import Foundation
import SuiteBridgeCore

extension APIHandler {
    func representation(_ instance: Instance) async throws -> Components.Schemas.Instance {
        try .init(try await core.instances.summary(of: instance))
    }

    func listInstances(_ input: Operations.ListInstances.Input) async throws -> Operations.ListInstances.Output {
        var items: [Components.Schemas.Instance] = []
        for instance in try await core.instances.list() { items.append(try await representation(instance)) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createInstance(_ input: Operations.CreateInstance.Input) async throws -> Operations.CreateInstance.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let instance = try await core.instances.add(try body.draft())
        return .created(.init(headers: .init(location: APIPath.instance(instance.name)), body: .json(try await representation(instance))))
    }

    func getInstance(_ input: Operations.GetInstance.Input) async throws -> Operations.GetInstance.Output {
        .ok(.init(body: .json(try await representation(try await core.instances.instance(named: input.path.name)))))
    }

    func editInstance(_ input: Operations.EditInstance.Input) async throws -> Operations.EditInstance.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        guard !body.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "Nothing to change.", remedy: "Give at least one field to change (see openapi.yaml).")
        }
        var instance = try await core.instances.instance(named: input.path.name)
        if !body.changes.isEmpty { instance = try await core.instances.edit(instance.name, body.changes) }
        if let days = body.rotationDaysBefore { try await core.certificates.setRotationPolicy(instance.name, daysBeforeExpiry: days) }
        return .ok(.init(body: .json(try await representation(instance))))
    }

    func deleteInstance(_ input: Operations.DeleteInstance.Input) async throws -> Operations.DeleteInstance.Output {
        try await core.instances.remove(input.path.name)
        return .noContent(.init())
    }

    func testInstance(_ input: Operations.TestInstance.Input) async throws -> Operations.TestInstance.Output {
        .ok(.init(body: .json(.init(try await core.diagnostics.test(input.path.name)))))
    }

    func doctorInstance(_ input: Operations.DoctorInstance.Input) async throws -> Operations.DoctorInstance.Output {
        .ok(.init(body: .json(try .init(try await core.diagnostics.doctor(input.path.name)))))
    }
}

/// Paths of API resources, for `Location` headers. Instance and flow names are letters, digits, `-`, `_` and `.`
/// (``InstanceValidation``), so they need no encoding.
enum APIPath {
    static func instance(_ name: String) -> String { "/api/v1/instances/" + name }
    static func flow(_ name: String) -> String { "/api/v1/flows/" + name }
}
