import Foundation
import NetSuiteClient

/// Which NetSuite tables an instance can mirror, and where each mirror flow's tables stand.
public struct Mirrors: Sendable {
    let context: CoreContext

    public init(context: CoreContext) {
        self.context = context
    }

    /// One table as the instance's role sees it.
    public struct TableInfo: Sendable, Hashable, Codable {
        public var table: String
        public var name: String { table }
        public var readable: Bool
        /// Rows the role can read; `nil` when it cannot read the table.
        public var rows: Int?
        /// Whether later runs read only changed rows (the table has a change column).
        public var incremental: Bool
        /// The column changes are found by.
        public var changeColumn: String?
        /// The permission the role lacks, as the seed guide names it, when it cannot read the table.
        public var missingPermission: String?
    }

    /// What discovery found: the tables, and whether deletions can be mirrored.
    public struct Discovery: Sendable, Hashable, Codable {
        public var instance: String
        public var tables: [TableInfo]
        /// Whether the role reads `DeletedRecord`; without it deletions are not mirrored.
        public var deletions: Bool
        /// `Deleted Records` when the role lacks it.
        public var deletionsMissingPermission: String?
    }

    /// Probes every table SuiteBridge knows with the instance's own role: a row count each, and `DeletedRecord`.
    /// A table the role cannot read is reported with the permission it needs, not as a failure.
    /// - Throws: ``SuiteBridgeError`` for an unknown instance; ``NetSuiteError`` when NetSuite refuses the login or
    ///   cannot be reached.
    public func tables(instance: String) async throws -> Discovery {
        let client = try await context.connections.client(for: instance)
        let infos = try await withThrowingTaskGroup(of: (Int, TableInfo).self) { group in
            for (index, table) in MirrorTable.known.enumerated() {
                group.addTask {
                    let info = TableInfo(table: table.name, readable: true, rows: nil, incremental: table.changeColumn != nil,
                                         changeColumn: table.changeColumn, missingPermission: nil)
                    do {
                        var readable = info
                        readable.rows = try await Self.count(client, table.name)
                        return (index, readable)
                    } catch let error as NetSuiteError where Self.isPermissionRefusal(error) {
                        var refused = info
                        refused.readable = false
                        refused.missingPermission = table.permission
                        return (index, refused)
                    }
                }
            }
            var results: [(Int, TableInfo)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var deletions = true
        do {
            _ = try await Self.count(client, "deletedrecord")
        } catch let error as NetSuiteError where Self.isPermissionRefusal(error) {
            deletions = false
        }
        return Discovery(instance: instance, tables: infos, deletions: deletions, deletionsMissingPermission: deletions ? nil : "Deleted Records")
    }

    static func count(_ client: NetSuiteClient, _ table: String) async throws -> Int {
        var rows = 0
        for try await page in client.suiteQL("SELECT COUNT(*) AS n FROM \(table)", pageSize: 1, parallelism: 1) {
            rows = page.rows.first?["n"].flatMap(Int.init) ?? 0
        }
        return rows
    }

    static func isPermissionRefusal(_ error: NetSuiteError) -> Bool {
        error.status == 403 || error.errorCode == "INSUFFICIENT_PERMISSION"
    }

    /// A mirror flow's tables as its destination's `_suitebridge_state` holds them, with the tables not yet begun.
    /// - Throws: ``SuiteBridgeError`` for an unknown flow or one that is no mirror, or a destination that cannot be opened.
    public func status(flow name: String) async throws -> [MirrorTableState] {
        let flow = try await context.flows.flow(named: name)
        guard let mirror = flow.definition.mirror else {
            throw SuiteBridgeError(.invalidInput, "The flow \(name) is not a mirror.", remedy: "Give the name of a mirror flow (`suitebridge flow list`).", field: "flow")
        }
        try flow.definition.checkFiles(context.files)
        try await flow.definition.checkDestinations(context.destinations)
        let password = try await context.flows.databasePassword(flowID: flow.id)
        let destination = try await MirrorDestination.open(mirror, password: password, files: context.files)
        do {
            let begun = try await !destination.columns(of: MirrorDestination.stateTable).isEmpty
            let states = begun ? try await destination.states().filter { $0.flow == name } : []
            await destination.close()
            return mirror.tables.map { table in states.first { $0.table == table.lowercased() } ?? MirrorTableState(table: table.lowercased(), flow: name) }
        } catch {
            await destination.close()
            throw error
        }
    }
}
