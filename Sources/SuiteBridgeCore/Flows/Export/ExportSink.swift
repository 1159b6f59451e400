import Foundation
import NetSuiteClient

/// Where an export writes.
protocol ExportSink: Sendable {
    var location: String { get }
    mutating func write(_ rows: [[String: String]], columns: [String]) async throws
    mutating func finish() async throws
    func abandon() async
}
