/// Writes example strings that a regular expression matches, for synthesising events from match rules.
///
/// Covers the syntax match rules use: literals and escapes (`\.`, `\d`, `\w`, `\s`), classes
/// (`[A-Z0-9_-]`, `[^…]`), `.`, groups with alternatives (`(a|b)`, `(?:…)`), quantifiers
/// (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, lazy forms), anchors `^` `$` and flags such as `(?i)`.
/// Lookarounds and back-references are not supported: ``sample(_:using:)`` returns nil for them.
/// A sample is a candidate only; callers check it with the real matcher.
struct RegexSampler {
    indirect enum Node {
        case literal(Character)
        case set([ClosedRange<Character>], negated: Bool)
        case any
        case alternatives([[Node]])
        case repeated(Node, min: Int, max: Int)
        case zeroWidth
    }

    let nodes: [Node]
    /// Whether the pattern ends with `$` (so nothing may follow a sample).
    let anchoredAtEnd: Bool
    /// Whether the pattern starts with `^` (so nothing may precede a sample).
    let anchoredAtStart: Bool

    /// Parses a pattern, or returns nil for syntax the sampler does not cover.
    init?(_ pattern: String) {
        var parser = Parser(characters: Array(pattern))
        guard let nodes = parser.alternation(), parser.index == parser.characters.count else { return nil }
        self.nodes = nodes.count == 1 ? nodes[0] : [.alternatives(nodes)]
        anchoredAtEnd = pattern.hasSuffix("$") && !pattern.hasSuffix("\\$")
        anchoredAtStart = pattern.hasPrefix("^") || pattern.hasPrefix("(?i)^")
    }

    /// One example string, or nil when the pattern is not supported.
    static func sample(_ pattern: String, using random: inout ScenarioRandom) -> String? {
        guard let sampler = RegexSampler(pattern) else { return nil }
        var out = ""
        sampler.write(sampler.nodes, into: &out, using: &random)
        return out
    }

    /// One example string.
    func sample(using random: inout ScenarioRandom) -> String {
        var out = ""
        write(nodes, into: &out, using: &random)
        return out
    }

    private func write(_ nodes: [Node], into out: inout String, using random: inout ScenarioRandom) {
        for node in nodes { write(node, into: &out, using: &random) }
    }

    private func write(_ node: Node, into out: inout String, using random: inout ScenarioRandom) {
        switch node {
        case .literal(let character): out.append(character)
        case .any: out.append(Character(Unicode.Scalar(UInt8(0x61 + random.below(26)))))
        case .zeroWidth: break
        case .alternatives(let options): write(options[random.below(options.count)], into: &out, using: &random)
        case .repeated(let inner, let min, let max):
            let count = min + random.below(Swift.min(max, min + 2) - min + 1)
            for _ in 0..<count { write(inner, into: &out, using: &random) }
        case .set(let ranges, let negated):
            if negated {
                let candidates = Self.printable.filter { character in !ranges.contains { $0.contains(character) } }
                out.append(candidates.isEmpty ? "~" : candidates[random.below(candidates.count)])
            } else {
                let range = ranges[random.below(ranges.count)]
                let low = range.lowerBound.unicodeScalars.first!.value, high = range.upperBound.unicodeScalars.first!.value
                let value = low + UInt32(random.below(Int(high - low) + 1))
                out.append(Character(Unicode.Scalar(value) ?? "x"))
            }
        }
    }

    /// Letters and digits first, so negated classes give plain characters.
    static let printable: [Character] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

    struct Parser {
        let characters: [Character]
        var index = 0

        var atEnd: Bool { index >= characters.count }
        var current: Character? { atEnd ? nil : characters[index] }

        mutating func alternation() -> [[Node]]? {
            var options: [[Node]] = []
            while true {
                guard let sequence = sequence() else { return nil }
                options.append(sequence)
                if current == "|" { index += 1; continue }
                return options
            }
        }

        mutating func sequence() -> [Node]? {
            var nodes: [Node] = []
            while let character = current, character != "|", character != ")" {
                guard let atom = atom() else { return nil }
                guard let quantified = quantifier(atom) else { return nil }
                nodes.append(quantified)
            }
            return nodes
        }

        mutating func atom() -> Node? {
            let character = characters[index]
            index += 1
            switch character {
            case "^", "$": return .zeroWidth
            case ".": return .any
            case "[": return characterClass()
            case "\\": return escape(inClass: false)
            case "(":
                if current == "?" {
                    index += 1
                    // Flags alone, (?i), or a group with flags, (?i:…), or non-capturing (?:…).
                    while let flag = current, "imsxU-".contains(flag) { index += 1 }
                    if current == ")" { index += 1; return .zeroWidth }
                    guard current == ":" else { return nil }
                    index += 1
                }
                guard let options = alternation(), current == ")" else { return nil }
                index += 1
                return .alternatives(options)
            case "*", "+", "?", ")", "|": return nil
            default: return .literal(character)
            }
        }

        mutating func quantifier(_ node: Node) -> Node? {
            var result = node
            switch current {
            case "?": index += 1; result = .repeated(node, min: 0, max: 1)
            case "*": index += 1; result = .repeated(node, min: 0, max: 3)
            case "+": index += 1; result = .repeated(node, min: 1, max: 3)
            case "{":
                var cursor = index + 1
                func number() -> Int? {
                    var digits = ""
                    while cursor < characters.count, characters[cursor].isASCII, characters[cursor].isNumber { digits.append(characters[cursor]); cursor += 1 }
                    return Int(digits)
                }
                guard let low = number() else { return node }
                var high = low
                if cursor < characters.count, characters[cursor] == "," {
                    cursor += 1
                    high = number() ?? low + 3
                }
                guard cursor < characters.count, characters[cursor] == "}", high >= low else { return nil }
                index = cursor + 1
                result = .repeated(node, min: low, max: high)
            default: return node
            }
            if current == "?" || current == "+" { index += 1 }
            return result
        }

        mutating func characterClass() -> Node? {
            var negated = false
            if current == "^" { negated = true; index += 1 }
            var ranges: [ClosedRange<Character>] = []
            var first = true
            while let character = current, character != "]" || first {
                first = false
                index += 1
                let low: Character
                if character == "\\" {
                    guard let escaped = escape(inClass: true) else { return nil }
                    if case .set(let more, negated: false) = escaped { ranges += more; continue }
                    guard case .literal(let literal) = escaped else { return nil }
                    low = literal
                } else {
                    low = character
                }
                if current == "-", index + 1 < characters.count, characters[index + 1] != "]" {
                    index += 1
                    var high = characters[index]
                    index += 1
                    if high == "\\" {
                        guard let escaped = escape(inClass: true), case .literal(let literal) = escaped else { return nil }
                        high = literal
                    }
                    guard low <= high else { return nil }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            guard current == "]", !ranges.isEmpty else { return nil }
            index += 1
            return .set(ranges, negated: negated)
        }

        mutating func escape(inClass: Bool) -> Node? {
            guard let character = current else { return nil }
            index += 1
            switch character {
            case "d": return .set(["0"..."9"], negated: false)
            case "w": return .set(["a"..."z", "A"..."Z", "0"..."9", "_"..."_"], negated: false)
            case "s": return .literal(" ")
            case "D": return .set(["0"..."9"], negated: true)
            case "W": return .set(["a"..."z", "A"..."Z", "0"..."9", "_"..."_"], negated: true)
            case "S": return .set([" "..." "], negated: true)
            case "b", "B", "A", "z", "Z", "G": return inClass ? nil : .zeroWidth
            case "n": return .literal("\n")
            case "t": return .literal("\t")
            case "r": return .literal("\r")
            case "1"..."9", "p", "P", "u", "x", "k", "Q", "E": return nil
            default: return .literal(character)
            }
        }
    }
}
