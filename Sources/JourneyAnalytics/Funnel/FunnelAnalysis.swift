import JourneyModel

/// The funnel: customers reaching each step, as "Analysis semantics" in DESIGN.md defines it.
///
/// A customer reaches step k when there are events e1 … ek in that order (by time, then arrival),
/// ei classified into step i, with t(ek) − t(e1) ≤ window. *Strict* forbids other classified
/// events between the steps; *any order* drops the order condition. Each step's count is the
/// customers who reached it or beyond. Times between steps are those of the chain that took the
/// customer furthest: of those chains, the ones completing at the earliest event; of those, the
/// latest start (the first of equal start times), then the earliest event of each step after it,
/// so the fastest way there.
public enum FunnelAnalysis {
    /// Runs the funnel of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> FunnelResult {
        try query.validate()
        let selection = try Selection(index: index, query: query, breakdown: true)
        return try run(query.options, selection: selection)
    }

    static func run(_ options: Options, selection: Selection) throws(AnalysisError) -> FunnelResult {
        let index = selection.index
        let plan = try Plan(options, journey: index.journey)
        let window = Options.milliseconds(days: options.windowDays)
        let partials = Parallel.map(index.customerCount) { customers -> Partial in
            index.timestamps.withUnsafeBufferPointer { timestamps in
                index.touchpoints.withUnsafeBufferPointer { touchpoints in
                    plan.single.withUnsafeBufferPointer { single in
                        count(customers, FunnelColumns(timestamps: timestamps, touchpoints: touchpoints, single: single),
                              selection: selection, plan: plan, options: options, window: window)
                    }
                }
            }
        }
        return FunnelResult(plan: plan, options: options, selection: selection, partials: partials)
    }

    /// Per customer, how many steps of the funnel of `options` they reached (0 for none), or -1
    /// for a customer not counted (outside the selection, or without counted events).
    static func reached(_ options: Options, selection: Selection) throws(AnalysisError) -> [Int16] {
        let index = selection.index
        let plan = try Plan(options, journey: index.journey)
        let window = Options.milliseconds(days: options.windowDays)
        let steps = plan.names.count
        let parts = Parallel.map(index.customerCount) { customers -> [Int16] in
            index.timestamps.withUnsafeBufferPointer { timestamps in
                index.touchpoints.withUnsafeBufferPointer { touchpoints in
                    plan.single.withUnsafeBufferPointer { single in
                        let columns = FunnelColumns(timestamps: timestamps, touchpoints: touchpoints, single: single)
                        let counter = FunnelCounter(steps: steps)
                        return customers.map { customer -> Int16 in
                            guard selection.includes(customer: customer) else { return -1 }
                            let events = selection.events(of: customer)
                            guard !events.isEmpty else { return -1 }
                            let reached = counter.reach(events, columns, selection: selection, plan: plan, mode: options.mode, window: window)
                            if !plan.exclusions.isEmpty, plan.excludes(events, reached: reached, chain: counter.chain, window: window, selection: selection) {
                                return -1
                            }
                            return Int16(reached)
                        }
                    }
                }
            }
        }
        return parts.flatMap { $0 }
    }

    /// The counts of `customers`.
    private static func count(_ customers: Range<Int>, _ columns: FunnelColumns, selection: Selection, plan: Plan, options: Options, window: Int64) -> Partial {
        let steps = plan.names.count, mode = options.mode
        var partial = Partial(steps: steps, groups: selection.groupCount)
        let counter = FunnelCounter(steps: steps)
        if mode == .ordered, !options.stepTimes, !selection.filtersEvents, plan.exclusions.isEmpty, !plan.hasStepWindows, !options.countRepeats,
           OrderedReach.applies(to: plan) {
            let reach = OrderedReach(plan: plan, window: window, groups: selection.groupCount)
            reach.count(customers, of: selection.index, selection: selection, into: &partial) { events in
                counter.ordered(events, columns, selection: selection, plan: plan, window: window)
            }
            return partial
        }
        let times = options.stepTimes && mode != .anyOrder
        for customer in customers where selection.includes(customer: customer) {
            let events = selection.events(of: customer)
            guard !events.isEmpty else { continue }
            let reached = counter.reach(events, columns, selection: selection, plan: plan, mode: mode, window: window)
            // A customer who met an exclusion does not count at all.
            if !plan.exclusions.isEmpty, plan.excludes(events, reached: reached, chain: counter.chain, window: window, selection: selection) {
                partial.excluded += 1
                continue
            }
            partial.considered += 1
            guard reached > 0 else { continue }
            partial.reached[selection.group(of: customer) * steps + reached - 1] += 1
            if times {
                for step in 1..<max(1, reached) { partial.gaps[step].append(counter.chain[step] - counter.chain[step - 1]) }
                if reached > 1 { partial.total.append(counter.chain[reached - 1] - counter.chain[0]) }
                if reached == steps, steps > 1 { partial.complete.append(counter.chain[steps - 1] - counter.chain[0]) }
            }
            if options.countRepeats {
                // Each pass after a completed one starts with the event after the completing one.
                var pass = reached
                for step in 0..<pass { partial.passes[step] += 1 }
                while pass == steps, counter.completedAt + 1 < events.upperBound {
                    pass = counter.reach(counter.completedAt + 1 ..< events.upperBound, columns, selection: selection, plan: plan, mode: mode, window: window)
                    for step in 0..<pass { partial.passes[step] += 1 }
                }
            }
        }
        return partial
    }

    /// Steps resolved against the map.
    struct Plan: Sendable {
        var ids: [String]
        var names: [String]
        var kind: FunnelResult.StepKind
        /// Per touchpoint, its steps in descending order.
        var stepsOf: [[Int]]
        /// Per touchpoint, its only step, -1 for none, -2 for several (see ``stepsOf``).
        var single: [Int16]
        /// The exclusions: per touchpoint whether it excludes, and between which steps.
        var exclusions: [(touchpoints: [Bool], from: Int, to: Int)] = []
        /// Per step, the most milliseconds from the previous step's event (nil: only the window).
        var stepWindows: [Int64?] = []
        /// Whether any step has a window of its own (kept, as every customer's pass asks).
        var hasStepWindows = false

        init(_ options: Options, journey: JourneyMap) throws(AnalysisError) {
            let ids = options.steps.isEmpty ? journey.stages.map(\.id) : options.steps
            guard !ids.isEmpty else { throw AnalysisError("the funnel needs at least one step; the map has no stages") }
            guard ids.count <= 64 else { throw AnalysisError("steps: at most 64 steps (got \(ids.count))") }
            var stepsOf = [[Int]](repeating: [], count: journey.touchpoints.count)
            if ids.allSatisfy({ id in journey.stages.contains { $0.id == id } }) {
                kind = .stage
                names = ids.map { id in journey.stages.first { $0.id == id }!.name }
                for (touchpoint, stage) in journey.touchpoints.map(\.stage).enumerated() {
                    stepsOf[touchpoint] = ids.indices.filter { ids[$0] == stage }.reversed()
                }
            } else if case let touchpointIDs = Set(journey.touchpoints.map(\.id)),
                      ids.allSatisfy({ id in Self.alternatives(id).allSatisfy(touchpointIDs.contains) }) {
                // A touchpoint step may be any of several: `size-guide|live-chat`.
                kind = .touchpoint
                let alternatives = ids.map(Self.alternatives)
                for (step, ones) in alternatives.enumerated() where Set(ones).count != ones.count {
                    throw AnalysisError("steps: step \(step + 1) names a touchpoint twice")
                }
                names = alternatives.map { ids in ids.map { id in journey.touchpoints.first { $0.id == id }!.name }.joined(separator: " or ") }
                for (touchpoint, id) in journey.touchpoints.map(\.id).enumerated() {
                    stepsOf[touchpoint] = ids.indices.filter { alternatives[$0].contains(id) }.reversed()
                }
            } else {
                let known = Set(journey.stages.map(\.id) + journey.touchpoints.map(\.id))
                if ids.contains(where: { $0.contains("|") && Self.alternatives($0).contains("") }) {
                    throw AnalysisError("steps: a step joins up to 1,000 touchpoint ids with '|', none of them empty (such as 'size-guide|live-chat')")
                }
                if let unknown = ids.lazy.flatMap(Self.alternatives).first(where: { !known.contains($0) }) {
                    throw AnalysisError("steps: '\(unknown.prefix(80))' is neither a stage nor a touchpoint of '\(journey.id)' (stages: \(journey.stages.map(\.id).joined(separator: ", ")))")
                }
                throw AnalysisError("steps: give stage ids or touchpoint ids (a step may be any of several touchpoints: 'a|b'), not both")
            }
            self.ids = ids
            self.stepsOf = stepsOf
            single = stepsOf.map { $0.isEmpty ? -1 : $0.count == 1 ? Int16($0[0]) : -2 }
            stepWindows = [Int64?](repeating: nil, count: ids.count)
            // A step's window applies wherever the step comes after another (a step named twice, at both).
            for (step, days) in options.stepWindowsDays.sorted(by: { $0.key < $1.key }) {
                let positions = ids.indices.filter { ids[$0] == step }
                guard !positions.isEmpty else {
                    throw AnalysisError(field: "options.step_windows_days", problem: "'\(step.prefix(80))' is no step of the funnel (steps: \(ids.joined(separator: ", ")))")
                }
                guard positions.contains(where: { $0 > 0 }) else {
                    throw AnalysisError(field: "options.step_windows_days", problem: "'\(step.prefix(80))' is the first step; a step's window runs from the step before it")
                }
                for position in positions where position > 0 { stepWindows[position] = Options.milliseconds(days: days) }
            }
            hasStepWindows = stepWindows.contains { $0 != nil }
            if hasStepWindows, options.mode == .anyOrder {
                throw AnalysisError(field: "options.step_windows_days", problem: "apply to ordered and strict funnels, whose steps come in an order; not to any_order")
            }
            if options.countRepeats, !options.exclusions.isEmpty {
                throw AnalysisError(field: "options.count_repeats", problem: "cannot be combined with exclusions; count repeats or exclude, not both")
            }
            guard !options.exclusions.isEmpty else { return }
            guard options.mode != .anyOrder else {
                throw AnalysisError(field: "options.exclusions", problem: "apply to ordered and strict funnels, whose steps come in an order; not to any_order")
            }
            guard options.exclusions.count <= 20 else { throw AnalysisError(field: "options.exclusions", problem: "at most 20 (got \(options.exclusions.count))") }
            let touchpointIndex = Dictionary(journey.touchpoints.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
            for exclusion in options.exclusions {
                var excludes = [Bool](repeating: false, count: journey.touchpoints.count)
                for id in Self.alternatives(exclusion.touchpoint) {
                    guard let touchpoint = touchpointIndex[id] else {
                        throw AnalysisError(field: "options.exclusions", problem: "'\(id.prefix(80))' is no touchpoint of '\(journey.id)'")
                    }
                    excludes[touchpoint] = true
                }
                func step(_ id: String?, _ fallback: Int) throws(AnalysisError) -> Int {
                    guard let id else { return fallback }
                    guard let position = ids.firstIndex(of: id) else {
                        throw AnalysisError(field: "options.exclusions", problem: "'\(id.prefix(80))' is no step of the funnel (steps: \(ids.joined(separator: ", ")))")
                    }
                    return position
                }
                let from = try step(exclusion.from, 0), to = try step(exclusion.to, ids.count - 1)
                guard from < to else {
                    throw AnalysisError(field: "options.exclusions", problem: "an exclusion's 'from' step must come before its 'to' step")
                }
                exclusions.append((excludes, from, to))
            }
        }

        /// Whether the customer whose chain reached `reached` steps at the times of `chain` meets
        /// an exclusion: a counted event at an excluded touchpoint after their event of the
        /// exclusion's first step and before that of its last (before the chain's window ends,
        /// when they did not reach it).
        func excludes(_ events: Range<Int>, reached: Int, chain: UnsafeMutableBufferPointer<Int64>, window: Int64, selection: Selection) -> Bool {
            let index = selection.index
            for exclusion in exclusions where reached > exclusion.from {
                let after = chain[exclusion.from]
                let before = reached > exclusion.to ? chain[exclusion.to] : (chain[0] > Int64.max - window ? Int64.max : chain[0] + window)
                for event in events where exclusion.touchpoints[Int(index.touchpoints[event])] {
                    let time = index.timestamps[event]
                    if time > after, time < before, !selection.filtersEvents || selection.includes(event: event) { return true }
                }
            }
            return false
        }

        /// The touchpoint ids a step names: `a|b` is any of a and b (at most 1,000: past that, one
        /// that matches nothing, so the step is refused).
        static func alternatives(_ id: String) -> [String] {
            let parts = id.split(separator: "|", maxSplits: 1_000, omittingEmptySubsequences: false)
            return parts.count > 1_000 ? [String(parts[0]), ""] : parts.map(String.init)
        }
    }

    /// Per-thread counts.
    struct Partial: Sendable {
        var considered = 0
        /// Customers whose furthest step is each step, per group (`group * steps + step`).
        var reached: [Int]
        /// Milliseconds from step i − 1 to step i, per step.
        var gaps: [[Int64]]
        /// Milliseconds from the first to the furthest step.
        var total: [Int64] = []
        /// Milliseconds from the first to the last step, of the customers who reached the last.
        var complete: [Int64] = []
        /// Customers left out for meeting an exclusion.
        var excluded = 0
        /// With repeats counted: per step, the passes that reached it.
        var passes: [Int]

        init(steps: Int, groups: Int) {
            reached = [Int](repeating: 0, count: steps * groups)
            passes = [Int](repeating: 0, count: steps)
            gaps = [[Int64]](repeating: [], count: steps)
        }
    }
}
