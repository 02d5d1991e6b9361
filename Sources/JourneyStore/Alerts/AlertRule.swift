import CustomerData

/// A rule on a journey map that sends an alert to a URL when a customer needs attention.
///
/// The secret signs every delivery (``AlertSignature``) and is never part of a listing's
/// JSON; it is shown once, when the rule is added (``NewAlertRule``). The store keeps it in
/// clear, because signing needs it (unlike API keys, kept as digests).
public struct AlertRule: Sendable, Codable, Equatable {
    /// The fewest characters of a secret given by the caller.
    public static let minimumSecretLength = 16

    /// What makes the rule fire.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A customer gives a negative survey answer (NPS 0–6, CSAT 1–2, CES 5–7, as the friction
        /// analysis counts them) at a touchpoint of the map, or at one of ``AlertRule/touchpoints`` when listed.
        case negativeFeedback = "negative-feedback"
        /// A customer has stayed in a stage (``AlertRule/stage``, or any stage when nil) for more than
        /// ``AlertRule/days`` days without an event classified into another stage; once per stage entry.
        case stageStay = "stage-stay"
        /// A customer has an event classified into one of ``AlertRule/touchpoints``, the map's
        /// friction touchpoints (as a friction analysis ranked them, or chosen by hand).
        case frictionTouchpoint = "friction-touchpoint"
        /// A customer becomes at risk: an event moves them to one of ``AlertRule/touchpoints`` (the
        /// touchpoints whose odds of reaching the goal were under a threshold when the rule was
        /// added, as `wayfinder analyze next-best` gives them) from a position outside them.
        case atRisk = "at-risk"
    }

    /// The rule's number.
    public var id: Int64
    /// The workspace of the map.
    public var workspace: String
    /// The map's id.
    public var map: String
    /// What makes it fire.
    public var kind: Kind
    /// A name to remember it by; may be empty.
    public var name: String
    /// Touchpoint ids: a filter for negative feedback (empty: every touchpoint), the friction
    /// touchpoints for a friction rule.
    public var touchpoints: [String]
    /// The stage of a stage-stay rule; nil for any stage.
    public var stage: String?
    /// Days in the stage after which a stage-stay rule fires.
    public var days: Double?
    /// Where deliveries are posted.
    public var url: String
    /// Whether the rule is evaluated.
    public var enabled: Bool
    /// When it was added, ISO 8601.
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, workspace, map, kind, name, touchpoints, stage, days, url, enabled
        case createdAt = "created_at"
    }
}

/// A rule just added, with its secret: the only time the store gives the secret out (the
/// delivery worker reads it to sign).
public struct NewAlertRule: Sendable, Equatable {
    /// The stored rule.
    public var rule: AlertRule
    /// The HMAC-SHA256 key that signs its deliveries.
    public var secret: String
}

/// What a new rule says; checked by ``SQLWorkspaceStore/addAlertRule(_:)``.
public struct AlertRuleDraft: Sendable, Equatable {
    /// The workspace of the map.
    public var workspace: String
    /// The map's id.
    public var map: String
    /// What makes it fire.
    public var kind: AlertRule.Kind
    /// Where deliveries are posted: an `http` or `https` URL.
    public var url: String
    /// The signing secret (at least 16 characters); nil makes a random one.
    public var secret: String?
    /// A name to remember it by.
    public var name: String
    /// Touchpoint ids (a filter, or the friction touchpoints); every one must be on the map.
    public var touchpoints: [String]
    /// The stage of a stage-stay rule; nil for any stage.
    public var stage: String?
    /// Days of a stage-stay rule, more than 0.
    public var days: Double?

    /// Creates a draft.
    public init(workspace: String, map: String, kind: AlertRule.Kind, url: String, secret: String? = nil, name: String = "",
                touchpoints: [String] = [], stage: String? = nil, days: Double? = nil) {
        self.workspace = workspace
        self.map = map
        self.kind = kind
        self.url = url
        self.secret = secret
        self.name = name
        self.touchpoints = touchpoints
        self.stage = stage
        self.days = days
    }
}
