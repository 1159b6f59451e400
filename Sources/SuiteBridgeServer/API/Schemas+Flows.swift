import Foundation
import HTTPTypes
import SuiteBridgeCore

extension Components.Schemas.FlowDefinition {
    init(_ definition: SuiteBridgeCore.FlowDefinition) throws {
        self.init(
            kind: try APISchema.value(definition.kind.rawValue, field: "kind"), instance: definition.instance, schedule: definition.schedule,
            webhook: try definition.webhook.map { webhook in
                .init(recordType: webhook.recordType, externalIdField: webhook.externalIdField, mapping: try APISchema.converted(webhook.mapping),
                      signature: try webhook.signature.map { try APISchema.value($0.rawValue, field: "webhook.signature") },
                      maxBytes: webhook.maxBytes, ratePerSecond: webhook.ratePerSecond, perRecord: webhook.perRecord)
            },
            mirror: definition.mirror.map { mirror in
                .init(tables: mirror.tables, database: mirror.database, schema: mirror.schema, keepDeleted: mirror.keepDeleted,
                      overlapSeconds: mirror.overlapSeconds, timeZone: mirror.timeZone)
            },
            export: try definition.export.map { export in
                .init(query: export.query, keyColumn: export.keyColumn, watermarkColumn: export.watermarkColumn, overlapSeconds: export.overlapSeconds,
                      destination: .init(
                        _type: try APISchema.value(export.destination.type.rawValue, field: "destination.type"), path: export.destination.path,
                        format: try export.destination.format.map { try APISchema.value($0, field: "destination.format") },
                        url: export.destination.url, batchSize: export.destination.batchSize))
            },
            _import: try definition.import.map { spec in
                .init(source: spec.source, recordType: spec.recordType, externalIdColumn: spec.externalIdColumn, errorFile: spec.errorFile,
                      mapping: try APISchema.converted(spec.mapping), perRecord: spec.perRecord)
            })
    }

    /// The core's definition; ``SuiteBridgeCore/Flows/create(name:definition:)`` checks it as a whole.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `import.mapping` when a step cannot be read.
    func definition() throws -> SuiteBridgeCore.FlowDefinition {
        let kind: SuiteBridgeCore.FlowDefinition.Kind = switch self.kind {
        case .export: .export
        case ._import: .import
        case .mirror: .mirror
        case .webhook: .webhook
        }
        return SuiteBridgeCore.FlowDefinition(
            kind: kind, instance: instance,
            export: export.map { export in
                .init(query: export.query, keyColumn: export.keyColumn, watermarkColumn: export.watermarkColumn, overlapSeconds: export.overlapSeconds,
                      destination: .init(type: export.destination._type == .folder ? .folder : .http, path: export.destination.path,
                                         format: export.destination.format?.rawValue, url: export.destination.url,
                                         batchSize: export.destination.batchSize))
            },
            import: try _import.map { spec in
                .init(source: spec.source, recordType: spec.recordType, externalIdColumn: spec.externalIdColumn,
                      mapping: try APISchema.mapping(spec.mapping, field: "import.mapping"), errorFile: spec.errorFile, perRecord: spec.perRecord)
            },
            mirror: mirror.map { mirror in
                .init(tables: mirror.tables, database: mirror.database, schema: mirror.schema, keepDeleted: mirror.keepDeleted,
                      overlapSeconds: mirror.overlapSeconds, timeZone: mirror.timeZone)
            },
            webhook: try webhook.map { webhook in
                .init(recordType: webhook.recordType, externalIdField: webhook.externalIdField, mapping: try APISchema.mapping(webhook.mapping, field: "webhook.mapping"),
                      signature: webhook.signature.flatMap { .init(rawValue: $0.rawValue) }, maxBytes: webhook.maxBytes, ratePerSecond: webhook.ratePerSecond,
                      perRecord: webhook.perRecord)
            },
            schedule: schedule)
    }
}

extension Components.Schemas.Flow {
    init(_ flow: SuiteBridgeCore.Flow, lastRun: SuiteBridgeCore.Run?) throws {
        self.init(
            name: flow.name, kind: try APISchema.value(flow.definition.kind.rawValue, field: "kind"), instance: flow.definition.instance,
            state: try APISchema.value(flow.state.rawValue, field: "state"), stateReason: flow.stateReason, schedule: flow.definition.schedule,
            nextRunAt: flow.nextRunAt, watermark: flow.watermark, definition: try .init(flow.definition),
            lastRun: try lastRun.map(Components.Schemas.Run.init), endpoint: flow.definition.kind == .webhook ? "/hooks/\(flow.id)" : nil)
    }
}

extension Components.Schemas.Run {
    init(_ run: SuiteBridgeCore.Run) throws {
        self.init(
            id: run.id, flowID: run.flowID, flowName: run.flowName, state: try APISchema.value(run.state.rawValue, field: "state"),
            trigger: try APISchema.value(run.trigger, field: "trigger"), queuedAt: run.queuedAt, startedAt: run.startedAt,
            finishedAt: run.finishedAt, attempts: run.attempts, rowsRead: run.rowsRead, rowsWritten: run.rowsWritten, rowsFailed: run.rowsFailed, rowsSkipped: run.rowsSkipped,
            error: run.error, log: run.log)
    }
}

extension Components.Schemas.MirrorStatus.ItemsPayloadPayload {
    init(_ state: MirrorTableState, now: Date) {
        self.init(
            table: state.table, phase: state.phase == .current ? .current : .loading, rows: state.rows, resumeKey: state.resumeKey,
            watermark: state.watermark, lastChange: state.lastChange, syncedAt: state.syncedAt, lagSeconds: state.lag(at: now),
            lastError: state.lastError, removedColumns: state.removedColumns)
    }
}

extension Components.Schemas.MirrorTables {
    init(_ discovery: Mirrors.Discovery) {
        self.init(
            instance: discovery.instance, deletions: discovery.deletions, deletionsMissingPermission: discovery.deletionsMissingPermission,
            tables: discovery.tables.map {
                .init(table: $0.table, readable: $0.readable, rows: $0.rows, incremental: $0.incremental, changeColumn: $0.changeColumn,
                      missingPermission: $0.missingPermission)
            })
    }
}

extension APISchema {
    /// The document's form of a core mapping (the same JSON, through the generated types).
    /// - Throws: ``APIError`` 500 when the document cannot hold it: the document and the server disagree.
    static func converted(_ mapping: Mapping) throws -> Components.Schemas.Mapping {
        do {
            return try JSONDecoder().decode(Components.Schemas.Mapping.self, from: JSONEncoder().encode(mapping))
        } catch {
            throw APIError(status: .internalServerError, code: "internal", message: "A stored mapping does not fit openapi.yaml's Mapping: \(error).",
                           field: "import.mapping", remedy: "Report this: openapi.yaml and the server disagree.")
        }
    }

    /// The core mapping a request's document stands for, with its steps read and checked.
    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `import.mapping` and the step that cannot be read.
    static func mapping(_ document: Components.Schemas.Mapping, field: String) throws -> Mapping {
        let json = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
        do {
            return try Mapping.parse(json)
        } catch var error as SuiteBridgeError {
            // `mapping.fields.x` → `import.mapping.fields.x`
            error.field = field + (error.field.map { String($0.dropFirst("mapping".count)) } ?? "")
            throw error
        }
    }
}
