import Foundation
import JourneyModel

/// Evaluates touchpoint match rules and persona trait rules against events and traits.
///
/// Compiled once per map: globs and regular expressions are prepared up front, so classifying
/// an event is a few comparisons. A value condition on a string uses glob matching when the
/// pattern holds `*`, `?` or `[`; numbers compare numerically, and a number in the data equals
/// a text pattern that reads as the same number.
public struct EventMatcher: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe, the one
    // reason for @unchecked here.
    struct CompiledCondition {
        var path: String
        var test: (JSONValue?) -> Bool
    }

    struct CompiledRule {
        var touchpoint: Int
        var event: ((String?) -> Bool)?
        var type: Event.Kind?
        var channel: String?
        var conditions: [CompiledCondition]
    }

    private let rules: [CompiledRule]
    /// The touchpoint ids, in map order.
    public let touchpoints: [String]

    /// Compiles the rules of a map; touchpoints without a rule never match.
    public init(journey: JourneyMap) {
        touchpoints = journey.touchpoints.map(\.id)
        rules = journey.touchpoints.enumerated().compactMap { index, touchpoint in
            guard let match = touchpoint.match else { return nil }
            return CompiledRule(
                touchpoint: index,
                event: match.event.map(Self.textTest),
                type: match.type.flatMap { Event.Kind(rawValue: $0.rawValue) },
                channel: match.channel,
                conditions: match.properties.map { CompiledCondition(path: $0.path, test: Self.compile($0.condition)) })
        }
    }

    /// The index of the first touchpoint (in map order) whose rule selects the event, or nil.
    public func classify(_ event: Event) -> Int? {
        for rule in rules where matches(rule, event) { return rule.touchpoint }
        return nil
    }

    /// Whether the touchpoint at `index` selects the event (regardless of earlier touchpoints).
    public func matches(touchpoint index: Int, _ event: Event) -> Bool {
        rules.first { $0.touchpoint == index }.map { matches($0, event) } ?? false
    }

    private func matches(_ rule: CompiledRule, _ event: Event) -> Bool {
        if let type = rule.type, event.type != type { return false }
        if let test = rule.event, !test(event.name) { return false }
        if let channel = rule.channel, event.channel != channel { return false }
        for condition in rule.conditions where !condition.test(event.value(at: condition.path)) { return false }
        return true
    }

    /// Whether traits satisfy every condition of a persona's rule (a persona without a rule matches no one).
    public static func matches(_ persona: Persona, traits: JSONValue) -> Bool {
        guard let rule = persona.match else { return false }
        return rule.traits.allSatisfy { compile($0.condition)(traits.value(at: $0.path)) }
    }

    // MARK: Compilation

    /// The test a condition applies to a field's value (nil when the field is absent), as rules apply it.
    public static func test(_ condition: Condition) -> (JSONValue?) -> Bool { compile(condition) }

    /// The test a rule's `event` pattern applies to an event name (exact, or a glob with `*` and `?`).
    public static func nameTest(_ pattern: String) -> (String?) -> Bool { textTest(pattern) }

    static func textTest(_ pattern: String) -> (String?) -> Bool {
        if PatternCheck.isGlob(pattern) {
            let glob = Glob(pattern)
            return { $0.map(glob.matches) ?? false }
        }
        return { $0 == pattern }
    }

    static func compile(_ condition: Condition) -> (JSONValue?) -> Bool {
        switch condition {
        case .exists(let present):
            return { value in (value != nil && value != .null) == present }
        case .equals(let expected):
            return equality(expected)
        case .list(let op, let values):
            let tests = values.map(equality)
            return op == .notIn ? { value in value != nil && !tests.contains { $0(value) } } : { value in tests.contains { $0(value) } }
        case .comparison(let op, let operand):
            switch op {
            case .eq: return equality(operand)
            case .ne: let test = equality(operand); return { value in value != nil && value != .null && !test(value) }
            case .gt, .gte, .lt, .lte:
                guard case .number(let bound) = operand else { return { _ in false } }
                return { value in
                    guard let number = numeric(value) else { return false }
                    switch op {
                    case .gt: return number > bound
                    case .gte: return number >= bound
                    case .lt: return number < bound
                    default: return number <= bound
                    }
                }
            case .regex:
                guard case .string(let pattern) = operand, let regex = try? NSRegularExpression(pattern: pattern) else { return { _ in false } }
                return { value in
                    guard let text = value?.text else { return false }
                    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                }
            case .contains:
                let needle = operand.description
                return { value in
                    switch value {
                    case .array(let items)?: return items.contains { $0.text == needle }
                    default: return value?.text?.contains(needle) ?? false
                    }
                }
            case .in, .notIn, .exists:
                return { _ in false }
            }
        }
    }

    static func equality(_ expected: ScalarValue) -> (JSONValue?) -> Bool {
        switch expected {
        case .number(let number):
            return { numeric($0) == number }
        case .bool(let flag):
            return { value in value == .bool(flag) || value?.text == (flag ? "true" : "false") }
        case .string(let text):
            if PatternCheck.isGlob(text) {
                let glob = Glob(text)
                return { value in value?.text.map(glob.matches) ?? false }
            }
            let number = Double(text)
            return { value in
                if case .number(let actual)? = value, let number { return actual == number }
                return value?.text == text
            }
        }
    }

    static func numeric(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number)?: number
        case .string(let text)?: Double(text)
        default: nil
        }
    }
}

/// A glob pattern: `*` any run, `?` one character, `[abc]` / `[a-z]` / `[!a]` a class.
public struct Glob: Sendable {
    enum Token: Sendable {
        case literal(Character)
        case any
        case anyRun
        case set([ClosedRange<Character>], negated: Bool)
    }

    let tokens: [Token]
    /// The tokens over bytes, when every character of the pattern is ASCII (nil otherwise).
    private let byteTokens: [ByteToken]?

    enum ByteToken: Sendable {
        case literal(UInt8)
        case any
        case anyRun
        case set([ClosedRange<UInt8>], negated: Bool)
    }

    /// Compiles a pattern.
    public init(_ pattern: String) {
        var tokens: [Token] = []
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*": if case .anyRun? = tokens.last {} else { tokens.append(.anyRun) }
            case "?": tokens.append(.any)
            case "\\": tokens.append(.literal(characters.popFirst() ?? "\\"))
            case "[":
                guard let close = characters.dropFirst().firstIndex(of: "]") else { tokens.append(.literal("[")); continue }
                var body = characters[characters.startIndex..<close]
                characters = characters[(close + 1)...]
                let negated = body.first == "!" || body.first == "^"
                if negated { body = body.dropFirst() }
                var ranges: [ClosedRange<Character>] = []
                var items = Array(body)
                while !items.isEmpty {
                    let first = items.removeFirst()
                    if items.count >= 2, items[0] == "-" {
                        let last = items[1]
                        items.removeFirst(2)
                        ranges.append(first <= last ? first...last : last...first)
                    } else {
                        ranges.append(first...first)
                    }
                }
                tokens.append(.set(ranges, negated: negated))
            default: tokens.append(.literal(character))
            }
        }
        self.tokens = tokens
        byteTokens = Self.bytes(tokens)
    }

    private static func bytes(_ tokens: [Token]) -> [ByteToken]? {
        func byte(_ character: Character) -> UInt8? {
            guard character.isASCII, let value = character.asciiValue, value != 0x0D else { return nil }
            return value
        }
        var result: [ByteToken] = []
        for token in tokens {
            switch token {
            case .literal(let character):
                guard let value = byte(character) else { return nil }
                result.append(.literal(value))
            case .any: result.append(.any)
            case .anyRun: result.append(.anyRun)
            case .set(let ranges, let negated):
                var bytes: [ClosedRange<UInt8>] = []
                for range in ranges {
                    guard let low = byte(range.lowerBound), let high = byte(range.upperBound) else { return nil }
                    bytes.append(low...high)
                }
                result.append(.set(bytes, negated: negated))
            }
        }
        return result
    }

    /// Whether the whole text matches.
    ///
    /// Greedy matching that returns to the last `*` on a mismatch: every other token takes
    /// exactly one character, so the last star is the only choice worth revisiting. Text that is
    /// all ASCII without carriage returns (where a byte is a character) is matched byte by byte.
    public func matches(_ text: String) -> Bool {
        if byteTokens != nil {
            var text = text
            if let result = text.withUTF8(matches(utf8:)) { return result }
        }
        return Self.match(tokens, Array(text), isStar: { if case .anyRun = $0 { true } else { false } }) { token, character in
            switch token {
            case .literal(let expected): character == expected
            case .any, .anyRun: true
            case .set(let ranges, let negated): ranges.contains { $0.contains(character) } != negated
            }
        }
    }

    /// Whether every character of the pattern is ASCII other than a carriage return, so that
    /// ``matches(utf8:)`` answers for such text.
    public var isASCII: Bool { byteTokens != nil }

    /// Whether the whole text matches, decided on its UTF-8 bytes when they are all ASCII without
    /// carriage returns and the pattern is all ASCII (where a byte is a character); nil otherwise.
    public func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let byteTokens else { return nil }
        for byte in bytes where byte >= 0x80 || byte == 0x0D { return nil }
        return Self.match(byteTokens, bytes, isStar: { if case .anyRun = $0 { true } else { false } }) { token, byte in
            switch token {
            case .literal(let expected): byte == expected
            case .any, .anyRun: true
            case .set(let ranges, let negated): ranges.contains { $0.contains(byte) } != negated
            }
        }
    }

    /// Matches `elements` against `tokens`: `isStar` tells `*`, which takes any run, and `accepts`
    /// whether any other token takes one element.
    @inline(__always)
    private static func match<T, Elements: RandomAccessCollection>(_ tokens: [T], _ elements: Elements, isStar: (T) -> Bool,
                                                                   accepts: (T, Elements.Element) -> Bool) -> Bool where Elements.Index == Int {
        var token = 0, position = elements.startIndex
        var star = -1, starPosition = elements.startIndex
        while position < elements.endIndex {
            if token < tokens.count {
                if isStar(tokens[token]) {
                    star = token
                    starPosition = position
                    token += 1
                    continue
                }
                if accepts(tokens[token], elements[position]) {
                    token += 1
                    position += 1
                    continue
                }
            }
            guard star >= 0 else { return false }
            token = star + 1
            starPosition += 1
            position = starPosition
        }
        while token < tokens.count, isStar(tokens[token]) { token += 1 }
        return token == tokens.count
    }

}
