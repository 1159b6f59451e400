import ArgumentParser
import Foundation
import SuiteBridgeCore

/// `suitebridge lookup …`: the key-to-value tables mappings read with `{"lookup": "TABLE"}`.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Keep lookup tables (key → value) that import mappings read: put, get, list, delete.",
        subcommands: [Put.self, Get.self, List.self, Delete.self])

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace entries: from a two-column CSV (key,value; a key,value header is skipped), or one --key with --value.")
        @Argument var table: String
        @Option(help: "A CSV file with two columns: key, value.") var file: String?
        @Option(help: "One entry's key.") var key: String?
        @Option(help: "One entry's value.") var value: String?
        @Flag(help: "Make the table exactly the file's entries (others are removed).") var replace = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            var entries: [(key: String, value: String)] = []
            if let file { entries = try LookupTables.entries(csv: file) }
            if let key {
                guard let value else { throw CLIError.usage("value: not given.\n  fix: pass --value with --key.") }
                entries.append((key, value))
            }
            guard !entries.isEmpty else { throw CLIError.usage("file: no entries given.\n  fix: pass --file F.csv or --key K --value V.") }
            try await store.open().context.lookups.put(table, entries: entries, replace: replace)
            print("\(table): \(entries.count) entr\(entries.count == 1 ? "y" : "ies") put\(replace ? " (table replaced)" : "")")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a table's entries as CSV, or one key's value.")
        @Argument var table: String
        @Option(help: "Only this key's value.") var key: String?
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let lookups = try await store.open().context.lookups
            if let key {
                guard let value = try await lookups.value(table, key: key) else {
                    throw SuiteBridgeError(.notFound, "\(table) has no key \(key).", remedy: "suitebridge lookup get \(table) lists its keys.", field: "key")
                }
                print(value)
                return
            }
            print("key,value")
            for entry in try await lookups.entries(table) { print(Self.csv(entry.key) + "," + Self.csv(entry.value)) }
        }

        static func csv(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tables with their number of entries.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            let tables = try await store.open().context.lookups.list()
            if json { return try Terminal.printJSON(tables) }
            if tables.isEmpty { print("no lookup tables") }
            for table in tables { print("\(table.name)  \(table.entries) entr\(table.entries == 1 ? "y" : "ies")  updated \(table.updatedAt.formatted(.iso8601))") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a table, or only some of its keys.")
        @Argument var table: String
        @Option(help: "Only this key (repeatable).") var key: [String] = []
        @OptionGroup var store: WorkspaceOptions

        func run() async throws {
            try await store.open().context.lookups.delete(table, keys: key.isEmpty ? nil : key)
            print(key.isEmpty ? "deleted \(table)" : "deleted \(key.count) key\(key.count == 1 ? "" : "s") of \(table)")
        }
    }
}
