/// A journey map: stages and touchpoints for one or more personas.
public struct JourneyMap: Sendable, Equatable, Identifiable {
    /// Whether a map describes today or a proposed improvement.
    public enum State: String, Sendable, CaseIterable {
        /// How the journey works today.
        case current
        /// A proposed journey; it names the current map it improves.
        case future
    }

    /// `[a-z0-9-]+`, unique in the workspace.
    public var id: String
    /// Display title.
    public var title: String
    /// Longer description.
    public var description: String?
    /// Personas the map is drawn for, by id.
    public var personas: [String]
    /// Current or future state.
    public var state: State
    /// For a future map: the id of the current map it improves.
    public var improves: String?
    /// The day (UTC) the journey as drawn went live: analyses count only events from then on. A
    /// future-state map without it is a proposal that is not measured (unless asked explicitly).
    public var liveFrom: CalendarDate?
    /// What the map is meant to change, ideally measurable.
    public var objective: String?
    /// The range of touchpoint emotion scores.
    public var emotionScale: EmotionScale
    /// The touchpoint or stage id that counts as conversion.
    public var goal: String?
    /// Ordered stages.
    public var stages: [Stage]
    /// Touchpoints in map order (the order used to classify events).
    public var touchpoints: [Touchpoint]
    /// Free lanes with cards keyed by touchpoint id.
    public var lanes: [FreeLane]

    /// Creates a journey map; stages default to the five classic ones.
    public init(
        id: String, title: String, description: String? = nil, personas: [String] = [], state: State = .current,
        improves: String? = nil, objective: String? = nil, emotionScale: EmotionScale = .standard, goal: String? = nil,
        stages: [Stage] = Stage.defaults, touchpoints: [Touchpoint] = [], lanes: [FreeLane] = [], liveFrom: CalendarDate? = nil
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.personas = personas
        self.state = state
        self.improves = improves
        self.liveFrom = liveFrom
        self.objective = objective
        self.emotionScale = emotionScale
        self.goal = goal
        self.stages = stages
        self.touchpoints = touchpoints
        self.lanes = lanes
    }

    /// The stage with an id.
    public func stage(_ id: String) -> Stage? { stages.first { $0.id == id } }

    /// The touchpoint with an id.
    public func touchpoint(_ id: String) -> Touchpoint? { touchpoints.first { $0.id == id } }

    /// Touchpoints grouped under each stage, stages in order, touchpoints in map order.
    ///
    /// Touchpoints whose stage does not exist are left out.
    public var touchpointsByStage: [(stage: Stage, touchpoints: [Touchpoint])] {
        stages.map { stage in (stage, touchpoints.filter { $0.stage == stage.id }) }
    }
}

/// The numeric range of emotion scores on a map.
public struct EmotionScale: Sendable, Equatable {
    /// The most negative score.
    public var min: Double
    /// The most positive score.
    public var max: Double

    /// Creates a scale.
    public init(min: Double, max: Double) {
        self.min = min
        self.max = max
    }

    /// -2 to 2, the default.
    public static let standard = EmotionScale(min: -2, max: 2)

    /// The neutral midpoint.
    public var midpoint: Double { (min + max) / 2 }

    /// Whether a score lies on the scale.
    public func contains(_ score: Double) -> Bool { score >= min && score <= max }

    /// A score mapped to 0 (most negative) … 1 (most positive).
    public func normalized(_ score: Double) -> Double {
        guard max > min, (max - min).isFinite, score.isFinite else { return 0.5 }
        return (Swift.min(Swift.max(score, min), max) - min) / (max - min)
    }
}

/// A phase of the journey, such as awareness or decision.
public struct Stage: Sendable, Equatable, Identifiable {
    /// `[a-z0-9-]+`, unique in the map.
    public var id: String
    /// Display name.
    public var name: String
    /// What happens in this stage.
    public var description: String?

    /// Creates a stage.
    public init(id: String, name: String, description: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
    }

    /// Awareness, consideration, decision, retention, advocacy.
    public static let defaults: [Stage] = [
        Stage(id: "awareness", name: "Awareness"),
        Stage(id: "consideration", name: "Consideration"),
        Stage(id: "decision", name: "Decision"),
        Stage(id: "retention", name: "Retention"),
        Stage(id: "advocacy", name: "Advocacy"),
    ]
}

/// A free lane: a named row of cards keyed by touchpoint id.
public struct FreeLane: Sendable, Equatable, Identifiable {
    /// `[a-z0-9-]+`, unique in the map.
    public var id: String
    /// Display name.
    public var name: String
    /// Cards by touchpoint id, in the order written.
    public var cards: [(touchpoint: String, card: Card)]

    /// Creates a free lane.
    public init(id: String, name: String, cards: [(touchpoint: String, card: Card)] = []) {
        self.id = id
        self.name = name
        self.cards = cards
    }

    /// The card for a touchpoint.
    public func card(for touchpoint: String) -> Card? { cards.first { $0.touchpoint == touchpoint }?.card }

    public static func == (lhs: FreeLane, rhs: FreeLane) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name
            && lhs.cards.map(\.touchpoint) == rhs.cards.map(\.touchpoint) && lhs.cards.map(\.card) == rhs.cards.map(\.card)
    }
}
