/// The customers who passed one touchpoint, a page at a time:
/// `{"customers": {"touchpoint", "total", "converted", "offset", "limit", "customers": [...]}}`.
public struct CustomerListResult: Codable, Sendable, Equatable {
    /// One customer who passed the touchpoint.
    public struct Row: Codable, Sendable, Equatable {
        /// The customer id, `cus_42`.
        public var id: String
        /// The display name from the customer's traits (``CustomerNames``), when the store has one.
        public var name: String?
        /// The customer's persona id; nil when the customer matches none.
        public var persona: String?
        /// The first counted event at the touchpoint, ISO 8601.
        public var firstVisit: String
        /// The last counted event at the touchpoint, ISO 8601.
        public var lastVisit: String
        /// Counted events at the touchpoint.
        public var visits: Int
        /// Whether a counted event reached the map's goal at or after the first visit.
        public var reachedGoal: Bool
        /// The first such event, ISO 8601.
        public var goalAt: String?

        enum CodingKeys: String, CodingKey {
            case id, name, persona, visits
            case firstVisit = "first_visit", lastVisit = "last_visit", reachedGoal = "reached_goal", goalAt = "goal_at"
        }
    }

    /// The touchpoint id (nil for a list of a funnel step).
    public var touchpoint: String?
    /// The funnel step of a list of a step, and whether it holds those who dropped before it.
    public var step: String?
    public var dropped: Bool?
    /// Customers who passed it (the touchpoint's `visitors`): every row of the list, not only this page's.
    public var total: Int
    /// Of those, the customers who reached the goal at or after their first visit (its `converted`).
    public var converted: Int
    /// Rows skipped before this page.
    public var offset: Int
    /// The most rows a page holds; nil when the list is not paged.
    public var limit: Int?
    /// The order of the list.
    public var order: Options.CustomerOrder
    /// Whether the largest (latest) values come first.
    public var descending: Bool
    /// The rows of this page.
    public var customers: [Row]
}

/// The free-text survey answers given at one touchpoint, newest first, a page at a time:
/// `{"verbatims": {"touchpoint", "total", "answers", "offset", "limit", "verbatims": [...]}}`.
public struct VerbatimsResult: Codable, Sendable, Equatable {
    /// One answer with text.
    public struct Row: Codable, Sendable, Equatable {
        /// When it was given, ISO 8601.
        public var time: String
        /// The customer id, `cus_42`.
        public var customer: String
        /// The customer's display name, when the store has one.
        public var name: String?
        /// The customer's persona id; nil when the customer matches none.
        public var persona: String?
        /// `nps`, `csat`, `ces` or `text`.
        public var metric: String
        /// The score, when the answer has one.
        public var score: Double?
        /// The answer's text.
        public var text: String
        /// The text's compound sentiment from -1 to 1 (``SentimentScorer``).
        public var sentiment: Double
        /// Positive, negative or neutral (compound ≥ 0.05, ≤ -0.05, between).
        public var polarity: Sentiment.Polarity
        /// Whether the answer named the touchpoint (false: it followed the customer's last event there).
        public var named: Bool
    }

    /// The touchpoint id.
    public var touchpoint: String
    /// Answers with text at the touchpoint: every row of the list, not only this page's.
    public var total: Int
    /// Answers at the touchpoint, with text or not.
    public var answers: Int
    /// Rows skipped before this page.
    public var offset: Int
    /// The most rows a page holds; nil when the list is not paged.
    public var limit: Int?
    /// The rows of this page, newest first.
    public var verbatims: [Row]
}
