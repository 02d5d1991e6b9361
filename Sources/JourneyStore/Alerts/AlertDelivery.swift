/// One alert in the outbox: the exact JSON body posted for it, and how its delivery went.
public struct AlertDelivery: Sendable, Codable, Equatable {
    /// Where a delivery stands.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Waiting for its next attempt.
        case pending
        /// A receiver answered 2xx.
        case delivered
        /// Every attempt of its last round failed; ``SQLWorkspaceStore/redeliverAlert(id:)`` starts a new round.
        case failed
    }

    /// The delivery's number (header `X-Wayfinder-Delivery`), which receivers may use to drop repeats.
    public var id: Int64
    /// The rule that fired.
    public var rule: Int64
    /// Where it stands.
    public var status: Status
    /// Attempts made so far, over every round.
    public var attempts: Int
    /// When the next attempt is due, ISO 8601; nil unless pending.
    public var nextAttemptAt: String?
    /// When it was enqueued, ISO 8601.
    public var createdAt: String
    /// When a receiver took it, ISO 8601.
    public var deliveredAt: String?
    /// The JSON body, byte for byte as posted.
    public var payload: String

    enum CodingKeys: String, CodingKey {
        case id, rule, status, attempts, payload
        case nextAttemptAt = "next_attempt_at"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }
}

/// One attempt to post a delivery.
public struct AlertAttempt: Sendable, Codable, Equatable {
    /// 1 for the first attempt of the delivery.
    public var number: Int
    /// When it started, ISO 8601.
    public var startedAt: String
    /// How long it took, in milliseconds.
    public var durationMilliseconds: Int
    /// The receiver's HTTP status, when it answered.
    public var statusCode: Int?
    /// Why it failed without an answer (`timed out`, `connection refused`…), when it did.
    public var error: String?

    /// Creates an attempt record.
    public init(number: Int, startedAt: String, durationMilliseconds: Int, statusCode: Int?, error: String?) {
        self.number = number
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.statusCode = statusCode
        self.error = error
    }

    /// Whether the receiver took the delivery (2xx).
    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }

    enum CodingKeys: String, CodingKey {
        case number, error
        case startedAt = "started_at"
        case durationMilliseconds = "duration_ms"
        case statusCode = "status_code"
    }
}

/// A delivery due now, with what the worker needs to post and sign it.
public struct DueAlertDelivery: Sendable {
    /// The delivery's number.
    public var id: Int64
    /// The rule's number.
    public var rule: Int64
    /// The rule's URL.
    public var url: String
    /// The rule's signing secret; never log it.
    public var secret: String
    /// The exact body.
    public var payload: String
    /// Attempts made so far (the next is `attempts + 1`).
    public var attempts: Int
    /// Attempts made in the current round (since the delivery was enqueued or last redelivered).
    public var attemptsThisRound: Int
}
