/// Splits CSV lines into fields (RFC 4180: quoted fields, doubled quotes, embedded newlines).
public struct CSVParser: Sendable {
    /// The field separator.
    public var delimiter: UInt8
    /// How a field holds a delimiter, a quote or a newline.
    public var escaping: Escaping

    /// How fields hold special characters.
    public enum Escaping: String, Sendable, CaseIterable {
        /// RFC 4180: a field with a delimiter, quote or newline is quoted, its quotes doubled.
        case quotes
        /// Nothing is quoted; a backslash escapes the next character (`\t` is a tab, `\n` a
        /// newline, `\\` a backslash), and one ending a line continues the field on the next,
        /// as Adobe Analytics data feeds write them.
        case backslash
    }

    /// Creates a parser.
    public init(delimiter: UInt8, escaping: Escaping = .quotes) {
        self.delimiter = delimiter
        self.escaping = escaping
    }

    /// The outcome of parsing the text of one record.
    public enum Outcome: Equatable {
        /// The record's fields.
        case fields([String])
        /// A quoted field is still open at the end: the record continues on the next line.
        case unterminated
        /// A quote appears inside an unquoted field, or text follows a closing quote.
        case malformed(String)
    }

    /// Parses one record's bytes (which may hold embedded newlines).
    public func parse(_ bytes: ArraySlice<UInt8>) -> Outcome {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        if escaping == .backslash { return parseEscaped(bytes) }
        var fields: [String] = []
        fields.reserveCapacity(16)
        var index = 0
        let end = bytes.count
        while true {
            // One field starts at `index`.
            if index < end, bytes[index] == 0x22 {
                var field: [UInt8] = []
                index += 1
                var closed = false
                while index < end {
                    let byte = bytes[index]
                    if byte == 0x22 {
                        if index + 1 < end, bytes[index + 1] == 0x22 {
                            field.append(0x22)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    field.append(byte)
                    index += 1
                }
                guard closed else { return .unterminated }
                fields.append(String(decoding: field, as: UTF8.self))
                if index < end, bytes[index] != delimiter {
                    return .malformed("text follows a closing quote in field \(fields.count)")
                }
            } else {
                // Unquoted: the bytes up to the next delimiter, taken as they are.
                let start = index
                while index < end, bytes[index] != delimiter {
                    if bytes[index] == 0x22 {
                        return .malformed("a quote inside unquoted field \(fields.count + 1); quote the whole field and double inner quotes")
                    }
                    index += 1
                }
                fields.append(index == start ? "" : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            }
            // Now at a delimiter or the end.
            if index >= end { return .fields(fields) }
            index += 1
        }
    }

    /// Fields with backslash escapes and no quotes.
    private func parseEscaped(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var fields: [String] = []
        var field: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x5C {
                // A backslash at the end of the text: the field goes on after the line's end.
                guard index + 1 < bytes.count else { return .unterminated }
                switch bytes[index + 1] {
                case 0x74: field.append(0x09)
                case 0x6E: field.append(0x0A)
                case 0x72: field.append(0x0D)
                case let escaped: field.append(escaped)
                }
                index += 2
            } else if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                index += 1
            } else {
                field.append(byte)
                index += 1
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return .fields(fields)
    }

    /// The most frequent of `,`, `;`, tab and `|` outside quotes in a header line (comma when none).
    public static func detectDelimiter(_ header: ArraySlice<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0, 0x7C: 0]
        var quoted = false
        for byte in header {
            if byte == 0x22 { quoted.toggle() } else if !quoted, counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
        return best.value > 0 ? best.key : 0x2C
    }
}
