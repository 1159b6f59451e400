import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge mirror tables|status`: what an instance can mirror, and where a mirror flow stands.
struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror", abstract: "List the tables an instance can mirror; show where a mirror flow's tables stand.",
        discussion: "Create a mirror with `suitebridge flow create NAME --instance I --mirror customer,transaction --to-database URL`.",
        subcommands: [Tables.self, Status.self])

    struct Tables: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tables the instance's role can read, with row counts and whether runs after the first read only changes.",
            discussion: "A table the role cannot read is listed with the permission to add, as the seed guide names it.")
        @Option(help: "The connector instance.") var instance: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let discovery = try await workspace.context.mirrors.tables(instance: instance)
            if json { return try Terminal.printJSON(discovery) }
            print("\("table".column(18))\("rows".column(12))\("runs after the first".column(34))readable")
            for table in discovery.tables {
                let changes = table.changeColumn.map { "changes (by \($0))" } ?? "whole table"
                let readable = table.readable ? "yes" : "no: add the \(table.missingPermission ?? "?") permission (View)"
                print("\(table.name.column(18))\((table.rows.map(String.init) ?? "-").column(12))\(changes.column(34))\(readable)")
            }
            print(discovery.deletions ? "deletions: mirrored (DeletedRecord readable)"
                  : "deletions: not readable: add the \(discovery.deletionsMissingPermission ?? "Deleted Records") permission (View), or mirrors cannot remove deleted rows")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a mirror flow's tables: phase, rows, last change seen, lag, last error.")
        @Argument var flow: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let workspace = try await store.open()
            let states = try await workspace.context.mirrors.status(flow: flow)
            if json { return try Terminal.printJSON(states) }
            let now = Date()
            print("\("table".column(18))\("phase".column(10))\("rows".column(12))\("last change".column(22))\("lag".column(10))error")
            for state in states {
                let lag = state.lag(at: now).map { "\(Int($0)) s" } ?? "-"
                print("\(state.table.column(18))\(state.phase.rawValue.column(10))\(String(state.rows).column(12))\((state.lastChange?.formatted(.iso8601) ?? "-").column(22))\(lag.column(10))\(state.lastError ?? "")")
            }
        }
    }
}
