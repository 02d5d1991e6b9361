import Logging
import Synchronization

/// Every log line a server wrote, message and metadata, to check what logs may never hold.
final class LogCapture: Sendable {
    private let stored = Mutex<[String]>([])

    var lines: [String] { stored.withLock { $0 } }

    func append(_ line: String) { stored.withLock { $0.append(line) } }
}

/// Writes log records into a ``LogCapture``.
struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) " + all.keys.sorted().map { "\($0)=\(all[$0]!)" }.joined(separator: " "))
    }
}
