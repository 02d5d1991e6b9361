import CustomerData
import JourneyModel
import Testing
import WayfinderTesting

/// Random and hostile JSON messages: nested objects, repeated and escaped keys, escapes and
/// raw Unicode in strings, every kind of number, literals, and cut or mutated bytes.
struct MessageMaker {
    var random: SplitMix64
    static let keys = ["properties", "context", "traits", "plan", "a", "b", "page", "path", "k\\u0065y", "key", "é", "\\\"q", ""]
    static let strings = ["pro", "", "mobile", "K", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "a\\\"b", "\\u00e9", "\\ud83d\\ude00", "\\ud83d",
                          "tab\\there", "x\\/y", "/products/1", "road-running-9", "5", "5.0", "true", "TRUE", "GB-LDS-01", "\\n", "ab\\", "\t",
                          "a longer text, past eight bytes \\\"quoted\\\" then \\\\ and more", "0123456789abcdef\\\\\\\"x\\\\"]
    static let scalars = ["0", "-0", "12", "-3", "1.5", "1e3", "-2.5E-2", "01", "1.", ".5", "-", "120", "99999999999999999999", "1e400",
                          "true", "false", "null", "tru", "nul", "[]", "[1,\"a\",{\"b\":2}]", "{}"]

    mutating func value(depth: Int) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0...3: return "\"" + Self.strings.randomElement(using: &random)! + "\""
        case 4...6: return Self.scalars.randomElement(using: &random)!
        case 7 where depth < 4: return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth: depth + 1) }.joined(separator: ",") + "]"
        default: return depth < 4 ? object(depth: depth + 1) : "1"
        }
    }

    mutating func object(depth: Int) -> String {
        let space = [" ", "", "\n", "\t"]
        let members = (0..<Int.random(in: 0...5, using: &random)).map { _ in
            "\"" + Self.keys.randomElement(using: &random)! + "\"" + space.randomElement(using: &random)! + ":" + space.randomElement(using: &random)!
                + value(depth: depth)
        }
        return "{" + members.joined(separator: ",") + space.randomElement(using: &random)! + "}"
    }

    /// A message: mostly well formed, sometimes cut short or with a byte changed.
    mutating func message() -> [UInt8] {
        var bytes = Array(object(depth: 0).utf8)
        switch Int.random(in: 0..<6, using: &random) {
        case 0 where !bytes.isEmpty: bytes = Array(bytes[..<Int.random(in: 0..<bytes.count, using: &random)])
        case 1 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = Array("{}[]\",: \\x0".utf8).randomElement(using: &random)!
        default: break
        }
        return bytes
    }
}

@Suite("JSON field reader against the reference")
struct FieldReaderTests {
    static let paths = [["properties", "plan"], ["properties", "a"], ["properties", "a", "b"], ["context", "page", "path"], ["plan"],
                        ["traits", "plan"], ["context", "traits", "plan"], ["properties", "plan"], ["k\\u0065y"], ["key"], ["é", "a"], [""],
                        ["properties", "\\\"q"], ["properties"], ["context", "page"]]

    @Test("values and spans agree with the reference reader on random and hostile messages", arguments: [1, 2, 3] as [UInt64])
    func agreesWithReference(seed: UInt64) {
        let reader = JSONFieldReader(paths: Self.paths)
        let reference = ReferenceFieldReader(paths: Self.paths)
        var maker = MessageMaker(random: SplitMix64(seed: seed))
        var values: [JSONValue?] = [], expected: [JSONValue?] = [], spans = JSONFieldReader.Spans()
        var present = 0
        for _ in 0..<4000 {
            let message = maker.message()
            message.withUnsafeBufferPointer { bytes in
                reader.read(bytes, into: &values)
                reference.read(bytes, into: &expected)
                reader.read(bytes, into: &spans)
                for slot in Self.paths.indices {
                    let fromSpan = spans.value(slot, in: bytes).flatMap { try? JSONParser.parse($0) }
                    #expect(values[slot] == expected[slot], "\(String(decoding: message, as: UTF8.self)) \(Self.paths[slot])")
                    #expect(fromSpan == expected[slot], "\(String(decoding: message, as: UTF8.self)) \(Self.paths[slot])")
                    if expected[slot] != nil { present += 1 }
                }
            }
        }
        // The messages reach the wanted paths often enough for the comparison to mean something.
        #expect(present > 1000)
    }

    @Test("a repeated key counts at its last occurrence, and a cut message keeps what came before the cut")
    func repeatsAndCuts() {
        let reader = JSONFieldReader(paths: [["properties", "plan"], ["userId"]])
        var values: [JSONValue?] = []
        for (message, plan, user) in [
            (#"{"properties":{"plan":"a","plan":"b"},"userId":"u"}"#, JSONValue.string("b"), JSONValue.string("u")),
            (#"{"properties":{"plan":"a","plan":01},"userId":"u"}"#, nil, .string("u")),
            (#"{"properties":{"plan":"a"},"userId":"u"#, .string("a"), nil),
            (#"{"properties":{"plan":"a"} "userId":"u"}"#, .string("a"), nil),
        ] as [(String, JSONValue?, JSONValue?)] {
            Array(message.utf8).withUnsafeBufferPointer { reader.read($0, into: &values) }
            #expect(values == [plan, user], "\(message)")
        }
    }
}

@Suite("Condition tests on value bytes")
struct ValueBytesTestTests {
    static let conditions: [Condition] = [
        .exists(true), .exists(false),
        .equals(.string("mobile")), .equals(.string("K")), .equals(.string("\u{212A}")), .equals(.string("café")), .equals(.string("5")),
        .equals(.string("road-running-*")), .equals(.string("/products/*")), .equals(.string("c?fe*")), .equals(.string("[a-c]*")),
        .equals(.string("caf\u{E9}*")), .equals(.number(5)), .equals(.number(1.5)), .equals(.bool(true)), .equals(.bool(false)),
        .list(.in, [.string("pro"), .string("mobile"), .number(12)]), .list(.notIn, [.string("pro"), .string("K")]),
        .list(.in, [.string("road-*"), .bool(true)]), .list(.notIn, [.string("x*")]),
        .comparison(.eq, .string("pro")), .comparison(.ne, .string("pro")), .comparison(.ne, .number(5)),
        .comparison(.gte, .number(2)), .comparison(.lt, .number(100)), .comparison(.gt, .string("a")),
        .comparison(.regex, .string("^GB-[A-Z]{3}-\\d{2}$")), .comparison(.regex, .string("^c")), .comparison(.regex, .string("(")),
        .comparison(.contains, .string("a")), .comparison(.in, .string("a")), .comparison(.exists, .bool(true)),
    ]

    static let values = ["\"pro\"", "\"mobile\"", "\"K\"", "\"\u{212A}\"", "\"caf\u{E9}\"", "\"cafe\u{301}\"", "\"caf\\u00e9\"", "\"5\"",
                         "\" 5\"", "\"road-running-9\"", "\"/products/1\"", "\"GB-LDS-01\"", "\"GB-LDS-1\"", "\"a\\\"b\"", "\"tab\there\"",
                         "\"true\"", "\"\"", "\"cafe\"", "\"b\"", "\"x1\"", "\"bad", "\"a\"b\"", "5", "5.0", "-0", "1.5", "1e3", "01", "12",
                         "true", "false", "null", "tru", "[\"a\"]", "{\"a\":1}", "[]", "x"]

    @Test("answers as the matcher's test does on the parsed value, and again the same when asked twice", arguments: conditions)
    func agreesWithMatcher(condition: Condition) {
        let expected = EventMatcher.test(condition)
        var test = ValueBytesTest(condition)
        #expect(test.whenAbsent == expected(nil))
        for _ in 0..<2 {
            for value in Self.values {
                let answer = Array(value.utf8).withUnsafeBufferPointer { bytes in test.passes(bytes) }
                let parsed = try? JSONParser.parse(value)
                #expect(answer == parsed.map(expected), "\(condition) on \(value)")
            }
        }
    }

    @Test("random values: every answer equals the matcher's", arguments: [4, 5] as [UInt64])
    func randomValues(seed: UInt64) {
        var maker = MessageMaker(random: SplitMix64(seed: seed))
        var tests = Self.conditions.map(ValueBytesTest.init)
        let expected = Self.conditions.map(EventMatcher.test)
        var decided = 0
        for _ in 0..<3000 {
            let value = Array(maker.value(depth: 3).utf8)
            let parsed = value.withUnsafeBufferPointer { try? JSONParser.parse($0) }
            for index in tests.indices {
                let answer = value.withUnsafeBufferPointer { tests[index].passes($0) }
                #expect(answer == parsed.map(expected[index]), "\(Self.conditions[index]) on \(String(decoding: value, as: UTF8.self))")
                if answer == true { decided += 1 }
            }
        }
        #expect(decided > 1000)
    }
}
