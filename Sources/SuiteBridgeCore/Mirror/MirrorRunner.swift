import Foundation
import NetSuiteClient

/// Runs a mirror flow: each table in turn (each read in parallel pages up to the account's budget) into the
/// destination. A table that fails keeps its error in its state and does not stop the others; the run then fails
/// naming every table that did.
struct MirrorRunner {
    let context: RunContext
    let client: NetSuiteClient

    func run() async throws -> RunSummary {
        let flow = context.claimed.flow
        let core = context.worker.core
        guard let mirror = flow.definition.mirror else {
            throw SuiteBridgeError(.invalidInput, "The flow has no mirror settings.", remedy: "Create it again with --mirror.", field: "mirror")
        }
        // The operator's boundaries are checked again before each run (the allowlist or a name's addresses may have changed).
        try flow.definition.checkFiles(core.files)
        try await flow.definition.checkDestinations(core.destinations)
        let password = try await context.worker.flows.databasePassword(flowID: flow.id)
        let destination = try await MirrorDestination.open(mirror, password: password, files: core.files)
        do {
            let summary = try await run(mirror, flow: flow.name, destination: destination, now: core.now)
            await destination.close()
            return summary
        } catch {
            await destination.close()
            throw error
        }
    }

    private func run(_ mirror: FlowDefinition.Mirror, flow: String, destination: MirrorDestination, now: @escaping @Sendable () -> Date) async throws -> RunSummary {
        try await destination.prepare()
        var summary = RunSummary()
        var failures: [String] = []
        for table in try mirror.mirrorTables() {
            let tableRun = MirrorTableRun(table: table, flow: flow, mirror: mirror, client: client, destination: destination, now: now)
            do {
                let outcome = try await tableRun.run()
                summary.read += outcome.read
                summary.written += outcome.upserted
                var line = "\(table.name): \(outcome.initialLoad ? "first load" : "changes"), read \(outcome.read), upserted \(outcome.upserted), deleted \(outcome.deleted)"
                if !outcome.addedColumns.isEmpty { line += "; columns added: \(outcome.addedColumns.joined(separator: ", "))" }
                if !outcome.removedColumns.isEmpty { line += "; no longer in NetSuite, kept: \(outcome.removedColumns.joined(separator: ", "))" }
                if let note = outcome.note { line += "; \(note)" }
                summary.log += line + "\n"
            } catch {
                let message = Self.describe(error)
                failures.append("\(table.name): \(message)")
                summary.log += "\(table.name): failed: \(message)\n"
                if var state = try? await destination.state(of: table.name) ?? MirrorTableState(table: table.name, flow: flow), state.flow == flow {
                    state.lastError = message
                    try? await destination.save(state)
                }
            }
        }
        guard failures.isEmpty else {
            throw SuiteBridgeError(.invalidInput, "The mirror could not bring \(failures.count) of \(mirror.tables.count) tables up to date: \(failures.joined(separator: " "))",
                                   remedy: "The other tables are current; the failed ones resume where they stopped on the next run.", field: "mirror.tables")
        }
        return summary
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SuiteBridgeError { return "\(error.message) \(error.remedy)" }
        if let error = error as? NetSuiteError { return "\(error.message) \(error.remedy)" }
        return "\(error)"
    }
}
