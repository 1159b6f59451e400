import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge errors …`: the error inbox of refused import rows.
struct ErrorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors", abstract: "The error inbox: rows imports refused, to fix, retry, resolve or ignore.",
        subcommands: [List.self, Show.self, Edit.self, Retry.self, Resolve.self, Ignore.self])

    static func line(_ error: InboxError) -> String {
        "\(error.id)  \(error.state.rawValue)  \(error.flow)  \(error.externalId ?? "-")  \(error.field ?? "-")  attempts=\(error.attempts)  \(error.message)"
    }

    static func print(_ error: InboxError) {
        Swift.print("""
            id:          \(error.id)
            flow:        \(error.flow)
            external id: \(error.externalId ?? "-")
            state:       \(error.state.rawValue)\(error.closedBy.map { " (by \($0))" } ?? "")
            code:        \(error.code)
            field:       \(error.field ?? "-")
            message:     \(error.message)
            remedy:      \(error.remedy ?? "-")
            line:        \(error.line.map(String.init) ?? "-")
            attempts:    \(error.attempts)
            first seen:  \(error.firstSeenAt.formatted(.iso8601))
            last seen:   \(error.lastSeenAt.formatted(.iso8601))
            source row:  \(String(decoding: (try? JSONEncoder.sortedForTerminal.encode(error.sourceRow)) ?? Data(), as: UTF8.self))
            body:        \(error.body ?? "-")
            """)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List errors, newest first.")
        @Option(help: "Only this flow's.") var flow: String?
        @Option(help: "open, resolved or ignored.") var state: String?
        @Option(help: "At most this many.") var limit = 200
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let filter = try state.map { text in
                guard let state = InboxError.State(rawValue: text) else { throw CLIError.usage("state: \"\(text)\" is not open, resolved or ignored.\n  fix: pass --state open.") }
                return state
            }
            let errors = try await store.open().context.inbox.list(flow: flow, state: filter, limit: limit)
            if json { return try Terminal.printJSON(errors) }
            if errors.isEmpty { Swift.print("no errors") }
            for error in errors { Swift.print(ErrorsCommand.line(error)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one error: the source row, the body sent, NetSuite's code, message, field and remedy.")
        @Argument var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let error = try await store.open().context.inbox.error(id: id)
            if json { return try Terminal.printJSON(error) }
            ErrorsCommand.print(error)
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an open error's row new source values (a JSON object of column → value); then retry it.")
        @Argument var id: String
        @Option(help: "A JSON file: {\"column\": \"new value\", …}.") var data: String
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let text = try InputFiles.read(data, field: "data")
            guard let object = JSONValue.parse(text), case .object(let members) = object else {
                throw CLIError(message: "data: \(data) is not a JSON object.\n  fix: write {\"column\": \"new value\"}.")
            }
            var values: [String: String] = [:]
            for (key, value) in members { values[key] = value.text ?? value.json }
            let error = try await store.open().context.inbox.edit(id: id, values: values)
            Swift.print("edited \(error.id): \(values.keys.sorted().joined(separator: ", ")); retry it with suitebridge errors retry \(error.id)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send an open error's row again now (or every open error of a flow with --flow F --all).")
        @Argument var id: String?
        @Option(help: "The flow whose open errors are retried (with --all).") var flow: String?
        @Flag(help: "Retry every open error of --flow.") var all = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let inbox = try await store.open().context.inbox
            if let id {
                let error = try await inbox.retry(id: id)
                Swift.print(error.state == .resolved ? "resolved \(error.id)" : "still refused: \(error.message)")
                if error.state != .resolved { throw ExitCode(1) }
                return
            }
            guard let flow, all else { throw CLIError.usage("id: not given.\n  fix: pass an error id, or --flow F --all.") }
            let result = try await inbox.retry(flow: flow)
            Swift.print("\(result.retried) retried: \(result.resolved) resolved, \(result.stillOpen) still open")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an open error resolved (fixed in NetSuite by hand, say).")
        @Argument var id: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            _ = try await store.open().context.inbox.resolve(id: id)
            Swift.print("resolved \(id)")
        }
    }

    struct Ignore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an open error ignored: kept, but no longer open.")
        @Argument var id: String
        @OptionGroup var store: WorkspaceOptions
        func run() async throws {
            _ = try await store.open().context.inbox.ignore(id: id)
            Swift.print("ignored \(id)")
        }
    }
}

private extension JSONEncoder {
    static var sortedForTerminal: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
