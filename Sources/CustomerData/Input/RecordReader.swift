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
///
/// Every record of the file comes out once, as an event or with its problem, and nothing else
/// does: a CSV header is no record. What stops the whole file is thrown as a
/// ``ByteSource/Failure`` instead: a read error, broken gzip, or a CSV header that cannot be used
/// (checked when the reader opens, before any record is read).
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

    let source: ByteSource
    /// The file read, when the reader was opened on a path.
    let path: String?
    var lines: LineReader?
    /// The mapping the file is read with: the one given, or a preset recognised from its header.
    public internal(set) var mapping: CSVMapping
    var parser = CSVParser(delimiter: 0x2C)
    /// Each header column's position, for mappings that list a row's events.
    var columnIndex: [String: Int] = [:]
    /// The header's column names, in order.
    var columnNames: [String] = []
    /// Records of a row that gave several events, not yet returned, the next one last.
    var pendingRecords: [InputRecord] = []
    var targets: [String?] = []
    var compiledTargets: [Target] = []
    /// Where each JSON column name goes, for a mapping that reads JSON lines.
    var jsonTargets: [String: Target] = [:]
    var pushedBack: [(number: Int, bytes: ArraySlice<UInt8>, truncated: Bool)] = []
    var batch = BatchEnvelope()
    var batchBytes: [UInt8] = []
    var batchIndex = 0
    var started = false

    /// Opens a file; the format comes from `format`, else the name, else the first bytes. A CSV
    /// file's header is read and checked here.
    public convenience init(path: String, format: Format? = nil, mapping: CSVMapping = .standard) throws(ByteSource.Failure) {
        try self.init(source: try ByteSource(path: path), format: format ?? Format.of(path: path) ?? .csv, mapping: mapping, path: path)
    }

    /// Reads records of `format` from `source`. A CSV header is read and checked here.
    /// A mapping that says its format (a preset for JSON lines) decides it.
    /// `path` names the file, when it is one, so that a mapping may read a file beside it (`header_file`).
    public init(source: ByteSource, format: Format, mapping: CSVMapping = .standard, path: String? = nil) throws(ByteSource.Failure) {
        self.source = source
        self.path = path
        self.mapping = mapping
        self.format = mapping.format ?? format
        if self.format != .segment { lines = LineReader(source: source) }
        if self.format == .csv { try readHeader() }
        if self.format == .ndjson {
            if mapping.isStandard { try recogniseJSONExport() }
            try bindParameters(columns: nil) { message in ByteSource.Failure(description: message) }
        }
    }

    /// The next record, or nil at the end of the file.
    public func next() throws(ByteSource.Failure) -> InputRecord? {
        if let pending = pendingRecords.popLast() { return pending }
        switch format {
        case .segment: return try nextBatchRecord()
        case .ndjson: return try nextJSONLine()
        case .csv: return try nextCSVRecord()
        }
    }

    // MARK: Lines

    func nextLine() throws(ByteSource.Failure) -> (number: Int, bytes: ArraySlice<UInt8>, truncated: Bool)? {
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
            switch Self.parseJSON(line.bytes) {
            case .success(let message):
                guard mapping.format == .ndjson else { return record(EventDecoder.decode(message)) }
                guard let rows = rows(of: message) else {
                    return record(.failure(RecordProblem(field: mapping.each ?? "", message: "the record's '\((mapping.each ?? "").prefix(60))' lists more than \(JSONColumns.maximumItems) items; split the report into smaller pages")))
                }
                return records(of: rows, line: line.number, text: line.bytes)
            case .failure(let failure): return record(.failure(RecordProblem(field: "", message: "invalid JSON at column \(failure.offset + 1): \(failure.message)")))
            }
        }
        return nil
    }

    static func parseJSON(_ bytes: ArraySlice<UInt8>) -> Result<JSONValue, JSONParser.Failure> {
        Array(bytes).withUnsafeBufferPointer { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
    }

    /// A JSON record as rows of named columns (``JSONColumns``), for a mapping that reads JSON
    /// lines: one, or under `each: activity` one per item of that list, with the record's other
    /// columns and the item's as `activity.action` (none for an empty list).
    private func rows(of record: JSONValue) -> [Row]? {
        guard let each = mapping.each else { return [row(of: JSONColumns.columns(of: record))] }
        guard case .object(let members) = record else { return [row(of: JSONColumns.columns(of: record))] }
        let base = JSONColumns.columns(of: .object(members.filter { $0.0 != each }))
        guard case .array(let items)? = record[each] else { return [row(of: base)] }
        // More items than are read would leave some unread: the record is refused whole instead.
        guard items.count <= JSONColumns.maximumItems else { return nil }
        return items.map { item in
            row(of: base + JSONColumns.columns(of: item).map { (each + "." + $0.name, $0.value) })
        }
    }

    private func row(of columns: [(name: String, value: String)]) -> Row {
        var row = Row(values: columns.map(\.value), names: columns.map(\.name), targets: [], index: [:])
        row.targets.reserveCapacity(columns.count)
        for (position, name) in row.names.enumerated() {
            row.index[name] = position
            if let target = jsonTargets[name] {
                row.targets.append(target)
            } else {
                let target = Target(mapping.target(forColumn: name, position: 0))
                if jsonTargets.count < JSONColumns.maximumColumns, name.utf8.count <= JSONColumns.maximumNameLength { jsonTargets[name] = target }
                row.targets.append(target)
            }
        }
        return row
    }

    /// Reads a file of JSON lines given without a mapping as an export a preset knows, when its
    /// first record has all of one preset's `recognise` columns.
    private func recogniseJSONExport() throws(ByteSource.Failure) {
        while let line = try nextLine() {
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            pushedBack.append(line)
            guard line.bytes.count <= EventDecoder.maximumRecordSize, !line.truncated, Self.checkText(line.bytes) == nil,
                  case .success(let record) = Self.parseJSON(line.bytes) else { return }
            // The record's columns, and its own keys (a list that is empty gives no column).
            var names = JSONColumns.columns(of: record).map(\.name)
            if case .object(let members) = record { names += members.map(\.0) }
            if let preset = ImportPreset.recognise(header: names, format: .ndjson) {
                mapping = preset.mapping.with(arguments: mapping.arguments)
            }
            return
        }
    }
}
