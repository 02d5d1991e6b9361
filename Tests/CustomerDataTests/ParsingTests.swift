import CustomerData
import Foundation
import JourneyModel
import Testing
import WayfinderTesting

@Suite("Parsing")
struct ParsingTests {
    @Test("the JSON parser agrees with Foundation", arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e\n\u00e9\ud83d\ude00"},"n":-1.5e3}"#, "[]", "{}", #""x""#, "0", "-0.25",
        #"{"big":12345678901234567890}"#, #"[1,[2,[3,[4]]]]"#,
    ])
    func json(text: String) throws {
        let ours = try JSONParser.parse(text)
        let reference = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(Self.same(ours, reference), "\(ours)")
    }

    static func same(_ value: JSONValue, _ reference: Any) -> Bool {
        switch value {
        case .null: return reference is NSNull
        case .bool(let flag): return (reference as? NSNumber)?.boolValue == flag
        case .number(let number): return (reference as? NSNumber).map { abs($0.doubleValue - number) <= abs(number) * 1e-12 } ?? false
        case .string(let text): return (reference as? String) == text
        case .array(let items):
            guard let array = reference as? [Any], array.count == items.count else { return false }
            return zip(items, array).allSatisfy { same($0, $1) }
        case .object(let entries):
            guard let dictionary = reference as? [String: Any], dictionary.count == entries.count else { return false }
            return entries.allSatisfy { key, value in dictionary[key].map { same(value, $0) } ?? false }
        }
    }

    @Test("invalid JSON is refused", arguments: [#"{"a":}"#, "[1,]", #"{"a" 1}"#, "01", "tru", #""\x""#, #""\ud800""#, "{", "1 2", "\"a\u{1}\""])
    func invalidJSON(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("CSV fields", arguments: [
        ("a,b,c", [String]?.some(["a", "b", "c"])), ("\"a,1\",\"b \"\"q\"\"\",", ["a,1", "b \"q\"", ""]), ("", [""]), ("x", ["x"]),
        ("\"multi\nline\",2", ["multi\nline", "2"]), ("a\"b,c", nil), ("\"a\"b,c", nil),
    ])
    func csvFields(line: String, expected: [String]?) {
        let outcome = CSVParser(delimiter: 0x2C).parse(ArraySlice(Array(line.utf8)))
        switch (outcome, expected) {
        case (.fields(let fields), let expected?): #expect(fields == expected)
        case (.malformed, nil): break
        default: Issue.record("\(line): \(outcome)")
        }
    }

    @Test("an open quote asks for the next line")
    func unterminated() {
        #expect(CSVParser(delimiter: 0x2C).parse(ArraySlice(Array("\"open,field".utf8))) == .unterminated)
    }

    @Test("delimiter detection", arguments: [("a,b,c", UInt8(0x2C)), ("a;b;c", 0x3B), ("a\tb\tc", 0x09), ("a|b", 0x7C), ("\"x;y\",b", 0x2C), ("single", 0x2C)])
    func delimiter(header: String, expected: UInt8) {
        #expect(CSVParser.detectDelimiter(ArraySlice(Array(header.utf8))) == expected)
    }

    @Test("globs", arguments: [
        ("Order *", "Order Completed", true), ("Order *", "Orders", false), ("/products/*", "/products/trail/x", true), ("?at", "cat", true),
        ("[cb]at", "bat", true), ("[!cb]at", "bat", false), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false), ("*", "", true),
    ])
    func glob(pattern: String, text: String, expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
        // Reference: the same pattern as an anchored regular expression.
        var regex = "^"
        var inClass = false
        for character in pattern {
            switch character {
            case "*" where !inClass: regex += ".*"
            case "?" where !inClass: regex += "."
            case "[": inClass = true; regex += "["
            case "]": inClass = false; regex += "]"
            case "!" where inClass && regex.hasSuffix("["): regex += "^"
            default: regex += inClass ? String(character) : NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        let compiled = try! NSRegularExpression(pattern: regex + "$", options: [.dotMatchesLineSeparators])
        #expect((compiled.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil) == expected)
    }

    @Test("globs agree with a recursive matcher written from the definition on random patterns and texts")
    func randomGlobs() {
        // Pattern pieces and text characters: ASCII, accented, CR LF (one character of two bytes).
        let pieces = ["a", "b", "*", "?", "[ab]", "[!a]", "é", "\\*", "\r\n"]
        let characters: [Character] = ["a", "b", "c", "é", "*", "\r\n"]
        func reference(_ pattern: [Character], _ text: [Character]) -> Bool {
            guard let first = pattern.first else { return text.isEmpty }
            let rest = Array(pattern.dropFirst())
            switch first {
            case "*": return reference(rest, text) || (!text.isEmpty && reference(pattern, Array(text.dropFirst())))
            case "?": return !text.isEmpty && reference(rest, Array(text.dropFirst()))
            case "\\": return text.first == rest.first && !text.isEmpty && reference(Array(rest.dropFirst()), Array(text.dropFirst()))
            case "[":
                let close = rest.firstIndex(of: "]")!
                var body = rest[..<close]
                let negated = body.first == "!"
                if negated { body = body.dropFirst() }
                guard let character = text.first else { return false }
                return body.contains(character) != negated && reference(Array(rest[(close + 1)...]), Array(text.dropFirst()))
            default: return text.first == first && reference(rest, Array(text.dropFirst()))
            }
        }
        var random = SplitMix64(seed: 11)
        for _ in 0..<3_000 {
            let pattern = (0 ..< Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let text = String((0 ..< Int(random.next() % 8)).map { _ in characters[Int(random.next() % UInt64(characters.count))] })
            #expect(Glob(pattern).matches(text) == reference(Array(pattern), Array(text)), "'\(pattern)' on '\(text)'")
        }
    }
}

@Suite("Event decoding and matching")
struct EventMatchingTests {
    func decode(_ json: String) -> Result<Event, RecordProblem> { EventDecoder.decode(try! JSONParser.parse(json)) }

    @Test("Segment messages decode; bad ones say which field", arguments: [
        (#"{"type":"track","event":"A","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z"}"#, nil),
        (#"{"event":"A","userId":42,"timestamp":1767225600}"#, nil),
        (#"{"type":"page","name":"Home","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z"}"#, nil),
        (#"{"type":"feedback","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z","properties":{"metric":"csat","score":4}}"#, nil),
        (#"{"type":"track","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z"}"#, "event"),
        (#"{"type":"click","event":"A","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z"}"#, "type"),
        (#"{"type":"track","event":"A","timestamp":"2026-01-01T00:00:00Z"}"#, "userId"),
        (#"{"type":"track","event":"A","anonymousId":"a"}"#, "timestamp"),
        (#"{"type":"feedback","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z","properties":{"metric":"nps","score":11}}"#, "properties.score"),
        (#"{"type":"feedback","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z","properties":{"metric":"stars","score":3}}"#, "properties.metric"),
        (#"{"type":"alias","userId":"u","timestamp":"2026-01-01T00:00:00Z"}"#, "previousId"),
        (#"{"type":"track","event":"A","anonymousId":"a","timestamp":"2026-01-01T00:00:00Z","properties":[1]}"#, "properties"),
    ])
    func decoding(json: String, failingField: String?) {
        switch decode(json) {
        case .success: #expect(failingField == nil, "\(json) should fail on \(failingField ?? "")")
        case .failure(let problem): #expect(problem.field == failingField, "\(problem)")
        }
    }

    @Test("the retail map classifies synthetic events into the first matching touchpoint")
    func classification() throws {
        let yaml = """
        version: 1
        journeys:
          - id: j
            title: J
            goal: order
            touchpoints:
              - { id: ad, name: Ad, stage: awareness, channel: social, match: { event: "Ad Clicked", properties: { utm_source: { in: [instagram, tiktok] } } } }
              - { id: guide, name: Guide, stage: consideration, channel: web, match: { type: page, event: "Guide*", properties: { context.page.path: { regex: "^/guides/" } } } }
              - { id: big, name: Big order, stage: decision, channel: web, match: { event: "Order Completed", properties: { total: { gte: 100 } } } }
              - { id: order, name: Order, stage: decision, channel: web, match: { event: "Order Completed" } }
              - { id: app, name: App, stage: retention, channel: mobile-app, match: { event: "App Opened", channel: mobile-app, properties: { push: { exists: true } } } }
              - { id: review, name: Review, stage: advocacy, channel: review-site, match: { event: "Review *", properties: { rating: { not_in: [1, 2] } } } }
        """
        let journey = try #require(WorkspaceCodec.decode(yaml, file: "m.yaml").workspace?.journeys.first)
        let matcher = EventMatcher(journey: journey)
        func event(_ json: String) -> Event { try! decode(json).get() }
        let base = #""anonymousId":"a","timestamp":"2026-01-01T00:00:00Z""#
        let cases: [(String, String?)] = [
            (#"{"event":"Ad Clicked","properties":{"utm_source":"tiktok"},"# + base + "}", "ad"),
            (#"{"event":"Ad Clicked","properties":{"utm_source":"google"},"# + base + "}", nil),
            (#"{"type":"page","name":"Guide to shoes","context":{"page":{"path":"/guides/fit"}},"# + base + "}", "guide"),
            (#"{"type":"track","event":"Guide to shoes","context":{"page":{"path":"/guides/fit"}},"# + base + "}", nil),
            (#"{"event":"Order Completed","properties":{"total":"120.5"},"# + base + "}", "big"),
            (#"{"event":"Order Completed","properties":{"total":20},"# + base + "}", "order"),
            (#"{"event":"App Opened","context":{"channel":"mobile-app"},"properties":{"push":false},"# + base + "}", "app"),
            (#"{"event":"App Opened","context":{"channel":"web"},"properties":{"push":true},"# + base + "}", nil),
            (#"{"event":"Review Posted","properties":{"rating":5},"# + base + "}", "review"),
            (#"{"event":"Review Posted","properties":{"rating":2},"# + base + "}", nil),
        ]
        for (json, expected) in cases {
            #expect(matcher.classify(event(json)).map { journey.touchpoints[$0].id } == expected, "\(json)")
        }
    }

    @Test("persona rules over traits")
    func personas() throws {
        let persona = Persona(id: "p", name: "P", match: PersonaMatch(traits: [
            FieldCondition(path: "age", condition: .comparison(.gte, .number(40))),
            FieldCondition(path: "plan", condition: .list(.in, [.string("pro"), .string("team")])),
        ]))
        #expect(EventMatcher.matches(persona, traits: .object([("age", .number(44)), ("plan", .string("pro"))])))
        #expect(!EventMatcher.matches(persona, traits: .object([("age", .number(30)), ("plan", .string("pro"))])))
        #expect(!EventMatcher.matches(persona, traits: .object([("age", .string("44"))])))
    }
}
