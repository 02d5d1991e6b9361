import JourneyModel

/// One planned event of a customer: when, what, and which identifiers it carries.
struct PlannedEvent {
    enum Action {
        /// A touchpoint visit from template `template` of its pool (`score` for survey touchpoints, else -1).
        case visit(touchpoint: Int, template: Int, score: Int)
        /// An identify on a device: the first one carries all traits, later ones link a new device.
        case identify(device: Int, full: Bool)
        /// A survey answer about a touchpoint.
        case feedback(touchpoint: Int, metric: Feedback.Metric, score: Int, comment: Int)
        /// An event no rule selects.
        case noise(app: Bool, template: Int)
    }

    enum Carrier {
        /// A device's anonymous id, with the user id once the device is linked, or a junk user id (1, 2).
        case device(Int, user: Bool, junk: Int)
        /// Only the email address, in a format variant (an email click).
        case email(variant: Int)
        /// Only the phone number, in a format variant (a call or text).
        case phone(variant: Int)
        /// Only the user id (a store or CRM record).
        case user
    }

    var time: Int64
    var action: Action
    var carrier: Carrier
}

/// Simulates one customer's journey: stage by stage with drop-off, devices and identification,
/// survey answers, service contacts, repeat purchases and noise.
struct CustomerJourney {
    static let junkValues = ["", "undefined", "null"]
    static let minute: Int64 = 60_000, hour: Int64 = 3_600_000, day: Int64 = 86_400_000
    /// Weights of one, two and three devices; of one, two and three visits a stage; of none, one and two before the goal.
    static let deviceWeights = [0.45, 0.4, 0.15], stageVisits = [0.5, 0.35, 0.15], goalStageVisits = [0.3, 0.45, 0.25]
    /// The probability that a customer who reached the goal goes no further than the goal's stage.
    static let leaveAfterGoal = 0.5
    /// The most any customer's events span, within the 30-day funnel window.
    static let maximumSpan: Int64 = 29 * day

    let plan: ScenarioPlan
    let persona: Int?
    /// How much the customer favours each touchpoint: their planted group's habits, else their persona's.
    let habits: [Double]
    var identity: CustomerIdentity
    var random: ScenarioRandom
    var events: [PlannedEvent] = []

    private var time: Int64
    private var identified = false
    private let identifies: Bool
    private let identifyAtGoal: Bool
    private let identifyAfter: Int
    private let deviceBudget: Int
    private var visits = 0
    private var frictionSeen = false
    private var experienceSum = 0.0
    private var current = 0

    init(plan: ScenarioPlan, persona: Int?, group: Int? = nil, identity: CustomerIdentity, start: Int64, random: ScenarioRandom,
         reuse buffer: inout [PlannedEvent]) {
        self.plan = plan
        self.persona = persona
        habits = group.map { plan.groups[$0].habits } ?? plan.habits[persona ?? plan.personas.count]
        self.identity = identity
        swap(&events, &buffer)
        events.removeAll(keepingCapacity: true)
        time = start
        var random = random
        let identifies = random.chance(0.85)
        let atGoal = identifies && plan.goal != nil && random.chance(0.4)
        self.identifies = identifies
        identifyAtGoal = atGoal
        identifyAfter = identifies && !atGoal ? random.int(in: 1...3) : .max
        deviceBudget = identifies ? 1 + random.weighted(Self.deviceWeights) : 1
        self.random = random
    }

    private var slot: Int { persona ?? plan.personas.count }

    /// Plans every event, with the device counter for new devices.
    mutating func simulate(deviceCounter: inout UInt64, keys: CustomerIdentity.Keys) {
        _ = identity.addDevice(app: random.chance(plan.prefersApp[slot] ? 0.4 : 0.1), counter: &deviceCounter, keys: keys)
        let stageCount = plan.journey.stages.count
        let drop = plan.drops[slot]
        let entry = stageCount > 1 && !plan.byStage[1].isEmpty && random.chance(0.05) ? 1 : 0
        var converted = false
        stages: for stage in entry..<stageCount {
            if stage > entry { time += Int64(random.logUniform(2, 120) * Double(Self.hour)) }
            let isGoalStage = plan.goal != nil && stage == plan.goalStage
            let options = plan.byStage[stage]
            // One to three visits a stage; in the goal stage none to two before the goal itself.
            let wanted = isGoalStage ? random.weighted(Self.goalStageVisits) : 1 + random.weighted(Self.stageVisits)
            var chosen = choose(min(wanted, options.count, 64), from: options)
            if chosen.count > 1, random.chance(0.1) { chosen.swapAt(0, 1) }
            for (offset, touchpoint) in chosen.enumerated() {
                if offset > 0 { time += withinStageGap() }
                visit(touchpoint, deviceCounter: &deviceCounter, keys: keys)
                if plan.isFriction[touchpoint], random.chance(ScenarioPlan.plannedFrictionDropOff) { break stages }
                serviceContact(stage: stage, deviceCounter: &deviceCounter, keys: keys)
            }
            if let goal = plan.goal, converted, stage == (plan.goalStage ?? 0) + 1, random.chance(0.3) {
                time += Int64(random.logUniform(2, 10) * Double(Self.day))
                visit(goal, deviceCounter: &deviceCounter, keys: keys)
            }
            if isGoalStage, let goal = plan.goal {
                if random.chance(drop[stage]) { break }
                time += withinStageGap()
                if identifies, identifyAtGoal, !identified {
                    identify(device: current, full: true)
                    time += Int64(random.int(in: 20...240)) * 1000
                }
                visit(goal, deviceCounter: &deviceCounter, keys: keys)
                converted = true
                // Many customers who reach the goal never come back for the stages after it.
                if stage == stageCount - 1 || random.chance(Self.leaveAfterGoal) { break }
                continue
            }
            if stage == stageCount - 1 || random.chance(drop[stage]) { break }
        }
        if identifies, !identified {
            time += Int64(random.int(in: 30...600)) * 1000
            identify(device: current, full: true)
        }
        finish()
    }

    private mutating func withinStageGap() -> Int64 {
        Int64(random.logUniform(3, 600) * Double(Self.minute))
    }

    /// Distinct touchpoints, weighted towards the persona's channels, in map order.
    private mutating func choose(_ count: Int, from options: [Int]) -> [Int] {
        var taken: UInt64 = 0
        for _ in 0..<count {
            var total = 0.0
            for (position, option) in options.enumerated() where taken & (1 << UInt64(position & 63)) == 0 { total += habits[option] }
            var point = random.unit() * total
            var pick = -1
            for (position, option) in options.enumerated() where taken & (1 << UInt64(position & 63)) == 0 {
                pick = position
                point -= habits[option]
                if point < 0 { break }
            }
            if pick >= 0 { taken |= 1 << UInt64(pick & 63) }
        }
        var chosen: [Int] = []
        chosen.reserveCapacity(count)
        for (position, option) in options.enumerated() where taken & (1 << UInt64(position & 63)) != 0 { chosen.append(option) }
        return chosen
    }

    private mutating func serviceContact(stage: Int, deviceCounter: inout UInt64, keys: CustomerIdentity.Keys) {
        guard stage >= 1, random.chance(0.08) else { return }
        let options = plan.service.filter { plan.stageOf[$0] <= stage }
        guard !options.isEmpty else { return }
        let touchpoint = random.pick(options)
        time += withinStageGap()
        visit(touchpoint, deviceCounter: &deviceCounter, keys: keys)
        if random.chance(0.35) {
            time += Int64(random.logUniform(1, 4) * Double(Self.day))
            visit(touchpoint, deviceCounter: &deviceCounter, keys: keys)
        }
    }

    private mutating func visit(_ touchpoint: Int, deviceCounter: inout UInt64, keys: CustomerIdentity.Keys) {
        let pool = plan.pools[touchpoint]
        let templateIndex = random.below(pool.count)
        let template = pool[templateIndex]
        let isFriction = plan.isFriction[touchpoint]
        if isFriction { frictionSeen = true }
        experienceSum += plan.experience[touchpoint]
        visits += 1
        var score = -1
        if let metric = template.metric, metric.range != nil {
            let wanted = FeedbackModel.score(metric, experience: experienceSum / Double(visits), friction: frictionSeen, using: &random)
            score = FeedbackModel.snap(wanted, to: template.scores)
        }
        let channel = plan.channels[touchpoint]
        let (carrier, newDevice) = carrier(for: channel, deviceCounter: &deviceCounter, keys: keys)
        append(.visit(touchpoint: touchpoint, template: templateIndex, score: score), carrier)
        if let newDevice {
            time += Int64(random.int(in: 30...300)) * 1000
            append(.identify(device: newDevice, full: false), .device(newDevice, user: true, junk: 0))
            identity.devices[newDevice].linked = true
        }
        if identifies, !identified, visits >= identifyAfter {
            time += Int64(random.int(in: 5...180)) * 1000
            identify(device: current, full: true)
        }
        let isService = plan.isService[touchpoint], isGoal = touchpoint == plan.goal
        let probability = template.kind == .feedback ? 0 : isGoal ? 0.3 : isService ? 0.3 : isFriction ? 0.35 : 0.08
        if random.chance(probability) {
            let metric = FeedbackModel.metric(service: isService, goal: isGoal, friction: isFriction, using: &random)
            if plan.feedbackAllowed[touchpoint][Feedback.Metric.allCases.firstIndex(of: metric)!] {
                let experience = plan.experience[touchpoint]
                let score = FeedbackModel.score(metric, experience: experience, friction: frictionSeen, using: &random)
                let comment = FeedbackModel.comment(experience: experience, friction: frictionSeen, using: &random)
                time += Int64(random.logUniform(5, 1440) * Double(Self.minute))
                append(.feedback(touchpoint: touchpoint, metric: metric, score: score, comment: comment), feedbackCarrier())
            }
        }
        maybeNoise()
    }

    private mutating func identify(device: Int, full: Bool) {
        identified = true
        identity.devices[device].linked = true
        append(.identify(device: device, full: full), .device(device, user: true, junk: 0))
    }

    private mutating func maybeNoise() {
        guard random.chance(0.075) else { return }
        let device = identified ? random.below(identity.devices.count) : 0
        let app = identity.devices[device].isApp
        let count = app ? plan.noise.app.count : plan.noise.web.count
        guard count > 0 else { return }
        time += Int64(random.logUniform(0.3, 30) * Double(Self.minute))
        append(.noise(app: app, template: random.below(count)), .device(device, user: identity.devices[device].linked, junk: junk(device)))
    }

    private mutating func junk(_ device: Int) -> Int {
        identity.devices[device].linked || !random.chance(0.02) ? 0 : 1 + random.below(2)
    }

    private mutating func feedbackCarrier() -> PlannedEvent.Carrier {
        guard identified else { return .device(current, user: false, junk: 0) }
        return random.chance(0.5) ? .email(variant: random.below(5)) : .user
    }

    /// Who an event on `channel` is tied to, and a device added for it that needs linking.
    private mutating func carrier(for channel: String, deviceCounter: inout UInt64, keys: CustomerIdentity.Keys) -> (PlannedEvent.Carrier, Int?) {
        guard identified else { return (.device(0, user: false, junk: junk(0)), nil) }
        switch channel {
        case "email":
            return (random.chance(0.65) ? .email(variant: random.below(5)) : .user, nil)
        case "sms":
            return (identity.phone != nil ? .phone(variant: random.below(5)) : .user, nil)
        case "phone", "support":
            return (identity.phone != nil && random.chance(0.7) ? .phone(variant: random.below(5)) : .user, nil)
        case "store", "in-person", "event", "partner", "word-of-mouth":
            return (random.chance(0.2) ? .email(variant: random.below(5)) : .user, nil)
        default:
            if identity.devices.count < deviceBudget, random.chance(0.3) {
                let device = identity.addDevice(app: channel == "mobile-app" || random.chance(0.4), counter: &deviceCounter, keys: keys)
                current = device
                return (.device(device, user: false, junk: junk(device)), device)
            }
            if channel == "mobile-app", let app = identity.devices.firstIndex(where: \.isApp) {
                current = app
            } else if random.chance(0.3) {
                current = random.below(identity.devices.count)
            }
            return (.device(current, user: identity.devices[current].linked, junk: junk(current)), nil)
        }
    }

    private mutating func append(_ action: PlannedEvent.Action, _ carrier: PlannedEvent.Carrier) {
        events.append(PlannedEvent(time: time, action: action, carrier: carrier))
    }

    /// Rounds times to whole seconds at least one second apart, and squeezes the journey into
    /// ``maximumSpan`` when it runs longer, keeping the order.
    private mutating func finish() {
        guard let first = events.first?.time, let last = events.last?.time else { return }
        let budget = Self.maximumSpan - Int64(events.count) * 1000
        let scale = last - first > budget ? Double(budget) / Double(last - first) : 1
        var previous = Int64.min
        for index in events.indices {
            var time = first + Int64(Double(events[index].time - first) * scale)
            time -= time % 1000
            if time <= previous { time = previous + 1000 }
            events[index].time = time
            previous = time
        }
    }
}
