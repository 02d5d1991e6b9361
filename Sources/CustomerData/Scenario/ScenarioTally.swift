import JourneyModel

/// Counts what the generator emits, customer by customer, into a ``ScenarioTruth``.
///
/// Works from the generator's own plan (which touchpoint each visit was made for), not from
/// classifying the events, so tests that classify the events check the generator independently.
struct ScenarioTally: Sendable {
    let plan: ScenarioPlan
    let window: Int64
    private(set) var customers = 0
    private(set) var events = 0
    private var byType = Array(repeating: 0, count: Event.Kind.allCases.count)
    private var touchpointEvents: [Int]
    private var visitors: [Int]
    private var left: [Int]
    /// Customers reaching each funnel step, per persona slot (personas, then "none").
    private var funnel: [[Int]]
    private var personaCustomers: [Int]
    private var personaIdentified: [Int]
    /// Per planted group: customers, and those who identified; per group and persona slot: customers.
    private var groupCustomers: [Int]
    private var groupIdentified: [Int]
    private var groupPersonas: [[Int]]
    private var goalCustomers = 0, goalEvents = 0, repeatCustomers = 0
    private var feedbackCount: [[Int]]
    private var feedbackSum: [[Double]]
    private var junkEvents = 0, noiseEvents = 0, unclassified = 0
    private var identifierKinds = Array(repeating: 0, count: Identifier.Kind.allCases.count)
    private var identifiedCustomers = 0, devices = 0

    private var trace: [(time: Int64, stage: Int)] = []
    private var visited: [Bool]
    private var visitedList: [Int] = []
    private var customerGoalEvents = 0
    private var customerIdentified = false

    init(plan: ScenarioPlan, window: Int64) {
        self.plan = plan
        self.window = window
        let touchpoints = plan.journey.touchpoints.count
        touchpointEvents = Array(repeating: 0, count: touchpoints)
        visitors = touchpointEvents
        left = touchpointEvents
        visited = Array(repeating: false, count: touchpoints)
        funnel = Array(repeating: Array(repeating: 0, count: plan.journey.stages.count), count: plan.personas.count + 1)
        personaCustomers = Array(repeating: 0, count: plan.personas.count + 1)
        personaIdentified = personaCustomers
        groupCustomers = Array(repeating: 0, count: plan.groups.count)
        groupIdentified = groupCustomers
        groupPersonas = Array(repeating: Array(repeating: 0, count: plan.personas.count + 1), count: plan.groups.count)
        feedbackCount = Array(repeating: Array(repeating: 0, count: Feedback.Metric.allCases.count), count: touchpoints)
        feedbackSum = Array(repeating: Array(repeating: 0, count: Feedback.Metric.allCases.count), count: touchpoints)
    }

    /// Counts one emitted event.
    mutating func record(_ planned: PlannedEvent, kind: Event.Kind) {
        events += 1
        byType[Event.Kind.allCases.firstIndex(of: kind)!] += 1
        if case .device(_, _, let junk) = planned.carrier, junk > 0 { junkEvents += 1 }
        switch planned.action {
        case .visit(let touchpoint, _, let score):
            touchpointEvents[touchpoint] += 1
            trace.append((planned.time, plan.stageOf[touchpoint]))
            if !visited[touchpoint] {
                visited[touchpoint] = true
                visitedList.append(touchpoint)
            }
            if touchpoint == plan.goal { customerGoalEvents += 1 }
            if score >= 0, let metric = plan.pools[touchpoint].first?.metric {
                addFeedback(touchpoint: touchpoint, metric: metric, score: score)
            } else if kind == .feedback, let metric = plan.pools[touchpoint].first?.metric {
                addFeedback(touchpoint: touchpoint, metric: metric, score: nil)
            }
        case .identify:
            unclassified += 1
            customerIdentified = true
        case .feedback(let touchpoint, let metric, let score, _):
            unclassified += 1
            addFeedback(touchpoint: touchpoint, metric: metric, score: metric == .text ? nil : score)
        case .noise:
            unclassified += 1
            noiseEvents += 1
        }
    }

    private mutating func addFeedback(touchpoint: Int, metric: Feedback.Metric, score: Int?) {
        let slot = Feedback.Metric.allCases.firstIndex(of: metric)!
        feedbackCount[touchpoint][slot] += 1
        feedbackSum[touchpoint][slot] += Double(score ?? 0)
    }

    /// Closes a customer: funnel, drop-off, conversion and identifier counts.
    mutating func finishCustomer(persona: Int?, group: Int? = nil, identifiers: [Identifier], devices: Int) {
        customers += 1
        let slot = persona ?? plan.personas.count
        personaCustomers[slot] += 1
        if customerIdentified {
            identifiedCustomers += 1
            personaIdentified[slot] += 1
        }
        if let group {
            groupCustomers[group] += 1
            groupPersonas[group][slot] += 1
            if customerIdentified { groupIdentified[group] += 1 }
        }
        for identifier in identifiers { identifierKinds[Identifier.Kind.allCases.firstIndex(of: identifier.kind)!] += 1 }
        self.devices += devices
        let reached = Self.stepsReached(trace, stages: plan.journey.stages.count, window: window)
        for step in 0..<reached { funnel[slot][step] += 1 }
        let furthest = trace.map(\.stage).max() ?? -1
        for touchpoint in visitedList {
            visitors[touchpoint] += 1
            if furthest <= plan.stageOf[touchpoint], customerGoalEvents == 0 { left[touchpoint] += 1 }
            visited[touchpoint] = false
        }
        if customerGoalEvents > 0 { goalCustomers += 1 }
        if customerGoalEvents > 1 { repeatCustomers += 1 }
        goalEvents += customerGoalEvents
        visitedList.removeAll(keepingCapacity: true)
        trace.removeAll(keepingCapacity: true)
        customerGoalEvents = 0
        customerIdentified = false
    }

    /// Adds the counts of another range of customers.
    mutating func merge(_ other: ScenarioTally) {
        func add(_ a: inout [Int], _ b: [Int]) { for index in a.indices { a[index] += b[index] } }
        customers += other.customers
        events += other.events
        add(&byType, other.byType)
        add(&touchpointEvents, other.touchpointEvents)
        add(&visitors, other.visitors)
        add(&left, other.left)
        for slot in funnel.indices { add(&funnel[slot], other.funnel[slot]) }
        add(&personaCustomers, other.personaCustomers)
        add(&personaIdentified, other.personaIdentified)
        add(&groupCustomers, other.groupCustomers)
        add(&groupIdentified, other.groupIdentified)
        for group in groupPersonas.indices { add(&groupPersonas[group], other.groupPersonas[group]) }
        goalCustomers += other.goalCustomers
        goalEvents += other.goalEvents
        repeatCustomers += other.repeatCustomers
        for touchpoint in feedbackCount.indices {
            add(&feedbackCount[touchpoint], other.feedbackCount[touchpoint])
            for slot in feedbackSum[touchpoint].indices { feedbackSum[touchpoint][slot] += other.feedbackSum[touchpoint][slot] }
        }
        junkEvents += other.junkEvents
        noiseEvents += other.noiseEvents
        unclassified += other.unclassified
        add(&identifierKinds, other.identifierKinds)
        identifiedCustomers += other.identifiedCustomers
        devices += other.devices
    }

    /// Steps of the ordered stage funnel a trace reaches (DESIGN, "Stage funnel (ordered)"):
    /// events e1 … ek in time order, ei in stage i, with t(ek) - t(e1) <= window.
    static func stepsReached(_ trace: [(time: Int64, stage: Int)], stages: Int, window: Int64) -> Int {
        var best = 0
        for (start, first) in trace.enumerated() where first.stage == 0 {
            var step = 1
            var index = start + 1
            while step < stages, index < trace.count {
                let event = trace[index]
                if event.time - first.time > window { break }
                if event.stage == step { step += 1 }
                index += 1
            }
            best = max(best, step)
            if best == stages { break }
        }
        return best
    }

    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    static func dropOff(visitors: Int, left: Int) -> ScenarioTruth.DropOff {
        ScenarioTruth.DropOff(visitors: visitors, left: left, dropOff: visitors == 0 ? 0 : rounded(Double(left) / Double(visitors)))
    }

    /// The truth so far.
    func truth(scenario: String, seed: UInt64) -> ScenarioTruth {
        let journey = plan.journey
        let stageIds = journey.stages.map(\.id)
        let personaIds = plan.personas.map(\.id) + ["none"]
        func steps(_ counts: [Int]) -> ScenarioTruth.Funnel {
            ScenarioTruth.Funnel(steps: zip(stageIds, counts).map { ScenarioTruth.Funnel.Step(id: $0, customers: $1) })
        }
        let overall = stageIds.indices.map { step in funnel.reduce(0) { $0 + $1[step] } }
        var touchpoints: [String: ScenarioTruth.TouchpointCounts] = [:]
        var feedback: [String: [String: ScenarioTruth.FeedbackSummary]] = [:]
        for (index, touchpoint) in journey.touchpoints.enumerated() {
            touchpoints[touchpoint.id] = ScenarioTruth.TouchpointCounts(
                stage: touchpoint.stage, events: touchpointEvents[index], realised: Self.dropOff(visitors: visitors[index], left: left[index]))
            for (slot, metric) in Feedback.Metric.allCases.enumerated() where feedbackCount[index][slot] > 0 {
                let count = feedbackCount[index][slot]
                feedback[touchpoint.id, default: [:]][metric.rawValue] = ScenarioTruth.FeedbackSummary(
                    count: count, mean: metric == .text ? nil : Self.rounded(feedbackSum[index][slot] / Double(count)))
            }
        }
        let lastStage = journey.stages.count - 1
        let baselineTouchpoints = journey.touchpoints.indices.filter { index in
            !plan.pools[index].isEmpty && !plan.friction.contains(index) && index != plan.goal && plan.stageOf[index] < lastStage
        }
        let drops = plan.personas.flatMap { $0.drop.prefix(max(lastStage, 0)) }
        var byType: [String: Int] = [:]
        for (slot, kind) in Event.Kind.allCases.enumerated() where self.byType[slot] > 0 { byType[kind.rawValue] = self.byType[slot] }
        var kinds: [String: Int] = [:]
        for (slot, kind) in Identifier.Kind.allCases.enumerated() { kinds[kind.rawValue] = identifierKinds[slot] }
        return ScenarioTruth(
            generator: "wayfinder-scenario/1", scenario: scenario, seed: seed, journey: journey.id,
            start: Timestamp.iso8601(ScenarioGenerator.start), windowDays: Int(window / CustomerJourney.day),
            customers: customers, events: events, eventsByType: byType, format: nil, files: [:], identifiersFile: nil,
            identifiers: ScenarioTruth.Identifiers(total: identifierKinds.reduce(0, +), byKind: kinds, identifiedCustomers: identifiedCustomers,
                                                   anonymousCustomers: customers - identifiedCustomers, devices: devices),
            personas: Dictionary(uniqueKeysWithValues: zip(personaIds, personaCustomers)),
            personasIdentified: Dictionary(uniqueKeysWithValues: zip(personaIds, personaIdentified)),
            funnel: steps(overall),
            funnelByPersona: Dictionary(uniqueKeysWithValues: zip(personaIds, funnel.map(steps))),
            goal: ScenarioTruth.Goal(touchpoint: plan.goal.map { journey.touchpoints[$0].id },
                                     stage: plan.goalStage.map { journey.stages[$0].id },
                                     customers: goalCustomers, events: goalEvents, repeatCustomers: repeatCustomers),
            friction: plan.friction.map { index in
                ScenarioTruth.Friction(touchpoint: journey.touchpoints[index].id, stage: journey.touchpoints[index].stage,
                                       plannedDropOff: ScenarioPlan.plannedFrictionDropOff,
                                       realised: Self.dropOff(visitors: visitors[index], left: left[index]))
            },
            baseline: ScenarioTruth.Baseline(
                plannedDropOff: drops.isEmpty ? [] : [Self.rounded(drops.min()!), Self.rounded(drops.max()!)],
                realised: Self.dropOff(visitors: baselineTouchpoints.reduce(0) { $0 + visitors[$1] },
                                       left: baselineTouchpoints.reduce(0) { $0 + left[$1] })),
            touchpoints: touchpoints, feedback: feedback, junkIdEvents: junkEvents, noiseEvents: noiseEvents,
            unclassifiedEvents: unclassified,
            unreachableTouchpoints: plan.unreachable.map {
                ScenarioTruth.Unreachable(touchpoint: journey.touchpoints[$0.touchpoint].id, reason: $0.reason)
            },
            groups: plan.groups.isEmpty ? nil : plan.groups.enumerated().map { index, group in
                ScenarioTruth.PlantedGroup(id: group.id, customers: groupCustomers[index], identified: groupIdentified[index],
                                           personas: Dictionary(uniqueKeysWithValues: zip(personaIds, groupPersonas[index])),
                                           region: group.region, tier: group.tier, yearlySpend: [group.spend.lowerBound, group.spend.upperBound],
                                           favouredTouchpoints: group.favoured.map { journey.touchpoints[$0].id })
            })
    }
}
