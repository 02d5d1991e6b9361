/// Splits CSV lines into fields (RFC 4180: quoted fields, doubled quotes, embedded newlines).
public struct CSVParser: Sendable {
    /// The field separator.
    public var delimiter: UInt8

    /// Creates a parser.
    public init(delimiter: UInt8) {
        self.delimiter = delimiter
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
        var fields: [String] = []
        var field: [UInt8] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        var quoted = false
        var wasQuoted = false
        while index < end {
            let byte = bytes[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < end, bytes[index + 1] == 0x22 {
                        field.append(0x22)
                        index += 2
                        continue
                    }
                    quoted = false
                    index += 1
                    if index < end, bytes[index] != delimiter {
                        return .malformed("text follows a closing quote in field \(fields.count + 1)")
                    }
                    continue
                }
                field.append(byte)
                index += 1
                continue
            }
            if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
            } else if byte == 0x22 {
                guard field.isEmpty, !wasQuoted else { return .malformed("a quote inside unquoted field \(fields.count + 1); quote the whole field and double inner quotes") }
                quoted = true
                wasQuoted = true
            } else {
                field.append(byte)
            }
            index += 1
        }
        if quoted { return .unterminated }
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
