import ArgumentParser
import Foundation
import NetSuiteClient

/// `suitebridge restlet --script S --deploy D [--method M] [--data FILE|-]`.
struct RestletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restlet", abstract: "Call a RESTlet deployment and print its answer.")

    enum Method: String, ExpressibleByArgument, CaseIterable { case GET, POST, PUT, DELETE }

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The script id.") var script: String
    @Option(help: "The deployment id.") var deploy: String
    @Option(help: "GET, POST, PUT or DELETE.") var method: Method = .GET
    @Option(help: "A JSON body file, or - for standard input.") var data: String?
    @Option(name: .customLong("param"), help: "A query parameter name=value (repeatable).") var parameters: [String] = []

    func run() async throws {
        let pairs = try parameters.map { text -> (String, String) in
            guard let equals = text.firstIndex(of: "=") else { throw CLIError.usage("param: \(text) is not name=value.") }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
        let body = try data.map(DataInput.read)
        let answer = try await connection.makeClient().restlet(script: script, deploy: deploy, method: method.rawValue, parameters: pairs, json: body)
        RecordCommand.printJSON(answer)
    }
}
