/// The words, phrases, emoji and emoticons the sentiment scorer knows, keyed by a hash of their
/// lower-cased text so that scoring never builds a string per word.
///
/// A word is hashed scalar by scalar after lower-casing and after folding typographic apostrophes
/// (’ ‘ ʼ) into `'`; phrases are keyed by the hashes of their words, with every negator standing for
/// the placeholder `~` so that one entry (`~ work`) covers "doesn't work", "did not work", "never works".
/// The keys are 64-bit FNV-1a hashes: a collision could only give an unknown word a valence, never crash.
struct SentimentLexicon: Sendable {
    /// What a lexicon term does.
    enum Role: UInt8, Sendable {
        /// Carries a valence of its own.
        case valence
        /// Scales the valence of a term up to three words after it (`very`, `slightly`).
        case booster
        /// Flips and dampens a term up to three words after it (`not`, `never`, `didn't`).
        case negator
        /// Shifts weight to the clause after it (`but`).
        case contrast
    }

    /// A term's role and amount (a valence, or a booster's signed increment).
    struct Entry: Sendable {
        var role: Role
        var amount: Double
    }

    /// Single words, by hash.
    let words: [UInt64: Entry]
    /// Canonical hashes (negators as `~`) of the first word of some phrase.
    let phraseStarts: Set<UInt64>
    /// Two-word phrases, by ``key(_:_:)``.
    let bigrams: [UInt64: Entry]
    /// Three-word phrases, by ``key(_:_:_:)``.
    let trigrams: [UInt64: Entry]
    /// Emoji, by scalar value.
    let emoji: [UInt32: Double]
    /// Emoticons written with ASCII punctuation, longest first.
    let emoticons: [(scalars: [Unicode.Scalar], valence: Double)]

    /// The hash every negator has in a phrase key.
    static let negatorKey = hash("~")

    /// The lexicon written for customer feedback in ``SentimentLexicon/table``.
    static let standard = SentimentLexicon(table: table, negators: negators, contrasts: contrasts, emoji: emojiTable, emoticons: emoticonTable)

    /// Increment of a booster (`very`) and decrement of a dampener (`slightly`), as in VADER.
    static let boost = 0.293

    /// Parses the tables; a malformed line is a programming error caught by the tests, and is skipped.
    init(table: String, negators: [String], contrasts: [String], emoji: [(String, Double)], emoticons: [(String, Double)]) {
        var words: [UInt64: Entry] = [:]
        let negatorSet = Set(negators.map { Self.hash($0) })
        for word in negators { words[Self.hash(word)] = Entry(role: .negator, amount: 0) }
        for word in contrasts { words[Self.hash(word)] = Entry(role: .contrast, amount: 0) }
        var starts = Set<UInt64>(), bigrams: [UInt64: Entry] = [:], trigrams: [UInt64: Entry] = [:]
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, !parts[0].hasPrefix("#") else { continue }
            let entry: Entry
            switch parts[0] {
            case "+": entry = Entry(role: .booster, amount: Self.boost)
            case "-": entry = Entry(role: .booster, amount: -Self.boost)
            default:
                guard let value = Double(parts[0]), (-4...4).contains(value) else { continue }
                entry = Entry(role: .valence, amount: value)
            }
            let phrase = parts.count > 2
            let keys = parts.dropFirst().map { word in
                phrase && (word == "~" || negatorSet.contains(Self.hash(word)) || Self.endsInNT(word)) ? Self.negatorKey : Self.hash(word)
            }
            switch keys.count {
            case 1: words[keys[0]] = entry
            case 2: bigrams[Self.key(keys[0], keys[1])] = entry; starts.insert(keys[0])
            case 3: trigrams[Self.key(keys[0], keys[1], keys[2])] = entry; starts.insert(keys[0])
            default: continue
            }
        }
        self.words = words
        phraseStarts = starts
        self.bigrams = bigrams
        self.trigrams = trigrams
        var emojiValues: [UInt32: Double] = [:]
        for (text, valence) in emoji {
            if let scalar = text.unicodeScalars.first { emojiValues[scalar.value] = valence }
        }
        self.emoji = emojiValues
        self.emoticons = emoticons.map { (Array($0.0.unicodeScalars), $0.1) }.sorted { $0.scalars.count > $1.scalars.count }
    }

    /// The FNV-1a hash of a word, folded as the tokenizer folds it.
    static func hash(_ text: some StringProtocol) -> UInt64 {
        var hash = WordHash()
        for scalar in text.unicodeScalars { hash.add(scalar) }
        return hash.value
    }

    /// Whether a word is a contraction with "n't" ("didn't", "won’t").
    static func endsInNT(_ word: some StringProtocol) -> Bool {
        let folded = word.lowercased().unicodeScalars.map { $0 == "\u{2019}" ? "'" : $0 }
        return folded.count > 3 && folded.suffix(3).elementsEqual("n't".unicodeScalars)
    }

    /// The key of a two-word phrase.
    static func key(_ first: UInt64, _ second: UInt64) -> UInt64 {
        mix(first &* 0x9E37_79B9_7F4A_7C15 ^ second)
    }

    /// The key of a three-word phrase.
    static func key(_ first: UInt64, _ second: UInt64, _ third: UInt64) -> UInt64 {
        mix(key(first, second) &* 0xBF58_476D_1CE4_E5B9 ^ third)
    }

    /// SplitMix64's finaliser, so that phrase keys spread over all bits.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An incremental FNV-1a hash over lower-cased unicode scalars.
struct WordHash {
    /// The hash so far.
    var value: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Adds one scalar: ASCII upper case is lowered directly, other scalars through their Unicode
    /// lower-case mapping, and typographic apostrophes become `'`.
    @inline(__always)
    mutating func add(_ scalar: Unicode.Scalar) {
        let code = scalar.value
        if code < 0x80 {
            addCode(code >= 0x41 && code <= 0x5A ? code + 0x20 : code)
        } else if code == 0x2019 || code == 0x2018 || code == 0x02BC {
            addCode(0x27)
        } else if scalar.properties.changesWhenLowercased {
            for lower in scalar.properties.lowercaseMapping.unicodeScalars { addCode(lower.value) }
        } else {
            addCode(code)
        }
    }

    /// Feeds the scalar's UTF-8 bytes.
    @inline(__always)
    private mutating func addCode(_ code: UInt32) {
        if code < 0x80 {
            addByte(code)
        } else if code < 0x800 {
            addByte(0xC0 | code >> 6); addByte(0x80 | code & 0x3F)
        } else if code < 0x1_0000 {
            addByte(0xE0 | code >> 12); addByte(0x80 | code >> 6 & 0x3F); addByte(0x80 | code & 0x3F)
        } else {
            addByte(0xF0 | code >> 18); addByte(0x80 | code >> 12 & 0x3F); addByte(0x80 | code >> 6 & 0x3F); addByte(0x80 | code & 0x3F)
        }
    }

    @inline(__always)
    private mutating func addByte(_ byte: UInt32) {
        value = (value ^ UInt64(byte & 0xFF)) &* 0x0000_0100_0000_01B3
    }
}
