import Foundation
import Metrics
import NetSuiteClient

/// Mirrors one table for one run: its columns from the catalog, then the first load (continued by key) or the
/// rows changed since the watermark, then the deletions; every batch of rows is written with the table's state in
/// one transaction.
struct MirrorTableRun {
    let table: MirrorTable
    let flow: String
    let mirror: FlowDefinition.Mirror
    let client: NetSuiteClient
    let destination: MirrorDestination
    let now: @Sendable () -> Date

    /// Rows per destination transaction.
    static let batchRows = 5_000
    /// The prefix of the aliases date columns are read under as ISO text.
    static let isoPrefix = "sbiso_"
    /// `TO_CHAR` format of an ISO date-time.
    static let isoFormat = "'YYYY-MM-DD\"T\"HH24:MI:SS'"

    /// What the run did with the table.
    struct Outcome: Sendable {
        var read = 0
        var upserted = 0
        var deleted = 0
        var addedColumns: [String] = []
        var removedColumns: [String] = []
        var initialLoad = false
        var note: String?
    }

    func run() async throws -> Outcome {
        let startedAt = now()
        var outcome = Outcome()
        var state = try await destination.state(of: table.name) ?? MirrorTableState(table: table.name, flow: flow)
        if state.phase == .loading, state.loadStartedAt == nil { state.loadStartedAt = startedAt }
        if state.flow != flow {
            throw SuiteBridgeError(.conflict, "The destination's table \(table.name) is mirrored by the flow \(state.flow).",
                                   remedy: "Mirror it once per destination: remove it from one flow, or give this flow another schema or file.",
                                   field: "mirror.tables")
        }
        // Columns: the catalog's types; the table's keys and change column as SuiteBridge knows them.
        let catalog = try await catalogTypes()
        var types = catalog.types
        for column in table.integerColumns { types[column] = .integer }
        if let change = table.changeColumn { types[change] = .dateTime }
        var existing = try await destination.columns(of: table.name)
        // The catalog's fields SuiteQL has as columns (a probe of one row names any it does not know), so a column
        // exists from the start even while no row has a value in it.
        let candidates = Set(catalog.types.keys).union(table.keyColumns).union([table.pagingKey]).union(table.changeColumn.map { [$0] } ?? [])
            .subtracting(existing).subtracting(state.notInSuiteQL).sorted()
        let probed = try await readableColumns(candidates)
        state.notInSuiteQL = Array(Set(state.notInSuiteQL).union(Set(candidates).subtracting(probed))).sorted()
        if existing.isEmpty {
            let initial = table.keyColumns + probed.filter { !table.keyColumns.contains($0) }
            try await destination.createTable(table.name, columns: initial.map { MirrorColumn(name: $0, type: types[$0] ?? .text) }, keys: table.keyColumns)
        } else {
            // Fields NetSuite added (a new custom field): added now, before their first value.
            for name in probed {
                try await destination.addColumn(MirrorColumn(name: name, type: types[name] ?? .text), to: table.name)
                outcome.addedColumns.append(name)
            }
        }
        existing = try await destination.columns(of: table.name)
        if catalog.read {
            outcome.removedColumns = existing.filter { Self.isCustomField($0) && !catalog.customFields.contains($0) }
            state.removedColumns = outcome.removedColumns
        }
        let isoColumns = existing.filter { types[$0]?.readsAsISOText == true }
        // A column NetSuite removed keeps the values it had: rows written from now on leave it alone.
        var columns = existing.filter { !$0.hasPrefix("_") && !state.removedColumns.contains($0) }.map { MirrorColumn(name: $0, type: types[$0] ?? .text) }

        // What to read: the whole table (continuing after the last key written), or what changed since the watermark.
        let overlap = TimeInterval(mirror.overlapSeconds ?? 300)
        let incremental = state.phase == .current && table.changeColumn != nil && state.watermark != nil
        outcome.initialLoad = state.phase == .loading
        var condition: String?
        var join = ""
        if incremental, let watermark = state.watermark {
            let since = "TO_DATE('\(MirrorDates.suiteQL(watermark.addingTimeInterval(-overlap), zone: mirror.zone))', 'YYYY-MM-DD HH24:MI:SS')"
            if let parentTable = table.parentTable, let parentColumn = table.parentColumn {
                join = " JOIN \(parentTable) p ON p.id = t.\(parentColumn)"
                condition = "p.lastmodifieddate >= \(since)"
            } else if let change = table.changeColumn {
                condition = "t.\(change) >= \(since)"
            }
        } else if state.phase == .current {
            // No change column: the whole table each run.
            condition = nil
        } else if let resume = state.resumeKey {
            condition = "t.\(table.pagingKey) > \(Int64(resume).map(String.init) ?? "'\(resume.replacingOccurrences(of: "'", with: "''"))'")"
        }
        let query = Self.query(table: table, isoColumns: isoColumns, join: join, condition: condition)
        try await destination.save(state)

        // The account's time zone, read once (a TimeZone is looked up by name each time the flow's is asked for).
        let zone = mirror.zone
        var pending: [[MirrorValue]] = []
        var lastKey: String?
        var newestChange = state.lastChange
        var children: [Int64: Set<Int64>] = [:]
        let childKey = table.keyColumns.last ?? "id"
        // One batch is written while the next is read and converted; batches are written in order, each with the
        // state that covers it.
        var inFlight: Task<Void, any Error>?
        let destination = self.destination, name = table.name, keys = table.keyColumns, now = self.now
        func flush(_ rows: [[MirrorValue]], _ columns: [MirrorColumn], _ state: MirrorTableState) async throws {
            try await inFlight?.value
            inFlight = Task { try await destination.upsert(name, columns: columns, keys: keys, rows: rows, syncedAt: now(), state: state) }
        }
        do {
            for try await page in client.suiteQL(query, keyColumn: table.pagingKey) {
                // A column the table lacks (a field that had no value before): added before the rows that carry it.
                for name in page.columns where !name.hasPrefix(Self.isoPrefix) && !columns.contains(where: { $0.name == name }) {
                    if !pending.isEmpty {
                        try await flush(pending, columns, progress(state, lastKey: lastKey, newestChange: newestChange))
                        outcome.upserted += pending.count
                        pending.removeAll(keepingCapacity: true)
                    }
                    try await inFlight?.value
                    let column = MirrorColumn(name: name, type: isoColumns.contains(name) ? (types[name] ?? .text) : (types[name].flatMap { $0.readsAsISOText ? nil : $0 } ?? .text))
                    try await destination.addColumn(column, to: table.name)
                    columns.append(column)
                    outcome.addedColumns.append(name)
                }
                // Where each column's text is in a row (date columns under their ISO alias); names are lower case already.
                let sources = columns.map { isoColumns.contains($0.name) ? Self.isoPrefix + $0.name : $0.name }
                // The change column's value is among the converted ones when it is a column of the table.
                let changeIndex = table.changeColumn.flatMap { change in columns.firstIndex { $0.name == change && $0.type == .dateTime } }
                let changeSource = table.changeColumn.map { Self.isoPrefix + $0.lowercased() }
                // Each value's position in this page's rows (nil: no row of the page has the column).
                let positions = sources.map { page.position(of: $0) }
                let keyPosition = page.position(of: table.pagingKey.lowercased())
                let changePosition = changeSource.flatMap { page.position(of: $0) }
                let parentPosition = table.parentColumn.flatMap { page.position(of: $0.lowercased()) }
                let childPosition = page.position(of: childKey.lowercased())
                // Per value, only its type and position (no column name to retain and release in the loop).
                let types = columns.map(\.type)
                for row in page.rows {
                    outcome.read += 1
                    var values: [MirrorValue] = []
                    values.reserveCapacity(columns.count)
                    for index in types.indices {
                        let text = positions[index].flatMap { row.value(at: $0) }
                        do {
                            values.append(try MirrorValue.converting(text, to: types[index], table: table.name, column: columns[index].name, timeZone: zone))
                        } catch {
                            throw SuiteBridgeError(.invalidInput, "\(error.description) The table's rows so far are kept; the run stops here.",
                                                   remedy: "Report the value: SuiteBridge reads the column's type from NetSuite's metadata catalog.",
                                                   field: "mirror.tables")
                        }
                    }
                    if let changeIndex {
                        if case .dateTime(let date) = values[changeIndex], date > (newestChange ?? .distantPast) { newestChange = date }
                    } else if let change = table.changeColumn, let text = changePosition.flatMap({ row.value(at: $0) }),
                        case .dateTime(let date)? = try? MirrorValue.converting(text, to: .dateTime, table: table.name, column: change, timeZone: zone),
                        date > (newestChange ?? .distantPast) {
                        newestChange = date
                    }
                    if incremental, let parentPosition, let parent = row.value(at: parentPosition).flatMap(Int64.init),
                        let child = childPosition.flatMap({ row.value(at: $0) }).flatMap(Int64.init) {
                        children[parent, default: []].insert(child)
                    }
                    lastKey = keyPosition.flatMap { row.value(at: $0) }
                    pending.append(values)
                }
                if pending.count >= Self.batchRows {
                    try await flush(pending, columns, progress(state, lastKey: lastKey, newestChange: newestChange))
                    outcome.upserted += pending.count
                    pending.removeAll(keepingCapacity: true)
                }
            }
            state = progress(state, lastKey: lastKey, newestChange: newestChange)
            if !pending.isEmpty {
                try await flush(pending, columns, state)
                outcome.upserted += pending.count
            }
            try await inFlight?.value
        } catch {
            // Nothing is left writing once the run returns (the destination is closed after it).
            inFlight?.cancel()
            _ = await inFlight?.result
            throw error
        }
        let keep = mirror.keepDeleted ?? false
        if incremental, let parentColumn = table.parentColumn, !children.isEmpty {
            outcome.deleted += try await destination.deleteMissingChildren(table.name, parentColumn: parentColumn, keyColumn: childKey, kept: children,
                                                                           keep: keep, at: now(), state: state)
        }
        // Deletions since the watermark (a first load reads what exists; the next run reads what it missed).
        if incremental, let watermark = state.watermark, !table.deletedTypes.isEmpty {
            let ids = try await deletedIDs(since: watermark.addingTimeInterval(-overlap))
            if !ids.isEmpty {
                outcome.deleted += try await destination.delete(table.name, column: table.deletionColumn, ids: ids, keep: keep, at: now(), state: state)
            }
        }
        // Everything changed before this run started is in the table now.
        // A first load resumed after a crash counts from when it first started: what changed since is read next.
        state.watermark = state.phase == .loading ? (state.loadStartedAt ?? startedAt) : startedAt
        state.phase = .current
        state.resumeKey = nil
        state.loadStartedAt = nil
        state.syncedAt = now()
        state.lastError = nil
        state.rows = try await destination.count(table.name)
        try await destination.save(state)
        let dimensions = [("flow", flow), ("table", table.name)]
        Counter(label: "suitebridge_mirror_rows_total", dimensions: dimensions + [("change", "upserted")]).increment(by: outcome.upserted)
        Counter(label: "suitebridge_mirror_rows_total", dimensions: dimensions + [("change", "deleted")]).increment(by: outcome.deleted)
        Gauge(label: "suitebridge_mirror_lag_seconds", dimensions: dimensions).record(state.lag(at: now()) ?? 0)
        if !catalog.read { outcome.note = "no catalog schema for \(table.name): columns other than its keys are text" }
        return outcome
    }

    /// The state after a batch: during the first load, the key to continue after.
    private func progress(_ state: MirrorTableState, lastKey: String?, newestChange: Date?) -> MirrorTableState {
        var state = state
        if state.phase == .loading, let lastKey { state.resumeKey = lastKey }
        state.lastChange = newestChange
        return state
    }

    // MARK: Reading

    static func query(table: MirrorTable, isoColumns: [String], join: String = "", condition: String?) -> String {
        let iso = isoColumns.map { ", TO_CHAR(t.\($0), \(isoFormat)) AS \(isoPrefix)\($0)" }.joined()
        var text = "SELECT t.*\(iso) FROM \(table.name) t\(join)"
        if let condition { text += " WHERE \(condition)" }
        return text + " ORDER BY t.\(table.pagingKey)"
    }

    /// The catalog's column types for the table (lower case), and its custom fields; empty when NetSuite has no
    /// catalog entry for it.
    private func catalogTypes() async throws -> (types: [String: MirrorColumnType], customFields: [String], read: Bool) {
        guard let recordType = table.catalogRecordType else { return ([:], [], false) }
        let schema: RecordSchema
        do {
            schema = try await client.records.schema(recordType)
        } catch let error as NetSuiteError where error.status == 400 || error.status == 404 {
            return ([:], [], false)
        }
        var types: [String: MirrorColumnType] = [:]
        var custom: [String] = []
        for property in schema.properties {
            let name = property.name.lowercased()
            types[name] = MirrorColumnType(.init(type: property.type, format: property.format))
            if property.isCustomField { custom.append(name) }
        }
        return (types, custom, true)
    }

    /// The columns of `candidates` SuiteQL has: a probe of one row names the first identifier it does not know,
    /// which is dropped before the next probe.
    private func readableColumns(_ candidates: [String]) async throws -> [String] {
        var columns = candidates
        while !columns.isEmpty {
            let probe = "SELECT \(columns.map { "t.\($0)" }.joined(separator: ", ")) FROM \(table.name) t WHERE ROWNUM <= 1"
            do {
                for try await _ in client.suiteQL(probe, pageSize: 1, parallelism: 1) {}
                return columns
            } catch let error as NetSuiteError {
                let text = error.detail ?? error.message
                guard let range = text.range(of: "Unknown identifier '"), let end = text[range.upperBound...].firstIndex(of: "'") else {
                    throw Self.readError(error, table: table)
                }
                let unknown = text[range.upperBound..<end].lowercased().split(separator: ".").last.map(String.init) ?? ""
                guard let index = columns.firstIndex(of: unknown) else { throw Self.readError(error, table: table) }
                columns.remove(at: index)
            }
        }
        return columns
    }

    /// A NetSuite refusal to read the table, naming the permission as the seed guide does.
    static func readError(_ error: NetSuiteError, table: MirrorTable) -> any Error {
        guard error.status == 403 || error.errorCode == "INSUFFICIENT_PERMISSION" else { return error }
        return SuiteBridgeError(.invalidInput, "The integration's role cannot read \(table.name).",
                                remedy: "Give the role the \(table.permission) permission (View), or remove \(table.name) from the mirror.",
                                field: "mirror.tables")
    }

    /// The ids of records of the table's types deleted since `since`.
    private func deletedIDs(since: Date) async throws -> [Int64] {
        let types = table.deletedTypes.map { "'\($0)'" }.joined(separator: ", ")
        let query = """
            SELECT recordid FROM deletedrecord WHERE type IN (\(types)) AND deleteddate >= TO_DATE('\(MirrorDates.suiteQL(since, zone: mirror.zone))', 'YYYY-MM-DD HH24:MI:SS') ORDER BY recordid
            """
        var ids: [Int64] = []
        do {
            for try await page in client.suiteQL(query, keyColumn: "recordid") {
                ids += page.rows.compactMap { $0["recordid"].flatMap(Int64.init) }
            }
        } catch let error as NetSuiteError where error.status == 403 || error.errorCode == "INSUFFICIENT_PERMISSION" {
            throw SuiteBridgeError(.invalidInput, "The integration's role cannot read DeletedRecord, so deletions in \(table.name) cannot be mirrored; the changed rows are written and the watermark stays, so no deletion is missed once it can.",
                                   remedy: "Give the role the Deleted Records permission (View).", field: "mirror.tables")
        }
        return ids
    }

    static func isCustomField(_ column: String) -> Bool {
        ["custentity", "custbody", "custitem", "custcol", "custrecord", "custevent"].contains { column.hasPrefix($0) }
    }
}
