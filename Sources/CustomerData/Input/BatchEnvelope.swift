/// Where the messages of a Segment batch file are (`{"batch": [m, …], …}` or `[m, …]`), found
/// without parsing them, so that each message is parsed, and refused, on its own: one message
/// nested too deep or holding a number out of range costs that message, not the file.
///
/// The scan follows only strings and brackets, in one pass and without recursion, so a message
/// nested a million levels deep is one bad message too. What it cannot get past (a string or a
/// bracket that is never closed, a bracket closed by the other kind, text after the batch) leaves
/// no way to tell where messages begin, and is a problem of the whole file.
struct BatchEnvelope: Sendable {
    /// One message: its bytes and the line of the file it starts on (from 1).
    struct Message: Sendable {
        var range: Range<Int>
        var line: Int
    }

    /// The messages, in file order.
    var messages: [Message] = []

    /// The messages of `bytes`, or why the file is not a batch.
    static func scan(_ bytes: [UInt8]) -> Result<BatchEnvelope, RecordProblem> {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            do throws(Problem) {
                let ranges = try scanner.envelope()
                var envelope = BatchEnvelope()
                envelope.messages.reserveCapacity(ranges.count)
                var line = 1, position = 0
                for range in ranges {
                    for index in position..<range.lowerBound where buffer[index] == 0x0A { line += 1 }
                    position = range.lowerBound
                    envelope.messages.append(Message(range: range, line: line))
                }
                return .success(envelope)
            } catch {
                switch error {
                case .shape(let field, let message):
                    return .failure(RecordProblem(field: field, message: message))
                case .syntax(let offset, let message):
                    let line = buffer[0..<min(offset, buffer.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                    return .failure(RecordProblem(field: "", message: "invalid JSON at line \(line): \(message)"))
                }
            }
        }
    }

    enum Problem: Error {
        /// The file is JSON of another shape than a batch.
        case shape(field: String, message: String)
        /// Where the scan could not go on, and why.
        case syntax(offset: Int, message: String)
    }

    static let notABatch = Problem.shape(field: "batch", message: "a Segment batch file must be {\"batch\": [...]} or a JSON list of messages")

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// The message ranges of the whole file.
        mutating func envelope() throws(Problem) -> [Range<Int>] {
            skipWhitespace()
            guard index < bytes.count else { throw BatchEnvelope.notABatch }
            var messages: [Range<Int>]?
            switch bytes[index] {
            case UInt8(ascii: "["):
                messages = try list()
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                } else {
                    while true {
                        skipWhitespace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw syntax("expected a quoted key") }
                        let keyStart = index
                        try skipString()
                        let key: JSONValue
                        do {
                            key = try JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[keyStart..<index]))
                        } catch {
                            throw Problem.syntax(offset: keyStart + error.offset, message: error.message)
                        }
                        skipWhitespace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw syntax("expected ':' after a key") }
                        index += 1
                        skipWhitespace()
                        if case .string("batch") = key, messages == nil {
                            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else {
                                throw Problem.shape(field: "batch", message: "'batch' must be a list of messages")
                            }
                            messages = try list()
                        } else {
                            let start = index
                            try skipValue()
                            guard index > start else { throw syntax("a value was expected") }
                        }
                        skipWhitespace()
                        guard index < bytes.count else { throw syntax("the file ends inside the batch object") }
                        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                        if bytes[index] == UInt8(ascii: "}") { index += 1; break }
                        throw syntax("expected ',' or '}'")
                    }
                }
            default:
                throw BatchEnvelope.notABatch
            }
            skipWhitespace()
            guard index == bytes.count else { throw syntax("unexpected text after the batch") }
            guard let messages else { throw BatchEnvelope.notABatch }
            return messages
        }

        /// The element ranges of the list at `index`, without surrounding whitespace.
        mutating func list() throws(Problem) -> [Range<Int>] {
            index += 1
            var elements: [Range<Int>] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
            while true {
                skipWhitespace()
                let start = index
                try skipValue()
                var end = index
                while end > start, Self.isWhitespace(bytes[end - 1]) { end -= 1 }
                elements.append(start..<end)
                guard index < bytes.count else { throw syntax("the file ends inside the list of messages") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
                throw syntax("'}' closes the list of messages, which opened with '['")
            }
        }

        /// Moves past one value: to the ',' after it, or the bracket that closes the list or object
        /// holding it, or the end; strings and nested brackets are followed, anything else is
        /// left for the message's own parse to judge.
        mutating func skipValue() throws(Problem) {
            var open: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    try skipString()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    open.append(byte)
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard let last = open.last else { return }
                    guard (last == UInt8(ascii: "{")) == (byte == UInt8(ascii: "}")) else {
                        throw syntax("'\(Character(Unicode.Scalar(byte)))' closes a '\(Character(Unicode.Scalar(last)))'")
                    }
                    open.removeLast()
                case UInt8(ascii: ","):
                    if open.isEmpty { return }
                default:
                    break
                }
                index += 1
            }
            if !open.isEmpty { throw syntax("the file ends inside a message (a '\(Character(Unicode.Scalar(open.last!)))' is never closed)") }
        }

        /// Moves past the string that starts at `index`.
        mutating func skipString() throws(Problem) {
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): index += 1; return
                default: index += 1
                }
            }
            index = start
            throw syntax("a string that starts here is never closed")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }

        static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        func syntax(_ message: String) -> Problem { .syntax(offset: index, message: message) }
    }
}
