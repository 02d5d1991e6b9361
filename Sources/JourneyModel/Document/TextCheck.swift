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

/// Aliases used as mapping keys, found before the YAML parser runs: the parser compares the keys
/// of each mapping by hashing them whole, and an alias key stands for everything its anchor
/// expands to, so a few lines of nested aliases would take it minutes. A key of a workspace
/// file is a name, never an alias, so such a document is refused at once.
enum AliasKeyCheck {
    /// The position of the first alias in a key position (`*name:` or `? *name`), outside quotes and comments.
    static func firstAliasKey(_ text: String) -> (line: Int, column: Int)? {
        var line = 1
        // Open flow collections, which may span lines: inside one, a comma also ends a token.
        var flowDepth = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let characters = Array(rawLine)
            var quote: Character?
            // The last character that is not a space (an explicit key `? *a` is a key whatever follows it).
            var lastMark: Character? = nil
            // Whether the last character that is not a space ended an indicator (`- `, `? `, `: `,
            // `[`, `{`, a comma in flow) rather than text: after text, a space and `*` continue a
            // plain scalar (`l-  *1: x` is the key "l-  *1").
            var afterIndicator = true
            // Within an anchor or tag (`&a`, `!t`) where a node starts: a node still starts after it.
            var inProperty = false
            var index = 0
            // A document marker (`--- `, `... `) at the start of a line: a node may start after it.
            if characters.count >= 3, ["---", "..."].contains(String(characters[0..<3])), characters.count == 3 || characters[3] == " " || characters[3] == "\t" {
                index = 3
            }
            while index < characters.count {
                let character = characters[index]
                if let open = quote {
                    if character == open, index == 0 || characters[index - 1] != "\\" || open == "'" { quote = nil }
                    index += 1
                    continue
                }
                if character == "#", index == 0 || characters[index - 1] == " " { break }
                // An alias starts a token: at the start of the line, after a space that follows an
                // indicator or node property, or after `[`, `{` or a comma inside a flow collection;
                // elsewhere `*` is part of a plain scalar (`l-*1`, `l-  *1`, `a[*b`).
                let previous: Character? = index > 0 ? characters[index - 1] : nil
                let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
                // Inside a flow collection any space ends a token, as before plain text was told apart.
                let startsToken = previous == nil || ((previous == " " || previous == "\t") && (afterIndicator || flowDepth > 0))
                    || ((previous == "[" || previous == "{" || previous == ",") && flowDepth > 0)
                // A bracket opens a flow collection only where a node starts; within text (`a[*b`) it is text.
                if character == "[" || character == "{", startsToken { flowDepth += 1 }
                if character == "]" || character == "}", flowDepth > 0 { flowDepth -= 1 }
                if character == "\"" || character == "'" {
                    quote = character
                } else if character == "*", startsToken {
                    var end = index + 1
                    while end < characters.count, characters[end].isASCII, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" || characters[end] == "-" {
                        end += 1
                    }
                    var after = end
                    while after < characters.count, characters[after] == " " || characters[after] == "\t" { after += 1 }
                    let isKey = after < characters.count && characters[after] == ":"
                        && (after + 1 == characters.count || " ,]}".contains(characters[after + 1]))
                    if end > index + 1, isKey || lastMark == "?" { return (line, index + 1) }
                }
                if character == " " || character == "\t" {
                    inProperty = false
                } else {
                    if startsToken, character == "&" || character == "!" { inProperty = true }
                    lastMark = character
                    let spaced = next == nil || next == " " || next == "\t"
                    switch character {
                    // A sequence entry or explicit key only where a node starts (`- - *a`), not within text (`a - *b`).
                    case "-": afterIndicator = afterIndicator && spaced && (previous == nil || previous == " " || previous == "\t")
                    // An explicit key wherever a token starts, in flow too (`{? *a : v}`).
                    case "?": afterIndicator = spaced && startsToken
                    case ":": afterIndicator = spaced
                    case "[", "{": afterIndicator = startsToken || flowDepth > 0
                    case ",": afterIndicator = flowDepth > 0
                    default: afterIndicator = inProperty
                    }
                }
                index += 1
            }
            line += 1
        }
        return nil
    }
}
