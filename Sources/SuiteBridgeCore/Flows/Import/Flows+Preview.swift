import Foundation
import NetSuiteClient

/// One row of an import's preview: the request body it would be sent as, or why it would be refused.
public struct PreviewRow: Sendable, Hashable, Codable {
    /// The line of the source file the row starts on.
    public var line: Int
    public var externalId: String?
    /// The record body, as JSON (`externalId` included), when the row maps.
    public var body: String?
    /// Why the row would be refused, when it would.
    public var refusal: String?
    /// The field the refusal is about.
    public var field: String?
}

extension Flows {
    /// The most rows a preview shows.
    public static let previewRowLimit = 100

    /// What an import flow would send for its first `rows` rows (of its own source, or of `file`), without sending
    /// anything: each row's body, or its refusal. Lookups and `suiteql` steps read, nothing writes.
    /// - Throws: ``SuiteBridgeError`` `.notFound` for an unknown flow, `.invalidInput` for a flow that is not an
    ///   import, a file outside the files root, or a header that lacks a mapped column.
    public func preview(_ name: String, rows: Int = 5, file: String? = nil) async throws -> [PreviewRow] {
        let flow = try await flow(named: name)
        guard let spec = flow.definition.import else {
            throw SuiteBridgeError(.invalidInput, "\(name) is a\(flow.definition.kind == .export ? "n" : "") \(flow.definition.kind.rawValue) flow; only imports have a preview.",
                                   remedy: "Preview an import flow.", field: "flow")
        }
        guard (1...Self.previewRowLimit).contains(rows) else {
            throw SuiteBridgeError(.invalidInput, "\(rows) rows is outside 1 to \(Self.previewRowLimit).", remedy: "Give --rows from 1 to \(Self.previewRowLimit).", field: "rows")
        }
        let path = try context.files.sourceFile(file ?? spec.source, field: file == nil ? "import.source" : "file")
        var source = try ImportSource(path: path, externalIDColumn: spec.externalIdColumn)
        if let columns = source.columns { try ImportRunner.checkColumns(columns, of: spec) }
        // NetSuite is reached only when a step reads it.
        let readsNetSuite = Self.stepsOf(spec.mapping.fields).contains { if case .suiteql = $0 { true } else { false } }
        let client: NetSuiteClient? = readsNetSuite ? try await context.connections.client(forInstanceID: flow.instanceID) : nil
        let mapper = RecordMapper(mapping: spec.mapping, resources: MappingResources(lookups: context.lookups, client: client))
        var externalIDs = ExternalIDLines()
        var shown: [PreviewRow] = []
        while shown.count < rows, let row = try source.next() {
            switch row {
            case .blank: continue
            case .refused(let line, let externalID, let message):
                shown.append(PreviewRow(line: line, externalId: externalID, refusal: message))
            case .values(let values, let line):
                let externalID = values[spec.externalIdColumn].flatMap { $0.isEmpty ? nil : $0 }
                guard let externalID else {
                    shown.append(PreviewRow(line: line, refusal: "Line \(line) has no value in \(spec.externalIdColumn), its external id; it would not be sent.",
                                            field: spec.externalIdColumn))
                    continue
                }
                if let first = externalIDs.firstLine(of: externalID, seenOn: line) {
                    shown.append(PreviewRow(line: line, externalId: externalID, refusal: "Line \(line): the external id \(externalID) is also on line \(first); this row would not be sent.",
                                            field: spec.externalIdColumn))
                    continue
                }
                do {
                    var body = try await mapper.body(for: SourceRow(text: values))
                    body["externalId"] = .string(externalID)
                    shown.append(PreviewRow(line: line, externalId: externalID, body: JSONValue.object(body).json))
                } catch let refusal as MappingRefusal {
                    shown.append(PreviewRow(line: line, externalId: externalID, refusal: "Line \(line): " + refusal.message, field: refusal.field))
                }
            }
        }
        return shown
    }

    static func stepsOf(_ rules: [String: Mapping.FieldRule]) -> [MappingStep] {
        rules.values.flatMap { ($0.steps ?? []) + stepsOf($0.lines ?? [:]) }
    }
}
