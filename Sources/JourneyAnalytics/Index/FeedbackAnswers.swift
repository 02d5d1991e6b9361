/// Survey answers of an index in columns, ordered by customer and time (then arrival); reading
/// one gives a ``FeedbackEntry``.
///
/// About 32 bytes an answer: numbers in arrays, metrics as small codes, and all free text in one
/// byte arena, so a million answers take a few contiguous blocks instead of a million values
/// with strings of their own. Loops that need only some fields read the columns directly.
public struct FeedbackAnswers: RandomAccessCollection, Sendable {
    /// The customer's position in the index, per answer.
    public let customers: [Int32]
    /// Milliseconds since 1970, per answer.
    public let timestamps: [Int64]
    /// The distinct metric names; ``metricCodes`` index into this.
    public let metricNames: [String]
    /// The metric of each answer, as an index into ``metricNames``.
    public let metricCodes: [UInt8]
    /// The touchpoint of each answer (see ``FeedbackEntry/touchpoint``), ``noTouchpoint`` when none.
    public let touchpoints: [UInt16]
    /// The score of each answer; NaN when the answer has none (a stored score is never NaN).
    let scores: [Double]
    /// Per answer: bit 0 set when the touchpoint was named, bit 1 when the answer has text.
    let flags: [UInt8]
    /// Where each answer's text ends in ``text``; it starts where the previous one's ends.
    let textEnds: [Int]
    /// The UTF-8 text of all answers, in order.
    let text: [UInt8]

    /// The touchpoint value of an answer tied to none.
    public static let noTouchpoint: UInt16 = 0xFFFF
    static let named: UInt8 = 1, hasText: UInt8 = 2

    init(customers: [Int32], timestamps: [Int64], metricNames: [String], metricCodes: [UInt8], touchpoints: [UInt16], scores: [Double],
         flags: [UInt8], textEnds: [Int], text: [UInt8]) {
        self.customers = customers
        self.timestamps = timestamps
        self.metricNames = metricNames
        self.metricCodes = metricCodes
        self.touchpoints = touchpoints
        self.scores = scores
        self.flags = flags
        self.textEnds = textEnds
        self.text = text
    }

    /// The first answer.
    public var startIndex: Int { 0 }
    /// One past the last answer.
    public var endIndex: Int { customers.count }

    /// The answer at `position`.
    public subscript(position: Int) -> FeedbackEntry {
        let touchpoint = touchpoints[position]
        return FeedbackEntry(customer: customers[position], timestamp: timestamps[position], metric: metric(at: position),
                             score: score(at: position), text: text(at: position),
                             touchpoint: touchpoint == Self.noTouchpoint ? -1 : Int(touchpoint), named: flags[position] & Self.named != 0)
    }

    /// The metric of the answer at `position`.
    public func metric(at position: Int) -> String { metricNames[Int(metricCodes[position])] }

    /// The score of the answer at `position`, when it has one.
    public func score(at position: Int) -> Double? {
        let score = scores[position]
        return score.isNaN ? nil : score
    }

    /// The free text of the answer at `position`, when it has one.
    public func text(at position: Int) -> String? {
        guard flags[position] & Self.hasText != 0 else { return nil }
        let start = position == 0 ? 0 : textEnds[position - 1]
        return String(decoding: text[start ..< textEnds[position]], as: UTF8.self)
    }

    /// Bytes the columns hold.
    public var memoryBytes: Int {
        customers.count * (4 + 8 + 1 + 2 + 8 + 1 + 8) + text.count
    }
}

/// A survey answer tied to a customer of the index and, when known, a touchpoint.
public struct FeedbackEntry: Sendable {
    /// The customer's position in the index.
    public var customer: Int32
    /// Milliseconds since 1970.
    public var timestamp: Int64
    /// `nps`, `csat`, `ces` or `text`.
    public var metric: String
    /// The score, when given.
    public var score: Double?
    /// The free text, when given.
    public var text: String?
    /// The touchpoint the answer names, or else the customer's last classified touchpoint before it; -1 when neither.
    public var touchpoint: Int
    /// Whether ``touchpoint`` was named by the answer rather than inferred.
    public var named: Bool
}
