import Foundation
import JourneyModel

/// How the columns of a CSV file become event fields.
///
/// Without a mapping file, the header names the fields: Segment names (`timestamp`, `type`,
/// `event`, `name`, `messageId`, `anonymousId`, `userId`, `previousId`, `groupId`, `channel`) or
/// their snake_case forms, `email`, `phone`, `device_id`, dotted paths (`properties.total`,
/// `traits.plan`, `context.page.path`), and any other column goes to `properties`.
/// A mapping file (YAML) renames columns and sets the delimiter and defaults:
///
/// ```yaml
/// delimiter: ";"
/// header: true
/// columns: { Zeit: timestamp, Kunde: userId, Mail: email, Aktion: event, Preis: properties.price }
/// others: properties      # or: ignore
/// defaults: { type: track, channel: store }
/// ```
public struct CSVMapping: Sendable, Equatable {
    /// The field separator; detected from the header when nil.
    public var delimiter: UInt8?
    /// Whether the first row names the columns.
    public var header: Bool
    /// Column (header name, or 1-based position without a header) → target path.
    public var columns: [String: String]
    /// Whether unmapped columns go to `properties` (true) or are ignored.
    public var keepOthers: Bool
    /// Values for fields no column provides (`type`, `channel`).
    public var defaults: [String: String]

    /// The mapping used when no file is given.
    public static let standard = CSVMapping(delimiter: nil, header: true, columns: [:], keepOthers: true, defaults: [:])

    /// Creates a mapping.
    public init(delimiter: UInt8?, header: Bool, columns: [String: String], keepOthers: Bool, defaults: [String: String]) {
        self.delimiter = delimiter
        self.header = header
        self.columns = columns
        self.keepOthers = keepOthers
        self.defaults = defaults
    }

    static let topLevel: [String: String] = [
        "timestamp": "timestamp", "time": "timestamp", "ts": "timestamp", "originaltimestamp": "timestamp",
        "type": "type", "event": "event", "event_name": "event", "eventname": "event", "name": "name",
        "messageid": "messageId", "message_id": "messageId", "anonymousid": "anonymousId", "anonymous_id": "anonymousId",
        "userid": "userId", "user_id": "userId", "previousid": "previousId", "previous_id": "previousId",
        "groupid": "groupId", "group_id": "groupId", "channel": "channel",
        "email": "traits.email", "phone": "traits.phone", "device_id": "context.device.id", "deviceid": "context.device.id",
    ]

    /// The target path of a column, or nil to ignore it.
    public func target(forColumn name: String, position: Int) -> String? {
        if let mapped = columns[name] ?? columns[String(position)] { return Self.normalise(mapped) }
        let lower = name.lowercased()
        if let known = Self.topLevel[lower] { return known }
        for prefix in ["properties.", "traits.", "context."] where lower.hasPrefix(prefix) { return name }
        return keepOthers && !name.isEmpty ? "properties.\(name)" : nil
    }

    static func normalise(_ target: String) -> String {
        topLevel[target.lowercased()] ?? target
    }

    /// Reads a mapping file, or reports its problems as diagnostics with line and column.
    public static func load(path: String) -> Result<CSVMapping, MappingProblems> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(MappingProblems(diagnostics: [Diagnostic(.error, code: "unreadable", at: nil, file: path, path: "", message: "the mapping file cannot be read")]))
        }
        return read(Array(data), file: path)
    }

    /// Reads the text of a mapping file (YAML, or JSON when `file` ends in `.json`), naming
    /// `file` in the diagnostics of its problems.
    public static func read(_ bytes: [UInt8], file path: String) -> Result<CSVMapping, MappingProblems> {
        let read = DocumentReader.read(bytes, file: path, syntax: .of(path: path))
        guard let root = read.root else { return .failure(MappingProblems(diagnostics: read.diagnostics)) }
        var problems: [Diagnostic] = []
        func problem(_ node: DocumentNode?, _ key: String, _ message: String, expected: String) {
            problems.append(Diagnostic(.error, code: "invalid-mapping", at: node?.location, file: path, path: key, message: message, expected: expected))
        }
        var mapping = CSVMapping.standard
        guard let entries = root.entries else {
            problem(root, "", "a mapping file must be a mapping", expected: "keys delimiter, header, columns, others, defaults")
            return .failure(MappingProblems(diagnostics: problems))
        }
        let known = ["delimiter", "header", "columns", "others", "defaults"]
        for entry in entries {
            switch entry.key {
            case "delimiter":
                guard case .scalar(let text, _) = entry.value.value else {
                    problem(entry.value, "delimiter", "'delimiter' must be one character", expected: "\",\", \";\", \"|\" or \"\\t\""); continue
                }
                let unescaped = text == "\\t" || text == "tab" ? "\t" : text
                guard unescaped.utf8.count == 1, let byte = unescaped.utf8.first, byte != 0x22, byte != 0x0A else {
                    problem(entry.value, "delimiter", "'delimiter' must be one character other than a quote or newline", expected: "\",\", \";\", \"|\" or \"\\t\""); continue
                }
                mapping.delimiter = byte
            case "header":
                guard case .scalar(let text, false) = entry.value.value, text == "true" || text == "false" else {
                    problem(entry.value, "header", "'header' must be true or false", expected: "true or false"); continue
                }
                mapping.header = text == "true"
            case "others":
                guard case .scalar(let text, _) = entry.value.value, ["properties", "ignore"].contains(text) else {
                    problem(entry.value, "others", "'others' must be properties or ignore", expected: "properties or ignore"); continue
                }
                mapping.keepOthers = text == "properties"
            case "columns", "defaults":
                guard let pairs = entry.value.entries else {
                    problem(entry.value, entry.key, "'\(entry.key)' must be a mapping", expected: "column: field pairs"); continue
                }
                for pair in pairs {
                    guard case .scalar(let text, _) = pair.value.value, !text.isEmpty else {
                        problem(pair.value, "\(entry.key).\(pair.key)", "'\(pair.key)' must name a field", expected: "a field such as timestamp, userId or properties.price"); continue
                    }
                    if entry.key == "columns" {
                        let target = normalise(text)
                        let valid = topLevel.values.contains(target) || ["properties.", "traits.", "context."].contains { target.hasPrefix($0) }
                        guard valid else {
                            let names = Array(Set(topLevel.values)).sorted()
                            problems.append(Diagnostic(.error, code: "invalid-mapping", at: pair.value.location, file: path, path: "columns.\(pair.key)",
                                                       message: "'\(text)' is not an event field",
                                                       expected: "one of \(names.joined(separator: ", ")), or a path under properties., traits. or context.",
                                                       suggestion: Suggestions.hint(for: text, in: names)))
                            continue
                        }
                        mapping.columns[pair.key] = target
                    } else {
                        mapping.defaults[normalise(pair.key)] = text
                    }
                }
            default:
                problems.append(Diagnostic(.error, code: "unknown-key", at: entry.keyLocation, file: path, path: entry.key,
                                           message: "unknown key '\(entry.key)' in the mapping file", expected: known.joined(separator: ", "),
                                           suggestion: Suggestions.closest(to: entry.key, in: known).map { "did you mean '\($0)'?" }))
            }
        }
        return problems.isEmpty ? .success(mapping) : .failure(MappingProblems(diagnostics: problems))
    }
}

/// The problems of a mapping file, each with its position.
public struct MappingProblems: Error, Sendable {
    /// One diagnostic per problem.
    public var diagnostics: [Diagnostic]
}
