/// A moment where the customer meets the brand on a channel, with its lanes.
public struct Touchpoint: Sendable, Equatable, Identifiable {
    /// `[a-z0-9-]+`, unique in the map.
    public var id: String
    /// Display name.
    public var name: String
    /// The stage it belongs to, by id.
    public var stage: String
    /// The channel, such as `web`, `email` or `store`.
    public var channel: String
    /// Longer description.
    public var description: String?
    /// The rule that classifies events into this touchpoint.
    public var match: EventMatch?
    /// What the customer does.
    public var actions: [Card]
    /// What the customer thinks.
    public var thoughts: [Card]
    /// What the customer asks themselves.
    public var questions: [Card]
    /// How the customer feels, on the map's emotion scale.
    public var emotion: Double?
    /// What hurts, with severity.
    public var painPoints: [PainPoint]
    /// What could be better, with owner, status and priority.
    public var opportunities: [Opportunity]
    /// The team that owns this touchpoint backstage.
    public var owner: String?
    /// Measures of success with targets.
    public var kpis: [KPI]
    /// Whether the touchpoint itself was observed, assumed or proposed.
    public var evidence: Evidence?
    /// Where that evidence comes from.
    public var source: String?

    /// Creates a touchpoint.
    public init(
        id: String, name: String, stage: String, channel: String, description: String? = nil, match: EventMatch? = nil,
        actions: [Card] = [], thoughts: [Card] = [], questions: [Card] = [], emotion: Double? = nil,
        painPoints: [PainPoint] = [], opportunities: [Opportunity] = [], owner: String? = nil, kpis: [KPI] = [],
        evidence: Evidence? = nil, source: String? = nil
    ) {
        self.id = id
        self.name = name
        self.stage = stage
        self.channel = channel
        self.description = description
        self.match = match
        self.actions = actions
        self.thoughts = thoughts
        self.questions = questions
        self.emotion = emotion
        self.painPoints = painPoints
        self.opportunities = opportunities
        self.owner = owner
        self.kpis = kpis
        self.evidence = evidence
        self.source = source
    }
}

/// How well founded a card is.
public enum Evidence: String, Sendable, CaseIterable, Codable {
    /// Seen in research or data.
    case observed
    /// Believed by the team, not yet checked.
    case assumed
    /// A proposal for the future.
    case proposed
}

/// A text card in a lane, optionally with its evidence.
public struct Card: Sendable, Equatable {
    /// The card's text.
    public var text: String
    /// Observed, assumed or proposed.
    public var evidence: Evidence?
    /// Where the evidence comes from.
    public var source: String?

    /// Creates a card.
    public init(_ text: String, evidence: Evidence? = nil, source: String? = nil) {
        self.text = text
        self.evidence = evidence
        self.source = source
    }
}

/// A pain point at a touchpoint.
public struct PainPoint: Sendable, Equatable {
    /// How badly it hurts.
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case low, medium, high, critical

        /// 1 (low) … 4 (critical).
        public var rank: Int { Self.allCases.firstIndex(of: self)! + 1 }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// What hurts.
    public var text: String
    /// How badly; medium when not given.
    public var severity: Severity?
    /// Observed, assumed or proposed.
    public var evidence: Evidence?
    /// Where the evidence comes from.
    public var source: String?

    /// Creates a pain point.
    public init(_ text: String, severity: Severity? = nil, evidence: Evidence? = nil, source: String? = nil) {
        self.text = text
        self.severity = severity
        self.evidence = evidence
        self.source = source
    }
}

/// An improvement opportunity at a touchpoint.
public struct Opportunity: Sendable, Equatable {
    /// Where the opportunity stands.
    public enum Status: String, Sendable, CaseIterable {
        case idea, planned, inProgress = "in-progress", done, dropped
    }

    /// How urgent it is.
    public enum Priority: String, Sendable, CaseIterable, Comparable {
        case low, medium, high

        public static func < (lhs: Priority, rhs: Priority) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// What could be done.
    public var text: String
    /// Who owns it.
    public var owner: String?
    /// Idea, planned, in progress, done or dropped.
    public var status: Status?
    /// Low, medium or high.
    public var priority: Priority?
    /// Observed, assumed or proposed.
    public var evidence: Evidence?
    /// Where the evidence comes from.
    public var source: String?

    /// Creates an opportunity.
    public init(_ text: String, owner: String? = nil, status: Status? = nil, priority: Priority? = nil, evidence: Evidence? = nil, source: String? = nil) {
        self.text = text
        self.owner = owner
        self.status = status
        self.priority = priority
        self.evidence = evidence
        self.source = source
    }
}

/// A key performance indicator with its target.
public struct KPI: Sendable, Equatable {
    /// What is measured.
    public var name: String
    /// The value aimed for.
    public var target: Double?
    /// The unit of target (ratio, percent, seconds, count…).
    public var unit: String?

    /// Creates a KPI.
    public init(name: String, target: Double? = nil, unit: String? = nil) {
        self.name = name
        self.target = target
        self.unit = unit
    }
}
