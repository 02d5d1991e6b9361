import Foundation

/// Checks that bytes are UTF-8 text before a parser sees them.
enum TextCheck {
    struct Problem {
        var message: String
        var line: Int
        var column: Int
        var suggestion: String
    }

    /// Why U+FEFF is refused inside text.
    static let byteOrderMarkMessage = "the invisible character U+FEFF (a byte order mark) is allowed only as the file's first character, not inside text"

    /// The first NUL byte, invalid UTF-8 sequence, disallowed control character or byte order
    /// mark (U+FEFF) with its position; a byte order mark that starts the file is removed before.
    static func firstProblem(in bytes: [UInt8]) -> Problem? {
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00:
                return Problem(message: "the file looks binary (it contains a NUL byte); a YAML or JSON text file was expected",
                               line: line, column: column, suggestion: "check that the path names a journey-as-code file")
            case 0x0A:
                line += 1; column = 1; index += 1; continue
            case 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F:
                if index < 4 {
                    return Problem(message: "the file looks binary (it starts with control bytes); a YAML or JSON text file was expected",
                                   line: line, column: column, suggestion: "check that the path names a journey-as-code file")
                }
                return Problem(message: String(format: "the control character U+%04X is not allowed in YAML or JSON text", byte),
                               line: line, column: column, suggestion: "remove the character or write it as an escape in a quoted string")
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid, length > 1 {
                for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
                if valid {
                    let second = bytes[index + 1]
                    if byte == 0xE0, second < 0xA0 { valid = false }
                    if byte == 0xED, second > 0x9F { valid = false }
                    if byte == 0xF0, second < 0x90 { valid = false }
                    if byte == 0xF4, second > 0x8F { valid = false }
                }
            }
            guard valid else {
                return Problem(message: String(format: "the file is not valid UTF-8 (byte 0x%02X)", byte),
                               line: line, column: column, suggestion: "save the file with UTF-8 encoding")
            }
            if byte == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
                return Problem(message: byteOrderMarkMessage, line: line, column: column, suggestion: "remove the character")
            }
            index += length
            column += 1
        }
        return nil
    }
}

/// A cheap upper bound on YAML nesting, checked before the recursive parser runs.
enum NestingCheck {
    /// The position of the first line whose nesting estimate passes `limit`.
    ///
    /// The estimate counts open flow brackets outside quotes, plus block nesting
    /// (indentation and `- ` markers); it never underestimates real nesting, which
    /// keeps deeply nested input away from the recursive parser.
    static func firstTooDeep(_ text: String, limit: Int) -> (line: Int, column: Int)? {
        var flow = 0
        var line = 1
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var column = 0
            var indent = 0
            var atStart = true
            var quote: Character?
            var previous: Character = " "
            for character in rawLine {
                column += 1
                if let open = quote {
                    if character == open, previous != "\\" || open == "'" { quote = nil }
                    previous = character
                    continue
                }
                if atStart {
                    if character == " " || character == "-" || character == "?" { indent += 1; previous = character; continue }
                    atStart = false
                }
                switch character {
                case "#" where previous == " ": break
                case "\"", "'": quote = character
                case "[", "{": flow += 1
                case "]", "}": flow = max(0, flow - 1)
                default: break
                }
                if character == "#", previous == " " { break }
                if flow + indent > limit { return (line, column) }
                previous = character
            }
            if flow + indent > limit { return (line, max(1, column)) }
            line += 1
        }
        return nil
    }
}
