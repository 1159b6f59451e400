import Foundation
import SuiteBridgeCore

extension Components.Schemas.Alert {
    init(_ alert: SuiteBridgeCore.Alert) throws {
        self.init(name: alert.name, url: alert.url, events: try alert.events.map { try APISchema.value($0.rawValue, field: "events") }, createdAt: alert.createdAt)
    }
}

extension APIHandler {
    func listAlerts(_ input: Operations.ListAlerts.Input) async throws -> Operations.ListAlerts.Output {
        let alerts = core.alerts
        let deliveries = try await alerts.deliveries(limit: 100).map { delivery in
            Components.Schemas.AlertList.DeliveriesPayloadPayload(
                alert: delivery.alert, kind: try APISchema.value(delivery.kind.rawValue, field: "kind"), text: delivery.text,
                state: try APISchema.value(delivery.state.rawValue, field: "state"), attempts: delivery.attempts, createdAt: delivery.createdAt,
                sentAt: delivery.sentAt, lastError: delivery.lastError)
        }
        return .ok(.init(body: .json(.init(items: try await alerts.list().map(Components.Schemas.Alert.init), deliveries: deliveries))))
    }

    func addAlert(_ input: Operations.AddAlert.Input) async throws -> Operations.AddAlert.Output {
        guard case .json(let body) = input.body else { throw APIError.badBody("expected application/json") }
        let events = body.events?.compactMap { Alert.Event(rawValue: $0.rawValue) } ?? Alert.Event.allCases
        return .created(.init(body: .json(try .init(try await core.alerts.add(name: body.name, url: body.url, events: events)))))
    }

    func removeAlert(_ input: Operations.RemoveAlert.Input) async throws -> Operations.RemoveAlert.Output {
        try await core.alerts.remove(input.path.name)
        return .noContent(.init())
    }

    func testAlert(_ input: Operations.TestAlert.Input) async throws -> Operations.TestAlert.Output {
        try await core.alerts.test(input.path.name)
        return .noContent(.init())
    }
}
