import JourneyModel

/// A match condition applied to a value as it lies in a stored message: the JSON text of the
/// value, as ``JSONFieldReader`` finds it.
///
/// The answer is always that of ``EventMatcher/test(_:)`` on the parsed value. When the value is
/// plain text (a string of printable ASCII without escapes) and the condition compares text, it
/// is decided on the bytes without building a value; a regular expression's answer is
/// remembered per distinct value; anything else is parsed and tested. One test serves one thread.
public struct ValueBytesTest {
    /// What the condition does with plain text.
    enum TextTest {
        /// The same answer for any text.
        case constant(Bool)
        /// Equal to these bytes.
        case equal([UInt8])
        /// Matched by an ASCII glob.
        case glob(Glob)
        /// Equal to one of these tests' texts (or, negated, to none).
        case anyOf([TextTest], negated: Bool)
        /// Tested on the parsed value, the answer remembered per text.
        case remembered
        /// Tested on the parsed value.
        case parsed
    }

    private let test: (JSONValue?) -> Bool
    private let text: TextTest
    /// The answer when no value is present.
    public let whenAbsent: Bool
    private var memory = ByteMemory()

    /// The test of `condition`.
    public init(_ condition: Condition) {
        test = EventMatcher.test(condition)
        whenAbsent = test(nil)
        text = Self.textTest(condition)
    }

    /// Whether `value` passes (nil: absent).
    public func passes(value: JSONValue?) -> Bool { test(value) }

    /// Whether the value whose JSON text is `bytes` passes, or nil when the bytes are not a JSON
    /// value (a value that does not parse counts as absent).
    public mutating func passes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let inner = Self.plainText(bytes), let answer = answer(text, inner) { return answer }
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        return test(value)
    }

    private mutating func answer(_ text: TextTest, _ inner: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch text {
        case .constant(let answer): return answer
        case .equal(let expected): return expected.elementsEqual(inner)
        case .glob(let glob): return glob.matches(utf8: inner)
        case .anyOf(let tests, let negated):
            for test in tests {
                guard let answer = answer(test, inner) else { return nil }
                if answer { return !negated }
            }
            return negated
        case .remembered:
            if let known = memory.answer(for: inner) { return known }
            let answer = test(.string(String(decoding: inner, as: UTF8.self)))
            memory.remember(answer, for: inner)
            return answer
        case .parsed: return nil
        }
    }

    /// The bytes between the quotes when `bytes` is a string of printable ASCII without escapes.
    @inline(__always)
    static func plainText(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\""), bytes[bytes.count - 1] == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeBufferPointer(rebasing: bytes[1 ..< bytes.count - 1])
        for byte in inner where byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return nil }
        return inner
    }

    /// What `EventMatcher.compile` does with a string value, where that can be said of plain text.
    static func textTest(_ condition: Condition) -> TextTest {
        switch condition {
        case .exists(let present): return .constant(present)
        case .equals(let expected): return equality(expected)
        case .list(let op, let values): return .anyOf(values.map(equality), negated: op == .notIn)
        case .comparison(let op, let operand):
            switch op {
            case .eq: return equality(operand)
            case .ne: return .anyOf([equality(operand)], negated: true)
            case .gt, .gte, .lt, .lte:
                // A string compares by the number it reads as.
                guard case .number = operand else { return .constant(false) }
                return .parsed
            case .regex: return .remembered
            case .contains: return .parsed
            case .in, .notIn, .exists: return .constant(false)
            }
        }
    }

    private static func equality(_ expected: ScalarValue) -> TextTest {
        switch expected {
        case .number: return .parsed
        case .bool(let flag): return .equal(Array((flag ? "true" : "false").utf8))
        case .string(let text):
            if PatternCheck.isGlob(text) {
                let glob = Glob(text)
                return glob.isASCII ? .glob(glob) : .parsed
            }
            // ASCII text equals another string exactly when their bytes are equal; other text may
            // equal ASCII text under canonical equivalence (the Kelvin sign is K).
            return text.utf8.allSatisfy { $0 < 0x80 } ? .equal(Array(text.utf8)) : .parsed
        }
    }
}

/// Answers remembered per distinct text, up to a bound, in one byte arena.
struct ByteMemory {
    private var table = [Int32](repeating: -1, count: 1024)
    private var ends: [Int] = []
    private var bytes: [UInt8] = []
    private var answers: [Bool] = []
    /// Texts remembered at most; later ones are tested every time.
    static let capacity = 4096

    func answer(for text: UnsafeBufferPointer<UInt8>) -> Bool? {
        var slot = Self.hash(text) & (table.count - 1)
        while table[slot] >= 0 {
            let entry = Int(table[slot])
            if self.text(entry).elementsEqual(text) { return answers[entry] }
            slot = (slot + 1) & (table.count - 1)
        }
        return nil
    }

    mutating func remember(_ answer: Bool, for text: UnsafeBufferPointer<UInt8>) {
        guard answers.count < Self.capacity else { return }
        var slot = Self.hash(text) & (table.count - 1)
        while table[slot] >= 0 { slot = (slot + 1) & (table.count - 1) }
        table[slot] = Int32(answers.count)
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
        answers.append(answer)
        if answers.count * 2 > table.count { grow() }
    }

    private func text(_ entry: Int) -> ArraySlice<UInt8> { bytes[(entry == 0 ? 0 : ends[entry - 1]) ..< ends[entry]] }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        for entry in answers.indices {
            let hash = text(entry).withUnsafeBufferPointer(Self.hash)
            var slot = hash & (table.count - 1)
            while table[slot] >= 0 { slot = (slot + 1) & (table.count - 1) }
            table[slot] = Int32(entry)
        }
    }

    private static func hash(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(text))
        return hasher.finalize()
    }
}
