/// Friction: `{"friction": {"findings": [{"rank": 1, "kind": "drop_off", "touchpoint": "…", …}], "baselines": […], …}}`.
///
/// Every finding compares a rate at one touchpoint or transition (``Finding/affected`` out of
/// ``Finding/exposed``) with the same rate over the whole journey (``Finding/baselineRate``), and
/// estimates the conversions it costs; findings are ranked by that estimate, then by customers
/// affected. The formulas are in ``FrictionAnalysis`` and in `docs/analytics.md`, "Friction".
public struct FrictionResult: Codable, Sendable, Equatable {
    /// What kind of friction a finding is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Visitors of a touchpoint who never reached the goal and went no further than its stage.
        case dropOff = "drop_off"
        /// Customers who made a transition before converting and never reached the goal.
        case transitionDropOff = "transition_drop_off"
        /// Customers moving from a touchpoint straight to one of an earlier stage.
        case loopBack = "loop_back"
        /// Customers contacting a service channel again within the repeat window.
        case repeatContact = "repeat_contact"
        /// Transitions whose median time is far above the journey's median transition.
        case slowTransition = "slow_transition"
        /// Touchpoints whose survey answers are negative more often than the journey's.
        case negativeFeedback = "negative_feedback"
    }

    /// One friction point.
    public struct Finding: Codable, Sendable, Equatable {
        /// Position in the ranking, from 1.
        public var rank: Int
        /// The kind.
        public var kind: Kind
        /// The touchpoint id, for touchpoint kinds (`drop_off`, `repeat_contact`, `negative_feedback`).
        public var touchpoint: String?
        /// The touchpoint left, for transition kinds.
        public var from: String?
        /// The touchpoint reached, for transition kinds.
        public var to: String?
        /// The stage id of the touchpoint (of `from` for transitions).
        public var stage: String
        /// The stage id of `to`, for transitions.
        public var toStage: String?
        /// Customers affected.
        public var customers: Int
        /// What the rate is measured over: visitors (`drop_off`), customers making the transition
        /// (before converting, for `transition_drop_off`; `slow_transition`), customers leaving `from` (`loop_back`),
        /// customers contacting (`repeat_contact`), scored answers (`negative_feedback`).
        public var exposed: Int
        /// How many of ``exposed`` were affected (customers, or negative answers for `negative_feedback`).
        public var affected: Int
        /// `affected / exposed`.
        public var rate: Double
        /// The same rate over the whole journey (see ``FrictionResult/baselines``).
        public var baselineRate: Double
        /// `rate / baseline_rate` (nil when the baseline is 0).
        public var lift: Double?
        /// Goal conversion of the affected customers.
        public var conversion: Double?
        /// The conversion they are compared with (see ``FrictionAnalysis``).
        public var baselineConversion: Double?
        /// Estimated conversions lost against the baseline.
        public var conversionsLost: Double
        /// Two-proportion z statistic of this rate against the rest of the journey (nil without a rest or variance).
        public var z: Double?
        /// Two-sided p-value of ``z``.
        public var p: Double?
        /// Median seconds of the transition, for `slow_transition`.
        public var medianSeconds: Double?
        /// Up to `examples` affected customers (`cus_N`), in customer order.
        public var examples: [String]

        enum CodingKeys: String, CodingKey {
            case rank, kind, touchpoint, from, to, stage, customers, exposed, affected, rate, lift, conversion, z, p, examples
            case toStage = "to_stage", baselineRate = "baseline_rate", baselineConversion = "baseline_conversion"
            case conversionsLost = "conversions_lost", medianSeconds = "median_seconds"
        }
    }

    /// A kind's journey-wide rate.
    public struct Baseline: Codable, Sendable, Equatable {
        /// The kind.
        public var kind: Kind
        /// Everything exposed over the journey.
        public var exposed: Int
        /// Everything affected over the journey.
        public var affected: Int
        /// `affected / exposed` (nil when nothing is exposed).
        public var rate: Double?
    }

    /// Findings, ranked.
    public var findings: [Finding]
    /// The journey-wide rate of each kind.
    public var baselines: [Baseline]
    /// Customers with at least one counted event.
    public var customers: Int
    /// Of those, customers who reached the goal.
    public var converted: Int
    /// `converted / customers`.
    public var conversion: Double?
    /// The median seconds of all transitions between two different touchpoints.
    public var medianTransitionSeconds: Double?
    /// A transition is slow above this many seconds (`slow_factor` × the median transition).
    public var slowThresholdSeconds: Double?
    /// Customers a finding needs.
    public var minimumCustomers: Int

    enum CodingKeys: String, CodingKey {
        case findings, baselines, customers, converted, conversion
        case medianTransitionSeconds = "median_transition_seconds", slowThresholdSeconds = "slow_threshold_seconds"
        case minimumCustomers = "minimum_customers"
    }
}
