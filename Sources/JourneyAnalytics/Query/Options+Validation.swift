import CustomerData

extension Options {
    /// `window_days`: more than 0 and at most ten years, so the window in milliseconds fits easily.
    public static let windowDaysRange = OptionRange("window_days", above: 0, atMost: 3650)
    /// `gap_days`: more than 0 and at most ten years.
    public static let gapDaysRange = OptionRange("gap_days", above: 0, atMost: 3650)
    /// `repeat_contact_days`: 0 or more and at most ten years.
    public static let repeatContactDaysRange = OptionRange("repeat_contact_days", above: 0, includesLower: true, atMost: 3650)
    /// `slow_factor`: more than 0 and at most 100, so the factor times any median transition (event
    /// times lie within ±10^16 ms) stays within milliseconds in 64 bits.
    public static let slowFactorRange = OptionRange("slow_factor", above: 0, atMost: 100)
    /// `top`: variants listed.
    public static let topRange = OptionRange("top", 0...10_000)
    /// `sankey_steps`: Sankey columns after (or before) the anchor.
    public static let sankeyStepsRange = OptionRange("sankey_steps", 1...20)
    /// `sankey_width`: nodes kept per Sankey column.
    public static let sankeyWidthRange = OptionRange("sankey_width", 1...100)
    /// `minimum_customers`: customers a finding needs.
    public static let minimumCustomersRange = OptionRange("minimum_customers", 0...1_000_000_000)
    /// `examples`: example customers per finding.
    public static let examplesRange = OptionRange("examples", 0...1000)

    /// `limit`: rows of a customer or verbatim list.
    public static let limitRange = OptionRange("limit", 0...100_000_000)
    /// `offset`: rows of a customer or verbatim list skipped.
    public static let offsetRange = OptionRange("offset", 0...100_000_000)

    /// `markov_order`: the last 1 to 4 channels or touchpoints make a state of the attribution's Markov chain.
    public static let markovOrderRange = OptionRange("markov_order", 1...4)
    /// `lookback_days`: more than 0 and at most ten years.
    public static let lookbackDaysRange = OptionRange("lookback_days", above: 0, atMost: 3650)
    /// `half_life_days`: more than 0 and at most ten years.
    public static let halfLifeDaysRange = OptionRange("half_life_days", above: 0, atMost: 3650)

    /// `risk_below`: odds from 0 to 1.
    public static let riskBelowRange = OptionRange("risk_below", above: 0, includesLower: true, atMost: 1)
    /// `minimum_transitions`: transitions a suggestion needs.
    public static let minimumTransitionsRange = OptionRange("minimum_transitions", 1...1_000_000_000)

    /// `periods`: later periods of a retention cohort (ten years of weeks at most).
    public static let periodsRange = OptionRange("periods", 1...520)

    /// `k`: groups of customers a segmentation makes.
    public static let kRange = OptionRange("k", 2...20)

    /// Every numeric option's range, in the order the options are documented.
    public static let numericRanges: [OptionRange] = [
        windowDaysRange, topRange, sankeyStepsRange, sankeyWidthRange, gapDaysRange, repeatContactDaysRange, slowFactorRange,
        minimumCustomersRange, examplesRange, limitRange, offsetRange, markovOrderRange, lookbackDaysRange, halfLifeDaysRange,
        riskBelowRange, minimumTransitionsRange, periodsRange, kRange,
    ]

    /// Checks every numeric option against its range (``numericRanges``); the error names the
    /// first option out of range, what it takes and the value given. Every analysis runs only
    /// options that pass, so no value can overflow a conversion.
    public func validate() throws(AnalysisError) {
        try Self.windowDaysRange.check(windowDays)
        try Self.topRange.check(top)
        try Self.sankeyStepsRange.check(sankeySteps)
        try Self.sankeyWidthRange.check(sankeyWidth)
        if let gapDays { try Self.gapDaysRange.check(gapDays) }
        try Self.repeatContactDaysRange.check(repeatContactDays)
        try Self.slowFactorRange.check(slowFactor)
        try Self.minimumCustomersRange.check(minimumCustomers)
        try Self.examplesRange.check(examples)
        if let limit { try Self.limitRange.check(limit) }
        if let offset { try Self.offsetRange.check(offset) }
        try Self.markovOrderRange.check(markovOrder)
        if let lookbackDays { try Self.lookbackDaysRange.check(lookbackDays) }
        try Self.halfLifeDaysRange.check(halfLifeDays)
        if let riskBelow { try Self.riskBelowRange.check(riskBelow) }
        try Self.minimumTransitionsRange.check(minimumTransitions)
        try Self.periodsRange.check(periods)
        if let k { try Self.kRange.check(k) }
        if stepWindowsDays.count > 64 { throw AnalysisError(field: "options.step_windows_days", problem: "names \(stepWindowsDays.count) steps; a funnel has 64 at most") }
        for (step, days) in stepWindowsDays.sorted(by: { $0.key < $1.key }) {
            do { try Self.windowDaysRange.check(days) } catch {
                throw AnalysisError(field: "options.step_windows_days", problem: "'\(step.prefix(80))' \(error.problem ?? error.description)")
            }
        }
        if traits.count > 50 { throw AnalysisError(field: "options.traits", problem: "names \(traits.count) trait paths; 50 at most") }
        if let bad = traits.first(where: { $0.isEmpty || $0.utf8.count > 1_000 || $0.contains("\u{0}") }) {
            throw AnalysisError(field: "options.traits", problem: "'\(bad.prefix(80))' is not a trait path; give dotted paths such as 'plan' or 'profile.age_band'")
        }
    }

    /// Checks the numeric options of a query's JSON `options` object before it is decoded, with
    /// the same ranges as ``validate()``: a number the decoder cannot hold (`1e309`, or `2^63`
    /// for a whole number) is refused here with its field named. Values of another type are left
    /// to the decoder.
    static func validate(json options: JSONValue?) throws(AnalysisError) {
        guard let options, case .object = options else { return }
        for range in numericRanges {
            if case .number(let value)? = options[range.key] { try range.check(value) }
        }
        if case .object(let windows)? = options["step_windows_days"] {
            for (step, value) in windows {
                guard case .number(let days) = value else { continue }
                do { try windowDaysRange.check(days) } catch {
                    throw AnalysisError(field: "options.step_windows_days", problem: "'\(step.prefix(80))' \(error.problem ?? error.description)")
                }
            }
        }
    }

    /// Days as milliseconds (truncated). Queries are range-checked before they run; a caller of
    /// the library that skips the check gets the nearest representable value (NaN as 0), never a trap.
    static func milliseconds(days: Double) -> Int64 {
        let value = days * 86_400_000
        guard !value.isNaN else { return 0 }
        guard value < 9.2e18 else { return .max }
        guard value > -9.2e18 else { return .min }
        return Int64(value)
    }
}

extension AnalysisQuery {
    /// Checks what the query holds beyond its types: every numeric option in its range. The CLI,
    /// the HTTP API, share links and ``Analyzer/run(_:on:)`` all call this before any work.
    public func validate() throws(AnalysisError) {
        try options.validate()
        if let value = options.value, value.isEmpty || value.utf8.count > 1_000 {
            throw AnalysisError(field: "options.value", problem: "must be a property path such as 'revenue' or 'properties.revenue'")
        }
        if kind == .customers, options.step != nil, options.touchpoint != nil {
            throw AnalysisError(field: "options.step", problem: "lists a funnel step's customers; give it or options.touchpoint, not both")
        }
        if kind == .verbatims || (kind == .customers && options.step == nil), (options.touchpoint ?? "").isEmpty {
            throw AnalysisError(field: "options.touchpoint", problem: "is required by the \(kind.rawValue) analysis: the id of a touchpoint of the map")
        }
    }
}
