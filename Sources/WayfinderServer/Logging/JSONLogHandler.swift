import CustomerData
import Foundation
import Logging

/// Writes each log record as one line of JSON on standard error, for log collectors:
/// `{"time": "…", "level": "info", "label": "wayfinder", "message": "…", …metadata}`.
///
/// Like every log of the server, the records carry routes, counts, codes and key numbers,
/// never customer identifiers, event properties or key secrets.
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every record of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Metadata added at the time of logging.
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for a logger label (the shape `LoggingSystem.bootstrap` takes).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    /// Metadata of this logger by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one record.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let more = event.metadata { merged.merge(more) { $1 } }
        let line = Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged)
        // A standard error nobody reads any more loses the line; the server goes on.
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }

    /// One record as a line of JSON; metadata keys are sorted, and never replace the fixed fields.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var fields: [(String, JSONValue)] = [
            ("time", .string(Timestamp.iso8601(Int64(time.timeIntervalSince1970 * 1000)))), ("level", .string(level.rawValue)),
            ("label", .string(label)), ("message", .string(message)),
        ]
        let fixed = Set(fields.map(\.0))
        for key in metadata.keys.sorted() where !fixed.contains(key) { fields.append((key, json(metadata[key]!))) }
        return JSONValue.object(fields).json + "\n"
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let entries): .object(entries.keys.sorted().map { ($0, json(entries[$0]!)) })
        }
    }
}
