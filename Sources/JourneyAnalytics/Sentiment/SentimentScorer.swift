/// Scores the sentiment of short customer feedback in English with a lexicon and VADER's rules.
///
/// The lexicon (``SentimentLexicon/table``) was written for customer experience: delivery, sizing,
/// price, payment, returns, support, apps, stores, care and installation, plus general words, emoji
/// and emoticons, with valences from -4 to 4. The rules follow VADER (Hutto and Gilbert, 2014):
///
/// - **Negation**: a negator ("not", "never", "no", any "n't") up to three words before a term
///   multiplies its valence by -0.74. Here the window stops at clause punctuation and at "but".
/// - **Boosters and dampeners** ("very", "extremely" / "slightly", "a bit") up to three words before a
///   term add ±0.293 to its magnitude (× 0.95 two words away, × 0.9 three words away).
/// - **Emphasis**: a term in ALL CAPS, when the text is not all caps, gains 0.733 in magnitude; each
///   "!" (at most four) adds 0.292 and two or more "?" add 0.18 each (at most 0.96) to the total.
/// - **Contrast**: in a sentence with "but" (or "however"), terms before it count half and terms
///   after it one and a half times; a sentence opening with "But" contrasts with the one before.
/// - **Phrases**: two- and three-word idioms ("not bad", "waste of money", "no problem",
///   "couldn't be happier") take precedence over their words.
///
/// The valences `v` of the terms add up to `x`, and `compound = x / sqrt(x² + 15)`.
/// Scoring is one pass over the text's unicode scalars plus one over its words, allocates two
/// arrays, is deterministic, and accepts any string.
public struct SentimentScorer: Sendable {
    let lexicon: SentimentLexicon

    /// Scaling of a negated term.
    public static let negation = -0.74
    /// Gain of an ALL-CAPS term or booster.
    public static let capsEmphasis = 0.733
    /// Gain of each exclamation mark, up to four.
    public static let exclamationEmphasis = 0.292
    /// Gain of each question mark when there are two or three.
    public static let questionEmphasis = 0.18
    /// The constant in `x / sqrt(x² + alpha)`.
    public static let alpha = 15.0

    /// A scorer with Wayfinder's lexicon.
    public init() {
        lexicon = .standard
    }

    private static let alsoHash = SentimentLexicon.hash("also")

    /// The sentiment of one text.
    public func score(_ text: String) -> Sentiment {
        var tokenized = Self.tokenize(text, lexicon: lexicon)
        let count = tokenized.tokens.count
        guard count > 0 else { return .neutral }
        tokenized.tokens.withUnsafeMutableBufferPointer { tokens in
            resolveRoles(&tokens)
            applyRules(&tokens)
            applyContrast(&tokens)
        }
        var sum = 0.0, positive = 0, negative = 0
        for token in tokenized.tokens where token.valence != 0 {
            sum += token.valence * token.weight
            if token.valence > 0 { positive += 1 } else { negative += 1 }
        }
        if sum != 0 {
            var emphasis = Double(min(tokenized.exclamations, 4)) * Self.exclamationEmphasis
            if tokenized.questions > 1 { emphasis += tokenized.questions <= 3 ? Double(tokenized.questions) * Self.questionEmphasis : 0.96 }
            sum += sum > 0 ? emphasis : -emphasis
        }
        return Sentiment(compound: Self.normalize(sum), valence: sum, positive: positive, negative: negative, tokens: count)
    }

    /// `x / sqrt(x² + 15)`, within [-1, 1].
    public static func normalize(_ sum: Double) -> Double {
        guard sum.isFinite else { return sum.isNaN ? 0 : (sum > 0 ? 1 : -1) }
        if abs(sum) > 1e100 { return sum > 0 ? 1 : -1 }
        return min(max(sum / (sum * sum + alpha).squareRoot(), -1), 1)
    }

    /// Finds phrases (longest first), then each remaining word's role.
    private func resolveRoles(_ tokens: inout UnsafeMutableBufferPointer<Token>) {
        let count = tokens.count
        var canonical = [UInt64](repeating: 0, count: count)
        for index in 0..<count where tokens[index].role != .symbol {
            let entry = lexicon.words[tokens[index].hash]
            if tokens[index].contraction || entry?.role == .negator {
                tokens[index].role = .negator
                canonical[index] = SentimentLexicon.negatorKey
            } else {
                canonical[index] = tokens[index].hash
                if let entry {
                    tokens[index].amount = entry.amount
                    switch entry.role {
                    case .valence: tokens[index].role = .valence
                    case .booster: tokens[index].role = .booster
                    case .contrast: tokens[index].role = .contrast
                    case .negator: tokens[index].role = .negator
                    }
                }
            }
        }
        func phraseWord(_ index: Int, of start: Int) -> Bool {
            index < count && tokens[index].role != .symbol && tokens[index].clause == tokens[start].clause
        }
        var index = 0
        while index < count {
            guard tokens[index].role != .symbol, lexicon.phraseStarts.contains(canonical[index]) else { index += 1; continue }
            var entry: SentimentLexicon.Entry?, length = 0
            if phraseWord(index + 2, of: index), phraseWord(index + 1, of: index),
               let found = lexicon.trigrams[SentimentLexicon.key(canonical[index], canonical[index + 1], canonical[index + 2])] {
                entry = found; length = 3
            } else if phraseWord(index + 1, of: index), let found = lexicon.bigrams[SentimentLexicon.key(canonical[index], canonical[index + 1])] {
                entry = found; length = 2
            }
            guard let entry else { index += 1; continue }
            tokens[index].role = entry.role == .booster ? .booster : .valence
            tokens[index].amount = entry.amount
            for next in index + 1..<index + length {
                tokens[next].role = .consumed
                tokens[next].amount = 0
            }
            index += length
        }
    }

    /// Caps emphasis, then boosters and negators up to three words before each term, in its clause.
    private func applyRules(_ tokens: inout UnsafeMutableBufferPointer<Token>) {
        var lettered = 0, caps = 0
        for token in tokens where token.lettered {
            lettered += 1
            if token.caps { caps += 1 }
        }
        let capsDiffer = caps > 0 && caps < lettered
        for index in 0..<tokens.count {
            let token = tokens[index]
            if token.role == .symbol {
                tokens[index].valence = token.amount
                continue
            }
            guard token.role == .valence, token.amount != 0 else { continue }
            var valence = token.amount
            if token.caps && capsDiffer { valence += valence > 0 ? Self.capsEmphasis : -Self.capsEmphasis }
            var before = index - 1, distance = 1
            scan: while distance <= 3, before >= 0, tokens[before].clause == token.clause {
                let other = tokens[before]
                switch other.role {
                case .contrast:
                    break scan
                case .booster:
                    var scalar = valence < 0 ? -other.amount : other.amount
                    if other.caps && capsDiffer { scalar += valence > 0 ? Self.capsEmphasis : -Self.capsEmphasis }
                    if distance == 2 { scalar *= 0.95 } else if distance == 3 { scalar *= 0.9 }
                    valence += scalar
                case .negator:
                    valence *= Self.negation
                case .none, .valence, .consumed, .symbol:
                    break
                }
                before -= 1
                distance += 1
            }
            tokens[index].valence = valence
        }
    }

    /// Terms before the first contrast word of a sentence weigh 0.5, terms after it 1.5; a sentence
    /// opening with the contrast word takes the sentence before as its first part.
    private func applyContrast(_ tokens: inout UnsafeMutableBufferPointer<Token>) {
        let count = tokens.count
        var start = 0, previousStart = 0
        while start < count {
            let sentence = tokens[start].sentence
            var end = start
            while end < count, tokens[end].sentence == sentence { end += 1 }
            var pivot: Int?
            for index in start..<end where tokens[index].role == .contrast {
                if index + 1 < end, tokens[index + 1].hash == Self.alsoHash { continue }  // "not only … but also"
                pivot = index
                break
            }
            if let pivot {
                for index in (pivot == start ? previousStart : start)..<pivot { tokens[index].weight *= 0.5 }
                for index in pivot + 1..<end { tokens[index].weight *= 1.5 }
            }
            previousStart = start
            start = end
        }
    }
}
