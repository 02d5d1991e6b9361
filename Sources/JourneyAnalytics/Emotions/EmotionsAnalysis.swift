import CustomerData
import JourneyModel

/// Emotions: measured sentiment per touchpoint and stage from feedback, on the map's emotion
/// scale, next to the emotion the map designed.
///
/// Each answer becomes one value on the scale with ``FeedbackScale`` (NPS, CSAT and CES scores
/// mapped linearly; free text scored by ``SentimentScorer``), and belongs to the touchpoint it
/// names or else the customer's last classified touchpoint before it. A stage's measured value
/// pools its touchpoints' answers; its designed value is the mean of its touchpoints' designed
/// emotions. Means come with 95% confidence intervals (Student's t).
public enum EmotionsAnalysis {
    /// Runs the emotions analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> EmotionsResult {
        let selection = try Selection(index: index, query: query)
        let journey = index.journey
        let scale = FeedbackScale(journey.emotionScale)
        let scorer = SentimentScorer()
        var touchpoints = [MeanEstimate](repeating: MeanEstimate(), count: journey.touchpoints.count)
        var metrics = [[String: Int]](repeating: [:], count: journey.touchpoints.count)
        var unattributed = 0
        for answer in index.feedback {
            let customer = Int(answer.customer)
            guard selection.includes(customer: customer) else { continue }
            if let from = selection.from, answer.timestamp < from { continue }
            if let to = selection.to, answer.timestamp >= to { continue }
            guard let metric = Feedback.Metric(rawValue: answer.metric) else { continue }
            let value: Double? = if metric == .text {
                answer.text.flatMap { scale.emotion(compound: scorer.score($0).compound) }
            } else {
                answer.score.flatMap { scale.emotion(score: $0, metric: metric) }
            }
            guard let value else { continue }
            guard answer.touchpoint >= 0 else { unattributed += 1; continue }
            touchpoints[answer.touchpoint].add(value)
            metrics[answer.touchpoint][answer.metric, default: 0] += 1
        }
        let rows = journey.touchpoints.enumerated().map { position, touchpoint in
            EmotionsResult.Row(id: touchpoint.id, name: touchpoint.name, stage: touchpoint.stage, designed: touchpoint.emotion,
                               measured: touchpoints[position].count > 0 ? touchpoints[position] : nil, answers: metrics[position])
        }
        let stages = journey.stages.map { stage in
            var pooled = MeanEstimate()
            var designed: [Double] = []
            var answers: [String: Int] = [:]
            for row in rows where row.stage == stage.id {
                if let measured = row.measured { pooled.merge(measured) }
                if let emotion = row.designed { designed.append(emotion) }
                answers.merge(row.answers, uniquingKeysWith: +)
            }
            return EmotionsResult.Row(id: stage.id, name: stage.name, stage: stage.id,
                                      designed: designed.isEmpty ? nil : designed.reduce(0, +) / Double(designed.count),
                                      measured: pooled.count > 0 ? pooled : nil, answers: answers)
        }
        let low = rows.filter { ($0.measured?.count ?? 0) >= 5 }.min { $0.measured!.mean < $1.measured!.mean }
        return EmotionsResult(min: journey.emotionScale.min, max: journey.emotionScale.max, touchpoints: rows, stages: stages,
                              lowPoint: low?.id, unattributed: unattributed)
    }
}

/// Measured and designed emotion: `{"emotions": {"touchpoints": [{"id", "designed", "measured": {"count", "mean", "ci95_low", …}}], "stages": […]}}`.
public struct EmotionsResult: Codable, Sendable, Equatable {
    /// A touchpoint or a stage.
    public struct Row: Codable, Sendable, Equatable {
        /// Its id.
        public var id: String
        /// Its name.
        public var name: String
        /// Its stage id (its own id for a stage).
        public var stage: String
        /// The emotion the map designed (a stage: the mean of its touchpoints').
        public var designed: Double?
        /// The measured emotion on the map's scale, when it has answers.
        public var measured: MeanEstimate?
        /// Answers per metric.
        public var answers: [String: Int]
    }

    /// The map's scale.
    public var min: Double, max: Double
    /// Touchpoints in map order.
    public var touchpoints: [Row]
    /// Stages in map order.
    public var stages: [Row]
    /// The touchpoint with the lowest measured mean among those with at least five answers.
    public var lowPoint: String?
    /// Answers tied to no touchpoint (the customer had no classified event before them).
    public var unattributed: Int

    enum CodingKeys: String, CodingKey {
        case min, max, touchpoints, stages, unattributed
        case lowPoint = "low_point"
    }
}
