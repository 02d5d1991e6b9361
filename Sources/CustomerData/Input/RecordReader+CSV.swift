extension RecordReader {
    /// Header names listed in a message about a header.
    static let listedColumns = 20

    /// Reads and checks the header line, when the mapping says there is one: it must be UTF-8
    /// text, valid CSV, and name a column that holds the timestamp (or the mapping must give one).
    /// A header that fails stops the file before any record is read: every record would be
    /// unusable, or read under wrong column names.
    func readHeader() throws(ByteSource.Failure) {
        guard let first = try nextLine() else { return }
        guard mapping.header else {
            parser = CSVParser(delimiter: mapping.delimiter ?? CSVParser.detectDelimiter(first.bytes))
            pushedBack.append(first)
            return
        }
        var bytes = first.bytes
        // A UTF-8 byte order mark, as spreadsheet programs write it, is not part of the first name.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        func refused(column: Int? = nil, _ message: String) -> ByteSource.Failure {
            ByteSource.Failure(description: "line \(first.number) (the header)\(column.map { ", column \($0)" } ?? ""): \(message)")
        }
        if first.truncated {
            throw refused("the header is longer than \(lines!.maximumLineLength) bytes; a CSV file must start with one line naming its columns")
        }
        parser = CSVParser(delimiter: mapping.delimiter ?? CSVParser.detectDelimiter(bytes))
        if Self.checkText(bytes) != nil {
            let (column, problem) = badColumn(in: bytes)
            throw refused(column: column, problem == .nul
                ? "holds a NUL byte, so the file looks binary; a CSV file was expected, starting with a line naming its columns"
                : "is not valid UTF-8 text; save the file as UTF-8 (column names and values)")
        }
        let header: [String]
        switch parser.parse(bytes) {
        case .fields(let fields): header = fields
        case .unterminated: throw refused("a quote opened in the header is never closed; the header must be one line of column names")
        case .malformed(let reason): throw refused("\(reason); the header must be one line of column names")
        }
        var names = header.map { $0.trimmingWhitespace() }
        // A file read without a mapping may be an export a preset knows by its columns.
        if mapping == .standard, let preset = ImportPreset.recognise(header: names) {
            mapping = preset.mapping
            if let delimiter = mapping.delimiter, delimiter != parser.delimiter {
                parser = CSVParser(delimiter: delimiter)
                if case .fields(let fields) = parser.parse(bytes) { names = fields.map { $0.trimmingWhitespace() } }
            }
        }
        targets = names.enumerated().map { mapping.target(forColumn: $0.element, position: $0.offset + 1) }
        compiledTargets = targets.map(Target.init)
        columnIndex = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        columnNames = names
        if !mapping.events.isEmpty {
            let missing = Array(Set(mapping.events.flatMap(\.columns))).filter { columnIndex[$0] == nil }.sorted()
            guard missing.isEmpty else {
                let what = mapping.name.map { "the \($0) export" } ?? "the mapping's events"
                throw refused("\(what) needs the column\(missing.count == 1 ? "" : "s") \(missing.prefix(Self.listedColumns).map { "'\($0.prefix(60))'" }.joined(separator: ", ")), which the header lacks; export the file with every column, or give a mapping file that names the columns it has")
            }
            return
        }
        if !targets.contains("timestamp") && mapping.defaults["timestamp"] == nil {
            let listed = names.prefix(Self.listedColumns).map { "'\($0.prefix(40))'" }.joined(separator: ", ") + (names.count > Self.listedColumns ? ", …" : "")
            throw refused("no column holds the timestamp (the columns are \(listed)); name one 'timestamp' (or time, ts, originalTimestamp), or map one to timestamp in a mapping file")
        }
    }

    enum TextProblem { case nul, encoding }

    /// The first column (from 1) of a header line whose bytes are not text, and what is wrong with it.
    private func badColumn(in bytes: ArraySlice<UInt8>) -> (Int, TextProblem) {
        var column = 1, start = bytes.startIndex, quoted = false
        for index in bytes.indices {
            let byte = bytes[index]
            let ends = !quoted && byte == parser.delimiter
            if ends || index == bytes.endIndex - 1 {
                let field = bytes[start..<(ends ? index : bytes.endIndex)]
                if field.contains(0) { return (column, .nul) }
                if String(validating: field, as: UTF8.self) == nil { return (column, .encoding) }
                column += 1
                start = index + 1
            } else if byte == 0x22 {
                quoted.toggle()
            }
        }
        return (column, bytes.contains(0) ? .nul : .encoding)
    }

    // MARK: Records

    func nextCSVRecord() throws(ByteSource.Failure) -> InputRecord? {
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
                guard !mapping.events.isEmpty else { return record(bytes, event(from: fields)) }
                // A row of several events: each is a record of the same line, numbered.
                let results = rowEvents(from: fields)
                let records = results.enumerated().map { position, result in
                    InputRecord(line: startLine, location: results.count > 1 ? "line \(startLine), event \(position + 1)" : "line \(startLine)",
                                text: Self.text(bytes), result: result)
                }
                pendingRecords.append(contentsOf: records.dropFirst())
                return records[0]
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

    /// The events a row gives under a mapping that lists them (at least one result: a row that
    /// gives none says why).
    private func rowEvents(from fields: [String]) -> [Result<Event, RecordProblem>] {
        if mapping.header, fields.count != targets.count {
            return [.failure(RecordProblem(field: "", message: "the record has \(fields.count) fields; the header has \(targets.count)"))]
        }
        func value(_ column: String) -> String? {
            guard let position = columnIndex[column], position < fields.count else { return nil }
            return translated(fields[position], column: column)
        }
        let base = message(from: fields)
        var results: [Result<Event, RecordProblem>] = []
        for template in mapping.events where template.when.map({ value($0) != nil }) ?? true {
            guard let time = value(template.timestamp) else {
                results.append(.failure(RecordProblem(field: template.timestamp, message: "the column '\(template.timestamp.prefix(60))' is empty; the event needs its time")))
                continue
            }
            var message = base
            message = message.setting(path: "timestamp", to: .string(time))
            message = message.setting(path: "type", to: .string(template.type))
            if let name = template.event.map({ CSVMapping.fill($0, value) }), !name.isEmpty {
                message = message.setting(path: template.type == "track" || template.type == "feedback" ? "event" : "name", to: .string(name))
            }
            if let id = template.messageId.map({ CSVMapping.fill($0, value) }) { message = message.setting(path: "messageId", to: .string(id)) }
            if let metric = template.metric {
                message = message.setting(path: "properties.metric", to: .string(metric))
                if let score = template.score.flatMap(value) { message = message.setting(path: "properties.score", to: Self.typed(score)) }
                if let text = template.text.flatMap(value) { message = message.setting(path: "properties.text", to: .string(text)) }
            }
            for (column, target) in template.fields.sorted(by: { $0.key < $1.key }) {
                guard let text = value(column) else { continue }
                message = message.setting(path: target, to: target.hasPrefix("traits.") || target == "context.device.id" ? .string(text) : Self.typed(text))
            }
            results.append(EventDecoder.decode(message))
        }
        if results.isEmpty {
            let columns = mapping.events.compactMap(\.when).map { "'\($0.prefix(60))'" }.joined(separator: ", ")
            results.append(.failure(RecordProblem(field: "", message: "the row gives no event: \(columns) \(mapping.events.count == 1 ? "is" : "are all") empty")))
        }
        return results
    }

    /// A row's value of `column` after the mapping's replacements, nil when empty.
    private func translated(_ raw: String, column: String) -> String? {
        guard !raw.isEmpty else { return nil }
        guard let replacements = mapping.values[column] else { return raw }
        let value = replacements[raw] ?? replacements["*"] ?? raw
        return value.isEmpty ? nil : value
    }

    private func event(from fields: [String]) -> Result<Event, RecordProblem> {
        if mapping.header, fields.count != targets.count {
            return .failure(RecordProblem(field: "", message: "the record has \(fields.count) fields; the header has \(targets.count)"))
        }
        return EventDecoder.decode(message(from: fields))
    }

    /// The Segment message the mapping's defaults and columns make of a row.
    private func message(from fields: [String]) -> JSONValue {
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
        for (index, field) in fields.enumerated() where !field.isEmpty {
            guard let raw = mapping.values.isEmpty || index >= targets.count ? field : translated(field, column: columnName(index)) else { continue }
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
        return message
    }

    /// The header's name of column `index` (empty without a header).
    private func columnName(_ index: Int) -> String {
        index < columnNames.count ? columnNames[index] : ""
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
