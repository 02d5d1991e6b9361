/// Writes events as bytes, fast: compact Segment JSON (the same text as `event.json.json`) and CSV
/// rows in a ``CSVLayout``.
struct EventBytes {
    /// `yyyy-mm-ddT` for recent days, direct-mapped by day number.
    private var dates = [(day: Int64, text: [UInt8])](repeating: (.min, []), count: 256)
    private var cells: [JSONValue?] = []

    // MARK: JSON

    /// Appends the event as one compact Segment message.
    mutating func appendJSON(_ event: Event, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: event.type.rawValue.utf8)
        out.append(0x22)
        if let name = event.name {
            out.append(contentsOf: (event.type == .page || event.type == .screen ? #","name":"# : #","event":"#).utf8)
            Self.appendString(name, to: &out)
        }
        if let messageId = event.messageId { Self.appendField(#","messageId":"#, messageId, to: &out) }
        out.append(contentsOf: #","timestamp":""#.utf8)
        appendTimestamp(event.timestamp, to: &out)
        out.append(0x22)
        if let anonymousId = event.anonymousId { Self.appendField(#","anonymousId":"#, anonymousId, to: &out) }
        if let userId = event.userId { Self.appendField(#","userId":"#, userId, to: &out) }
        if let previousId = event.previousId { Self.appendField(#","previousId":"#, previousId, to: &out) }
        if let groupId = event.groupId { Self.appendField(#","groupId":"#, groupId, to: &out) }
        if !event.context.isEmptyObject { out.append(contentsOf: #","context":"#.utf8); Self.appendValue(event.context, to: &out) }
        if !event.properties.isEmptyObject { out.append(contentsOf: #","properties":"#.utf8); Self.appendValue(event.properties, to: &out) }
        if !event.traits.isEmptyObject { out.append(contentsOf: #","traits":"#.utf8); Self.appendValue(event.traits, to: &out) }
        out.append(0x7D)
    }

    private static func appendField(_ key: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: key.utf8)
        appendString(value, to: &out)
    }

    static func appendValue(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): out.append(contentsOf: (number.isFinite ? (value.text ?? "0") : "null").utf8)
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                appendValue(item, to: &out)
            }
            out.append(0x5D)
        case .object(let entries):
            out.append(0x7B)
            for (index, (key, item)) in entries.enumerated() {
                if index > 0 { out.append(0x2C) }
                appendString(key, to: &out)
                out.append(0x3A)
                appendValue(item, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// A JSON string literal of text known to need no escaping (the generator's ids).
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        out.append(contentsOf: text.utf8)
        out.append(0x22)
    }

    /// A JSON string literal, escaped like ``JSONValue/json``.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        JSONValue.quote(text, into: &out)
    }

    // MARK: Timestamps

    /// Appends `2026-01-05T09:30:00Z` (with `.mmm` when there are milliseconds), like ``Timestamp/iso8601(_:)``.
    mutating func appendTimestamp(_ milliseconds: Int64, to out: inout [UInt8]) {
        let day = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let slot = Int(day & 255)
        if dates[slot].day != day { dates[slot] = (day, Array(Timestamp.iso8601(day * 86_400_000).utf8.prefix(11))) }
        out.append(contentsOf: dates[slot].text)
        let remainder = milliseconds - day * 86_400_000
        let hour = remainder / 3_600_000, minute = remainder / 60_000 % 60, second = remainder / 1000 % 60, millis = remainder % 1000
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 13) { text in
            func two(_ value: Int64, at index: Int) {
                text[index] = UInt8(truncatingIfNeeded: 0x30 + value / 10)
                text[index + 1] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
            }
            two(hour, at: 0)
            text[2] = 0x3A
            two(minute, at: 3)
            text[5] = 0x3A
            two(second, at: 6)
            var count = 8
            if millis != 0 {
                text[8] = 0x2E
                text[9] = UInt8(truncatingIfNeeded: 0x30 + millis / 100)
                two(millis % 100, at: 10)
                count = 12
            }
            text[count] = 0x5A
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[0...count]))
        }
    }

    // MARK: CSV

    /// Appends the event as one CSV row (with its newline) in `layout`.
    mutating func appendCSV(_ event: Event, layout: CSVLayout, to out: inout [UInt8]) {
        appendTimestamp(event.timestamp, to: &out)
        out.append(0x2C)
        out.append(contentsOf: event.type.rawValue.utf8)
        out.append(0x2C)
        let pageLike = event.type == .page || event.type == .screen
        if !pageLike, let name = event.name { Self.appendCell(name, to: &out) }
        out.append(0x2C)
        if pageLike, let name = event.name { Self.appendCell(name, to: &out) }
        func cell(_ text: String?) {
            out.append(0x2C)
            if let text { Self.appendCell(text, to: &out) }
        }
        cell(event.messageId)
        cell(event.anonymousId)
        cell(event.userId)
        let traits = event.traits.isEmptyObject ? nil : event.traits
        cell(traits?["email"]?.text)
        cell(traits?["phone"]?.text)
        cell(event.context["device"]?["id"]?.text)
        cell(event.context["channel"]?.text)
        appendVariableCells(event, layout: layout, to: &out)
        out.append(0x0A)
    }

    /// Appends the context, property and trait cells of a row, each with its leading comma.
    mutating func appendVariableCells(_ event: Event, layout: CSVLayout, to out: inout [UInt8]) {
        let variable = layout.columns.count - CSVLayout.fixed.count
        if cells.count != variable { cells = Array(repeating: nil, count: variable) }
        let offset = CSVLayout.fixed.count
        place(event.context, in: layout.context, offset: offset, skipping: Self.contextColumns)
        if case .object(let entries) = event.context["device"] ?? .null, entries.contains(where: { $0.0 != "id" }) {
            place(.object(entries.filter { $0.0 != "id" }), in: layout.context.children["device"], offset: offset, skipping: Self.none)
        }
        place(event.properties, in: layout.properties, offset: offset, skipping: Self.none)
        if !event.traits.isEmptyObject { place(event.traits, in: layout.traits, offset: offset, skipping: Self.traitColumns) }
        for index in cells.indices {
            out.append(0x2C)
            if let value = cells[index] {
                cells[index] = nil
                switch value {
                case .string(let text): Self.appendCell(text, to: &out)
                case .null: break
                case .object, .array: Self.appendCell(value.json, to: &out)
                default: out.append(contentsOf: (value.text ?? "").utf8)
                }
            }
        }
    }

    /// Keys written in standard columns rather than dotted ones.
    static let contextColumns = ["channel", "device"], traitColumns = ["email", "phone"], none: [String] = []

    private mutating func place(_ value: JSONValue, in node: CSVLayout.Node?, offset: Int, skipping: [String]) {
        guard let node, case .object(let entries) = value else { return }
        for (key, inner) in entries where !skipping.contains(key) {
            guard let child = node.children[key] else {
                assertionFailure("the CSV layout has no column for '\(key)'")
                continue
            }
            if case .object = inner {
                place(inner, in: child, offset: offset, skipping: Self.none)
            } else if let column = child.column {
                cells[column - offset] = inner
            }
        }
    }

    /// A CSV cell, quoted when it holds a comma, quote or line break (RFC 4180).
    static func appendCell(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var plain = true
            for byte in bytes where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
                plain = false
                break
            }
            if plain {
                out.append(contentsOf: bytes)
                return
            }
            out.append(0x22)
            for byte in bytes {
                if byte == 0x22 { out.append(0x22) }
                out.append(byte)
            }
            out.append(0x22)
        }
    }
}
