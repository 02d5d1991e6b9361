import JourneyModel

/// Generates realistic multi-channel interaction data for a workspace's current-state journey,
/// with a planted truth to check imports and analyses against.
///
/// Customers get a persona (by weight, about 10% none) with traits that satisfy its rule, go stage
/// by stage with drop-off, visit touchpoints on the channels their persona prefers, browse
/// anonymously on one to three devices before identifying, answer surveys whose scores follow the
/// experience, and leave far more often after the planted friction points; half of those who reach
/// the goal stop at its stage, the others go on to the stages after it. Every touchpoint event
/// is synthesised from the touchpoint's match rule and checked with ``EventMatcher``.
///
/// ```swift
/// let generator = ScenarioGenerator(template: .retail, customers: 1_000, seed: 7)
/// let truth = generator.run { event in events.append(event) }
/// ```
///
/// The same seed gives the same events; customer *i* is the same whatever the number of customers.
public struct ScenarioGenerator: Sendable {
    /// Why a generator cannot be made for a workspace.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// 2026-01-05T00:00:00Z, the earliest timestamp.
    public static let start: Int64 = Timestamp.daysFromCivil(year: 2026, month: 1, day: 5) * 86_400_000
    /// Days over which customers start their journeys.
    public static let arrivalDays = 60
    /// The funnel window, 30 days; no customer's events span more.
    public static let window: Int64 = 30 * 86_400_000

    /// The scenario name written in the truth.
    public let scenario: String
    /// The workspace the data follows.
    public let workspace: Workspace
    /// The current-state journey the data follows.
    public let journey: JourneyMap
    /// How many customers to generate.
    public let customers: Int
    /// The seed.
    public let seed: UInt64
    let plan: ScenarioPlan
    let keys: CustomerIdentity.Keys
    /// The seed mixed with the scenario name, so two scenarios never share customers or ids.
    let streamSeed: UInt64

    /// The most customers one generator makes (ids leave 12 bits per customer for its events).
    public static let maximumCustomers = 1 << 28

    /// A generator for one of the example workspaces `wayfinder init` writes.
    ///
    /// - Precondition: `customers` is from 0 to ``maximumCustomers``.
    /// - Precondition: `groups` is 0 or from 2 to ``maximumGroups``.
    public init(template: WorkspaceTemplate, customers: Int, seed: UInt64 = 1, groups: Int = 0) {
        precondition((0...Self.maximumCustomers).contains(customers), "the number of customers must be from 0 to \(Self.maximumCustomers)")
        precondition(groups == 0 || (2...Self.maximumGroups).contains(groups), "the number of planted groups must be 0 or from 2 to \(Self.maximumGroups)")
        // The templates decode, validate and have a current-state map (JourneyModel's tests check them).
        try! self.init(workspace: template.workspace, scenario: template.rawValue, customers: customers, seed: seed, groups: groups)
    }

    /// The most groups a scenario plants.
    public static let maximumGroups = 8

    /// A generator for a workspace: the data follows its first current-state journey (or `journey`).
    ///
    /// With `groups` from 2 to ``maximumGroups``, every customer also belongs to one of that many
    /// planted groups (`group-1`…, of sizes 5:4:3:2:2:1.5:1:1, whatever their persona): its
    /// customers carry the traits `market.region` and `market.tier` (the group's own value for
    /// 85% of them, else any group's) and `market.yearly_spend` (in a range of the group's own),
    /// and pick one touchpoint of each stage twelve times as often as the others, a different one
    /// for each group where a stage has enough. The truth counts them and ``ScenarioWriter``
    /// writes each customer's group.
    public init(workspace: Workspace, journey: String? = nil, scenario: String, customers: Int, seed: UInt64 = 1, groups: Int = 0) throws(Failure) {
        let map = journey.map { id in workspace.journeys.first { $0.id == id } } ?? workspace.journeys.first { $0.state == .current }
        guard let map else {
            throw Failure(description: journey.map { "the workspace has no journey map '\($0)'" } ?? "the workspace has no current-state journey map")
        }
        guard !map.stages.isEmpty else { throw Failure(description: "the journey map '\(map.id)' has no stages") }
        guard (0...Self.maximumCustomers).contains(customers) else {
            throw Failure(description: "the number of customers must be from 0 to \(Self.maximumCustomers)")
        }
        guard groups == 0 || (2...Self.maximumGroups).contains(groups) else {
            throw Failure(description: "the number of planted groups must be from 2 to \(Self.maximumGroups) (or none)")
        }
        self.scenario = scenario
        self.workspace = workspace
        self.journey = map
        self.customers = customers
        self.seed = seed
        streamSeed = seed ^ Self.nameHash(scenario)
        plan = ScenarioPlan(workspace: workspace, journey: map, matcher: EventMatcher(journey: map), seed: streamSeed, groups: groups)
        keys = CustomerIdentity.Keys(seed: streamSeed)
        guard plan.byStage.contains(where: { !$0.isEmpty }) || plan.goal != nil else {
            throw Failure(description: "no touchpoint of '\(map.id)' has a match rule that events can satisfy")
        }
    }

    /// Touchpoint ids that get no events, with the reason.
    public var unreachableTouchpoints: [(touchpoint: String, reason: String)] {
        plan.unreachable.map { (journey.touchpoints[$0.touchpoint].id, $0.reason) }
    }

    /// The planted friction points' touchpoint ids.
    public var frictionTouchpoints: [String] { plan.friction.map { journey.touchpoints[$0].id } }

    /// The columns of the CSV format, in order.
    public var csvColumns: [String] { plan.layout.columns }

    /// Generates every event in order (customer by customer, each customer's in time order).
    public func run(_ sink: (Event) throws -> Void) rethrows -> ScenarioTruth {
        try run(customer: { _ in }, event: sink)
    }

    /// Generates every event, and after each customer's events, a summary of that customer.
    public func run(customer: (ScenarioCustomer) throws -> Void, event sink: (Event) throws -> Void) rethrows -> ScenarioTruth {
        let tally = try generate(0..<customers, customer: customer) { planned, identity, traits, ordinal in
            try sink(event(planned, identity: identity, traits: traits.value, ordinal: ordinal))
        }
        return tally.truth(scenario: scenario, seed: seed)
    }

    /// Devices per customer in the device id space (a customer has at most three).
    static let deviceSpace: UInt64 = 4
    /// Events per customer in the event id space: event *j* of customer *i* has ordinal `i << 12 | j`.
    static let eventBits: UInt64 = 12

    /// The generation loop for a range of customers: plans each customer, counts the truth, and
    /// hands every planned event (with the customer's identity, persona traits and the event's
    /// ordinal) to `emit`. Customers are independent, so ranges can be generated in parallel.
    func generate(_ range: Range<Int>, customer: (ScenarioCustomer) throws -> Void,
                  emit: (PlannedEvent, inout CustomerIdentity, TraitChoice, UInt64) throws -> Void) rethrows -> ScenarioTally {
        var tally = ScenarioTally(plan: plan, window: Self.window)
        var buffer: [PlannedEvent] = []
        let personaWeights = plan.personaWeights
        for index in range {
            var random = ScenarioRandom(seed: streamSeed, stream: UInt64(index) + 1)
            let slot = random.weighted(personaWeights)
            let persona = slot < plan.personas.count ? slot : nil
            let identity = CustomerIdentity(index: index, keys: keys, hasPhone: random.chance(0.55), using: &random)
            let set = random.below(plan.traitSets[slot].count)
            var traitSet = TraitChoice(slot: slot, set: set, value: plan.traitSets[slot][set])
            // A planted group draws from its own stream, so the rest of the customer is as without groups.
            var group: Int?
            if !plan.groups.isEmpty {
                var groupRandom = ScenarioRandom(seed: streamSeed ^ 0x6772_6F75_7073, stream: UInt64(index) + 1)
                let drawn = groupRandom.weighted(Array(ScenarioPlan.groupShares.prefix(plan.groups.count)))
                group = drawn
                traitSet.group = drawn
                if case .object(let own) = traitSet.value, case .object(let planted) = plan.groupTraits(drawn, using: &groupRandom) {
                    traitSet.value = .object(own + planted)
                }
            }
            let startDay = Int64(random.below(Self.arrivalDays))
            let start = Self.start + startDay * CustomerJourney.day + Int64(random.int(in: 7 * 3600...22 * 3600 + 3599)) * 1000
            var journey = CustomerJourney(plan: plan, persona: persona, group: group, identity: identity, start: start, random: random, reuse: &buffer)
            var deviceCounter = UInt64(index) * Self.deviceSpace
            journey.simulate(deviceCounter: &deviceCounter, keys: keys)
            assert(journey.events.count < 1 << Self.eventBits && deviceCounter <= UInt64(index + 1) * Self.deviceSpace)
            let first = UInt64(index) << Self.eventBits
            for (offset, planned) in journey.events.enumerated() {
                journey.identity.markUsed(planned)
                tally.record(planned, kind: kind(of: planned))
                try emit(planned, &journey.identity, traitSet, first | UInt64(offset))
            }
            let identifiers = journey.identity.identifiers
            tally.finishCustomer(persona: persona, group: group, identifiers: identifiers, devices: journey.identity.devices.filter(\.used).count)
            try customer(ScenarioCustomer(label: journey.identity.label, persona: persona.map { plan.personas[$0].id },
                                          group: group.map { plan.groups[$0].id }, identifiers: identifiers, events: journey.events.count))
            swap(&buffer, &journey.events)
        }
        return tally
    }

    /// The Segment type of a planned event.
    func kind(of planned: PlannedEvent) -> Event.Kind {
        switch planned.action {
        case .visit(let touchpoint, let template, _): plan.pools[touchpoint][template].kind
        case .identify: .identify
        case .feedback: .feedback
        case .noise(let app, let template): (app ? plan.noise.app : plan.noise.web)[template].kind
        }
    }

    /// The event name of survey answers not tied to a touchpoint's own rule.
    static let feedbackName = "Feedback Given"

    /// The email format a sign-up form records: mostly as typed in lower case, sometimes capitalised.
    static func identifyEmailVariant(full: Bool, ordinal: UInt64) -> Int { full ? Int(ordinal % 7 / 5) : 0 }

    /// The phone format a sign-up form records.
    static func identifyPhoneVariant(ordinal: UInt64) -> Int { Int(ordinal % 5) }

    /// FNV-1a of a name: stable across runs and platforms, unlike `Hasher`.
    static func nameHash(_ name: String) -> UInt64 {
        name.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The event for a planned event.
    func event(_ planned: PlannedEvent, identity: CustomerIdentity, traits: JSONValue, ordinal: UInt64) -> Event {
        var event: Event
        switch planned.action {
        case .visit(let touchpoint, let template, let score):
            let template = plan.pools[touchpoint][template]
            let (context, properties) = template.stamp(ordinal: ordinal, score: score >= 0 ? score : nil)
            event = Event(type: template.kind, name: template.name, timestamp: planned.time, context: context, properties: properties)
        case .identify(let device, let full):
            var entries: [(String, JSONValue)] = [("email", .string(identity.email(variant: Self.identifyEmailVariant(full: full, ordinal: ordinal))))]
            if full {
                if let phone = identity.phone(variant: Self.identifyPhoneVariant(ordinal: ordinal)) { entries.append(("phone", .string(phone))) }
                entries.append(("first_name", .string(identity.firstName)))
                entries.append(("last_name", .string(identity.lastName)))
                if case .object(let personaTraits) = traits { entries += personaTraits }
            }
            let channel = identity.devices[device].isApp ? "mobile-app" : "web"
            event = Event(type: .identify, timestamp: planned.time, context: .object([("channel", .string(channel))]), traits: .object(entries))
        case .feedback(let touchpoint, let metric, let score, let comment):
            event = Event(type: .feedback, name: Self.feedbackName, timestamp: planned.time, context: .object([("channel", .string("email"))]),
                          properties: ScenarioPlan.feedbackProperties(touchpoint: journey.touchpoints[touchpoint].id, metric: metric, score: score,
                                                                      text: FeedbackModel.comments[comment]))
        case .noise(let app, let template):
            let template = app ? plan.noise.app[template] : plan.noise.web[template]
            event = Event(type: template.kind, name: template.name, timestamp: planned.time, context: template.context, properties: template.properties)
        }
        event.messageId = IdToken.uuid(ordinal, key: keys.message)
        switch planned.carrier {
        case .device(let index, let user, let junk):
            let device = identity.devices[index]
            event.anonymousId = device.anonymousId
            if user {
                event.userId = identity.userId
            } else if junk > 0 {
                event.userId = CustomerJourney.junkValues[junk]
            }
            if let id = device.deviceId { event.context = event.context.setting("device", to: .object([("id", .string(id))])) }
        case .email(let variant):
            event.traits = event.traits.setting("email", to: .string(identity.email(variant: variant)))
        case .phone(let variant):
            event.traits = event.traits.setting("phone", to: .string(identity.phone(variant: variant) ?? ""))
        case .user:
            event.userId = identity.userId
        }
        return event
    }
}

/// A customer's persona trait set: the persona slot (personas, then "none"), the set's index, and
/// the traits (with a planted group's, when the customer has one).
struct TraitChoice {
    let slot: Int
    let set: Int
    var value: JSONValue
    /// The planted group, whose traits `value` holds beside the persona's.
    var group: Int?

    init(slot: Int, set: Int, value: JSONValue, group: Int? = nil) {
        self.slot = slot
        self.set = set
        self.value = value
        self.group = group
    }
}

/// One generated customer, reported after its events.
public struct ScenarioCustomer: Sendable, Equatable {
    /// A stable label, `c000001` for the first customer.
    public var label: String
    /// The persona id, or nil for a customer matching no persona.
    public var persona: String?
    /// The planted group's id (`group-1`…), when the scenario plants groups.
    public var group: String?
    /// Every identifier the customer's events carry, normalised and sorted.
    public var identifiers: [Identifier]
    /// The customer's events.
    public var events: Int
}
