import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge alerts …`: webhooks told of failed runs, waiting flows, expiring certificates and growing inboxes.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Webhooks told of events (JSON with a text field, for Slack-compatible endpoints): add, list, remove, test.",
        subcommands: [Add.self, List.self, Remove.self, Test.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an alert; `serve` tells it of each event once, retrying with backoff.")
        @Argument var name: String
        @Option(help: "The webhook's URL (it passes the server's destination rules).") var webhook: String
        @Option(help: "Events, comma-separated: run-failed, credentials-waiting, certificate-expiry, inbox-growth (default all).") var on: String?
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            var events = Alert.Event.allCases
            if let on {
                events = try on.split(separator: ",").map { text in
                    let name = text.trimmingCharacters(in: .whitespaces)
                    guard let event = Alert.Event(rawValue: name) else {
                        throw CLIError.usage("on: \"\(name)\" is not an event.\n  fix: use \(Alert.Event.allCases.map(\.rawValue).joined(separator: ", ")).")
                    }
                    return event
                }
            }
            let alert = try await store.open().context.alerts.add(name: name, url: webhook, events: events)
            print("added \(alert.name): \(alert.events.map(\.rawValue).joined(separator: ", "))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the alerts and what each was told lately.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let alerts = try await store.open().context.alerts
            let list = try await alerts.list()
            let deliveries = try await alerts.deliveries(limit: 50)
            if json {
                struct Listed: Encodable { var alerts: [Alert]; var deliveries: [AlertDelivery] }
                return try Terminal.printJSON(Listed(alerts: list, deliveries: deliveries))
            }
            if list.isEmpty { print("no alerts") }
            for alert in list { print("\(alert.name)  \(alert.url)  \(alert.events.map(\.rawValue).joined(separator: ","))") }
            for delivery in deliveries {
                print("  \(delivery.createdAt.formatted(.iso8601))  \(delivery.alert)  \(delivery.kind.rawValue)  \(delivery.state.rawValue) (\(delivery.attempts) tr\(delivery.attempts == 1 ? "y" : "ies"))\(delivery.lastError.map { ": \($0)" } ?? "")")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an alert.")
        @Argument var name: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            try await store.open().context.alerts.remove(name)
            print("removed \(name)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a test message to an alert now.")
        @Argument var name: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            try await store.open().context.alerts.test(name)
            print("\(name) took the test message")
        }
    }
}
