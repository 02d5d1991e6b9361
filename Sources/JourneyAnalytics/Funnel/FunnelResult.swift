/// A funnel's counts: `{"funnel": {"steps": [{"id": "awareness", "customers": 1200}, …]}}` and more.
///
/// A funnel measures how far customers get through its steps; it says nothing about the map's
/// goal, so none of its numbers is *conversion* (which means reaching the goal; see
/// `docs/analytics.md`, "Definitions"): the last step's share of the first is ``reachedLast``.
public struct FunnelResult: Codable, Sendable, Equatable {
    /// Whether steps are stages or touchpoints.
    public enum StepKind: String, Codable, Sendable {
        case stage, touchpoint
    }

    /// One step.
    public struct Step: Codable, Sendable, Equatable {
        /// The stage or touchpoint id.
        public var id: String
        /// Its name on the map.
        public var name: String
        /// Customers who reached this step or beyond.
        public var customers: Int
        /// Share of the previous step's customers who reached this one (nil for the first step or when the previous had none).
        public var fromPrevious: Double?
        /// Share of the first step's customers who reached this one.
        public var overall: Double?
        /// Customers of the previous step who did not reach this one.
        public var dropOff: Int
        /// Median seconds from the previous step (ordered and strict modes).
        public var medianSeconds: Double?
        /// 90th percentile of seconds from the previous step.
        public var p90Seconds: Double?
        /// With repeats counted: the passes through the funnel that reached this step (a customer
        /// starts a new pass after each event that completed the funnel).
        public var passes: Int?
        /// The step's own window: the most days from the previous step (nil: the funnel's window only).
        public var windowDays: Double?

        enum CodingKeys: String, CodingKey {
            case id, name, customers, overall, passes
            case fromPrevious = "from_previous", dropOff = "drop_off", medianSeconds = "median_seconds", p90Seconds = "p90_seconds"
            case windowDays = "window_days"
        }
    }

    /// The funnel of one group of a breakdown.
    public struct Group: Codable, Sendable, Equatable {
        /// The group's value (persona id, channel, trait or property value).
        public var key: String
        /// Its steps (times between steps are given for the whole funnel only).
        public var steps: [Step]
    }

    /// The steps.
    public var steps: [Step]
    /// Stages or touchpoints.
    public var stepKind: StepKind
    /// How the funnel counted.
    public var mode: Options.FunnelMode
    /// The conversion window in days.
    public var windowDays: Double
    /// Customers with at least one counted event.
    public var customers: Int
    /// Share of the first step's customers who reached the last step ("reached Advocacy"; not conversion).
    public var reachedLast: Double?
    /// Median seconds from the first step to the furthest step reached, for customers reaching two or more.
    public var medianSecondsToFurthest: Double?
    /// The breakdown's groups, when the query has one.
    public var breakdown: [Group]?
    /// How long the customers who reached the last step took from the first (ordered and strict
    /// funnels of two or more steps, with step times).
    public var timeToConvert: TimeToConvert?
    /// Customers left out for meeting an exclusion (nil without exclusions).
    public var excluded: Int?
    /// With repeats counted: the passes that completed the funnel, over all customers.
    public var completions: Int?

    /// The distribution of the time from the first to the last step.
    public struct TimeToConvert: Codable, Sendable, Equatable {
        /// One bar: the customers who took more than the previous bound and at most this one
        /// (nil: more than the last bound).
        public struct Bucket: Codable, Sendable, Equatable {
            public var upToSeconds: Double?
            public var customers: Int

            enum CodingKeys: String, CodingKey {
                case customers
                case upToSeconds = "up_to_seconds"
            }
        }

        /// Customers who reached the last step.
        public var customers: Int
        public var medianSeconds: Double?
        public var p90Seconds: Double?
        public var buckets: [Bucket]

        /// The bounds of the buckets, in seconds: a minute, 5 and 15 minutes, an hour, 3 and 12
        /// hours, a day, 3, 7, 14 and 30 days.
        public static let bounds: [Double] = [60, 300, 900, 3600, 10_800, 43_200, 86_400, 259_200, 604_800, 1_209_600, 2_592_000]

        enum CodingKeys: String, CodingKey {
            case customers, buckets
            case medianSeconds = "median_seconds", p90Seconds = "p90_seconds"
        }
    }

    enum CodingKeys: String, CodingKey {
        case steps, mode, customers, breakdown
        case timeToConvert = "time_to_convert", excluded, completions
        case reachedLast = "reached_last", stepKind = "step_kind", windowDays = "window_days", medianSecondsToFurthest = "median_seconds_to_furthest"
    }

    init(plan: FunnelAnalysis.Plan, options: Options, selection: Selection, partials: [FunnelAnalysis.Partial]) {
        self.init(plan: plan, options: options, groups: selection.groupCount, labels: selection.groups == nil ? nil : selection.groupLabels, partials: partials)
    }

    /// The result of counts in `groups` groups, with their labels when the funnel has a breakdown.
    init(plan: FunnelAnalysis.Plan, options: Options, groups: Int, labels: [String]?, partials: [FunnelAnalysis.Partial]) {
        let steps = plan.ids.count
        var furthest = [Int](repeating: 0, count: steps * groups)
        var considered = 0
        var passes = [Int](repeating: 0, count: steps)
        for partial in partials {
            considered += partial.considered
            for step in 0..<steps { passes[step] += partial.passes[step] }
            for slot in furthest.indices { furthest[slot] += partial.reached[slot] }
        }
        func cumulative(_ group: Int?) -> [Int] {
            var counts = [Int](repeating: 0, count: steps)
            for candidate in 0..<groups where group == nil || group == candidate {
                for step in 0..<steps { counts[step] += furthest[candidate * steps + step] }
            }
            for step in stride(from: steps - 2, through: 0, by: -1) { counts[step] += counts[step + 1] }
            return counts
        }
        // Order statistics of each step's gaps (and of the whole span), one job per core, over
        // the per-thread lists as they are.
        let timings = options.mode == .anyOrder || !options.stepTimes ? [] : Parallel.each(steps + 1) { list -> (median: Double?, p90: Double?) in
            Quantiles.summary(parts: partials.map { list < steps ? $0.gaps[list] : $0.total }, within: 0...Options.milliseconds(days: options.windowDays))
        }
        func makeSteps(_ counts: [Int], times: Bool, overall: Bool = false) -> [Step] {
            (0..<steps).map { step in
                let timing: (median: Double?, p90: Double?) = times && step > 0 ? timings[step] : (nil, nil)
                let previous = step > 0 ? counts[step - 1] : nil
                return Step(
                    id: plan.ids[step], name: plan.names[step], customers: counts[step],
                    fromPrevious: previous.flatMap { $0 > 0 ? Double(counts[step]) / Double($0) : nil },
                    overall: counts[0] > 0 ? Double(counts[step]) / Double(counts[0]) : nil,
                    dropOff: previous.map { $0 - counts[step] } ?? 0, medianSeconds: timing.median, p90Seconds: timing.p90,
                    passes: options.countRepeats && overall ? passes[step] : nil,
                    windowDays: step < plan.stepWindows.count && plan.stepWindows[step] != nil ? options.stepWindowsDays[plan.ids[step]] : nil)
            }
        }
        let all = cumulative(nil)
        self.steps = makeSteps(all, times: !timings.isEmpty, overall: true)
        stepKind = plan.kind
        mode = options.mode
        windowDays = options.windowDays
        customers = considered
        reachedLast = all[0] > 0 ? Double(all[steps - 1]) / Double(all[0]) : nil
        medianSecondsToFurthest = timings.last?.median ?? nil
        excluded = options.exclusions.isEmpty ? nil : partials.reduce(0) { $0 + $1.excluded }
        completions = options.countRepeats ? passes[steps - 1] : nil
        if !timings.isEmpty, steps > 1 {
            let times = partials.map(\.complete)
            let summary = Quantiles.summary(parts: times, within: 0...Options.milliseconds(days: options.windowDays))
            var counts = [Int](repeating: 0, count: TimeToConvert.bounds.count + 1)
            for part in times {
                for milliseconds in part {
                    let seconds = Double(milliseconds) / 1000
                    counts[TimeToConvert.bounds.firstIndex { seconds <= $0 } ?? TimeToConvert.bounds.count] += 1
                }
            }
            timeToConvert = TimeToConvert(customers: times.reduce(0) { $0 + $1.count }, medianSeconds: summary.median, p90Seconds: summary.p90,
                                          buckets: counts.enumerated().map { TimeToConvert.Bucket(upToSeconds: $0 < TimeToConvert.bounds.count ? TimeToConvert.bounds[$0] : nil, customers: $1) })
        } else {
            timeToConvert = nil
        }
        breakdown = labels.map { labels in
            (0..<groups).compactMap { group in
                let counts = cumulative(group)
                return counts[0] == 0 ? nil : Group(key: labels[group], steps: makeSteps(counts, times: false))
            }
        }
    }
}
