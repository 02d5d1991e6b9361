import JourneyModel

/// A funnel a backend counts itself: what it needs to know (each touchpoint's steps as bits, the
/// window, the mode, the map's live day) and how its counts become the engine's result.
///
/// The backend evaluates every stitched customer's classified events, ordered by time and then
/// arrival, and reports how many customers had any (``AnalysisOutput/index``'s customers are
/// counted separately), per furthest step reached how many customers reached it, and, with
/// ``needsTimes``, the times between the steps of each customer's chain: of the chains that
/// reach the furthest step, the one completing at the earliest event; of those, the latest start
/// (the first event of that time), then the earliest event of each step after it. Queries the
/// backend cannot count (filters, breakdowns, date ranges, a touchpoint in several steps of a
/// strict funnel) give nil, and the in-process engine answers them.
public struct FunnelPushdown: Sendable {
    public let query: AnalysisQuery
    let plan: FunnelAnalysis.Plan
    /// Steps of the funnel.
    public var steps: Int { plan.ids.count }
    /// Per touchpoint of the map (in map order), the bits of the steps it is: bit k for step k.
    public let stepBits: [UInt64]
    /// The window in milliseconds.
    public let window: Int64
    public var mode: Options.FunnelMode { query.options.mode }
    /// Events before this time (milliseconds) do not count (a future map's live day), or nil.
    public let since: Int64?
    /// Whether the result reports times between steps (ordered and strict funnels with step times).
    public var needsTimes: Bool { query.options.stepTimes && mode != .anyOrder }

    /// The funnel of `query` on `journey` when a backend can count it; nil when the in-process
    /// engine must. A query that is wrong is refused as the engine refuses it.
    public init?(_ query: AnalysisQuery, journey: JourneyMap) throws(AnalysisError) {
        try query.validate()
        guard query.kind == .funnel, query.journey == journey.id else { return nil }
        guard query.filters.isEmpty, query.breakdown == nil, query.range == nil, query.options.exclusions.isEmpty,
              query.options.stepWindowsDays.isEmpty, !query.options.countRepeats else { return nil }
        let liveness = Liveness(journey, measureFuture: query.options.measureFuture)
        guard liveness.isMeasured else { throw AnalysisError(Liveness.notLiveMessage(journey)) }
        let plan = try FunnelAnalysis.Plan(query.options, journey: journey)
        guard plan.ids.count < 63 else { return nil }
        if query.options.mode == .strict, plan.single.contains(-2) { return nil }
        self.query = query
        self.plan = plan
        stepBits = plan.stepsOf.map { steps in steps.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) } }
        window = Options.milliseconds(days: query.options.windowDays)
        since = liveness.from
    }

    /// The analysis output from the backend's counts: `considered` customers with classified
    /// events, and `furthest[k]` customers whose furthest step is step k (0-based; customers who
    /// reached none are not in it).
    /// `gaps[k]` holds the milliseconds from step k − 1 to step k of every customer who reached
    /// step k (index 0 unused), `total` those from the first to the furthest step of every
    /// customer who reached two or more, and `complete` those from the first to the last step of
    /// every customer who reached the last (with ``needsTimes``; empty otherwise).
    public func output(summary: IndexSummary, considered: Int, furthest: [Int], gaps: [[Int64]] = [], total: [Int64] = [],
                       complete: [Int64] = []) -> AnalysisOutput {
        var partial = FunnelAnalysis.Partial(steps: steps, groups: 1)
        partial.considered = considered
        for (step, count) in furthest.enumerated() where step < steps { partial.reached[step] = count }
        for (step, values) in gaps.enumerated() where step < steps { partial.gaps[step] = values }
        partial.total = total
        partial.complete = complete
        var output = AnalysisOutput(query: query, index: summary)
        output.funnel = FunnelResult(plan: plan, options: query.options, groups: 1, labels: nil, partials: [partial])
        return output
    }
}
