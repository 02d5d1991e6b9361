/// The sentiment of one text: a compound score and the terms that carried it.
public struct Sentiment: Sendable, Equatable, Codable {
    /// Sentiment from -1 (most negative) to 1 (most positive): the valence sum `x` normalised as
    /// `x / sqrt(x² + 15)`, so that a single strong term gives about ±0.6 and many terms tend to ±1.
    public var compound: Double
    /// The sum of the terms' valences after negation, emphasis and contrast, before normalisation.
    public var valence: Double
    /// Terms (words, phrases, emoji, emoticons) that ended with a positive valence.
    public var positive: Int
    /// Terms that ended with a negative valence.
    public var negative: Int
    /// Word, emoji and emoticon tokens in the text.
    public var tokens: Int

    /// Creates a result.
    public init(compound: Double, valence: Double, positive: Int, negative: Int, tokens: Int) {
        self.compound = compound
        self.valence = valence
        self.positive = positive
        self.negative = negative
        self.tokens = tokens
    }

    /// No sentiment: the result for an empty text or one without any known term.
    public static let neutral = Sentiment(compound: 0, valence: 0, positive: 0, negative: 0, tokens: 0)

    /// Terms found in the lexicon that carried a valence.
    public var matched: Int { positive + negative }

    /// Positive at a compound of 0.05 or more, negative at -0.05 or less, neutral between (VADER's convention).
    public var polarity: Polarity { Polarity(compound: compound) }

    /// The three classes a compound score falls into.
    public enum Polarity: String, Sendable, Codable, CaseIterable {
        /// Compound ≥ 0.05.
        case positive
        /// Compound ≤ -0.05.
        case negative
        /// Between the two thresholds.
        case neutral

        /// The class of a compound score, with the thresholds ±0.05.
        public init(compound: Double) {
            if compound >= 0.05 {
                self = .positive
            } else if compound <= -0.05 {
                self = .negative
            } else {
                self = .neutral
            }
        }
    }
}
