/// A survey answer carried by a `feedback` event.
public struct Feedback: Sendable, Equatable {
    /// The survey metric.
    public enum Metric: String, Sendable, CaseIterable, Codable {
        /// Net Promoter Score, 0–10.
        case nps
        /// Customer satisfaction, 1–5.
        case csat
        /// Customer effort score, 1–7 (1 is least effort).
        case ces
        /// Free text without a score.
        case text

        /// The valid score range, or nil for free text.
        public var range: ClosedRange<Double>? {
            switch self {
            case .nps: 0...10
            case .csat: 1...5
            case .ces: 1...7
            case .text: nil
            }
        }
    }

    /// The metric.
    public var metric: Metric
    /// The score, when the metric has one.
    public var score: Double?
    /// Free text, when given.
    public var text: String?
    /// The touchpoint id the answer is tied to, when given.
    public var touchpoint: String?

    /// Reads the feedback of a `feedback` event, or says what is wrong with it.
    public static func read(from event: Event) -> Result<Feedback, RecordProblem> {
        guard let metricText = event.properties["metric"]?.text else {
            return .failure(RecordProblem(field: "properties.metric", message: "a feedback event needs properties.metric: nps, csat, ces or text"))
        }
        guard let metric = Metric(rawValue: metricText.lowercased()) else {
            return .failure(RecordProblem(field: "properties.metric", message: "'\(metricText.prefix(40))' is not a feedback metric; expected nps, csat, ces or text"))
        }
        var feedback = Feedback(metric: metric, score: nil, text: event.properties["text"]?.text, touchpoint: event.properties["touchpoint"]?.text)
        if let range = metric.range {
            guard let scoreValue = event.properties["score"] else {
                return .failure(RecordProblem(field: "properties.score", message: "a \(metric.rawValue) answer needs properties.score"))
            }
            let score: Double?
            switch scoreValue {
            case .number(let number): score = number
            case .string(let text): score = Double(text)
            default: score = nil
            }
            guard let score, range.contains(score) else {
                return .failure(RecordProblem(field: "properties.score",
                                              message: "a \(metric.rawValue) score must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))"))
            }
            feedback.score = score
        } else if feedback.text == nil {
            return .failure(RecordProblem(field: "properties.text", message: "a text answer needs properties.text"))
        }
        return .success(feedback)
    }
}

/// Why one input record cannot be imported; never includes the record's values.
public struct RecordProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field involved (`timestamp`, `properties.score`), or empty for the whole record.
    public var field: String
    /// What is wrong and what was expected.
    public var message: String

    /// Creates a problem.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}
