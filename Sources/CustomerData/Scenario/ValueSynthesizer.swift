import JourneyModel

/// Synthesises field values that satisfy the conditions of match rules and persona rules.
///
/// Values are realistic where the field name gives a hint (ratings 1–5, ages, prices with pence,
/// ids, URLs) and always pass through the CSV reader's typing (``RecordReader/typed(_:)``), so a
/// value reads back from a CSV file exactly as it was generated. Every synthesised event is still
/// checked with the real matcher by the caller.
enum ValueSynthesizer {
    /// What one field gets.
    enum Synthesis: Equatable {
        /// A value.
        case value(JSONValue)
        /// A unique id per event, with this prefix (an `exists` condition on an id field).
        case slot(prefix: String)
        /// The field must be absent.
        case absent
        /// No value can be found for these conditions.
        case unsupported
    }

    /// Words for glob wildcards and open-ended patterns.
    static let words = ["spring", "launch", "week-3", "uk", "trail-glide-3", "womens", "q1-2026", "north", "central", "pro"]

    /// A value satisfying every condition on one field (numeric bounds are combined).
    static func synthesize(_ conditions: [Condition], path: String, using random: inout ScenarioRandom) -> Synthesis {
        var low: (value: Double, strict: Bool)?
        var high: (value: Double, strict: Bool)?
        var others: [Condition] = []
        for condition in conditions {
            switch condition {
            case .exists(false): return .absent
            case .comparison(let op, .number(let bound)) where op.takesNumber:
                switch op {
                case .gt, .gte:
                    if low == nil || bound > low!.value { low = (bound, op == .gt) }
                case .lt, .lte:
                    if high == nil || bound < high!.value { high = (bound, op == .lt) }
                default: break
                }
            default: others.append(condition)
            }
        }
        if low != nil || high != nil {
            return number(path: path, low: low, high: high, using: &random).map { .value(.number($0)) } ?? .unsupported
        }
        guard let first = others.first else { return .unsupported }
        return one(first, path: path, using: &random)
    }

    static func one(_ condition: Condition, path: String, using random: inout ScenarioRandom) -> Synthesis {
        switch condition {
        case .exists(let present): return present ? existing(path: path, using: &random) : .absent
        case .equals(let expected): return scalar(expected, using: &random)
        case .list(let op, let items):
            if op == .notIn {
                var candidate = "other"
                var suffix = 1
                while items.contains(where: { $0.description == candidate }) { candidate = "other-\(suffix)"; suffix += 1 }
                return text(candidate)
            }
            guard !items.isEmpty else { return .unsupported }
            return scalar(random.pick(items), using: &random)
        case .comparison(let op, let operand):
            switch op {
            case .eq: return scalar(operand, using: &random)
            case .ne:
                switch operand {
                case .bool(let flag): return .value(.bool(!flag))
                case .number(let number): return .value(.number(number + 1))
                case .string(let string): return text(string == "other" ? "another" : "other")
                }
            case .regex:
                guard case .string(let pattern) = operand else { return .unsupported }
                return regex(pattern, path: path, using: &random)
            case .contains:
                let needle = operand.description
                if needle.contains("."), !needle.contains("/"), !needle.contains(" "), isLinkField(path) {
                    return text("https://www.\(needle)/")
                }
                return text(needle)
            case .gt, .gte, .lt, .lte, .in, .notIn, .exists:
                return .unsupported
            }
        }
    }

    /// A literal value; a string with glob syntax becomes an example the glob matches.
    static func scalar(_ value: ScalarValue, using random: inout ScenarioRandom) -> Synthesis {
        switch value {
        case .bool(let flag): return .value(.bool(flag))
        case .number(let number): return .value(.number(number))
        case .string(let string): return text(PatternCheck.isGlob(string) ? glob(string, using: &random) : string)
        }
    }

    /// Text as the CSV reader would type it (a numeric-looking string becomes a number).
    static func text(_ string: String) -> Synthesis {
        guard !string.isEmpty else { return .unsupported }
        return .value(RecordReader.typed(string))
    }

    /// An example string for a glob: `*` becomes a word, `?` a letter, a class one of its characters.
    static func glob(_ pattern: String, using random: inout ScenarioRandom) -> String {
        var out = ""
        for token in Glob(pattern).tokens {
            switch token {
            case .literal(let character): out.append(character)
            case .any: out.append(Character(Unicode.Scalar(UInt8(0x61 + random.below(26)))))
            case .anyRun:
                if let last = out.unicodeScalars.last, last.properties.isAlphabetic || ("0"..."9").contains(last) { out += "-" }
                out += random.pick(words)
            case .set(let ranges, let negated):
                if negated {
                    out.append(RegexSampler.printable.first { character in !ranges.contains { $0.contains(character) } } ?? "~")
                } else {
                    out.append(random.pick(ranges).lowerBound)
                }
            }
        }
        return out
    }

    /// A string matching a regular expression, made to look like real data where the pattern leaves room.
    static func regex(_ pattern: String, path: String, using random: inout ScenarioRandom) -> Synthesis {
        guard let sampler = RegexSampler(pattern) else { return .unsupported }
        let test = EventMatcher.compile(.comparison(.regex, .string(pattern)))
        let raw = sampler.sample(using: &random)
        var candidate = raw
        if !sampler.anchoredAtEnd {
            if candidate.hasSuffix(".") {
                candidate += candidate.contains("://") ? "com/" : "\(random.int(in: 0...9)).\(random.int(in: 0...9))"
            } else if candidate.hasSuffix("-") || candidate.hasSuffix("/") {
                candidate += random.pick(words)
            }
        }
        if !sampler.anchoredAtStart, isLinkField(path), !candidate.contains("://") {
            candidate = "https://www.\(candidate)" + (candidate.contains(".") ? "/" : ".com/")
        }
        for option in [candidate, raw] where !option.isEmpty {
            if case .value(let value) = text(option), test(value) { return .value(value) }
        }
        return .unsupported
    }

    static func isLinkField(_ path: String) -> Bool {
        let name = lastComponent(path)
        return name.contains("referrer") || name.contains("url") || name.contains("link")
    }

    static func lastComponent(_ path: String) -> String {
        String(path.split(separator: ".").last ?? Substring(path)).lowercased()
    }

    /// A value for an `exists: true` condition, chosen from the field name.
    static func existing(path: String, using random: inout ScenarioRandom) -> Synthesis {
        let name = lastComponent(path)
        if name.contains("score") { return .value(.number(Double(random.int(in: 0...10)))) }
        if ["attached", "issued", "present", "connected", "verified", "opted_in", "consent"].contains(where: name.hasSuffix)
            || name.hasPrefix("is_") || name.hasPrefix("has_") {
            return .value(.bool(true))
        }
        if name.hasSuffix("url") { return text("https://www.example.com/\(random.pick(words))") }
        if name.hasSuffix("id") || name.contains("code") || name.contains("number") || name.contains("reference") {
            let letters = name.filter { $0.isASCII && $0.isLetter }
            return .slot(prefix: String(letters.prefix(3)).uppercased() + "-")
        }
        for (suffix, values) in knownValues where name.hasSuffix(suffix) { return text(random.pick(values)) }
        return text("yes")
    }

    static let knownValues: [(String, [String])] = [
        ("provider", ["docusign", "adobe-sign", "dropbox-sign"]),
        ("portal", ["ariba", "coupa", "jaggaer"]),
        ("sponsor", ["Chief Financial Officer", "Chief Operating Officer", "Managing Director"]),
        ("name", ["Alex Morgan", "Sam Patel", "Jo Evans"]),
        ("email", ["contact@example.com"]),
    ]

    /// A number within the bounds, shaped by the field name.
    static func number(path: String, low: (value: Double, strict: Bool)?, high: (value: Double, strict: Bool)?,
                       using random: inout ScenarioRandom) -> Double? {
        let name = lastComponent(path)
        var lower = low.map { $0.strict ? ($0.value.rounded(.down) + 1) : $0.value.rounded(.up) }
        var upper = high.map { $0.strict ? ($0.value.rounded(.up) - 1) : $0.value.rounded(.down) }
        if name.contains("rating") {
            lower = max(lower ?? 1, 1)
            upper = min(upper ?? 5, max(lower!, 5))
        } else if name == "age" || name.hasSuffix("_age") {
            lower = lower ?? 18
            upper = min(upper ?? 90, max(lower!, 90))
        }
        let first: Double, last: Double
        switch (lower, upper) {
        case let (l?, h?): first = l; last = h
        case let (l?, nil): first = l; last = l + max(3, l.magnitude)
        case let (nil, h?): first = h > 1 ? (h / 3).rounded(.up) : h - 10; last = h
        case (nil, nil): first = 1; last = 10
        }
        guard first <= last, first.magnitude < 1e12, last.magnitude < 1e12 else { return nil }
        var value = first + Double(random.below(Int(last - first) + 1))
        let money = ["revenue", "price", "value", "amount", "total", "basket", "spend"].contains { name.contains($0) }
        if money, value + 0.99 <= (high?.value ?? .infinity), !(high?.strict ?? false) || value + 0.99 < high!.value {
            value += 0.99
        }
        return value
    }
}
