import JourneyModel

/// Everything the generator prepares once from the workspace: checked event templates per
/// touchpoint, persona traits, friction points and the CSV columns.
///
/// A class with constant properties, so every customer's simulation shares it for one retain.
final class ScenarioPlan: Sendable {
    /// A persona customers are assigned to, with checked trait sets and its habits.
    struct PersonaPlan: Sendable {
        var id: String
        var traits: [JSONValue]
        var channels: Set<String>
        /// Probability of leaving at the end of each stage.
        var drop: [Double]
    }

    /// A touchpoint the generator cannot produce events for, and why.
    struct Unreachable: Sendable {
        var touchpoint: Int
        var reason: String
    }

    let journey: JourneyMap
    let stageOf: [Int]
    let pools: [[EventTemplate]]
    let unreachable: [Unreachable]
    let goal: Int?
    let goalStage: Int?
    let friction: [Int]
    let service: [Int]
    /// Reachable touchpoints per stage, map order, goal left out.
    let byStage: [[Int]]
    let personas: [PersonaPlan]
    /// The persona-less customers' trait sets (empty when every trait set matches some persona).
    let noneTraits: [JSONValue]
    /// Trait sets per persona slot: each persona's, then the persona-less customers' (at least `{}`).
    let traitSets: [[JSONValue]]
    /// Weights of the personas, then of "no persona".
    let personaWeights: [Double]
    /// Noise templates for browsers (`web`) and apps (`mobile-app`).
    let noise: (web: [EventTemplate], app: [EventTemplate])
    /// Whether a generic survey answer about touchpoint *t* with metric *m* stays unclassified.
    let feedbackAllowed: [[Bool]]
    /// Each touchpoint's designed emotion on 0 … 1.
    let experience: [Double]
    /// Per touchpoint: whether it is planted friction, a service contact point, and the channel its events carry.
    let isFriction: [Bool]
    let isService: [Bool]
    let channels: [String]
    /// Per persona slot (personas, then "none") and touchpoint: how much the persona favours its channel.
    let habits: [[Double]]
    /// Per persona slot: whether the persona uses the mobile app.
    let prefersApp: [Bool]
    /// Per persona slot: the probability of leaving at the end of each stage (0.2 everywhere without a persona).
    let drops: [[Double]]
    let layout: CSVLayout
    /// Planted groups of customers (empty unless asked for): traits and touchpoint habits of their own.
    let groups: [GroupPlan]

    /// A planted group: its traits' typical values and the touchpoint of each stage it favours.
    struct GroupPlan: Sendable {
        var id: String
        var region: String
        var tier: String
        /// The range of its yearly spend.
        var spend: ClosedRange<Int>
        /// Per touchpoint: how much the group favours it (one favoured touchpoint a stage).
        var habits: [Double]
        /// The favoured touchpoints.
        var favoured: [Int]
    }

    /// The planted groups' trait values: region and tier (the group's own with ``groupTypical``, else another's).
    static let groupRegions = ["north", "south", "east", "west", "central", "islands", "coast", "capital"]
    static let groupTiers = ["bronze", "silver", "gold", "platinum", "basic", "plus", "pro", "max"]
    /// The share of a group's customers with its own region, and with its own tier.
    static let groupTypical = 0.85
    /// Relative sizes of the planted groups.
    static let groupShares: [Double] = [5, 4, 3, 2, 2, 1.5, 1, 1]
    /// How much more often a group's customers pick its favoured touchpoint of a stage.
    static let groupFavour = 12.0

    static let plannedFrictionDropOff = 0.55
    static let serviceChannels: Set<String> = ["support", "phone", "chat"]
    static let noiseNames = ["Session Started", "Cookie Consent Given", "Search Performed", "Video Played", "Newsletter Popup Dismissed",
                             "Account Settings Viewed", "Help Article Viewed", "App Backgrounded"]
    static let searchTerms = ["waterproof", "opening hours", "discount code", "returns", "gift card", "delivery times"]

    init(workspace: Workspace, journey: JourneyMap, matcher: EventMatcher, seed: UInt64, groups groupCount: Int = 0) {
        var random = ScenarioRandom(seed: seed, stream: 0xC0FF_EE00)
        self.journey = journey
        let stageIndex = Dictionary(journey.stages.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let stageOf = journey.touchpoints.map { stageIndex[$0.stage] ?? -1 }
        self.stageOf = stageOf

        // Touchpoint templates, each checked with the matcher.
        var pools: [[EventTemplate]] = []
        var unreachable: [Unreachable] = []
        for (index, touchpoint) in journey.touchpoints.enumerated() {
            let (pool, reason) = stageOf[index] < 0
                ? ([], "its stage '\(touchpoint.stage)' is not a stage of the map")
                : Self.templates(for: touchpoint, at: index, in: journey, matcher: matcher, using: &random)
            if let reason { unreachable.append(Unreachable(touchpoint: index, reason: reason)) }
            pools.append(pool)
        }
        self.pools = pools
        self.unreachable = unreachable
        let reachable = pools.indices.filter { !pools[$0].isEmpty }

        // Goal, friction and service touchpoints.
        let goalIndex = journey.goal.flatMap { goal in journey.touchpoints.firstIndex { $0.id == goal } }
        goal = goalIndex.flatMap { pools[$0].isEmpty ? nil : $0 }
        let goalStage = goalIndex.map { stageOf[$0] } ?? journey.goal.flatMap { stageIndex[$0] }
        self.goalStage = goalStage
        let lastStage = journey.stages.count - 1
        let experience = journey.touchpoints.map { journey.emotionScale.normalized($0.emotion ?? journey.emotionScale.midpoint) }
        self.experience = experience
        let isService = journey.touchpoints.map { touchpoint in
            Self.serviceChannels.contains(touchpoint.channel) || Self.serviceChannels.contains(touchpoint.match?.channel ?? "")
        }
        service = reachable.filter { isService[$0] && $0 != goalIndex }
        let candidates = reachable.filter { index in
            index != goalIndex && !isService[index] && stageOf[index] < lastStage && stageOf[index] <= (goalStage ?? lastStage)
                && journey.touchpoints[index].match?.type != .feedback
        }.sorted { (experience[$0], $0) < (experience[$1], $1) }
        let friction = Array(candidates.prefix(candidates.count >= 3 ? 2 : min(candidates.count, 1))).sorted()
        self.friction = friction
        byStage = journey.stages.indices.map { stage in reachable.filter { stageOf[$0] == stage && $0 != goalIndex } }

        // Personas: trait sets that match their own rule and no other.
        let mapPersonas = journey.personas.compactMap { workspace.persona($0) }
        let ruled = (mapPersonas.isEmpty ? workspace.personas : mapPersonas).filter { $0.match != nil }
        var personas: [PersonaPlan] = []
        for (order, persona) in ruled.enumerated() {
            let traits = Self.traitSets(for: persona, among: ruled, using: &random)
            guard !traits.isEmpty else { continue }
            let drop = journey.stages.indices.map { stage in 0.10 + 0.025 * Double((order * 2 + stage * 3) % 5) }
            personas.append(PersonaPlan(id: persona.id, traits: traits, channels: Set(persona.channels), drop: drop))
        }
        self.personas = personas
        self.isFriction = journey.touchpoints.indices.map { friction.contains($0) }
        self.isService = isService
        channels = journey.touchpoints.indices.map { pools[$0].first?.channel ?? journey.touchpoints[$0].channel }
        let favoured = personas.map(\.channels) + [[]]
        habits = favoured.map { channels in
            journey.touchpoints.map { channels.contains($0.channel) || channels.contains($0.match?.channel ?? "") ? 3 : 1 }
        }
        prefersApp = favoured.map { $0.contains("mobile-app") }
        drops = personas.map(\.drop) + [Array(repeating: 0.2, count: journey.stages.count)]
        let empty = JSONValue.object([])
        noneTraits = ruled.contains { EventMatcher.matches($0, traits: empty) } ? [] : [empty]
        traitSets = personas.map(\.traits) + [noneTraits.isEmpty ? [empty] : noneTraits]
        let shares: [Double] = [45, 35, 20, 12, 8, 5, 3, 2]
        var weights = personas.indices.map { shares[min($0, shares.count - 1)] }
        let total = weights.reduce(0, +)
        weights = weights.map { total > 0 ? $0 / total * 90 : 0 }
        personaWeights = weights + [noneTraits.isEmpty ? 0 : (personas.isEmpty ? 100 : 10)]

        // Noise and generic feedback that no rule selects.
        func unclassified(_ templates: [EventTemplate]) -> [EventTemplate] {
            templates.filter { matcher.classify($0.sampleEvent()) == nil }
        }
        func noiseTemplates(channel: String) -> [EventTemplate] {
            let context = JSONValue.object([("channel", .string(channel))])
            return unclassified(Self.noiseNames.flatMap { name in
                name == "Search Performed"
                    ? Self.searchTerms.map { EventTemplate(kind: .track, name: name, context: context, properties: .object([("query", .string($0))])) }
                    : [EventTemplate(kind: .track, name: name, context: context, properties: .object([]))]
            })
        }
        noise = (web: noiseTemplates(channel: "web"), app: noiseTemplates(channel: "mobile-app"))
        feedbackAllowed = journey.touchpoints.map { touchpoint in
            Feedback.Metric.allCases.map { metric in
                let event = Self.feedbackEvent(touchpoint: touchpoint.id, metric: metric, score: 3, text: FeedbackModel.comments[0])
                return matcher.classify(event) == nil && (try? Feedback.read(from: event).get()) != nil
            }
        }

        // Planted groups: each favours one touchpoint of every stage, the next group the next one.
        let byStage = self.byStage
        groups = (0..<groupCount).map { group in
            let favoured = byStage.compactMap { options in options.isEmpty ? nil : options[group % options.count] }
            let habits = journey.touchpoints.indices.map { favoured.contains($0) ? Self.groupFavour : 1 }
            return GroupPlan(id: "group-\(group + 1)", region: Self.groupRegions[group], tier: Self.groupTiers[group],
                             spend: (200 + 600 * group)...(500 + 600 * group), habits: habits, favoured: favoured)
        }
        layout = CSVLayout(templates: pools.flatMap { $0 } + self.noise.web + self.noise.app,
                           extraProperties: [Self.feedbackProperties(touchpoint: "t", metric: .nps, score: 1, text: "x"),
                                             Self.feedbackProperties(touchpoint: "t", metric: .text, score: 0, text: "x")],
                           traits: personas.flatMap(\.traits) + noneTraits + (groupCount > 0 ? [Self.groupTraits(region: "r", tier: "t", spend: 1)] : []))
    }

    /// A planted group's traits for one customer.
    static func groupTraits(region: String, tier: String, spend: Int) -> JSONValue {
        .object([("market", .object([("region", .string(region)), ("tier", .string(tier)), ("yearly_spend", .number(Double(spend)))]))])
    }

    /// The planted traits of a customer of `group`: mostly the group's region and tier, a spend in its range.
    func groupTraits(_ group: Int, using random: inout ScenarioRandom) -> JSONValue {
        let plan = groups[group]
        func typical(_ own: String, _ all: [String]) -> String {
            random.chance(Self.groupTypical) ? own : all[random.below(all.count)]
        }
        return Self.groupTraits(region: typical(plan.region, Array(Self.groupRegions.prefix(groups.count))),
                                tier: typical(plan.tier, Array(Self.groupTiers.prefix(groups.count))),
                                spend: random.int(in: plan.spend))
    }

    /// Up to 16 distinct templates whose events the matcher classifies into the touchpoint, or why there are none.
    static func templates(for touchpoint: Touchpoint, at index: Int, in journey: JourneyMap, matcher: EventMatcher,
                          using random: inout ScenarioRandom) -> ([EventTemplate], String?) {
        if touchpoint.match == nil { return ([], "it has no match rule") }
        if touchpoint.match?.type == .alias { return ([], "alias events are not simulated") }
        var pool: [EventTemplate] = []
        var shadowedBy: Int?
        var stale = 0
        for _ in 0..<400 where pool.count < 16 && stale < 60 {
            guard var template = EventTemplate.synthesize(for: touchpoint, using: &random) else { stale += 1; continue }
            if let metric = template.metric, let range = metric.range {
                // The scores that keep a survey event in its touchpoint (a rule may ask for promoters only).
                template.scores = (Int(range.lowerBound)...Int(range.upperBound)).filter { score in
                    let event = template.sampleEvent(score: score)
                    return matcher.classify(event) == index && (try? Feedback.read(from: event).get()) != nil
                }
                if template.scores.isEmpty { stale += 1; continue }
            }
            let event = template.sampleEvent(score: template.scores.first)
            if template.kind == .feedback, (try? Feedback.read(from: event).get()) == nil { stale += 1; continue }
            switch matcher.classify(event) {
            case index?:
                if pool.contains(template) { stale += 1 } else { pool.append(template); stale = 0 }
            case let other?:
                if matcher.matches(touchpoint: index, event) { shadowedBy = shadowedBy ?? other }
                stale += 1
            case nil:
                stale += 1
            }
        }
        guard pool.isEmpty else { return (pool, nil) }
        return ([], shadowedBy.map { "shadowed by '\(journey.touchpoints[$0].id)', an earlier touchpoint whose rule selects the same events" }
            ?? "no event could be synthesised that its rule selects")
    }

    /// Up to 12 distinct trait sets that match the persona's rule and no other persona's.
    static func traitSets(for persona: Persona, among personas: [Persona], using random: inout ScenarioRandom) -> [JSONValue] {
        var sets: [JSONValue] = []
        var stale = 0
        while sets.count < 12, stale < 60 {
            guard let candidate = traits(for: persona, using: &random), EventMatcher.matches(persona, traits: candidate),
                  !personas.contains(where: { $0.id != persona.id && EventMatcher.matches($0, traits: candidate) }),
                  !sets.contains(candidate) else { stale += 1; continue }
            sets.append(candidate)
            stale = 0
        }
        return sets
    }

    /// One trait set for a persona, or nil when a condition cannot be met.
    static func traits(for persona: Persona, using random: inout ScenarioRandom) -> JSONValue? {
        guard let rule = persona.match else { return nil }
        var traits = JSONValue.object([])
        var groups: [(path: String, conditions: [Condition])] = []
        for condition in rule.traits {
            if let index = groups.firstIndex(where: { $0.path == condition.path }) {
                groups[index].conditions.append(condition.condition)
            } else {
                groups.append((condition.path, [condition.condition]))
            }
        }
        for group in groups {
            switch ValueSynthesizer.synthesize(group.conditions, path: group.path, using: &random) {
            case .absent: continue
            case .unsupported: return nil
            case .value(let value): traits = traits.setting(path: group.path, to: value)
            case .slot(let prefix): traits = traits.setting(path: group.path, to: .string(prefix + IdToken.base36(random.next() >> 24, width: 8, uppercase: true)))
            }
        }
        return traits
    }

    /// A generic survey answer about a touchpoint.
    static func feedbackEvent(touchpoint: String, metric: Feedback.Metric, score: Int, text: String) -> Event {
        Event(type: .feedback, name: ScenarioGenerator.feedbackName, messageId: "check", timestamp: 0, anonymousId: "check",
              context: .object([("channel", .string("email"))]), properties: feedbackProperties(touchpoint: touchpoint, metric: metric, score: score, text: text))
    }

    static func feedbackProperties(touchpoint: String, metric: Feedback.Metric, score: Int, text: String) -> JSONValue {
        metric == .text
            ? .object([("metric", .string("text")), ("text", .string(text)), ("touchpoint", RecordReader.typed(touchpoint))])
            : .object([("metric", .string(metric.rawValue)), ("score", .number(Double(score))), ("touchpoint", RecordReader.typed(touchpoint))])
    }
}
