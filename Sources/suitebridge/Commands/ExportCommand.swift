import ArgumentParser
import Foundation
import SuiteBridgeCore
import NetSuiteClient

/// `suitebridge export --query "SELECT …" --out FILE.jsonl|FILE.csv [--parallel N] [--key id]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Stream a SuiteQL query's rows to a JSON Lines or CSV file.",
        discussion: "Pages are fetched in parallel and written in order; the file appears only when complete. Past 100,000 rows, --key continues by that column (the query must end with ORDER BY it).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The SuiteQL query.") var query: String
    @Option(help: "The output file; .csv writes CSV, anything else JSON Lines.") var out: String
    @Option(help: "Pages fetched at once; default the account's concurrency limit.") var parallel: Int?
    @Option(help: "A unique column the query is ordered by, to go past 100,000 rows.") var key: String?

    func validate() throws {
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be 1 or more.") }
    }

    func run() async throws {
        let client = try await connection.makeClient()
        let destination = URL(fileURLWithPath: out)
        let temporary = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CLIError(message: "out: cannot write in \(destination.deletingLastPathComponent().path).\n  fix: choose a folder you can write to.")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        var writer = RowWriter(format: destination.pathExtension.lowercased() == "csv" ? .csv : .jsonl)
        let started = ContinuousClock.now
        var rows = 0, pages = 0
        let progress = isatty(STDERR_FILENO) != 0
        var lastProgress = ContinuousClock.now
        do {
            for try await page in client.suiteQL(query, parallelism: parallel, keyColumn: key) {
                try handle.write(contentsOf: try writer.encode(page.rows.map(\.values), pageColumns: page.columns))
                rows += page.rows.count
                pages += 1
                if progress && ContinuousClock.now - lastProgress > .milliseconds(200) {
                    lastProgress = ContinuousClock.now
                    let seconds = Self.seconds(since: started)
                    let total = page.totalResults.map { " of \($0)" } ?? ""
                    Terminal.standardError("\r\(rows)\(total) rows  \(pages) pages  \(Int(Double(rows) / max(seconds, 0.001))) rows/s  \(client.statistics.snapshot.retries) retries ")
                }
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if progress { Terminal.standardError("\n") }
            throw error
        }
        if progress { Terminal.standardError("\r\u{1B}[K") }
        guard rename(temporary.path, destination.path) == 0 else {
            throw CLIError(message: "out: cannot rename the finished file to \(out): \(String(cString: strerror(errno))).\n  fix: check the folder's permissions; the data is in \(temporary.path).")
        }
        let seconds = Self.seconds(since: started)
        print("rows=\(rows) pages=\(pages) retries=\(client.statistics.snapshot.retries) seconds=\(String(format: "%.2f", seconds))")
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
