import Foundation

/// One input record: where it was, its original text, and the event or the problem.
public struct InputRecord: Sendable {
    /// The line where the record starts (CSV, NDJSON), or the position in a batch (from 1).
    public var line: Int
    /// `line 12` or `batch[11]`, for messages.
    public var location: String
    /// The original text, cut to ``RecordReader/maximumQuarantinedText`` bytes.
    public var text: String
    /// The event, or why the record cannot be imported.
    public var result: Result<Event, RecordProblem>
    /// Work done ahead for storing the event, when the reader was asked to prepare records.
    public var prepared: PreparedEvent?

    /// Creates a record.
    public init(line: Int, location: String, text: String, result: Result<Event, RecordProblem>) {
        self.line = line
        self.location = location
        self.text = text
        self.result = result
    }
}

/// What storing an event needs, computed on the reading thread so the writing thread only writes.
public struct PreparedEvent: Sendable {
    /// The event's usable identifiers (previousId is resolved at stitching time).
    public var identifiers: [Identifier]
    /// The JSON payload kept beside the columns (``Event/payload``).
    public var payload: String
    /// The 128-bit deduplication digest: of `messageId`, or of the content when there is none.
    public var dedupe: (UInt64, UInt64)
    /// The channel (`context.channel`).
    public var channel: String?
    /// The survey answer of a valid `feedback` event.
    public var feedback: Feedback?
    /// The traits an `identify` event sets (null values left out): its `traits`, or when it has
    /// none, its `context.traits`.
    public var traits: [(String, JSONValue)]

    /// Prepares an event.
    public init(_ event: Event, junk: Set<String>, phoneCountry: String? = nil) {
        identifiers = Identifier.all(of: event, junk: junk, phoneCountry: phoneCountry)
        payload = event.payload.json
        dedupe = Digest.hash128(event.messageId.map { "m:" + $0 } ?? "c:\(event.type.rawValue):\(event.name ?? ""):\(event.timestamp):" + payload)
        channel = event.channel
        if event.type == .feedback, case .success(let answer) = Feedback.read(from: event) { feedback = answer }
        traits = []
        if event.type == .identify {
            // RudderStack's SDKs send an identify's traits in context.traits rather than traits.
            let given = event.traits.isEmptyObject ? (event.context["traits"] ?? event.traits) : event.traits
            if case .object(let entries) = given { traits = entries.filter { $0.1 != .null } }
        }
    }
}

extension InputRecord {
    /// Computes the ``PreparedEvent`` and drops the event's JSON parts, which the prepared
    /// event now holds, so they are released on the reading thread rather than the writing one.
    public mutating func prepare(junk: Set<String>, phoneCountry: String?) {
        guard case .success(let event) = result else { return }
        prepared = PreparedEvent(event, junk: junk, phoneCountry: phoneCountry)
        result = .success(Event(type: event.type, name: event.name, messageId: event.messageId, timestamp: event.timestamp,
                                anonymousId: event.anonymousId, userId: event.userId, previousId: event.previousId, groupId: event.groupId))
    }
}

/// Reads CSV, NDJSON and Segment batch files (each optionally gzip-compressed) record by record.
public final class RecordReader {
    /// The formats of input files.
    public enum Format: String, Sendable, CaseIterable {
        case csv, ndjson, segment

        /// The format a file name implies (`.csv`, `.tsv`, `.ndjson`, `.jsonl`, `.json`; `.gz` is looked through), or nil.
        public static func of(path: String) -> Format? {
            var name = path.lowercased()
            if name.hasSuffix(".gz") { name.removeLast(3) }
            if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") { return .csv }
            if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return .ndjson }
            if name.hasSuffix(".json") { return .segment }
            return nil
        }
    }

    /// Original text kept for a quarantined record.
    public static let maximumQuarantinedText = 64 * 1024
    /// Lines a quoted CSV field may span before its quote counts as unbalanced.
    public static let maximumContinuationLines = 100

    /// The detected or given format.
    public let format: Format
    /// The file's size on disk.
    public var size: Int64 { source.size }
    /// Bytes of the file read so far.
    public var bytesRead: Int64 { source.bytesRead }

    private let source: ByteSource
    private var lines: LineReader?
    private let mapping: CSVMapping
    private var parser = CSVParser(delimiter: 0x2C)
    private var targets: [String?] = []
    private var pushedBack: [(number: Int, bytes: ArraySlice<UInt8>, truncated: Bool)] = []
    private var batch: [JSONValue] = []
    private var batchIndex = 0
    private var batchProblem: RecordProblem?
    private var started = false
    private var headerProblem: RecordProblem?

    /// Opens a file; the format comes from `format`, else the name, else the first bytes.
    public init(path: String, format: Format? = nil, mapping: CSVMapping = .standard) throws(ByteSource.Failure) {
        source = try ByteSource(path: path)
        self.mapping = mapping
        self.format = format ?? Format.of(path: path) ?? .csv
        if self.format != .segment { lines = LineReader(source: source) }
    }

    /// The next record, or nil at the end of the file.
    public func next() throws(ByteSource.Failure) -> InputRecord? {
        switch format {
        case .segment: return try nextBatchRecord()
        case .ndjson: return try nextJSONLine()
        case .csv: return try nextCSVRecord()
        }
    }

    // MARK: Lines

    private func nextLine() throws(ByteSource.Failure) -> (number: Int, bytes: ArraySlice<UInt8>, truncated: Bool)? {
        if let line = pushedBack.popLast() { return line }
        guard let line = try lines!.next() else { return nil }
        return (lines!.lineNumber, line.bytes, line.truncated)
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(maximumQuarantinedText), as: UTF8.self)
    }

    static func checkText(_ bytes: ArraySlice<UInt8>) -> RecordProblem? {
        // One pass finds NUL bytes and whether anything beyond ASCII needs validating.
        var nul = false, ascii = true
        for byte in bytes where byte == 0 || byte >= 0x80 {
            if byte == 0 { nul = true; break }
            ascii = false
        }
        if nul { return RecordProblem(field: "", message: "the record holds a NUL byte; the file looks binary") }
        if !ascii, String(validating: bytes, as: UTF8.self) == nil {
            return RecordProblem(field: "", message: "the record is not valid UTF-8")
        }
        return nil
    }

    // MARK: NDJSON

    private func nextJSONLine() throws(ByteSource.Failure) -> InputRecord? {
        while let line = try nextLine() {
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let location = "line \(line.number)"
            func record(_ result: Result<Event, RecordProblem>) -> InputRecord {
                InputRecord(line: line.number, location: location, text: Self.text(line.bytes), result: result)
            }
            if line.bytes.count > EventDecoder.maximumRecordSize || line.truncated {
                return record(.failure(RecordProblem(field: "", message: "the record is \(line.bytes.count) bytes; an event may have at most \(EventDecoder.maximumRecordSize)")))
            }
            if let problem = Self.checkText(line.bytes) { return record(.failure(problem)) }
            let parsed = Array(line.bytes).withUnsafeBufferPointer { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
            switch parsed {
            case .success(let message): return record(EventDecoder.decode(message))
            case .failure(let failure): return record(.failure(RecordProblem(field: "", message: "invalid JSON at column \(failure.offset + 1): \(failure.message)")))
            }
        }
        return nil
    }

    // MARK: Segment batch

    private func nextBatchRecord() throws(ByteSource.Failure) -> InputRecord? {
        if !started {
            started = true
            var bytes: [UInt8] = []
            while let chunk = try source.next() {
                bytes += chunk
                if bytes.count > 512 * 1024 * 1024 { batchProblem = RecordProblem(field: "", message: "a batch file may be at most 512 MB; split it or use NDJSON"); break }
            }
            if batchProblem == nil {
                if let problem = Self.checkText(bytes[...]) {
                    batchProblem = problem
                } else {
                    let parsed = bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
                    switch parsed {
                    case .success(.array(let items)): batch = items
                    case .success(let object) where object["batch"] != nil:
                        if case .array(let items)? = object["batch"] { batch = items } else { batchProblem = RecordProblem(field: "batch", message: "'batch' must be a list of messages") }
                    case .success:
                        batchProblem = RecordProblem(field: "batch", message: "a Segment batch file must be {\"batch\": [...]} or a JSON list of messages")
                    case .failure(let failure):
                        let line = bytes.prefix(failure.offset).filter { $0 == 0x0A }.count + 1
                        batchProblem = RecordProblem(field: "", message: "invalid JSON at line \(line): \(failure.message)")
                    }
                }
            }
            if let problem = batchProblem {
                return InputRecord(line: 0, location: "the whole file", text: Self.text(bytes.prefix(Self.maximumQuarantinedText)), result: .failure(problem))
            }
        }
        guard batchIndex < batch.count else { return nil }
        let message = batch[batchIndex]
        batchIndex += 1
        let text = message.json
        if text.utf8.count > EventDecoder.maximumRecordSize {
            return InputRecord(line: batchIndex, location: "batch[\(batchIndex - 1)]", text: String(text.prefix(Self.maximumQuarantinedText)),
                               result: .failure(RecordProblem(field: "", message: "the message is \(text.utf8.count) bytes; an event may have at most \(EventDecoder.maximumRecordSize)")))
        }
        return InputRecord(line: batchIndex, location: "batch[\(batchIndex - 1)]", text: text, result: EventDecoder.decode(message))
    }

    // MARK: CSV

    private func nextCSVRecord() throws(ByteSource.Failure) -> InputRecord? {
        if !started {
            started = true
            guard let first = try nextLine() else { return nil }
            if let problem = Self.checkText(first.bytes) {
                // Not text at all: one quarantined record for the file, nothing else read.
                while try lines!.next() != nil {}
                return InputRecord(line: first.number, location: "line \(first.number)", text: Self.text(first.bytes),
                                   result: .failure(RecordProblem(field: "", message: "\(problem.message); a CSV file was expected")))
            }
            parser = CSVParser(delimiter: mapping.delimiter ?? CSVParser.detectDelimiter(first.bytes))
            if mapping.header {
                guard case .fields(let names) = parser.parse(first.bytes) else {
                    return InputRecord(line: first.number, location: "line \(first.number)", text: Self.text(first.bytes),
                                       result: .failure(RecordProblem(field: "header", message: "the header row is not valid CSV")))
                }
                targets = names.enumerated().map { mapping.target(forColumn: $0.element.trimmingWhitespace(), position: $0.offset + 1) }
                if !targets.contains("timestamp") && mapping.defaults["timestamp"] == nil {
                    // Every record of the file is unusable; each is quarantined with this reason.
                    headerProblem = RecordProblem(field: "header", message: "no column holds the timestamp; name one 'timestamp' or map it with --mapping")
                    return InputRecord(line: first.number, location: "line \(first.number)", text: Self.text(first.bytes), result: .failure(headerProblem!))
                }
            } else {
                pushedBack.append(first)
            }
        }
        guard var line = try nextLine() else { return nil }
        while line.bytes.isEmpty || line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            guard let following = try nextLine() else { return nil }
            line = following
        }
        let startLine = line.number
        var bytes = line.bytes
        var consumed: [(number: Int, bytes: ArraySlice<UInt8>, truncated: Bool)] = []
        func record(_ text: ArraySlice<UInt8>, _ result: Result<Event, RecordProblem>) -> InputRecord {
            InputRecord(line: startLine, location: "line \(startLine)", text: Self.text(text), result: result)
        }
        while true {
            if bytes.count > EventDecoder.maximumRecordSize || line.truncated {
                return record(bytes, .failure(RecordProblem(field: "", message: "the record is \(bytes.count) bytes; an event may have at most \(EventDecoder.maximumRecordSize)")))
            }
            switch parser.parse(bytes) {
            case .fields(let fields):
                if let problem = Self.checkText(bytes) { return record(bytes, .failure(problem)) }
                return record(bytes, event(from: fields))
            case .malformed(let reason):
                return record(bytes, .failure(RecordProblem(field: "", message: reason)))
            case .unterminated:
                guard consumed.count < Self.maximumContinuationLines, let next = try nextLine() else {
                    // An unbalanced quote: quarantine the first line and read on from the next one.
                    pushedBack.append(contentsOf: consumed.reversed())
                    return record(line.bytes, .failure(RecordProblem(field: "", message: "a quote opened on this line is never closed")))
                }
                consumed.append(next)
                bytes = ArraySlice(Array(bytes) + [0x0A] + Array(next.bytes))
            }
        }
    }

    /// Where a column's value goes in a Segment message, resolved once per file.
    enum Target {
        case topLevel(String)
        case properties(String)
        case traits(String)
        case nested(String)
        case ignored

        init(_ path: String?) {
            guard let path else { self = .ignored; return }
            if path.hasPrefix("properties."), !path.dropFirst(11).contains(".") {
                self = .properties(String(path.dropFirst(11)))
            } else if path.hasPrefix("traits."), !path.dropFirst(7).contains(".") {
                self = .traits(String(path.dropFirst(7)))
            } else if path.contains(".") {
                self = .nested(path)
            } else {
                self = .topLevel(path)
            }
        }
    }

    private lazy var compiledTargets: [Target] = targets.map(Target.init)

    private func event(from fields: [String]) -> Result<Event, RecordProblem> {
        if let headerProblem { return .failure(headerProblem) }
        if mapping.header, fields.count != targets.count {
            return .failure(RecordProblem(field: "", message: "the record has \(fields.count) fields; the header has \(targets.count)"))
        }
        var top: [(String, JSONValue)] = []
        var properties: [(String, JSONValue)] = []
        var traits: [(String, JSONValue)] = []
        var nested: [(String, JSONValue)] = []
        for (key, value) in mapping.defaults {
            switch Target(key) {
            case .topLevel(let name): top.append((name, .string(value)))
            case .properties(let name): properties.append((name, .string(value)))
            case .traits(let name): traits.append((name, .string(value)))
            case .nested(let path): nested.append((path, .string(value)))
            case .ignored: break
            }
        }
        for (index, raw) in fields.enumerated() where !raw.isEmpty {
            let target = mapping.header ? compiledTargets[index] : Target(mapping.target(forColumn: "", position: index + 1))
            switch target {
            case .topLevel(let name): Self.put(&top, name, .string(raw))
            case .properties(let name): Self.put(&properties, name, Self.typed(raw))
            case .traits(let name): Self.put(&traits, name, .string(raw))
            case .nested(let path):
                let typed = path != "context.device.id" && (path.hasPrefix("context.") || path.hasPrefix("properties."))
                nested.append((path, typed ? Self.typed(raw) : .string(raw)))
            case .ignored: break
            }
        }
        if !properties.isEmpty { top.append(("properties", .object(properties))) }
        if !traits.isEmpty { top.append(("traits", .object(traits))) }
        var message = JSONValue.object(top)
        for (path, value) in nested { message = message.setting(path: path, to: value) }
        return EventDecoder.decode(message)
    }

    static func put(_ entries: inout [(String, JSONValue)], _ key: String, _ value: JSONValue) {
        if let index = entries.firstIndex(where: { $0.0 == key }) { entries[index].1 = value } else { entries.append((key, value)) }
    }

    /// A CSV value as a number or boolean when it reads as one, text otherwise.
    static func typed(_ raw: String) -> JSONValue {
        if raw == "true" || raw == "false" { return .bool(raw == "true") }
        if let first = raw.utf8.first, (first >= 0x30 && first <= 0x39) || first == 0x2D, raw.utf8.count < 16,
           !(raw.hasPrefix("0") && raw.count > 1 && !raw.hasPrefix("0.")), let number = Double(raw), number.isFinite {
            return .number(number)
        }
        return .string(raw)
    }
}
