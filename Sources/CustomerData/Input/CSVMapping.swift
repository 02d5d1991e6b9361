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
///
/// A vendor's export often holds several events a row (a ticket created, then solved, then
/// rated) in its own words. A mapping may then translate values and list the events of a row;
/// the presets shipped with Wayfinder (``ImportPreset``) are such mappings:
///
/// ```yaml
/// name: zendesk
/// recognise: [Id, Requester email, Via, Created at]     # the header columns that tell the export
/// values: { Via: { Chat: chat, "Phone call (incoming)": phone, "*": support } }
/// columns: { Requester email: email, Id: properties.ticket_id }
/// events:
///   - { when: Created at, timestamp: Created at, type: track, event: Ticket Created, message_id: "zendesk-{Id}-created" }
///   - { when: Satisfaction Score, timestamp: Updated at, type: feedback, metric: csat, score: Satisfaction Score }
/// ```
public struct CSVMapping: Sendable, Equatable {
    /// One event a row gives, when the mapping lists them.
    public struct RowEvent: Sendable, Equatable {
        /// The column that must hold a value for the row to give this event (nil: every row).
        public var when: String?
        /// Columns whose value must be one of those listed (`when: { event_name: page_view }`).
        public var whenValues: [String: [String]] = [:]
        /// Columns whose value must be none of those listed (`unless: { event_name: page_view }`).
        public var unlessValues: [String: [String]] = [:]
        /// The column holding the event's time.
        public var timestamp: String
        /// `track`, `page`, `screen`, `identify` or `feedback`.
        public var type: String
        /// The event's name (track) or page name; `{Column}` is replaced by the row's value.
        public var event: String?
        /// The message id, with `{Column}` replaced: importing the file again adds nothing.
        public var messageId: String?
        /// A survey answer's metric (`nps`, `csat`, `ces`, `text`) and the columns of its score and text.
        public var metric: String?
        public var score: String?
        public var text: String?
        /// Columns this event alone carries (column → field), beside the mapping's `columns`;
        /// a file may lack them.
        public var fields: [String: String]
        /// The event's channel, when the event says (`channel: phone`; `{Column}` is replaced).
        public var channel: String?

        public init(when: String? = nil, timestamp: String, type: String, event: String? = nil, messageId: String? = nil, metric: String? = nil,
                    score: String? = nil, text: String? = nil, fields: [String: String] = [:]) {
            self.when = when
            self.timestamp = timestamp
            self.type = type
            self.event = event
            self.messageId = messageId
            self.metric = metric
            self.score = score
            self.text = text
            self.fields = fields
        }

        /// Every column the event needs: its own and those its templates name, without filters
        /// (not its `fields`, which an export may leave out).
        var columns: [String] {
            var names = [timestamp] + [when, score, text].compactMap { $0 } + whenValues.keys.sorted() + unlessValues.keys.sorted()
            for template in [event, messageId, channel].compactMap({ $0 }) { names += CSVMapping.placeholders(template) }
            return names.map { CSVMapping.ColumnFilter.split($0).column }
        }

        /// Whether a row gives this event, `value` giving a column's value (nil when empty) and
        /// `lists` the separator of the columns that hold lists.
        func applies(_ value: (String) -> String?, lists: [String: String] = [:]) -> Bool {
            func holds(_ column: String, _ values: [String]) -> Bool {
                let text = value(column) ?? ""
                guard let separator = lists[column], !separator.isEmpty, !text.isEmpty else { return values.contains(text) }
                return text.components(separatedBy: separator).contains { item in
                    values.contains(String(item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").trimmingWhitespace())
                }
            }
            if let when, value(when) == nil { return false }
            for (column, allowed) in whenValues where !holds(column, allowed) { return false }
            for (column, refused) in unlessValues where holds(column, refused) { return false }
            return true
        }
    }

    /// The export this mapping reads (a preset's name), shown when a file is read with it.
    public var name: String?
    /// The format of the files the mapping reads, when it says (`format: ndjson`): JSON records
    /// are read as columns, nested values by dotted paths (``JSONColumns``).
    public var format: RecordReader.Format?
    /// The unit of epoch numbers in the time columns (`time_unit: microseconds`), when not the
    /// seconds or milliseconds told apart by magnitude.
    public var timeUnit: TimeUnit?

    /// Units of epoch times.
    public enum TimeUnit: String, Sendable, CaseIterable {
        case seconds, milliseconds, microseconds

        /// Milliseconds for an epoch value in this unit (whole digits, an optional sign), or nil
        /// when it is no whole number or lies outside the years 0000 to 9999.
        public func milliseconds(_ text: String) -> Int64? {
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.utf8.count <= 19, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text) else { return nil }
            let milliseconds: Int64
            switch self {
            case .seconds:
                guard value.magnitude <= UInt64(Timestamp.range.upperBound / 1000) else { return nil }
                milliseconds = value * 1000
            case .milliseconds: milliseconds = value
            case .microseconds:
                // Toward the past, so that a time before 1970 keeps its millisecond (no negation, so Int64.min is safe).
                let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 1000)
                milliseconds = remainder < 0 ? quotient - 1 : quotient
            }
            return Self.fourDigitYears.contains(milliseconds) ? milliseconds : nil
        }

        /// The times of years 0000 to 9999, in milliseconds: those a time written as text may have.
        static let fourDigitYears: ClosedRange<Int64> =
            Timestamp.daysFromCivil(year: 0, month: 1, day: 1) * 86_400_000 ... Timestamp.daysFromCivil(year: 9999, month: 12, day: 31) * 86_400_000 + 86_399_999
    }

    /// Header rows (`header_rows: 3`): the first names the columns, the others (question texts,
    /// import ids) are skipped.
    public var headerRows = 1
    /// A file beside the data naming its columns (`header_file: column_headers.tsv`, as Adobe
    /// Analytics data feeds deliver them); the data then has no header row.
    public var headerFile: String?
    /// How fields hold delimiters and newlines (`escape: backslash`; quotes by default).
    public var escaping: CSVParser.Escaping = .quotes
    /// Columns holding lists (`lists: { post_event_list: "," }`): a condition on one holds when
    /// any item (up to an `=`, as in `200=5`) is a value it lists.
    public var lists: [String: String] = [:]
    /// A list of a JSON record whose items are read one by one (`each: activity`), each with the
    /// record's other columns and its own under the list's name (`activity.action`).
    public var each: String?
    /// Fields made of several columns (`compose: { anonymousId: "{visid_high}-{visid_low}" }`),
    /// set on every event of a row whose columns are not all empty.
    public var compose: [String: String] = [:]
    /// The layout of times written as dates with slashes (`time_format: month-day-year`).
    public var timeFormat: TimeFormat?
    /// What a user chooses when reading a file (`parameters: { question: { about: …, required: true } }`);
    /// the events name a parameter as `$question`.
    public var parameters: [String: Parameter] = [:]
    /// The values chosen for the parameters (`wayfinder import --question …`), by name.
    public var arguments: [String: String] = [:]

    /// Something chosen when a file is read: the column of a survey's question, its metric.
    public struct Parameter: Sendable, Equatable {
        /// What it is, for messages (`the question whose answers are the score`).
        public var about: String
        /// The value when none is given.
        public var defaultValue: String?
        /// Whether a file cannot be read without it.
        public var required: Bool
    }

    /// Layouts of dates with slashes, as US and European exports write them.
    public enum TimeFormat: String, Sendable, CaseIterable {
        case monthDayYear = "month-day-year", dayMonthYear = "day-month-year"

        /// The ISO 8601 text (read as UTC) of `01/12/2026 10:15:03 AM` (month first) or
        /// `12/01/2026 22:15` (day first), or nil when the text has another layout.
        public func iso(_ text: String) -> String? {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard (1...3).contains(parts.count) else { return nil }
            let date = parts[0].split(separator: "/", omittingEmptySubsequences: false)
            guard date.count == 3, date.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  date[2].count == 4, var first = Int(date[0]), var second = Int(date[1]), let year = Int(date[2]) else { return nil }
            if self == .dayMonthYear { swap(&first, &second) }
            let (month, day) = (first, second)
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            var hour = 0, minute = 0, second2 = 0
            if parts.count >= 2 {
                let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
                guard (2...3).contains(time.count), time.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                      let h = Int(time[0]), let m = Int(time[1]), let s = time.count == 3 ? Int(time[2]) : 0, h <= 23, m <= 59, s <= 59 else { return nil }
                (hour, minute, second2) = (h, m, s)
                if parts.count == 3 {
                    let marker = parts[2].uppercased()
                    guard marker == "AM" || marker == "PM", (1...12).contains(hour) else { return nil }
                    hour = hour % 12 + (marker == "PM" ? 12 : 0)
                }
            }
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let fourDigits = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
            return "\(fourDigits)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second2))Z"
        }
    }

    /// A parameter's stand-in for a column when no value is chosen: the reader never reads a
    /// column of this name (a CSV header cannot hold a NUL byte, and a JSON record's key may but
    /// is not looked up), so every row's value of it is empty.
    static let absentColumn = "\u{0}"

    /// The mapping with `arguments` chosen for its parameters.
    public func with(arguments: [String: String]) -> CSVMapping {
        var mapping = self
        mapping.arguments = arguments
        return mapping
    }

    /// Whether the mapping is the standard one, whatever arguments it carries.
    public var isStandard: Bool {
        var plain = self
        plain.arguments = [:]
        return plain == .standard
    }

    /// The mapping with each `$name` its events give replaced by the argument chosen (or the
    /// parameter's default); a parameter without a value reads an empty column. Fails naming
    /// the required parameters that have no value, or a metric that is none.
    public func bound() -> Result<CSVMapping, BindingProblem> {
        var missing: [String] = []
        func resolve(_ text: String?) -> String? {
            guard let text, text.hasPrefix("$"), let parameter = parameters[String(text.dropFirst())] else { return text }
            let name = String(text.dropFirst())
            if let value = arguments[name] ?? parameter.defaultValue, !value.isEmpty { return value }
            if parameter.required, !missing.contains(name) { missing.append(name) }
            return Self.absentColumn
        }
        // A parameter naming a column that has a condition already: both must hold (the values
        // allowed by both, the values refused by either); a field keeps the column's own target.
        func resolveConditions(_ entries: [String: [String]], allowed: Bool) -> [String: [String]] {
            var resolved: [String: [String]] = [:]
            for (key, values) in entries.sorted(by: { $0.key < $1.key }) {
                let column = resolve(key) ?? key
                if let existing = resolved[column] {
                    resolved[column] = allowed ? existing.filter(values.contains) : existing + values.filter { !existing.contains($0) }
                } else {
                    resolved[column] = values
                }
            }
            return resolved
        }
        func resolveFields(_ entries: [String: String]) -> [String: String] {
            var resolved: [String: String] = [:]
            for (key, target) in entries.sorted(by: { ($0.key.hasPrefix("$") ? 1 : 0, $0.key) < ($1.key.hasPrefix("$") ? 1 : 0, $1.key) }) {
                let column = resolve(key) ?? key
                if resolved[column] == nil { resolved[column] = target }
            }
            return resolved
        }
        var bound = self
        bound.events = events.map { event in
            var event = event
            event.when = resolve(event.when)
            event.timestamp = resolve(event.timestamp) ?? event.timestamp
            // A metric is a value, never an empty column: without one the parameter is missing.
            if let metric = event.metric, metric.hasPrefix("$"), let name = Optional(String(metric.dropFirst())), parameters[name] != nil,
               (arguments[name] ?? parameters[name]?.defaultValue ?? "").isEmpty {
                if !missing.contains(name) { missing.append(name) }
            }
            event.metric = resolve(event.metric)
            event.score = resolve(event.score)
            event.text = resolve(event.text)
            event.fields = resolveFields(event.fields)
            event.whenValues = resolveConditions(event.whenValues, allowed: true)
            event.unlessValues = resolveConditions(event.unlessValues, allowed: false)
            return event
        }
        if !missing.isEmpty {
            return .failure(BindingProblem(missing: missing.map { ($0, parameters[$0]?.about ?? $0) }, metric: nil))
        }
        if let metric = bound.events.compactMap(\.metric).first(where: { !["nps", "csat", "ces", "text"].contains($0) }) {
            return .failure(BindingProblem(missing: [], metric: metric))
        }
        return .success(bound)
    }

    /// Why a mapping's parameters cannot be bound.
    public struct BindingProblem: Error, Sendable {
        /// The required parameters without a value, each with what it is.
        public var missing: [(name: String, about: String)]
        /// A metric chosen that is not one.
        public var metric: String?
    }

    /// A column read through a filter: `Column|path` is the path of the URL the column holds,
    /// `Column|handle` a social handle without its `@`, lower-cased, `Column|first` the first item
    /// of a list separated by `;` or `,`, `Column|email` the e-mail address inside the first item
    /// of a text such as `Maya Hughes (maya@example.com);Dev Patel (dev@example.org)`.
    public enum ColumnFilter: String, Sendable, CaseIterable {
        /// The path of the URL the column holds.
        case path
        /// A social handle as one compares it: without a leading `@`, lower-cased.
        case handle
        /// The first item of a list separated by semicolons or commas (a CRM's associated record ids).
        case first
        /// The e-mail address in the first `;`-separated item of the text: the word holding an `@`,
        /// without brackets or quotes around it (nothing when the first item names none).
        case email

        /// The column and filter of a name (`page_location|path`); names without `|` have none.
        static func split(_ name: String) -> (column: String, filter: ColumnFilter?) {
            guard let bar = name.lastIndex(of: "|"), let filter = ColumnFilter(rawValue: String(name[name.index(after: bar)...])) else { return (name, nil) }
            return (String(name[..<bar]), filter)
        }

        /// The filtered value, or nil when the filter finds nothing in it.
        public func apply(_ value: String) -> String? {
            switch self {
            case .path:
                // The path of an absolute or relative URL, without its query and fragment.
                var rest = Substring(value)
                if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...]; rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/" }
                if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
                return rest.isEmpty ? nil : String(rest)
            case .handle:
                var handle = Substring(value.trimmingWhitespace())
                while handle.first == "@" { handle = handle.dropFirst() }
                return handle.isEmpty ? nil : handle.lowercased()
            case .first:
                let item = value.split(whereSeparator: { $0 == ";" || $0 == "," }).lazy.map { String($0).trimmingWhitespace() }.first { !$0.isEmpty }
                return item
            case .email:
                // Only the first item of a list, so that the address belongs to the same record
                // as `Column|first` of the list beside it; quotes only around the word.
                let first = value.split(separator: ";", omittingEmptySubsequences: false).first ?? ""
                let word = first.split(whereSeparator: { " \t\r\n()<>[],\"".contains($0) }).first { $0.contains("@") }
                return word.map { String($0).trimmingCharacters(in: ["'"]) }
            }
        }
    }
    /// Header columns that together tell a file of this export apart (for recognising presets).
    public var recognise: [String] = []
    /// Per column, values replaced before anything reads them (`"*"`: any other non-empty value).
    public var values: [String: [String: String]] = [:]
    /// The events of a row; empty: each row is one event, as the columns say.
    public var events: [RowEvent] = []

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
        // `event_params.*: properties.*`: every column under a prefix, to the same name under another.
        if let match = columns.filter({ $0.key.hasSuffix(".*") && name.hasPrefix($0.key.dropLast()) }).max(by: { $0.key.count < $1.key.count }),
           name.count >= match.key.count {
            return Self.normalise(String(match.value.dropLast() + name.dropFirst(match.key.count - 1)))
        }
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
        let known = ["delimiter", "header", "columns", "others", "defaults", "name", "recognise", "values", "events", "format", "time_unit",
                     "time_format", "header_rows", "parameters", "header_file", "escape", "lists", "compose", "each"]
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
                        guard pair.key.hasSuffix(".*") == target.hasSuffix(".*"), !target.dropLast(2).contains("*") else {
                            problem(pair.value, "columns.\(pair.key)", "a column prefix (name.*) maps to a field prefix (properties.*), and only then",
                                    expected: "event_params.*: properties.*, or a column to a field")
                            continue
                        }
                        guard isField(target) else {
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
            case "format":
                guard case .scalar(let text, _) = entry.value.value, let format = RecordReader.Format(rawValue: text), format != .segment else {
                    problem(entry.value, "format", "'format' must be csv or ndjson", expected: "csv or ndjson"); continue
                }
                mapping.format = format
            case "time_unit":
                guard case .scalar(let text, _) = entry.value.value, let unit = TimeUnit(rawValue: text) else {
                    problem(entry.value, "time_unit", "'time_unit' must be a unit of epoch times", expected: TimeUnit.allCases.map(\.rawValue).joined(separator: ", ")); continue
                }
                mapping.timeUnit = unit
            case "each":
                guard case .scalar(let text, _) = entry.value.value, !text.isEmpty, text.utf8.count <= 100, !text.contains(".") else {
                    problem(entry.value, "each", "'each' must name a list of the record", expected: "a key such as activity"); continue
                }
                mapping.each = text
            case "header_file":
                guard case .scalar(let text, _) = entry.value.value, !text.isEmpty, text.utf8.count <= 255, !text.contains("/"), !text.contains("\\"), text != "..", text != "." else {
                    problem(entry.value, "header_file", "'header_file' must be a file name beside the data, without a folder", expected: "a name such as column_headers.tsv"); continue
                }
                mapping.headerFile = text
            case "escape":
                guard case .scalar(let text, _) = entry.value.value, let escaping = CSVParser.Escaping(rawValue: text) else {
                    problem(entry.value, "escape", "'escape' must be quotes or backslash", expected: "quotes or backslash"); continue
                }
                mapping.escaping = escaping
            case "lists", "compose":
                guard let pairs = entry.value.entries else {
                    problem(entry.value, entry.key, "'\(entry.key)' must be a mapping", expected: entry.key == "lists" ? "{ Column: \",\" }" : "{ anonymousId: \"{A}-{B}\" }"); continue
                }
                for pair in pairs {
                    guard case .scalar(let text, _) = pair.value.value, !text.isEmpty, text.utf8.count <= 200 else {
                        problem(pair.value, "\(entry.key).\(pair.key)", "'\(pair.key)' must be a short text", expected: entry.key == "lists" ? "the separator, such as \",\"" : "a template such as \"{A}-{B}\""); continue
                    }
                    if entry.key == "lists" {
                        mapping.lists[pair.key] = text
                    } else {
                        let target = normalise(pair.key)
                        guard isField(target), !target.hasPrefix(externalIDPrefix) || !target.contains("{") else {
                            problem(pair.value, "compose.\(pair.key)", "'\(pair.key)' is not an event field", expected: "a field such as anonymousId, userId or properties.name"); continue
                        }
                        mapping.compose[target] = text
                    }
                }
            case "time_format":
                guard case .scalar(let text, _) = entry.value.value, let format = TimeFormat(rawValue: text) else {
                    problem(entry.value, "time_format", "'time_format' must be a layout of dates with slashes", expected: TimeFormat.allCases.map(\.rawValue).joined(separator: " or ")); continue
                }
                mapping.timeFormat = format
            case "header_rows":
                guard case .scalar(let text, false) = entry.value.value, let rows = Int(text), (1...5).contains(rows) else {
                    problem(entry.value, "header_rows", "'header_rows' must be a whole number from 1 to 5", expected: "1 to 5"); continue
                }
                mapping.headerRows = rows
            case "parameters":
                guard let named = entry.value.entries else {
                    problem(entry.value, "parameters", "'parameters' must map names to what they are", expected: "{ question: { about: TEXT, required: true } }"); continue
                }
                for parameter in named {
                    guard let fields = parameter.value.entries, let about = scalar(parameter.value["about"]), !about.isEmpty,
                          fields.allSatisfy({ ["about", "default", "required"].contains($0.key) }),
                          parameter.key.utf8.count <= 40, parameter.key.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else {
                        problem(parameter.value, "parameters.\(parameter.key)", "a parameter is a name of letters with { about, default, required }",
                                expected: "{ about: the question whose answers are the score, required: true }")
                        continue
                    }
                    let required = scalar(parameter.value["required"])
                    guard required == nil || required == "true" || required == "false" else {
                        problem(parameter.value["required"], "parameters.\(parameter.key).required", "'required' must be true or false", expected: "true or false"); continue
                    }
                    mapping.parameters[parameter.key] = Parameter(about: about, defaultValue: scalar(parameter.value["default"]), required: required == "true")
                }
            case "name":
                guard case .scalar(let text, _) = entry.value.value, !text.isEmpty, text.utf8.count <= 100 else {
                    problem(entry.value, "name", "'name' must be a short text", expected: "a name such as zendesk"); continue
                }
                mapping.name = text
            case "recognise":
                guard case .sequence(let items) = entry.value.value, !items.isEmpty else {
                    problem(entry.value, "recognise", "'recognise' must list header columns", expected: "a list such as [Id, Requester email]"); continue
                }
                mapping.recognise = items.compactMap { item in
                    if case .scalar(let text, _) = item.value, !text.isEmpty { return text }
                    problem(item, "recognise", "each entry must name a column", expected: "a column name")
                    return nil
                }
            case "values":
                guard let columns = entry.value.entries else {
                    problem(entry.value, "values", "'values' must map columns to value replacements", expected: "{ Column: { value: replacement } }"); continue
                }
                for column in columns {
                    guard let pairs = column.value.entries else {
                        problem(column.value, "values.\(column.key)", "'\(column.key)' must map values to replacements", expected: "{ value: replacement }"); continue
                    }
                    var replacements: [String: String] = [:]
                    for pair in pairs {
                        guard case .scalar(let text, _) = pair.value.value else {
                            problem(pair.value, "values.\(column.key).\(pair.key)", "a replacement must be a value", expected: "a text or number"); continue
                        }
                        replacements[pair.key] = text
                    }
                    mapping.values[column.key] = replacements
                }
            case "events":
                guard case .sequence(let items) = entry.value.value, !items.isEmpty else {
                    problem(entry.value, "events", "'events' must list the events of a row", expected: "a list of { timestamp, type, event, … }"); continue
                }
                for (position, item) in items.enumerated() {
                    if let event = rowEvent(item, at: "events[\(position)]", problem: problem) { mapping.events.append(event) }
                }
            default:
                problems.append(Diagnostic(.error, code: "unknown-key", at: entry.keyLocation, file: path, path: entry.key,
                                           message: "unknown key '\(entry.key)' in the mapping file", expected: known.joined(separator: ", "),
                                           suggestion: Suggestions.closest(to: entry.key, in: known).map { "did you mean '\($0)'?" }))
            }
        }
        return problems.isEmpty ? .success(mapping) : .failure(MappingProblems(diagnostics: problems))
    }

    /// The text of a scalar node, or nil.
    static func scalar(_ node: DocumentNode?) -> String? {
        if case .scalar(let text, _)? = node?.value { text } else { nil }
    }

    /// Whether `target` (normalised) is a field a column may fill.
    static func isField(_ target: String) -> Bool {
        topLevel.values.contains(target) || ["properties.", "traits.", "context."].contains { target.hasPrefix($0) }
            || (target.hasPrefix(externalIDPrefix) && target.count > externalIDPrefix.count)
    }

    /// `externalIds.salesforce`: the column holds the customer's id in another tool (the type,
    /// after the dot, may name a column in braces: `externalIds.{Platform}`).
    static let externalIDPrefix = "externalIds."

    static let rowEventKeys = ["when", "unless", "timestamp", "type", "event", "message_id", "metric", "score", "text", "fields", "channel"]
    static let rowEventTypes = ["track", "page", "screen", "identify", "feedback"]

    /// One entry of `events`, or nil (with its problems reported) when it cannot be used.
    private static func rowEvent(_ node: DocumentNode, at key: String,
                                 problem: (DocumentNode?, String, String, String) -> Void) -> RowEvent? {
        guard let entries = node.entries else {
            problem(node, key, "an event must be a mapping", "{ timestamp: COLUMN, type: track, event: NAME }")
            return nil
        }
        var text: [String: String] = [:], fields: [String: String] = [:]
        var whenValues: [String: [String]] = [:], unlessValues: [String: [String]] = [:]
        var usable = true
        for entry in entries {
            guard rowEventKeys.contains(entry.key) else {
                problem(entry.value, "\(key).\(entry.key)", "unknown key '\(entry.key)' in an event", rowEventKeys.joined(separator: ", "))
                usable = false
                continue
            }
            // `when: { Column: value }` or `unless: { Column: [values] }`: the row's value of a column decides.
            if entry.key == "unless" || (entry.key == "when" && entry.value.entries != nil) {
                guard let pairs = entry.value.entries, !pairs.isEmpty else {
                    problem(entry.value, "\(key).\(entry.key)", "'\(entry.key)' must map columns to values", "{ Column: value } or { Column: [value, value] }")
                    usable = false
                    continue
                }
                for pair in pairs {
                    let items: [DocumentNode] = if case .sequence(let list) = pair.value.value { list } else { [pair.value] }
                    let values: [String] = items.compactMap { if case .scalar(let value, _) = $0.value { value } else { nil } }
                    guard !values.isEmpty, values.count == items.count else {
                        problem(pair.value, "\(key).\(entry.key).\(pair.key)", "'\(pair.key)' must be a value or a list of values", "a value such as page_view, or [a, b]")
                        usable = false
                        continue
                    }
                    if entry.key == "when" { whenValues[pair.key] = values } else { unlessValues[pair.key] = values }
                }
                continue
            }
            if entry.key == "fields" {
                guard let pairs = entry.value.entries else {
                    problem(entry.value, "\(key).fields", "'fields' must map columns to fields", "{ Column: properties.name }")
                    usable = false
                    continue
                }
                for pair in pairs {
                    guard case .scalar(let target, _) = pair.value.value, !target.isEmpty else {
                        problem(pair.value, "\(key).fields.\(pair.key)", "'\(pair.key)' must name a field", "a field such as properties.stage")
                        usable = false
                        continue
                    }
                    guard isField(normalise(target)) else {
                        problem(pair.value, "\(key).fields.\(pair.key)", "'\(target)' is not an event field", "a path under properties., traits. or context., or a field such as userId")
                        usable = false
                        continue
                    }
                    fields[pair.key] = normalise(target)
                }
                continue
            }
            guard case .scalar(let value, _) = entry.value.value, !value.isEmpty else {
                problem(entry.value, "\(key).\(entry.key)", "'\(entry.key)' must be a text", "a column name or a text")
                usable = false
                continue
            }
            text[entry.key] = value
        }
        guard let timestamp = text["timestamp"] else {
            problem(node, "\(key).timestamp", "an event needs the column of its time", "timestamp: COLUMN")
            return nil
        }
        let type = text["type"] ?? "track"
        guard rowEventTypes.contains(type) else {
            problem(node, "\(key).type", "'\(type)' is not an event type", rowEventTypes.joined(separator: ", "))
            return nil
        }
        if type == "feedback", text["metric"] == nil {
            problem(node, "\(key).metric", "a survey answer needs its metric", "nps, csat, ces or text")
            return nil
        }
        guard usable else { return nil }
        var event = RowEvent(when: text["when"], timestamp: timestamp, type: type, event: text["event"], messageId: text["message_id"], metric: text["metric"],
                             score: text["score"], text: text["text"], fields: fields)
        event.whenValues = whenValues
        event.unlessValues = unlessValues
        event.channel = text["channel"]
        return event
    }

    /// The column names a template names in braces: `zendesk-{Id}-created` names `Id`.
    static func placeholders(_ template: String) -> [String] {
        var names: [String] = [], current: String?
        for character in template {
            if character == "{" { current = "" } else if character == "}", let name = current { names.append(name); current = nil } else { current?.append(character) }
        }
        return names
    }

    /// A template with each `{Column}` replaced by the row's value (empty when the row has none).
    static func fill(_ template: String, _ value: (String) -> String?) -> String {
        var result = "", current: String?
        for character in template {
            if character == "{" {
                current = ""
            } else if character == "}", let name = current {
                result += value(name) ?? ""
                current = nil
            } else if current != nil {
                current!.append(character)
            } else {
                result.append(character)
            }
        }
        if let current { result += "{" + current }
        return result
    }
}

/// The problems of a mapping file, each with its position.
public struct MappingProblems: Error, Sendable {
    /// One diagnostic per problem.
    public var diagnostics: [Diagnostic]
}
