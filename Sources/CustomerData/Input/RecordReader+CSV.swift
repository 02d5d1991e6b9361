import Foundation

extension RecordReader {
    /// Header names listed in a message about a header.
    static let listedColumns = 20

    /// Reads and checks the header line, when the mapping says there is one: it must be UTF-8
    /// text, valid CSV, and name a column that holds the timestamp (or the mapping must give one).
    /// A header that fails stops the file before any record is read: every record would be
    /// unusable, or read under wrong column names.
    func readHeader() throws(ByteSource.Failure) {
        // A data feed without a header may be an export a preset knows by the file naming its columns.
        if mapping.isStandard, let path, let preset = Self.recogniseHeaderFile(beside: path) {
            mapping = preset.mapping.with(arguments: mapping.arguments)
        }
        if let headerFile = mapping.headerFile { return try readHeaderFile(headerFile) }
        guard let first = try nextLine() else { return }
        guard mapping.header else {
            parser = CSVParser(delimiter: mapping.delimiter ?? CSVParser.detectDelimiter(first.bytes), escaping: mapping.escaping)
            pushedBack.append(first)
            try bindParameters(columns: nil) { message in ByteSource.Failure(description: message) }
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
        parser = CSVParser(delimiter: mapping.delimiter ?? CSVParser.detectDelimiter(bytes), escaping: mapping.escaping)
        if Self.checkText(bytes) != nil {
            let (column, problem) = badColumn(in: bytes)
            throw refused(column: column, problem == .nul
                ? "holds a NUL byte, so the file looks binary; a CSV file was expected, starting with a line naming its columns"
                : "is not valid UTF-8 text; save the file as UTF-8 (column names and values)")
        }
        let header: [String]
        switch parser.parse(bytes) {
        case .fields(let fields): header = fields
        case .unterminated: throw refused("\(parser.escaping == .backslash ? "a backslash ends the header" : "a quote opened in the header is never closed"); the header must be one line of column names")
        case .malformed(let reason): throw refused("\(reason); the header must be one line of column names")
        }
        var names = header.map { $0.trimmingWhitespace() }
        // A file read without a mapping may be an export a preset knows by its columns.
        if mapping.isStandard, let preset = ImportPreset.recognise(header: names, format: .csv) {
            mapping = preset.mapping.with(arguments: mapping.arguments)
            if (mapping.delimiter.map { $0 != parser.delimiter } ?? false) || mapping.escaping != parser.escaping {
                parser = CSVParser(delimiter: mapping.delimiter ?? parser.delimiter, escaping: mapping.escaping)
                if case .fields(let fields) = parser.parse(bytes) { names = fields.map { $0.trimmingWhitespace() } }
            }
        }
        try skipHeaderRows(after: first.number)
        try useColumns(names) { message in refused(message) }
    }

    /// The columns' names from a file beside the data (`header_file`): its first line, split as
    /// the data is. The data has no header row then.
    private func readHeaderFile(_ name: String) throws(ByteSource.Failure) {
        let what = mapping.name.map { "the \($0) preset" } ?? "the mapping"
        guard let path else {
            throw ByteSource.Failure(description: "\(what) reads the column names from \(name) beside the data file, which an upload does not carry; import the data with wayfinder import, from its folder")
        }
        let file = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
        guard let (names, delimiter) = Self.headerFileNames(file, delimiter: mapping.delimiter, escaping: mapping.escaping) else {
            throw ByteSource.Failure(description: "\(what) reads the column names from \(name) beside the data file, and \(file) cannot be read as one line of names; put the file the export delivers with the data beside it")
        }
        parser = CSVParser(delimiter: delimiter, escaping: mapping.escaping)
        try useColumns(names) { message in ByteSource.Failure(description: "\(file) (the column names): \(message)") }
    }

    /// The names of a header file's first line (at most 1 MiB of UTF-8 text) and the delimiter
    /// that splits them (the data's too), or nil.
    static func headerFileNames(_ file: String, delimiter: UInt8?, escaping: CSVParser.Escaping) -> (names: [String], delimiter: UInt8)? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
        var line = ArraySlice(data.prefix { $0 != 0x0A })
        if line.last == 0x0D { line = line.dropLast() }
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        let delimiter = delimiter ?? CSVParser.detectDelimiter(line)
        guard checkText(line) == nil, case .fields(let fields) = CSVParser(delimiter: delimiter, escaping: escaping).parse(line) else { return nil }
        let names = fields.map { $0.trimmingWhitespace() }
        return names.contains(where: { !$0.isEmpty }) ? (names, delimiter) : nil
    }

    /// The one preset with a header file whose file beside `path` names all its `recognise` columns.
    static func recogniseHeaderFile(beside path: String) -> ImportPreset? {
        let folder = (path as NSString).deletingLastPathComponent
        let found = ImportPreset.all.filter { preset in
            guard let name = preset.mapping.headerFile, !preset.mapping.recognise.isEmpty,
                  let names = headerFileNames((folder as NSString).appendingPathComponent(name), delimiter: preset.mapping.delimiter, escaping: preset.mapping.escaping)
            else { return false }
            return Set(preset.mapping.recognise).isSubset(of: names.names)
        }
        return found.count == 1 ? found[0] : nil
    }

    /// Takes `names` as the columns: binds the mapping's parameters, resolves each column's
    /// target, and checks that the columns the mapping's events need are there (or, without
    /// events, that one holds the time).
    private func useColumns(_ names: [String], _ refused: (String) -> ByteSource.Failure) throws(ByteSource.Failure) {
        try bindParameters(columns: names) { message in refused(message) }
        targets = names.enumerated().map { mapping.target(forColumn: $0.element, position: $0.offset + 1) }
        compiledTargets = targets.map(Target.init)
        columnIndex = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        columnNames = names
        if !mapping.events.isEmpty {
            let needed = mapping.events.flatMap(\.columns) + mapping.compose.values.flatMap(CSVMapping.placeholders)
            let missing = Array(Set(needed)).filter { columnIndex[$0] == nil && $0 != CSVMapping.absentColumn }.sorted()
            if let (name, column) = mapping.arguments.sorted(by: { $0.key < $1.key }).first(where: { missing.contains($0.value) }) {
                let listed = names.filter { !$0.isEmpty }.prefix(Self.listedColumns).map { "'\($0.prefix(60))'" }.joined(separator: ", ") + (names.count > Self.listedColumns ? ", …" : "")
                throw refused("the column '\(column.prefix(60))' chosen with --\(String(name.map { $0 == "_" ? "-" : $0 })) is not in the header; the columns are \(listed)")
            }
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

    /// Skips the rows after the first of a header of several (`header_rows`), each a CSV row
    /// that may span lines in quotes, as survey tools write question texts.
    private func skipHeaderRows(after line: Int) throws(ByteSource.Failure) {
        for row in 1..<max(1, mapping.headerRows) {
            guard var current = try nextLine() else { return }
            var bytes = current.bytes, continued = 0
            while case .unterminated = parser.parse(bytes) {
                guard continued < Self.maximumContinuationLines, let next = try nextLine() else {
                    throw ByteSource.Failure(description: "line \(line + row) (row \(row + 1) of the header): \(parser.escaping == .backslash ? "a backslash ends the row" : "a quote opened here is never closed")")
                }
                current = next
                continued += 1
                bytes = ArraySlice(Array(bytes) + [0x0A] + Array(next.bytes))
            }
        }
    }

    /// Puts the values chosen for the mapping's parameters (`--question`) in its events, or
    /// fails saying which are missing and, when known, the columns to choose from.
    func bindParameters(columns: [String]?, _ refused: (String) -> ByteSource.Failure) throws(ByteSource.Failure) {
        guard !mapping.parameters.isEmpty else { return }
        switch mapping.bound() {
        case .success(let bound): mapping = bound
        case .failure(let problem):
            let what = mapping.name.map { "the \($0) export" } ?? "the mapping"
            if let metric = problem.metric {
                throw refused("'\(metric.prefix(40))' is not a survey metric; choose nps, csat, ces or text")
            }
            let needs = problem.missing.map { "\($0.about): choose it with --\(String($0.name.map { $0 == "_" ? "-" : $0 })) on the command line, or with the upload form's \($0.name) field (?\($0.name)=)" }
            let listed = columns.map { names in
                "; the columns are " + names.filter { !$0.isEmpty }.prefix(Self.listedColumns).map { "'\($0.prefix(60))'" }.joined(separator: ", ") + (names.count > Self.listedColumns ? ", …" : "")
            } ?? ""
            throw refused("\(what) needs \(needs.joined(separator: " and "))\(listed)")
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
                if mapping.header, fields.count != targets.count {
                    return record(bytes, .failure(RecordProblem(field: "", message: "the record has \(fields.count) fields; the header has \(targets.count)")))
                }
                let row = mapping.header
                    ? Row(values: fields, names: columnNames, targets: compiledTargets, index: columnIndex)
                    : Row(values: fields, names: [], targets: fields.indices.map { Target(mapping.target(forColumn: "", position: $0 + 1)) }, index: [:])
                return records(of: row, line: startLine, text: bytes)
            case .malformed(let reason):
                return record(bytes, .failure(RecordProblem(field: "", message: reason)))
            case .unterminated:
                guard consumed.count < Self.maximumContinuationLines, let next = try nextLine() else {
                    // An unbalanced quote: quarantine the first line and read on from the next one.
                    pushedBack.append(contentsOf: consumed.reversed())
                    return record(line.bytes, .failure(RecordProblem(field: "", message: parser.escaping == .backslash
                        ? "a backslash ends this line and the field it continues never ends"
                        : "a quote opened on this line is never closed")))
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
        /// Another tool's id of the customer, of this type (`context.externalIds`).
        case externalID(String)
        case ignored

        init(_ path: String?) {
            guard let path else { self = .ignored; return }
            if path.hasPrefix(CSVMapping.externalIDPrefix) {
                self = .externalID(String(path.dropFirst(CSVMapping.externalIDPrefix.count)))
            } else if path.hasPrefix("properties."), !path.dropFirst(11).contains(".") {
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

    /// A record as named columns: a CSV row under its header, or a JSON record's columns.
    struct Row {
        var values: [String]
        /// Each value's column name (empty for a CSV file without a header).
        var names: [String]
        var targets: [Target]
        var index: [String: Int]
    }

    /// The records of a row: one, or under a mapping that lists events, one per event the row
    /// gives (numbered `line 4, event 2`), or one saying why it gives none.
    func records(of row: Row, line: Int, text: ArraySlice<UInt8>) -> InputRecord {
        // A row that is one event, as a plain file's rows are, needs no lists (the import's hot path).
        guard mapping.events.isEmpty else { return records(of: [row], line: line, text: text) }
        return InputRecord(line: line, location: "line \(line)", text: Self.text(text), result: message(from: row).flatMap(EventDecoder.decode))
    }

    /// The records of the rows one line gives (a JSON record read `each` item of a list), numbered
    /// across them.
    func records(of rows: [Row], line: Int, text: ArraySlice<UInt8>) -> InputRecord {
        guard !rows.isEmpty else {
            let problem = RecordProblem(field: mapping.each ?? "", message: "the record's '\((mapping.each ?? "").prefix(60))' lists nothing: it gives no event")
            return InputRecord(line: line, location: "line \(line)", text: Self.text(text), result: .failure(problem))
        }
        let results = mapping.events.isEmpty ? rows.map { message(from: $0).flatMap(EventDecoder.decode) } : rows.flatMap(rowEvents)
        // One copy of the line's text, which every record of it shares.
        let kept = Self.text(text)
        let records = results.enumerated().map { position, result in
            InputRecord(line: line, location: results.count > 1 ? "line \(line), event \(position + 1)" : "line \(line)", text: kept, result: result)
        }
        // Kept last first, so that each is taken from the end.
        pendingRecords.append(contentsOf: records.dropFirst().reversed())
        return records[0]
    }

    /// A row's value of `column` (`Column|path` through a filter) after the mapping's
    /// replacements, nil when empty.
    private func value(_ column: String, in row: Row) -> String? {
        if column == CSVMapping.absentColumn { return nil }
        func read(_ name: String) -> String? {
            guard let position = row.index[name], position < row.values.count else { return nil }
            return translated(row.values[position], column: name)
        }
        let (name, filter) = CSVMapping.ColumnFilter.split(column)
        if let filter, row.index[name] != nil { return read(name).flatMap(filter.apply) }
        return read(column)
    }

    /// The time of a row's event: the column's text, or under a mapping's `time_unit` the epoch
    /// number read in that unit.
    private func time(_ text: String, column: String) -> Result<JSONValue, RecordProblem> {
        if let format = mapping.timeFormat { return .success(.string(format.iso(text) ?? text)) }
        guard let unit = mapping.timeUnit else { return .success(.string(text)) }
        guard let milliseconds = unit.milliseconds(text) else {
            return .failure(RecordProblem(field: "timestamp", message: "the column '\(column.prefix(60))' holds '\(text.prefix(40))'; the mapping reads its times as whole epoch \(unit.rawValue) within the years 0000 to 9999"))
        }
        return .success(.string(Timestamp.iso8601(milliseconds)))
    }

    /// The events a row gives under a mapping that lists them (at least one result: a row that
    /// gives none says why).
    private func rowEvents(from row: Row) -> [Result<Event, RecordProblem>] {
        let value = { (column: String) in self.value(column, in: row) }
        let base: JSONValue
        switch message(from: row) {
        case .success(let message): base = message
        case .failure(let problem): return [.failure(problem)]
        }
        var results: [Result<Event, RecordProblem>] = []
        for template in mapping.events where template.applies(value, lists: mapping.lists) {
            guard let text = value(template.timestamp) else {
                results.append(.failure(RecordProblem(field: template.timestamp, message: "the column '\(template.timestamp.prefix(60))' is empty; the event needs its time")))
                continue
            }
            var message = base
            switch time(text, column: template.timestamp) {
            case .success(let time): message = message.setting(path: "timestamp", to: time)
            case .failure(let problem): results.append(.failure(problem)); continue
            }
            message = message.setting(path: "type", to: .string(template.type))
            if let name = template.event.map({ CSVMapping.fill($0, value) }), !name.isEmpty {
                message = message.setting(path: template.type == "track" || template.type == "feedback" ? "event" : "name", to: .string(name))
            }
            if let id = template.messageId.map({ CSVMapping.fill($0, value) }) { message = message.setting(path: "messageId", to: .string(id)) }
            if let channel = template.channel.map({ CSVMapping.fill($0, value) }), !channel.isEmpty { message = message.setting(path: "context.channel", to: .string(channel)) }
            if let metric = template.metric {
                message = message.setting(path: "properties.metric", to: .string(metric))
                if let score = template.score.flatMap(value) { message = message.setting(path: "properties.score", to: Self.typed(score)) }
                if let text = template.text.flatMap(value) { message = message.setting(path: "properties.text", to: .string(text)) }
            }
            for (column, target) in template.fields.sorted(by: { $0.key < $1.key }) {
                guard let text = value(column) else { continue }
                if target.hasPrefix(CSVMapping.externalIDPrefix) {
                    message = Self.adding(externalID: text, type: CSVMapping.fill(String(target.dropFirst(CSVMapping.externalIDPrefix.count)), value), to: message)
                    continue
                }
                message = message.setting(path: target, to: target.hasPrefix("traits.") || target == "context.device.id" ? .string(text) : Self.typed(text))
            }
            results.append(EventDecoder.decode(message))
        }
        if results.isEmpty {
            results.append(.failure(RecordProblem(field: "", message: "the row gives no event: \(Self.describeConditions(mapping.events))")))
        }
        return results
    }

    /// Why a row gave none of `events`, in the mapping's words.
    static func describeConditions(_ events: [CSVMapping.RowEvent]) -> String {
        var parts: [String] = []
        let empty = events.compactMap(\.when).filter { $0 != CSVMapping.absentColumn }.map { "'\($0.prefix(60))'" }
        if !empty.isEmpty { parts.append("\(empty.joined(separator: ", ")) \(empty.count == 1 ? "is" : "are all") empty") }
        let valued = Set(events.flatMap { $0.whenValues.keys.sorted() + $0.unlessValues.keys.sorted() }).subtracting([CSVMapping.absentColumn]).sorted()
        if !valued.isEmpty { parts.append("no event's condition on \(valued.map { "'\($0.prefix(60))'" }.joined(separator: ", ")) holds") }
        return parts.isEmpty ? "no event applies" : parts.joined(separator: ", and ")
    }

    /// A row's value of `column` after the mapping's replacements, nil when empty.
    private func translated(_ raw: String, column: String) -> String? {
        guard !raw.isEmpty else { return nil }
        guard let replacements = mapping.values[column] else { return raw }
        let value = replacements[raw] ?? replacements["*"] ?? raw
        return value.isEmpty ? nil : value
    }

    /// The Segment message the mapping's defaults and columns make of a row, or why its time
    /// cannot be read.
    private func message(from row: Row) -> Result<JSONValue, RecordProblem> {
        var top: [(String, JSONValue)] = []
        var properties: [(String, JSONValue)] = []
        var traits: [(String, JSONValue)] = []
        var nested: [(String, JSONValue)] = []
        var externalIDs: [(type: String, id: String)] = []
        for (key, value) in mapping.defaults {
            switch Target(key) {
            case .topLevel(let name): top.append((name, .string(value)))
            case .properties(let name): properties.append((name, .string(value)))
            case .traits(let name): traits.append((name, .string(value)))
            case .nested(let path): nested.append((path, .string(value)))
            case .externalID(let type): externalIDs.append((type, value))
            case .ignored: break
            }
        }
        // Fields made of several columns, when any of them holds a value.
        for (target, template) in mapping.compose.sorted(by: { $0.key < $1.key }) {
            let columns = CSVMapping.placeholders(template)
            guard columns.contains(where: { value($0, in: row) != nil }) else { continue }
            let text = CSVMapping.fill(template) { value($0, in: row) }
            switch Target(target) {
            case .topLevel(let name): Self.put(&top, name, .string(text))
            case .properties(let name): properties.append((name, .string(text)))
            case .traits(let name): traits.append((name, .string(text)))
            case .nested(let path): nested.append((path, .string(text)))
            case .externalID(let type): externalIDs.append((type, text))
            case .ignored: break
            }
        }
        for (index, field) in row.values.enumerated() where !field.isEmpty {
            guard let raw = mapping.values.isEmpty || index >= row.names.count ? field : translated(field, column: row.names[index]) else { continue }
            switch row.targets[index] {
            case .topLevel(let name):
                var value = JSONValue.string(raw)
                if name == "timestamp" {
                    switch time(raw, column: index < row.names.count ? row.names[index] : "timestamp") {
                    case .success(let time): value = time
                    case .failure(let problem): return .failure(problem)
                    }
                }
                Self.put(&top, name, value)
            case .properties(let name): Self.put(&properties, name, Self.typed(raw))
            case .traits(let name): Self.put(&traits, name, .string(raw))
            case .nested(let path):
                let typed = path != "context.device.id" && (path.hasPrefix("context.") || path.hasPrefix("properties."))
                nested.append((path, typed ? Self.typed(raw) : .string(raw)))
            case .externalID(let type): externalIDs.append((type, raw))
            case .ignored: break
            }
        }
        if !properties.isEmpty { top.append(("properties", .object(properties))) }
        if !traits.isEmpty { top.append(("traits", .object(traits))) }
        var message = JSONValue.object(top)
        for (path, value) in nested { message = message.setting(path: path, to: value) }
        for (type, id) in externalIDs { message = Self.adding(externalID: id, type: type, to: message) }
        return .success(message)
    }

    /// `message` with `{"id": id, "type": type}` added to its `context.externalIds`, as Segment writes them.
    static func adding(externalID id: String, type: String, to message: JSONValue) -> JSONValue {
        guard !type.isEmpty else { return message }
        var list: [JSONValue] = []
        if case .array(let existing)? = message.value(at: "context.externalIds") { list = existing }
        list.append(.object([("id", .string(id)), ("type", .string(type))]))
        return message.setting(path: "context.externalIds", to: .array(list))
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
