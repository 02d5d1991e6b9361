import Foundation

/// What a generated scenario holds, counted while it was generated: the planted truth that
/// imports and analyses are checked against.
///
/// Written as `truth.json` (keys sorted, so the same seed gives the same bytes). Counts follow the
/// definitions in DESIGN.md and `docs/analytics.md`: the funnel is the ordered stage funnel within
/// ``windowDays``; a touchpoint's drop-off is the share of its visitors who never reached the goal
/// and whose furthest stage is the touchpoint's own stage or an earlier one ("left without
/// converting and never reached a later stage").
public struct ScenarioTruth: Codable, Sendable, Equatable {
    /// Customers reaching each step of an ordered funnel.
    public struct Funnel: Codable, Sendable, Equatable {
        /// One step: the stage id and the customers who reached it (or a later step).
        public struct Step: Codable, Sendable, Equatable {
            /// The stage id.
            public var id: String
            /// Customers who reached this step or beyond.
            public var customers: Int
        }

        /// The steps in stage order.
        public var steps: [Step]
    }

    /// Conversion into the map's goal.
    public struct Goal: Codable, Sendable, Equatable {
        /// The goal touchpoint id, when the goal is a touchpoint.
        public var touchpoint: String?
        /// The goal's stage id.
        public var stage: String?
        /// Customers with at least one goal event.
        public var customers: Int
        /// Goal events, repeats included.
        public var events: Int
        /// Customers with two or more goal events.
        public var repeatCustomers: Int

        enum CodingKeys: String, CodingKey {
            case touchpoint, stage, customers, events
            case repeatCustomers = "repeat_customers"
        }
    }

    /// Visitors of a touchpoint and how many of them left there: never reached the goal nor a later stage.
    public struct DropOff: Codable, Sendable, Equatable {
        /// Customers who visited.
        public var visitors: Int
        /// Visitors who never reached the goal nor a later stage.
        public var left: Int
        /// `left / visitors`, rounded to 4 decimals (0 without visitors).
        public var dropOff: Double

        enum CodingKeys: String, CodingKey {
            case visitors, left
            case dropOff = "drop_off"
        }
    }

    /// A planted friction point.
    public struct Friction: Codable, Sendable, Equatable {
        /// The touchpoint id.
        public var touchpoint: String
        /// Its stage id.
        public var stage: String
        /// The probability of leaving right after a visit that was planted.
        public var plannedDropOff: Double
        /// What the generated data shows.
        public var realised: DropOff

        enum CodingKeys: String, CodingKey {
            case touchpoint, stage, realised
            case plannedDropOff = "planned_drop_off"
        }
    }

    /// The drop-off of every other touchpoint (not friction, not the goal, not in the last stage), pooled.
    public struct Baseline: Codable, Sendable, Equatable {
        /// The planned range of stage drop-off probabilities.
        public var plannedDropOff: [Double]
        /// What the generated data shows.
        public var realised: DropOff

        enum CodingKeys: String, CodingKey {
            case realised
            case plannedDropOff = "planned_drop_off"
        }
    }

    /// Per-touchpoint counts.
    public struct TouchpointCounts: Codable, Sendable, Equatable {
        /// The touchpoint's stage id.
        public var stage: String
        /// Events classified into it.
        public var events: Int
        /// Visitors and drop-off.
        public var realised: DropOff
    }

    /// Survey answers for one touchpoint and metric.
    public struct FeedbackSummary: Codable, Sendable, Equatable {
        /// Answers.
        public var count: Int
        /// Mean score, rounded to 4 decimals (nil for free text).
        public var mean: Double?
    }

    /// Identifier counts.
    public struct Identifiers: Codable, Sendable, Equatable {
        /// Distinct normalised identifiers over all customers.
        public var total: Int
        /// Per kind (`anonymous`, `user`, `email`, `phone`, `device`).
        public var byKind: [String: Int]
        /// Customers with at least one identify event.
        public var identifiedCustomers: Int
        /// Customers who stayed anonymous.
        public var anonymousCustomers: Int
        /// Devices (anonymous ids) over all customers.
        public var devices: Int

        enum CodingKeys: String, CodingKey {
            case total, devices
            case byKind = "by_kind"
            case identifiedCustomers = "identified_customers"
            case anonymousCustomers = "anonymous_customers"
        }
    }

    /// A touchpoint that gets no events, and why.
    public struct Unreachable: Codable, Sendable, Equatable {
        /// The touchpoint id.
        public var touchpoint: String
        /// Why no event can be classified into it.
        public var reason: String
    }

    /// A planted group of customers (``ScenarioGenerator``'s `groups`).
    public struct PlantedGroup: Codable, Sendable, Equatable {
        /// `group-1`, `group-2`…
        public var id: String
        /// Customers in it, and those of them who identified (so their traits are known).
        public var customers: Int
        public var identified: Int
        /// Its customers per persona id (`none` included): groups cut across personas.
        public var personas: [String: Int]
        /// The `market.region` and `market.tier` most of its customers have.
        public var region: String
        public var tier: String
        /// The range of its customers' `market.yearly_spend`.
        public var yearlySpend: [Int]
        /// The touchpoint of each stage its customers favour.
        public var favouredTouchpoints: [String]

        enum CodingKeys: String, CodingKey {
            case id, customers, identified, personas, region, tier
            case yearlySpend = "yearly_spend", favouredTouchpoints = "favoured_touchpoints"
        }
    }

    /// The generator's format version.
    public var generator: String
    /// The template name.
    public var scenario: String
    /// The seed.
    public var seed: UInt64
    /// The current-state journey the data follows.
    public var journey: String
    /// The first possible timestamp.
    public var start: String
    /// The funnel window, and the most any customer's events span.
    public var windowDays: Int
    /// Customers generated.
    public var customers: Int
    /// Events generated.
    public var events: Int
    /// Events per type (`track`, `page`, `screen`, `identify`, `feedback`).
    public var eventsByType: [String: Int]
    /// The file format, when written by ``ScenarioWriter``.
    public var format: String?
    /// Events per written file.
    public var files: [String: Int]
    /// The file of `customer,identifier` rows, beside `truth.json`.
    public var identifiersFile: String?
    /// Identifier counts.
    public var identifiers: Identifiers
    /// Customers per persona id (`none` for customers matching no persona).
    public var personas: [String: Int]
    /// Customers per persona who identified (so their traits are known).
    public var personasIdentified: [String: Int]
    /// The ordered stage funnel over all customers.
    public var funnel: Funnel
    /// The same funnel per persona id (`none` included).
    public var funnelByPersona: [String: Funnel]
    /// Conversion into the goal.
    public var goal: Goal
    /// The planted friction points.
    public var friction: [Friction]
    /// The drop-off elsewhere.
    public var baseline: Baseline
    /// Counts per touchpoint id.
    public var touchpoints: [String: TouchpointCounts]
    /// Survey answers per touchpoint id and metric.
    public var feedback: [String: [String: FeedbackSummary]]
    /// Events whose userId is junk (`undefined`, `null`) beside a valid anonymousId.
    public var junkIdEvents: Int
    /// Planted noise events (names no rule selects).
    public var noiseEvents: Int
    /// Events no touchpoint selects: noise, identify and survey answers not tied to a touchpoint's rule.
    public var unclassifiedEvents: Int
    /// Touchpoints without events.
    public var unreachableTouchpoints: [Unreachable]
    /// The planted groups, when the scenario plants them.
    public var groups: [PlantedGroup]?
    /// The file of `customer,group` rows, beside `truth.json`, when there are groups.
    public var groupsFile: String?

    enum CodingKeys: String, CodingKey {
        case generator, scenario, seed, journey, start, customers, events, format, files, identifiers, personas, funnel, goal, friction,
             baseline, touchpoints, feedback
        case windowDays = "window_days"
        case eventsByType = "events_by_type"
        case identifiersFile = "identifiers_file"
        case personasIdentified = "personas_identified"
        case funnelByPersona = "funnel_by_persona"
        case junkIdEvents = "junk_id_events"
        case noiseEvents = "noise_events"
        case unclassifiedEvents = "unclassified_events"
        case unreachableTouchpoints = "unreachable_touchpoints"
        case groups
        case groupsFile = "groups_file"
    }

    /// The truth as pretty JSON with sorted keys, ending in a newline.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a truth file's JSON.
    public static func decode(_ json: String) throws -> ScenarioTruth {
        try JSONDecoder().decode(ScenarioTruth.self, from: Data(json.utf8))
    }
}
