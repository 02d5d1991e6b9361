/// A strict JSON reader that keeps the line and column of every value.
struct JSONReader {
    struct Failure: Error {
        var message: String
        var line: Int
        var column: Int
    }

    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    private let maxDepth: Int

    init(bytes: [UInt8], file: String, maxDepth: Int) {
        self.bytes = bytes
        self.file = file
        self.maxDepth = maxDepth
    }

    mutating func read() throws(Failure) -> DocumentNode {
        skipWhitespace()
        let node = try readValue(depth: 0)
        skipWhitespace()
        if index < bytes.count { throw failure("unexpected text after the end of the JSON value") }
        return node
    }

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private func failure(_ message: String) -> Failure { Failure(message: message, line: line, column: column) }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { advance() }
    }

    private mutating func readValue(depth: Int) throws(Failure) -> DocumentNode {
        guard depth < maxDepth else { throw failure("values are nested more than \(maxDepth) levels deep") }
        guard index < bytes.count else { throw failure("the file ends where a value was expected") }
        let start = location
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return DocumentNode(.scalar(try readString(), quoted: true), location: start)
        case UInt8(ascii: "t"): try expectWord("true"); return DocumentNode(.scalar("true", quoted: false), location: start)
        case UInt8(ascii: "f"): try expectWord("false"); return DocumentNode(.scalar("false", quoted: false), location: start)
        case UInt8(ascii: "n"): try expectWord("null"); return DocumentNode(.null, location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return DocumentNode(.scalar(try readNumber(), quoted: false), location: start)
        default:
            throw failure("unexpected character; a JSON value (object, array, string, number, true, false or null) was expected")
        }
    }

    private mutating func expectWord(_ word: String) throws(Failure) {
        for expected in word.utf8 {
            guard index < bytes.count, bytes[index] == expected else { throw failure("invalid literal; expected '\(word)'") }
            advance()
        }
    }

    private mutating func readNumber() throws(Failure) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { advance() }
        var digits = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { advance(); digits += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            advance()
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            advance()
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { advance() }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { advance() }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard digits > 0, Double(text) != nil else { throw failure("invalid number '\(text)'") }
        return text
    }

    private mutating func readString() throws(Failure) -> String {
        advance()  // opening quote
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run.removeAll() }
        }
        while true {
            guard index < bytes.count else { throw failure("the file ends inside a string; a closing '\"' is missing") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                advance()
                guard index < bytes.count else { throw failure("the file ends inside an escape sequence") }
                let escape = bytes[index]
                advance()
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw failure("a lone surrogate \\u escape is not valid text")
                        }
                        advance(); advance()
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate \\u escape is not valid text") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw failure("a lone surrogate \\u escape is not valid text") }
                    // YAML readers drop it at the start of a string, so it could not be written
                    // as YAML and read back; the raw character is refused by TextCheck alike.
                    guard code != 0xFEFF else { throw failure(TextCheck.byteOrderMarkMessage) }
                    scalars.append(scalar)
                default:
                    throw failure("invalid escape sequence in a string")
                }
            case 0x00..<0x20:
                throw failure("a control character must be escaped inside a JSON string")
            default:
                run.append(byte)
                advance()
            }
        }
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else { throw failure("\\u must be followed by four hexadecimal digits") }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func readArray(depth: Int) throws(Failure) -> DocumentNode {
        let start = location
        advance()
        var items: [DocumentNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            advance()
            return DocumentNode(.sequence(items), location: start)
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]"), !items.isEmpty {
                throw failure("a trailing comma before ']' is not allowed in JSON")
            }
            items.append(try readValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw failure("the file ends inside an array; a closing ']' is missing") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "]") { advance(); return DocumentNode(.sequence(items), location: start) }
            throw failure("expected ',' or ']' after an array element")
        }
    }

    private mutating func readObject(depth: Int) throws(Failure) -> DocumentNode {
        let start = location
        advance()
        var entries: [DocumentNode.Entry] = []
        var seen: Set<String> = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            advance()
            return DocumentNode(.mapping(entries), location: start)
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}"), !entries.isEmpty {
                throw failure("a trailing comma before '}' is not allowed in JSON")
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a quoted key") }
            let keyLocation = location
            let key = try readString()
            guard seen.insert(key).inserted else {
                throw Failure(message: "duplicate key '\(key)'", line: keyLocation.line, column: keyLocation.column)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after the key '\(key)'") }
            advance()
            skipWhitespace()
            let value = try readValue(depth: depth + 1)
            entries.append(DocumentNode.Entry(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw failure("the file ends inside an object; a closing '}' is missing") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "}") { advance(); return DocumentNode(.mapping(entries), location: start) }
            throw failure("expected ',' or '}' after a value")
        }
    }
}
