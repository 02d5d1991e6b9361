import JourneyModel

/// Writes CSV for every table Wayfinder exports: maps, analyses, classified events, sentiment scores.
///
/// The output follows RFC 4180: fields separated by commas, records ended by CRLF, a field quoted
/// when it holds a comma, a quote or a line break, with inner quotes doubled. Text that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return, as OWASP lists) is prefixed with `'`. Numbers are given to the writer as numbers and
/// written plainly, so a negative number stays a number.
public struct CSVWriter: Sendable {
    /// One cell of a row.
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        /// Text, neutralised when a spreadsheet could read it as a formula.
        case text(String)
        /// A whole number.
        case integer(Int)
        /// A number in the shortest form that reads back as the same value (`0.875`, `-1.5`, `3`);
        /// empty when it is not finite.
        case number(Double)
        /// A number rounded half away from zero to a fixed number of decimals (0 to 9), such as `-0.2960`.
        case decimal(Double, places: Int)
        /// No value.
        case empty

        /// A text cell.
        public init(stringLiteral value: String) { self = .text(value) }

        /// A number cell, or an empty one when there is no value.
        public static func optional(_ value: Double?) -> Cell { value.map { .number($0) } ?? .empty }

        /// A whole-number cell, or an empty one when there is no value.
        public static func optional(_ value: Int?) -> Cell { value.map { .integer($0) } ?? .empty }

        /// A text cell, or an empty one when there is no value.
        public static func optional(_ value: String?) -> Cell { value.map { .text($0) } ?? .empty }
    }

    /// The record separator.
    public static let lineEnding = "\r\n"

    /// The CSV written so far (see ``take()``).
    public private(set) var output = ""
    private var rowIsOpen = false

    /// A writer whose first record is `header` (column names are text cells like any other).
    public init(header: [String]) {
        row(header.map { .text($0) })
    }

    /// Appends one record.
    public mutating func row(_ cells: [Cell]) {
        for cell in cells { append(cell) }
        endRow()
    }

    /// Appends one cell to the open record.
    public mutating func append(_ cell: Cell) {
        if rowIsOpen { output += "," }
        rowIsOpen = true
        output += Self.field(cell)
    }

    /// Ends the open record.
    public mutating func endRow() {
        output += Self.lineEnding
        rowIsOpen = false
    }

    /// The CSV written since the last call, leaving the writer empty (for writing in blocks).
    public mutating func take() -> String {
        defer { output = "" }
        return output
    }

    /// A cell as it is written in a record.
    public static func field(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): quoted(neutralised(text))
        case .integer(let value): String(value)
        case .number(let value): value.isFinite ? NumberFormat.canonical(value) : ""
        case .decimal(let value, let places): decimal(value, places: places)
        case .empty: ""
        }
    }

    /// Text prefixed with `'` when a spreadsheet would read it as a formula.
    static func neutralised(_ text: String) -> String {
        switch text.unicodeScalars.first {
        case "=", "+", "-", "@", "\t", "\r": "'" + text
        default: text
        }
    }

    /// Text in quotes, with quotes doubled, when it holds a comma, quote or line break.
    static func quoted(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { out += "\"" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    /// `value` with `places` decimals, rounded half away from zero, never `-0.00`; the shortest
    /// form when it is too large for fixed decimals, empty when not finite.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "" }
        let places = min(max(places, 0), 9)
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard abs(scaled) < 9e15 else { return NumberFormat.canonical(value) }
        let units = Int(scaled)
        let magnitude = abs(units)
        var text = (units < 0 ? "-" : "") + String(magnitude / scale)
        if places > 0 {
            let fraction = String(magnitude % scale)
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return text
    }
}
