extension SentimentScorer {
    /// What a token does in scoring, once phrases are resolved.
    enum TokenRole: UInt8 {
        case none, valence, booster, negator, contrast, consumed, symbol
    }

    /// One word, emoji or emoticon of a text, with what scoring learns about it.
    struct Token {
        /// FNV-1a hash of the folded word; 0 for an emoji or emoticon.
        var hash: UInt64 = 0
        /// Clauses end at punctuation other than apostrophes and word-inner hyphens, and at emoji.
        var clause: Int32
        /// Sentences end at `.`, `!`, `?`, `;`, `…` and line breaks.
        var sentence: Int32
        /// Two letters or more, none of them lower case.
        var caps = false
        /// Two letters or more.
        var lettered = false
        /// Ends in "n't".
        var contraction = false
        /// The role and amount from the lexicon; an emoji's or emoticon's valence.
        var role = TokenRole.none
        var amount = 0.0
        /// The final valence, after emphasis, boosters and negation.
        var valence = 0.0
        /// The weight the contrast rule gives the token.
        var weight = 1.0
    }

    /// A tokenised text.
    struct Tokens {
        var tokens: [Token] = []
        var exclamations = 0
        var questions = 0
    }

    /// Splits a text into words (letters, digits and marks, joined by inner apostrophes and
    /// hyphens), emoji and emoticons, in one pass over its unicode scalars.
    static func tokenize(_ text: String, lexicon: SentimentLexicon) -> Tokens {
        let scalars = Array(text.unicodeScalars)
        let count = scalars.count
        var result = Tokens()
        result.tokens.reserveCapacity(count / 5 + 1)
        var clause: Int32 = 0, sentence: Int32 = 0
        var hash = WordHash(), length = 0, upper = 0, lower = 0, tail: UInt32 = 0

        func finishWord() {
            guard length > 0 else { return }
            var token = Token(hash: hash.value, clause: clause, sentence: sentence)
            token.lettered = upper + lower >= 2
            token.caps = token.lettered && lower == 0
            token.contraction = length > 3 && tail == 0x6E_27_74  // n ' t
            result.tokens.append(token)
            hash = WordHash()
            length = 0; upper = 0; lower = 0; tail = 0
        }

        var index = 0
        while index < count {
            let scalar = scalars[index]
            let code = scalar.value
            if isWordScalar(scalar, lexicon: lexicon) {
                hash.add(scalar)
                length += 1
                if code < 0x80 {
                    if code >= 0x41 && code <= 0x5A {
                        upper += 1
                    } else if code >= 0x61 && code <= 0x7A {
                        lower += 1
                    }
                    tail = (tail << 8 | (code >= 0x41 && code <= 0x5A ? code + 0x20 : code)) & 0xFF_FFFF
                } else {
                    if scalar.properties.isUppercase { upper += 1 } else if scalar.properties.isLowercase { lower += 1 }
                    tail = (tail << 8 | 0xFF) & 0xFF_FFFF
                }
                index += 1
                continue
            }
            let next = index + 1 < count ? scalars[index + 1] : nil
            if length > 0, let next, isWordScalar(next, lexicon: lexicon) {
                let apostrophe = code == 0x27 || code == 0x2019 || code == 0x2018 || code == 0x02BC
                let numberMark = (code == 0x2E || code == 0x2C) && isDigit(scalars[index - 1]) && isDigit(next)
                if apostrophe || code == 0x2D || numberMark {
                    hash.add(scalar)
                    length += 1
                    tail = (tail << 8 | (apostrophe ? 0x27 : code)) & 0xFF_FFFF
                    index += 1
                    continue
                }
            }
            finishWord()
            if code < 0x80, let (length, valence) = emoticon(at: index, in: scalars, lexicon: lexicon) {
                result.tokens.append(Token(clause: clause, sentence: sentence, role: .symbol, amount: valence))
                clause += 1
                index += length
                continue
            }
            if code >= 0x2600, let valence = lexicon.emoji[code] {
                result.tokens.append(Token(clause: clause, sentence: sentence, role: .symbol, amount: valence))
                clause += 1
                index += 1
                continue
            }
            switch code {
            case 0x21:  // !
                result.exclamations += 1; sentence += 1; clause += 1
            case 0x3F:  // ?
                result.questions += 1; sentence += 1; clause += 1
            case 0x2E, 0x3B, 0x0A, 0x0D, 0x2026, 0x3002, 0xFF01, 0xFF1F:  // . ; line breaks … 。 ！ ？
                sentence += 1; clause += 1
            case 0x2C, 0x3A, 0x28, 0x29, 0x5B, 0x5D, 0x2D, 0x2013, 0x2014, 0x7C, 0x2F:  // , : ( ) [ ] - – — | /
                clause += 1
            default:
                if code >= 0x2600, scalar.properties.isEmojiPresentation { clause += 1 }
            }
            index += 1
        }
        finishWord()
        return result
    }

    /// Letters, digits and combining marks; not emoji.
    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar, lexicon: SentimentLexicon) -> Bool {
        let code = scalar.value
        if code < 0x80 {
            return (code >= 0x61 && code <= 0x7A) || (code >= 0x41 && code <= 0x5A) || (code >= 0x30 && code <= 0x39)
        }
        if code == 0x2019 || code == 0x2018 || code == 0x02BC { return false }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        if properties.numericType != nil { return !properties.isEmoji }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark: return code != 0xFE0F && code != 0xFE0E && code != 0x200D
        default: return false
        }
    }

    @inline(__always)
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    /// The emoticon starting at `index`, when one stands there on its own (after a space, a word or
    /// the start, and before a space, punctuation or the end), with its length in scalars.
    static func emoticon(at index: Int, in scalars: [Unicode.Scalar], lexicon: SentimentLexicon) -> (Int, Double)? {
        let first = scalars[index].value
        guard first == 0x3A || first == 0x3B || first == 0x3D || first == 0x3C || first == 0x3E else { return nil }  // : ; = < >
        if index > 0 {
            let before = scalars[index - 1]
            guard before.properties.isWhitespace || isWordScalar(before, lexicon: lexicon) else { return nil }
        }
        for (candidate, valence) in lexicon.emoticons where index + candidate.count <= scalars.count {
            guard scalars[index..<index + candidate.count].elementsEqual(candidate) else { continue }
            let end = index + candidate.count
            if end == scalars.count { return (candidate.count, valence) }
            let after = scalars[end]
            if after.properties.isWhitespace || "!?.,)(".unicodeScalars.contains(after) { return (candidate.count, valence) }
        }
        return nil
    }
}
