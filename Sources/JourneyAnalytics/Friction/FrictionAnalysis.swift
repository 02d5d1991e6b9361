import JourneyModel
import JourneyStore

/// Friction: where customers leave, go back, call again, wait, or complain, ranked by the
/// conversions it costs.
///
/// One pass over the counted events (both cores) gives every count. A customer *converted* when
/// one of their counted events is a goal touchpoint (``Goal``). Each kind compares a rate at one
/// touchpoint or transition with the journey-wide rate of that kind (the *baseline*, pooled over
/// every touchpoint or transition the kind looks at):
///
/// - `drop_off`, per touchpoint that is not a goal touchpoint and not in the last stage: of its
///   visitors, those who never reached the goal and whose furthest stage is the touchpoint's own
///   stage or an earlier one (the definition of `truth.json`); a customer who reached the goal
///   never leaves. Conversions lost = visitors × (rate − baseline) × downstream conversion, where
///   downstream conversion is the conversion of all customers who went on from the touchpoint's
///   stage (reached the goal, or a later stage): the extra leavers, had they gone on like those who did.
/// - `transition_drop_off`, per transition a→b (a ≠ b, b not a goal touchpoint): of the customers
///   whose first a→b came before their first goal event (or who never reached it), those who
///   never reached the goal. Conversions lost = customers × (rate − baseline), i.e. customers ×
///   (baseline conversion − their conversion).
/// - `loop_back`, per transition a→b with b in an earlier stage than a: of the customers leaving
///   a (moving from a to another touchpoint), those moving straight to b. The baseline is the share
///   of all departures (customer, touchpoint) that go to an earlier stage.
/// - `repeat_contact`, per touchpoint: of the customers with an event there on a service channel
///   (`service_channels`, the event's channel), those whose next service event, at any
///   touchpoint, came within `repeat_contact_days` (the repeat counts for the first contact).
/// - `slow_transition`, per transition a→b (a ≠ b) whose median time exceeds `slow_factor` × the
///   median of all transitions (at least 1 second): of its customers, those whose longest a→b took
///   more than that threshold.
/// - `negative_feedback`, per touchpoint: of the scored answers tied to it, the negative ones
///   (NPS 0–6, CSAT 1–2, CES 5–7; free text is skipped); customers affected are those with a
///   negative answer.
///
/// For `loop_back`, `repeat_contact`, `slow_transition` and `negative_feedback`, conversions lost =
/// affected customers × max(0, conversion of the exposed customers who were not affected −
/// conversion of the affected); when every exposed customer was affected, the comparison is the
/// conversion of all customers. Every estimate is clamped at 0.
///
/// Significance is a two-proportion z-test of the rate against the rest of the kind (everything
/// exposed elsewhere; for `loop_back`, departures from other touchpoints), pooled standard error,
/// two-sided p. A finding needs at least `minimum_customers` affected customers; `drop_off`,
/// `transition_drop_off` and `negative_feedback` also need a rate significantly above the rest
/// (z ≥ 1.96); `slow_transition` needs its median above the threshold; a loop back or a repeat
/// contact is friction by itself. Findings are ranked by conversions lost, then customers
/// affected. The selection's filters and time range apply to events and to survey answers' times.
public enum FrictionAnalysis {
    /// z above which a rate counts as significantly above the rest (5 %, two-sided).
    public static let criticalZ = 1.959964

    /// Runs the friction analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> FrictionResult {
        try query.validate()
        let selection = try Selection(index: index, query: query)
        return try run(query.options, selection: selection)
    }

    static func run(_ options: Options, selection: Selection) throws(AnalysisError) -> FrictionResult {
        let index = selection.index
        let services = Set(options.serviceChannels)
        var service = [Bool](repeating: false, count: 256)
        for (number, name) in index.channelNames.enumerated() where number < 256 && services.contains(name) { service[number] = true }
        let context = FrictionTally.Context(selection: selection, goal: try Goal(index), service: service,
                                            repeatWindow: Options.milliseconds(days: options.repeatContactDays))
        let touchpoints = index.touchpointIDs.count, stages = index.stageIDs.count, examples = options.examples
        let partials = Parallel.map(index.customerCount) { customers -> FrictionTally in
            var tally = FrictionTally(touchpoints: touchpoints, stages: stages, examples: examples)
            var cursor = firstFeedback(index.feedback, customer: customers.lowerBound)
            for customer in customers where selection.includes(customer: customer) { tally.add(customer, context, cursor: &cursor) }
            return tally
        }
        var tally = partials[0]
        for partial in partials.dropFirst() { tally.merge(partial) }
        var report = FrictionReport(options: options, index: index, goal: context.goal, tally: tally)
        return report.result()
    }

    /// The first survey answer of `customer` or a later one.
    static func firstFeedback(_ feedback: FeedbackAnswers, customer: Int) -> Int {
        var low = 0, high = feedback.count
        while low < high {
            let middle = (low + high) / 2
            if Int(feedback.customers[middle]) < customer { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Turns merged counts into ranked findings.
struct FrictionReport {
    let options: Options
    let index: JourneyIndex
    let goal: Goal
    var tally: FrictionTally

    private var touchpoints: Int { tally.touchpoints }

    private func customerIDs(_ customers: [Int]) -> [String] { customers.map { CustomerID.text(index.customers[$0]) } }

    private func share(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) / Double(whole) : nil }

    private func stage(_ touchpoint: Int) -> String { index.stageIDs.isEmpty ? "" : index.stageIDs[Int(index.touchpointStage[touchpoint])] }

    /// A finding from its counts; `rest` is what it is tested against.
    private func finding(_ kind: FrictionResult.Kind, touchpoint: Int? = nil, transition: Int? = nil, customers: Int, exposed: Int,
                         affected: Int, baseline: Double, rest: (affected: Int, exposed: Int), conversion: Double?,
                         baselineConversion: Double?, lost: Double, examples: [Int]) -> FrictionResult.Finding {
        let rate = Double(affected) / Double(max(exposed, 1))
        let test = ProportionTest.z(affected, exposed, rest.affected, rest.exposed)
        let from = transition.map { $0 / touchpoints }, to = transition.map { $0 % touchpoints }
        return FrictionResult.Finding(
            rank: 0, kind: kind, touchpoint: touchpoint.map { index.touchpointIDs[$0] }, from: from.map { index.touchpointIDs[$0] },
            to: to.map { index.touchpointIDs[$0] }, stage: stage(touchpoint ?? from ?? 0), toStage: to.map(stage), customers: customers,
            exposed: exposed, affected: affected, rate: rate, baselineRate: baseline, lift: baseline > 0 ? rate / baseline : nil,
            conversion: conversion, baselineConversion: baselineConversion, conversionsLost: max(0, lost), z: test?.z, p: test?.p,
            medianSeconds: nil, examples: customerIDs(examples))
    }

    private func significant(_ finding: FrictionResult.Finding) -> Bool {
        finding.customers >= options.minimumCustomers && (finding.z ?? 0) >= FrictionAnalysis.criticalZ
    }

    /// Conversion lost by `affected` customers (`affectedConverted` of them converted) against the
    /// rest of the `exposed` (`exposedConverted`), or against all customers when every exposed one was affected.
    private func lostAgainstUnaffected(affected: Int, affectedConverted: Int, exposed: Int, exposedConverted: Int) -> (Double?, Double?, Double) {
        let theirs = share(affectedConverted, affected)
        let others = share(exposedConverted - affectedConverted, exposed - affected) ?? share(tally.converted, tally.customers)
        guard let theirs, let others else { return (theirs, others, 0) }
        return (theirs, others, Double(affected) * (others - theirs))
    }

    mutating func result() -> FrictionResult {
        var findings: [FrictionResult.Finding] = []
        var baselines: [FrictionResult.Baseline] = []
        func baseline(_ kind: FrictionResult.Kind, _ affected: Int, _ exposed: Int) -> Double {
            baselines.append(FrictionResult.Baseline(kind: kind, exposed: exposed, affected: affected, rate: share(affected, exposed)))
            return share(affected, exposed) ?? 0
        }
        let lastStage = index.stageIDs.count - 1
        let stageOf = index.touchpointStage.map(Int.init)

        // drop_off
        let dropUnits = (0..<touchpoints).filter { !goal.touchpoints[$0] && stageOf[$0] < lastStage && tally.visitors[$0] > 0 }
        let dropLeft = dropUnits.reduce(0) { $0 + tally.left[$1] }, dropVisitors = dropUnits.reduce(0) { $0 + tally.visitors[$1] }
        let dropBaseline = baseline(.dropOff, dropLeft, dropVisitors)
        for touchpoint in dropUnits {
            let visitors = tally.visitors[touchpoint], left = tally.left[touchpoint]
            let downstream = downstreamConversion(after: stageOf[touchpoint])
            let rate = Double(left) / Double(visitors)
            let candidate = finding(.dropOff, touchpoint: touchpoint, customers: left, exposed: visitors, affected: left, baseline: dropBaseline,
                                    rest: (dropLeft - left, dropVisitors - visitors), conversion: left > 0 ? 0 : nil,
                                    baselineConversion: downstream, lost: Double(visitors) * (rate - dropBaseline) * (downstream ?? 0),
                                    examples: tally.leftExamples[touchpoint])
            if significant(candidate) { findings.append(candidate) }
        }

        // transition_drop_off
        let transitions = touchpoints * touchpoints
        let moveUnits = (0..<transitions).filter { $0 / touchpoints != $0 % touchpoints && !goal.touchpoints[$0 % touchpoints] && tally.movers[$0] > 0 }
        let moveLeft = moveUnits.reduce(0) { $0 + tally.moversLeft[$1] }, moveAll = moveUnits.reduce(0) { $0 + tally.movers[$1] }
        let moveBaseline = baseline(.transitionDropOff, moveLeft, moveAll)
        for transition in moveUnits {
            let movers = tally.movers[transition], left = tally.moversLeft[transition]
            let rate = Double(left) / Double(movers)
            let candidate = finding(.transitionDropOff, transition: transition, customers: left, exposed: movers, affected: left,
                                    baseline: moveBaseline, rest: (moveLeft - left, moveAll - movers), conversion: 1 - rate,
                                    baselineConversion: 1 - moveBaseline, lost: Double(movers) * (rate - moveBaseline),
                                    examples: tally.moversLeftExamples[transition])
            if significant(candidate) { findings.append(candidate) }
        }

        // loop_back
        let leavingAll = tally.leaving.reduce(0, +), loopingAll = tally.loopingFrom.reduce(0, +)
        let loopBaseline = baseline(.loopBack, loopingAll, leavingAll)
        for transition in 0..<transitions where tally.loopers[transition] > 0 {
            let from = transition / touchpoints, loopers = tally.loopers[transition]
            let (theirs, others, lost) = lostAgainstUnaffected(affected: loopers, affectedConverted: tally.loopersConverted[transition],
                                                               exposed: tally.leaving[from], exposedConverted: tally.leavingConverted[from])
            let candidate = finding(.loopBack, transition: transition, customers: loopers, exposed: tally.leaving[from], affected: loopers,
                                    baseline: loopBaseline, rest: (loopingAll - tally.loopingFrom[from], leavingAll - tally.leaving[from]),
                                    conversion: theirs, baselineConversion: others, lost: lost, examples: tally.loopExamples[transition])
            if candidate.customers >= options.minimumCustomers { findings.append(candidate) }
        }

        // repeat_contact
        let contactsAll = tally.contacts.reduce(0, +), repeatsAll = tally.repeaters.reduce(0, +)
        let repeatBaseline = baseline(.repeatContact, repeatsAll, contactsAll)
        for touchpoint in 0..<touchpoints where tally.repeaters[touchpoint] > 0 {
            let repeaters = tally.repeaters[touchpoint], contacts = tally.contacts[touchpoint]
            let (theirs, others, lost) = lostAgainstUnaffected(affected: repeaters, affectedConverted: tally.repeatersConverted[touchpoint],
                                                               exposed: contacts, exposedConverted: tally.contactsConverted[touchpoint])
            let candidate = finding(.repeatContact, touchpoint: touchpoint, customers: repeaters, exposed: contacts, affected: repeaters,
                                    baseline: repeatBaseline, rest: (repeatsAll - repeaters, contactsAll - contacts), conversion: theirs,
                                    baselineConversion: others, lost: lost, examples: tally.repeatExamples[touchpoint])
            if candidate.customers >= options.minimumCustomers { findings.append(candidate) }
        }

        // slow_transition
        var all = tally.durations.flatMap { $0 }
        let overall = Quantiles.discrete(&all, 0.5)
        let threshold = overall.map { Int64((options.slowFactor * Double(max($0, 1_000))).rounded(.down)) }
        var slowAll = 0, slowExposed = 0
        var slowCounts = [(slow: Int, slowConverted: Int, converted: Int)](repeating: (0, 0, 0), count: transitions)
        if let threshold {
            for transition in 0..<transitions where !tally.longest[transition].isEmpty {
                var counts = (slow: 0, slowConverted: 0, converted: 0)
                for (position, longest) in tally.longest[transition].enumerated() {
                    let won = tally.longestConverted[transition][position] ? 1 : 0
                    counts.converted += won
                    if longest > threshold {
                        counts.slow += 1
                        counts.slowConverted += won
                    }
                }
                slowCounts[transition] = counts
                slowAll += counts.slow
                slowExposed += tally.longest[transition].count
            }
        }
        let slowBaseline = baseline(.slowTransition, slowAll, slowExposed)
        if let threshold {
            for transition in 0..<transitions where slowCounts[transition].slow > 0 {
                guard let median = Quantiles.discrete(&tally.durations[transition], 0.5), median > threshold else { continue }
                let counts = slowCounts[transition], exposed = tally.longest[transition].count
                let (theirs, others, lost) = lostAgainstUnaffected(affected: counts.slow, affectedConverted: counts.slowConverted,
                                                                   exposed: exposed, exposedConverted: counts.converted)
                let examples = zip(tally.longest[transition], tally.longestCustomer[transition])
                    .filter { $0.0 > threshold }.prefix(options.examples).map { Int($0.1) }
                var candidate = finding(.slowTransition, transition: transition, customers: counts.slow, exposed: exposed, affected: counts.slow,
                                        baseline: slowBaseline, rest: (slowAll - counts.slow, slowExposed - exposed), conversion: theirs,
                                        baselineConversion: others, lost: lost, examples: examples)
                candidate.medianSeconds = Double(median) / 1000
                if candidate.customers >= options.minimumCustomers { findings.append(candidate) }
            }
        }

        // negative_feedback
        let answersAll = tally.answers.reduce(0, +), negativeAll = tally.negativeAnswers.reduce(0, +)
        let negativeBaseline = baseline(.negativeFeedback, negativeAll, answersAll)
        for touchpoint in 0..<touchpoints where tally.negativeAnswers[touchpoint] > 0 {
            let answers = tally.answers[touchpoint], negative = tally.negativeAnswers[touchpoint]
            let (theirs, others, lost) = lostAgainstUnaffected(
                affected: tally.negativeRespondents[touchpoint], affectedConverted: tally.negativeRespondentsConverted[touchpoint],
                exposed: tally.respondents[touchpoint], exposedConverted: tally.respondentsConverted[touchpoint])
            let candidate = finding(.negativeFeedback, touchpoint: touchpoint, customers: tally.negativeRespondents[touchpoint], exposed: answers,
                                    affected: negative, baseline: negativeBaseline, rest: (negativeAll - negative, answersAll - answers),
                                    conversion: theirs, baselineConversion: others, lost: lost, examples: tally.negativeExamples[touchpoint])
            if significant(candidate) { findings.append(candidate) }
        }

        let order = FrictionResult.Kind.allCases
        findings.sort { a, b in
            if a.conversionsLost != b.conversionsLost { return a.conversionsLost > b.conversionsLost }
            if a.customers != b.customers { return a.customers > b.customers }
            let kinds = (order.firstIndex(of: a.kind)!, order.firstIndex(of: b.kind)!)
            if kinds.0 != kinds.1 { return kinds.0 < kinds.1 }
            return (a.touchpoint ?? "", a.from ?? "", a.to ?? "") < (b.touchpoint ?? "", b.from ?? "", b.to ?? "")
        }
        for position in findings.indices { findings[position].rank = position + 1 }
        return FrictionResult(
            findings: findings, baselines: baselines, customers: tally.customers, converted: tally.converted,
            conversion: share(tally.converted, tally.customers), medianTransitionSeconds: overall.map { Double($0) / 1000 },
            slowThresholdSeconds: threshold.map { Double($0) / 1000 }, minimumCustomers: options.minimumCustomers)
    }

    /// Conversion of the customers who went on from `stage`: those who reached the goal, and those
    /// whose furthest stage is later (nil when there are none). Every converted customer went on.
    private func downstreamConversion(after stage: Int) -> Double? {
        var wentOn = tally.converted
        for furthest in (stage + 1) ..< (tally.furthest.count / 2) { wentOn += tally.furthest[furthest * 2] }
        return share(tally.converted, wentOn)
    }
}
