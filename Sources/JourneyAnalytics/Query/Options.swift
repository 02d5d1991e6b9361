/// Options of every analysis; each has defaults, and a query carries only what it changes.
public struct Options: Codable, Sendable, Equatable {
    /// How a funnel counts.
    public enum FunnelMode: String, Codable, Sendable, CaseIterable {
        /// Steps in order, other events allowed between them.
        case ordered
        /// Steps in order with no other classified event between them.
        case strict
        /// All steps within the window, in any order.
        case anyOrder = "any_order"
    }

    /// A cleaning rule: touchpoint ids matching the regular expression are counted as `as`.
    public struct Alias: Codable, Sendable, Equatable {
        /// A regular expression over touchpoint ids.
        public var pattern: String
        /// The name the matching touchpoints take.
        public var `as`: String

        /// Creates a cleaning rule.
        public init(pattern: String, as name: String) {
            self.pattern = pattern
            self.as = name
        }
    }

    /// Funnel steps: stage ids or touchpoint ids (all of one kind); empty means the map's stages.
    public var steps: [String] = []
    /// The conversion window in days.
    public var windowDays: Double = 30
    /// How the funnel counts.
    public var mode: FunnelMode = .ordered
    /// Funnel: compute the median and 90th percentile times between steps (ordered and strict
    /// modes). Without them an ordered funnel only counts, several times faster.
    public var stepTimes: Bool = true
    /// Variants to list.
    public var top: Int = 20
    /// Count consecutive repeats of a touchpoint once.
    public var collapseRepeats: Bool = false
    /// Cleaning rules applied to touchpoint ids before paths are counted, first match wins.
    public var aliases: [Alias] = []
    /// Sankey: follow journeys from their first visit of this touchpoint.
    public var sankeyFrom: String?
    /// Sankey: follow journeys back from their first visit of this touchpoint.
    public var sankeyTo: String?
    /// Sankey: steps after the start (or before the end).
    public var sankeySteps: Int = 4
    /// Sankey: nodes kept per column (the rest are `other`).
    public var sankeyWidth: Int = 8
    /// Split a customer's events into separate journeys after this many days without events (nil: one journey per customer).
    public var gapDays: Double?
    /// Friction: days within which a second contact on a service channel counts as a repeat.
    public var repeatContactDays: Double = 3
    /// Friction: service channels for repeat contacts.
    public var serviceChannels: [String] = ["chat", "phone", "email", "support", "call-centre", "call-center", "store"]
    /// Friction: a transition is slow when its median is this many times the journey's median transition.
    public var slowFactor: Double = 3
    /// Friction and conformance: customers a finding needs before it is reported.
    public var minimumCustomers: Int = 20
    /// Conformance and friction: example customers listed per finding.
    public var examples: Int = 3
    /// Measure a future-state map against all the data in the range, as if it had always been live
    /// (ignoring its `live_from`); see ``Liveness``.
    public var measureFuture: Bool = false
    /// Compare: the analysis compared.
    public var compareKind: AnalysisQuery.Kind = .funnel
    /// Compare: the first side (date range and filters; the query's own when absent).
    public var before: Segment?
    /// Compare: the second side.
    public var after: Segment?
    /// Customers and verbatims: the touchpoint id (required by those kinds).
    public var touchpoint: String?
    /// Customers and verbatims: rows listed (nil: all of them).
    public var limit: Int?
    /// Customers and verbatims: rows skipped before the first one listed (nil: none).
    public var offset: Int?
    /// Customers: the order of the list.
    public var order: CustomerOrder = .lastVisit
    /// Customers: largest (latest) first; customers without a value (no goal, no name) come last either way.
    public var descending: Bool = true
    /// Attribution: the model that shares the credit.
    public var model: AttributionModel = .markov
    /// Attribution: what gets the credit, the channels or the touchpoints.
    public var by: AttributionUnit = .channel
    /// Attribution: the order of the Markov chain (its states are the last k channels or touchpoints).
    public var markovOrder: Int = 1
    /// Attribution: a property path whose number is a customer's conversion value (read on their
    /// earliest classified event that has it); nil to credit conversions only.
    public var value: String?
    /// Attribution: only events this many days before a customer's conversion count (nil: all).
    public var lookbackDays: Double?
    /// Attribution: time decay's half-life in days.
    public var halfLifeDays: Double = 7
    /// Next best action: customers whose odds of reaching the goal are under this are at risk
    /// (nil: half the odds at the start of a journey).
    public var riskBelow: Double?
    /// Next best action: transitions from a position to a touchpoint needed before it is suggested.
    public var minimumTransitions: Int = 20
    /// Next best action: the one customer to show (an id as `wayfinder customers` lists it), at risk or not.
    public var customer: String?
    /// Funnel: touchpoints that take a customer out of the funnel when met between two of its steps.
    public var exclusions: [Exclusion] = []
    /// Funnel: per step id, the most days from the previous step's event to this step's (ordered
    /// and strict funnels), beside the window over the whole chain.
    public var stepWindowsDays: [String: Double] = [:]
    /// Funnel: count every pass through the funnel, a customer starting again after each event
    /// that completed it (`passes` per step, `completions` in all).
    public var countRepeats: Bool = false
    /// Customers: the funnel step (an id of `steps`, or a stage) whose customers are listed, instead of a touchpoint's.
    public var step: String?
    /// Customers of a funnel step: those who reached the step before it but not it, instead of those who reached it.
    public var dropped: Bool = false
    /// Retention: cohorts by the week or the month customers were first seen.
    public var cohort: CohortPeriod = .month
    /// Retention: the stage or touchpoint id customers return to (nil: the stage `retention`, else the last stage).
    public var returningTo: String?
    /// Retention: later periods counted after the cohort's own.
    public var periods: Int = 12
    /// Segments: the number of groups (nil: tried from 2 to 8, the best silhouette taken).
    public var k: Int?
    /// Segments: the trait paths customers are grouped by (empty: every trait the index read
    /// beyond names and email, which are the persona rules' unless the query names others).
    public var traits: [String] = []
    /// Segments: group by traits and journeys, or by one of them.
    public var segmentBy: SegmentBy = .both
    /// Segments: list each customer's group.
    public var assignments: Bool = false

    /// Default options.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case steps, mode, top, aliases, examples, before, after
        case windowDays = "window_days", stepTimes = "step_times", collapseRepeats = "collapse_repeats", sankeyFrom = "sankey_from", sankeyTo = "sankey_to"
        case sankeySteps = "sankey_steps", sankeyWidth = "sankey_width", gapDays = "gap_days", repeatContactDays = "repeat_contact_days"
        case serviceChannels = "service_channels", slowFactor = "slow_factor", minimumCustomers = "minimum_customers", compareKind = "compare_kind"
        case measureFuture = "measure_future"
        case touchpoint, limit, offset, order, descending
        case model, by, value
        case markovOrder = "markov_order", lookbackDays = "lookback_days", halfLifeDays = "half_life_days"
        case riskBelow = "risk_below", minimumTransitions = "minimum_transitions", customer
        case cohort, periods, returningTo = "returning_to", step, dropped, exclusions
        case k, traits, segmentBy = "segment_by", assignments
        case stepWindowsDays = "step_windows_days", countRepeats = "count_repeats"
    }

    /// Decodes options, with defaults for what is missing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Options()
        steps = try container.decodeIfPresent([String].self, forKey: .steps) ?? defaults.steps
        windowDays = try container.decodeIfPresent(Double.self, forKey: .windowDays) ?? defaults.windowDays
        mode = try container.decodeIfPresent(FunnelMode.self, forKey: .mode) ?? defaults.mode
        stepTimes = try container.decodeIfPresent(Bool.self, forKey: .stepTimes) ?? defaults.stepTimes
        top = try container.decodeIfPresent(Int.self, forKey: .top) ?? defaults.top
        collapseRepeats = try container.decodeIfPresent(Bool.self, forKey: .collapseRepeats) ?? defaults.collapseRepeats
        aliases = try container.decodeIfPresent([Alias].self, forKey: .aliases) ?? defaults.aliases
        sankeyFrom = try container.decodeIfPresent(String.self, forKey: .sankeyFrom)
        sankeyTo = try container.decodeIfPresent(String.self, forKey: .sankeyTo)
        sankeySteps = try container.decodeIfPresent(Int.self, forKey: .sankeySteps) ?? defaults.sankeySteps
        sankeyWidth = try container.decodeIfPresent(Int.self, forKey: .sankeyWidth) ?? defaults.sankeyWidth
        gapDays = try container.decodeIfPresent(Double.self, forKey: .gapDays)
        repeatContactDays = try container.decodeIfPresent(Double.self, forKey: .repeatContactDays) ?? defaults.repeatContactDays
        serviceChannels = try container.decodeIfPresent([String].self, forKey: .serviceChannels) ?? defaults.serviceChannels
        slowFactor = try container.decodeIfPresent(Double.self, forKey: .slowFactor) ?? defaults.slowFactor
        minimumCustomers = try container.decodeIfPresent(Int.self, forKey: .minimumCustomers) ?? defaults.minimumCustomers
        examples = try container.decodeIfPresent(Int.self, forKey: .examples) ?? defaults.examples
        measureFuture = try container.decodeIfPresent(Bool.self, forKey: .measureFuture) ?? defaults.measureFuture
        compareKind = try container.decodeIfPresent(AnalysisQuery.Kind.self, forKey: .compareKind) ?? defaults.compareKind
        before = try container.decodeIfPresent(Segment.self, forKey: .before)
        after = try container.decodeIfPresent(Segment.self, forKey: .after)
        touchpoint = try container.decodeIfPresent(String.self, forKey: .touchpoint)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        offset = try container.decodeIfPresent(Int.self, forKey: .offset)
        order = try container.decodeIfPresent(CustomerOrder.self, forKey: .order) ?? defaults.order
        descending = try container.decodeIfPresent(Bool.self, forKey: .descending) ?? defaults.descending
        model = try container.decodeIfPresent(AttributionModel.self, forKey: .model) ?? defaults.model
        by = try container.decodeIfPresent(AttributionUnit.self, forKey: .by) ?? defaults.by
        markovOrder = try container.decodeIfPresent(Int.self, forKey: .markovOrder) ?? defaults.markovOrder
        value = try container.decodeIfPresent(String.self, forKey: .value)
        lookbackDays = try container.decodeIfPresent(Double.self, forKey: .lookbackDays)
        halfLifeDays = try container.decodeIfPresent(Double.self, forKey: .halfLifeDays) ?? defaults.halfLifeDays
        riskBelow = try container.decodeIfPresent(Double.self, forKey: .riskBelow)
        minimumTransitions = try container.decodeIfPresent(Int.self, forKey: .minimumTransitions) ?? defaults.minimumTransitions
        customer = try container.decodeIfPresent(String.self, forKey: .customer)
        exclusions = try container.decodeIfPresent([Exclusion].self, forKey: .exclusions) ?? defaults.exclusions
        step = try container.decodeIfPresent(String.self, forKey: .step)
        dropped = try container.decodeIfPresent(Bool.self, forKey: .dropped) ?? defaults.dropped
        cohort = try container.decodeIfPresent(CohortPeriod.self, forKey: .cohort) ?? defaults.cohort
        returningTo = try container.decodeIfPresent(String.self, forKey: .returningTo)
        periods = try container.decodeIfPresent(Int.self, forKey: .periods) ?? defaults.periods
        k = try container.decodeIfPresent(Int.self, forKey: .k)
        traits = try container.decodeIfPresent([String].self, forKey: .traits) ?? defaults.traits
        segmentBy = try container.decodeIfPresent(SegmentBy.self, forKey: .segmentBy) ?? defaults.segmentBy
        assignments = try container.decodeIfPresent(Bool.self, forKey: .assignments) ?? defaults.assignments
        stepWindowsDays = try container.decodeIfPresent([String: Double].self, forKey: .stepWindowsDays) ?? defaults.stepWindowsDays
        countRepeats = try container.decodeIfPresent(Bool.self, forKey: .countRepeats) ?? defaults.countRepeats
    }

    /// What segments group customers by.
    public enum SegmentBy: String, Codable, Sendable, CaseIterable {
        /// Traits and journeys.
        case both
        case traits
        case journeys
    }

    /// A funnel's exclusion: a customer with a counted event at `touchpoint` (ids joined by `|`
    /// for several) after their event of step `from` and before their event of step `to` (the
    /// first and the last step when absent) does not count.
    public struct Exclusion: Codable, Sendable, Equatable {
        public var touchpoint: String
        public var from: String?
        public var to: String?

        public init(touchpoint: String, from: String? = nil, to: String? = nil) {
            self.touchpoint = touchpoint
            self.from = from
            self.to = to
        }
    }

    /// The period of a retention cohort.
    public enum CohortPeriod: String, Codable, Sendable, CaseIterable {
        case week, month
    }

    /// What attribution credits.
    public enum AttributionUnit: String, Codable, Sendable, CaseIterable {
        case channel, touchpoint
    }

    /// How the customers of a touchpoint are ordered (ties by customer id, ascending).
    public enum CustomerOrder: String, Codable, Sendable, CaseIterable {
        /// Their last counted event at the touchpoint.
        case lastVisit = "last_visit"
        /// Their first counted event at the touchpoint.
        case firstVisit = "first_visit"
        /// Their counted events at the touchpoint.
        case visits
        /// When they reached the map's goal after their first visit.
        case goalAt = "goal_at"
        /// Their display name.
        case name
        /// Their customer number.
        case customer
    }
}

/// One side of a comparison: a label, a time range and filters.
public struct Segment: Codable, Sendable, Equatable {
    /// How the side is named in results.
    public var label: String
    /// Its time range.
    public var range: DateRange?
    /// Its filters (the query's when nil).
    public var filters: Filters?

    /// Creates a side.
    public init(label: String, range: DateRange? = nil, filters: Filters? = nil) {
        self.label = label
        self.range = range
        self.filters = filters
    }
}
