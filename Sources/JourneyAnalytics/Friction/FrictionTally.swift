/// One thread's friction counts over a range of customers, in one pass over their counted events.
///
/// Counts are of customers (each customer at most once per touchpoint or transition), except
/// ``durations`` (every transition) and the survey ``answers``. Per-touchpoint arrays have one
/// slot per touchpoint; per-transition arrays one slot per ordered pair `from * touchpoints + to`.
/// Example lists hold customer positions in ascending order, at most ``examples`` each.
struct FrictionTally: Sendable {
    let touchpoints: Int
    let examples: Int

    /// Customers with at least one counted event.
    var customers = 0
    /// Of those, customers with a counted goal event.
    var converted = 0
    /// Customers by furthest stage and conversion: `stage * 2 + (converted ? 1 : 0)`.
    var furthest: [Int]

    // drop_off, per touchpoint.
    var visitors: [Int]
    /// Visitors who never reached the goal and whose furthest stage is the touchpoint's or earlier.
    var left: [Int]
    var leftExamples: [[Int]]

    // transition_drop_off, per transition between two different touchpoints made before converting.
    var movers: [Int]
    var moversLeft: [Int]
    var moversLeftExamples: [[Int]]

    // loop_back: departures per touchpoint, backward moves per transition.
    var leaving: [Int]
    var leavingConverted: [Int]
    var loopingFrom: [Int]
    var loopers: [Int]
    var loopersConverted: [Int]
    var loopExamples: [[Int]]

    // repeat_contact, per touchpoint of the first of two close service contacts.
    var contacts: [Int]
    var contactsConverted: [Int]
    var repeaters: [Int]
    var repeatersConverted: [Int]
    var repeatExamples: [[Int]]

    // slow_transition, per transition: every duration, and per customer making it the longest one.
    var durations: [[Int64]]
    var longest: [[Int64]]
    var longestConverted: [[Bool]]
    var longestCustomer: [[Int32]]

    // negative_feedback, per touchpoint.
    var answers: [Int]
    var negativeAnswers: [Int]
    var respondents: [Int]
    var respondentsConverted: [Int]
    var negativeRespondents: [Int]
    var negativeRespondentsConverted: [Int]
    var negativeExamples: [[Int]]

    // Per-customer scratch, reused.
    private var trace: [Int] = []
    private var times: [Int64] = []
    private var onService: [Bool] = []
    private var touchpointSeen: [Int]
    private var leavingSeen: [Int]
    private var loopingSeen: [Int]
    private var contactSeen: [Int]
    private var repeatSeen: [Int]
    private var respondentSeen: [Int]
    private var negativeSeen: [Int]
    private var transitionSeen: [Int]
    private var transitionFirst: [Int]
    private var transitionLongest: [Int64]
    private var loopSeen: [Int]
    private var touched: [Int] = []

    init(touchpoints: Int, stages: Int, examples: Int) {
        self.touchpoints = touchpoints
        self.examples = max(0, examples)
        let perTouchpoint = [Int](repeating: 0, count: touchpoints)
        let perTransition = [Int](repeating: 0, count: touchpoints * touchpoints)
        let lists = [[Int]](repeating: [], count: touchpoints)
        let transitionLists = [[Int]](repeating: [], count: touchpoints * touchpoints)
        furthest = [Int](repeating: 0, count: max(1, stages) * 2)
        visitors = perTouchpoint; left = perTouchpoint; leftExamples = lists
        movers = perTransition; moversLeft = perTransition; moversLeftExamples = transitionLists
        leaving = perTouchpoint; leavingConverted = perTouchpoint; loopingFrom = perTouchpoint
        loopers = perTransition; loopersConverted = perTransition; loopExamples = transitionLists
        contacts = perTouchpoint; contactsConverted = perTouchpoint; repeaters = perTouchpoint; repeatersConverted = perTouchpoint
        repeatExamples = lists
        durations = [[Int64]](repeating: [], count: touchpoints * touchpoints)
        longest = durations
        longestConverted = [[Bool]](repeating: [], count: touchpoints * touchpoints)
        longestCustomer = [[Int32]](repeating: [], count: touchpoints * touchpoints)
        answers = perTouchpoint; negativeAnswers = perTouchpoint; respondents = perTouchpoint; respondentsConverted = perTouchpoint
        negativeRespondents = perTouchpoint; negativeRespondentsConverted = perTouchpoint; negativeExamples = lists
        let unseen = [Int](repeating: -1, count: touchpoints)
        touchpointSeen = unseen; leavingSeen = unseen; loopingSeen = unseen; contactSeen = unseen; repeatSeen = unseen
        respondentSeen = unseen; negativeSeen = unseen
        transitionSeen = [Int](repeating: -1, count: touchpoints * touchpoints)
        loopSeen = transitionSeen
        transitionFirst = perTransition
        transitionLongest = [Int64](repeating: 0, count: touchpoints * touchpoints)
    }

    /// What a pass needs besides the selection.
    struct Context: Sendable {
        let selection: Selection
        let goal: Goal
        /// Per channel number, whether it is a service channel.
        let service: [Bool]
        /// Milliseconds within which a second service contact is a repeat.
        let repeatWindow: Int64
    }

    @inline(__always)
    private func note(_ customer: Int, in list: inout [Int]) {
        if list.count < examples { list.append(customer) }
    }

    /// Counts one customer; `cursor` walks ``JourneyIndex/feedback`` in customer order.
    mutating func add(_ customer: Int, _ context: Context, cursor: inout Int) {
        let selection = context.selection, index = selection.index, filtered = selection.filtersEvents
        let stageOf = index.touchpointStage
        trace.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
        onService.removeAll(keepingCapacity: true)
        var furthestStage = -1, firstGoal = -1
        for event in selection.events(of: customer) {
            if filtered, !selection.includes(event: event) { continue }
            let touchpoint = Int(index.touchpoints[event])
            if firstGoal < 0, context.goal.touchpoints[touchpoint] { firstGoal = trace.count }
            furthestStage = max(furthestStage, Int(stageOf[touchpoint]))
            trace.append(touchpoint)
            times.append(index.timestamps[event])
            onService.append(context.service[Int(index.channels[event])])
        }
        guard !trace.isEmpty else { return }
        let isConverted = firstGoal >= 0, won = isConverted ? 1 : 0
        customers += 1
        converted += won
        furthest[furthestStage * 2 + won] += 1

        // Visits: drop-off. A customer who reached the goal never leaves.
        for touchpoint in trace where touchpointSeen[touchpoint] != customer {
            touchpointSeen[touchpoint] = customer
            visitors[touchpoint] += 1
            if !isConverted, furthestStage <= Int(stageOf[touchpoint]) {
                left[touchpoint] += 1
                note(customer, in: &leftExamples[touchpoint])
            }
        }

        // Transitions: drop-off after them, loop-backs, durations.
        for position in 1 ..< trace.count {
            let from = trace[position - 1], to = trace[position]
            guard from != to else { continue }
            let transition = from * touchpoints + to
            let duration = times[position] - times[position - 1]
            durations[transition].append(duration)
            if transitionSeen[transition] != customer {
                transitionSeen[transition] = customer
                transitionFirst[transition] = position
                transitionLongest[transition] = duration
                touched.append(transition)
            } else if duration > transitionLongest[transition] {
                transitionLongest[transition] = duration
            }
            if leavingSeen[from] != customer {
                leavingSeen[from] = customer
                leaving[from] += 1
                leavingConverted[from] += won
            }
            if stageOf[to] < stageOf[from] {
                if loopingSeen[from] != customer {
                    loopingSeen[from] = customer
                    loopingFrom[from] += 1
                }
                if loopSeen[transition] != customer {
                    loopSeen[transition] = customer
                    loopers[transition] += 1
                    loopersConverted[transition] += won
                    note(customer, in: &loopExamples[transition])
                }
            }
        }
        for transition in touched {
            if !isConverted || firstGoal >= transitionFirst[transition] {
                movers[transition] += 1
                if !isConverted {
                    moversLeft[transition] += 1
                    note(customer, in: &moversLeftExamples[transition])
                }
            }
            longest[transition].append(transitionLongest[transition])
            longestConverted[transition].append(isConverted)
            longestCustomer[transition].append(Int32(truncatingIfNeeded: customer))
        }
        touched.removeAll(keepingCapacity: true)

        // Service contacts: a repeat belongs to the touchpoint of the contact it repeats.
        var previous = -1
        for position in trace.indices where onService[position] {
            let touchpoint = trace[position]
            if contactSeen[touchpoint] != customer {
                contactSeen[touchpoint] = customer
                contacts[touchpoint] += 1
                contactsConverted[touchpoint] += won
            }
            if previous >= 0, times[position] - times[previous] <= context.repeatWindow {
                let first = trace[previous]
                if repeatSeen[first] != customer {
                    repeatSeen[first] = customer
                    repeaters[first] += 1
                    repeatersConverted[first] += won
                    note(customer, in: &repeatExamples[first])
                }
            }
            previous = position
        }

        // Survey answers tied to a touchpoint, inside the time range.
        let feedback = index.feedback
        while cursor < feedback.count, Int(feedback.customers[cursor]) < customer { cursor += 1 }
        while cursor < feedback.count, Int(feedback.customers[cursor]) == customer {
            let answer = cursor
            cursor += 1
            let touchpoint = Int(feedback.touchpoints[answer])
            guard touchpoint < touchpoints, let score = feedback.score(at: answer) else { continue }
            if let from = selection.from, feedback.timestamps[answer] < from { continue }
            if let to = selection.to, feedback.timestamps[answer] >= to { continue }
            guard let negative = Self.isNegative(metric: feedback.metric(at: answer), score: score) else { continue }
            answers[touchpoint] += 1
            if respondentSeen[touchpoint] != customer {
                respondentSeen[touchpoint] = customer
                respondents[touchpoint] += 1
                respondentsConverted[touchpoint] += won
            }
            guard negative else { continue }
            negativeAnswers[touchpoint] += 1
            if negativeSeen[touchpoint] != customer {
                negativeSeen[touchpoint] = customer
                negativeRespondents[touchpoint] += 1
                negativeRespondentsConverted[touchpoint] += won
                note(customer, in: &negativeExamples[touchpoint])
            }
        }
    }

    /// Whether a scored answer is negative: NPS 0–6 (detractor), CSAT 1–2 (of 5), CES 5–7 (of 7,
    /// 7 the most effort); nil for free text and unknown metrics.
    static func isNegative(metric: String, score: Double) -> Bool? {
        switch metric {
        case "nps": score <= 6
        case "csat": score <= 2
        case "ces": score >= 5
        default: nil
        }
    }

    /// Adds another thread's counts (of later customers).
    mutating func merge(_ other: FrictionTally) {
        func add(_ a: inout [Int], _ b: [Int]) { for slot in a.indices { a[slot] += b[slot] } }
        func append(_ a: inout [[Int]], _ b: [[Int]]) {
            for slot in a.indices where a[slot].count < examples { a[slot] += b[slot].prefix(examples - a[slot].count) }
        }
        customers += other.customers
        converted += other.converted
        add(&furthest, other.furthest)
        add(&visitors, other.visitors); add(&left, other.left)
        append(&leftExamples, other.leftExamples)
        add(&movers, other.movers); add(&moversLeft, other.moversLeft); append(&moversLeftExamples, other.moversLeftExamples)
        add(&leaving, other.leaving); add(&leavingConverted, other.leavingConverted); add(&loopingFrom, other.loopingFrom)
        add(&loopers, other.loopers); add(&loopersConverted, other.loopersConverted); append(&loopExamples, other.loopExamples)
        add(&contacts, other.contacts); add(&contactsConverted, other.contactsConverted)
        add(&repeaters, other.repeaters); add(&repeatersConverted, other.repeatersConverted); append(&repeatExamples, other.repeatExamples)
        for slot in durations.indices where !other.durations[slot].isEmpty {
            durations[slot] += other.durations[slot]
            longest[slot] += other.longest[slot]
            longestConverted[slot] += other.longestConverted[slot]
            longestCustomer[slot] += other.longestCustomer[slot]
        }
        add(&answers, other.answers); add(&negativeAnswers, other.negativeAnswers)
        add(&respondents, other.respondents); add(&respondentsConverted, other.respondentsConverted)
        add(&negativeRespondents, other.negativeRespondents); add(&negativeRespondentsConverted, other.negativeRespondentsConverted)
        append(&negativeExamples, other.negativeExamples)
    }
}
