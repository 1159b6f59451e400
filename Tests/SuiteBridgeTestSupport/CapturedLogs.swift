import Logging
import NIOConcurrencyHelpers

/// Collects log lines (level, message and metadata) so a test can check what is logged, and that secrets are not.
public final class CapturedLogs: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    public init() {}

    /// A logger that writes here, at every level.
    public var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every line so far, one per log call.
    public var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

/// The logger tests give what they do not check: only critical lines, to keep test output readable.
public let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()
