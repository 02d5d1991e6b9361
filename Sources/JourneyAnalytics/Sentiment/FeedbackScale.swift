import CustomerData
import JourneyModel

/// Maps survey answers onto a journey map's emotion scale, so that measured emotion and the
/// designed emotion lane can be drawn on the same axis.
///
/// Each metric's range is mapped linearly onto `[min, max]`, its midpoint onto the scale's centre:
///
///     position = (score − low) / (high − low)      NPS 0…10, CSAT 1…5
///     position = (high − score) / (high − low)     CES 1…7, reversed: 1 is the least effort
///     position = (compound + 1) / 2                text, through SentimentScorer's compound in [-1, 1]
///     emotion  = min + position × (max − min)
///
/// So on the default scale -2…2: NPS 0 → -2, 5 → 0, 10 → 2; CSAT 1 → -2, 3 → 0, 5 → 2;
/// CES 1 → 2, 4 → 0, 7 → -2; compound -1 → -2, 0 → 0, 1 → 2. A score outside its range is
/// clamped to it; a non-finite score has no emotion. CES follows `Feedback.Metric.ces`
/// ("1 is least effort") and the scenario generator, whose CES rises with friction.
/// `docs/emotions.md` has a worked example.
public struct FeedbackScale: Sendable, Equatable {
    /// The map's emotion scale.
    public var scale: EmotionScale

    /// A mapping onto `scale` (-2…2 by default).
    public init(_ scale: EmotionScale = .standard) {
        self.scale = scale
    }

    /// Where a score lies between its metric's worst (0) and best (1) answer; for `.text` the score
    /// is a compound sentiment in [-1, 1]. Nil for a non-finite score.
    public static func position(of score: Double, metric: Feedback.Metric) -> Double? {
        guard score.isFinite else { return nil }
        let position: Double
        switch metric {
        case .nps: position = score / 10
        case .csat: position = (score - 1) / 4
        case .ces: position = (7 - score) / 6
        case .text: position = (score + 1) / 2
        }
        return min(max(position, 0), 1)
    }

    /// The emotion a score stands for on the scale; for `.text` the score is a compound sentiment.
    public func emotion(score: Double, metric: Feedback.Metric) -> Double? {
        Self.position(of: score, metric: metric).map(emotion(position:))
    }

    /// The emotion a compound sentiment in [-1, 1] stands for.
    public func emotion(compound: Double) -> Double? {
        emotion(score: compound, metric: .text)
    }

    /// The emotion of one survey answer: its score, or for a text answer the sentiment of its text.
    /// Nil when a scored answer has no score or a text answer no text.
    public func emotion(of feedback: Feedback, scorer: SentimentScorer) -> Double? {
        if feedback.metric == .text {
            guard let text = feedback.text else { return nil }
            return emotion(compound: scorer.score(text).compound)
        }
        guard let score = feedback.score else { return nil }
        return emotion(score: score, metric: feedback.metric)
    }

    /// `min + position × (max − min)`, with the ends exact.
    private func emotion(position: Double) -> Double {
        if position == 0 { return scale.min }
        if position == 1 { return scale.max }
        return scale.min + position * (scale.max - scale.min)
    }
}
