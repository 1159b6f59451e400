import ArgumentParser
import Foundation
import NetSuiteClient

/// `suitebridge record get|list|create|update|upsert|delete`.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Read and write REST records (customer, salesOrder, …).",
        subcommands: [Get.self, List.self, Create.self, Update.self, Upsert.self, Delete.self])

    static func printJSON(_ data: Data) {
        if let object = try? JSONSerialization.jsonObject(with: data),
            let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            print(String(decoding: pretty, as: UTF8.self))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one record; ID is an internal id or eid:<externalId>.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The record type, e.g. customer.") var type: String
        @Argument(help: "The internal id, or eid:<externalId>.") var id: String
        @Option(help: "Only these fields, comma-separated.") var fields: String?
        @Flag(help: "Expand sublists and subrecords.") var expand = false

        func run() async throws {
            let client = try await connection.makeClient()
            let fieldList = fields.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            RecordCommand.printJSON(try await client.records.getJSON(type, id: id, fields: fieldList, expandSubResources: expand))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List record ids, with an optional q= filter.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The record type.") var type: String
        @Option(help: "A filter, e.g. 'companyName START_WITH \"Acme\"'.") var q: String?
        @Option(help: "At most this many ids.") var limit: Int?
        @Option(help: "table (default on a terminal), json, jsonl or csv.") var format: OutputFormat?

        func run() async throws {
            let client = try await connection.makeClient()
            var ids: [String] = []
            for try await reference in client.records.all(type, q: q, pageSize: Swift.min(1000, limit ?? 1000)) {
                ids.append(reference.id)
                if let limit, ids.count >= limit { break }
            }
            switch format ?? .automatic {
            case .json: print("[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]")
            case .jsonl: for id in ids { print("{\"id\":\"\(id)\"}") }
            case .csv: print((["id"] + ids).joined(separator: "\n"))
            case .table: TableOutput.print(columns: ["id"], rows: ids.map { ["id": $0] })
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a record from JSON; prints its id. Not retried once it may have reached NetSuite.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The record type.") var type: String
        @Option(help: "A JSON file, or - for standard input.") var data: String

        func run() async throws {
            let body = try DataInput.read(data)
            print(try await connection.makeClient().records.create(type, json: body))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change the fields given in the JSON (PATCH).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The record type.") var type: String
        @Argument(help: "The internal id, or eid:<externalId>.") var id: String
        @Option(help: "A JSON file, or - for standard input.") var data: String

        func run() async throws {
            let body = try DataInput.read(data)
            try await connection.makeClient().records.update(type, id: id, json: body)
            print(id)
        }
    }

    struct Upsert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or update by external id (safe to retry); prints the internal id.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The record type.") var type: String
        @Argument(help: "The external id (letters, digits, _ and -).") var externalID: String
        @Option(help: "A JSON file, or - for standard input.") var data: String

        func run() async throws {
            let body = try DataInput.read(data)
            print(try await connection.makeClient().records.upsert(type, externalID: externalID, json: body))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a record.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The record type.") var type: String
        @Argument(help: "The internal id, or eid:<externalId>.") var id: String

        func run() async throws {
            try await connection.makeClient().records.delete(type, id: id)
            print("deleted \(type) \(id)")
        }
    }
}
