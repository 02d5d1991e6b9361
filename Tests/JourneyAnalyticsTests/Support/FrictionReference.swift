import JourneyAnalytics
import JourneyModel

/// Friction counts recomputed the plain way (dictionaries of strings, sorting) from exported
/// journeys, following the definitions in `docs/analytics.md`, to check the analysis against.
struct FrictionReference {
    /// One unit's counts: what was exposed, what was affected, distinct customers affected.
    struct Counts: Equatable, CustomStringConvertible {
        var exposed = 0
        var affected = 0
        var customers = 0
        var description: String { "\(affected)/\(exposed) (\(customers) customers)" }
    }

    /// Counts per kind and unit key (a touchpoint id, or `from>to`).
    var counts: [FrictionResult.Kind: [String: Counts]] = [:]
    var customers = 0
    var converted = 0
    var medianTransition: Int64?
    var threshold: Int64?

    init(journeys: [ExportedJourney], index: JourneyIndex, options: Options = Options(), from: Int64? = nil, to: Int64? = nil) {
        let map = index.journey
        let stageNumber = Dictionary(uniqueKeysWithValues: map.stages.enumerated().map { ($1.id, $0) })
        let stageOf = Dictionary(uniqueKeysWithValues: map.touchpoints.map { ($0.id, stageNumber[$0.stage] ?? 0) })
        let goalIDs: Set<String> = map.touchpoints.contains { $0.id == map.goal }
            ? [map.goal!] : Set(map.touchpoints.filter { $0.stage == (map.goal ?? map.stages.last?.id) }.map(\.id))
        let lastStage = map.stages.count - 1
        let services = Set(options.serviceChannels)
        let window = Int64(options.repeatContactDays * 86_400_000)
        func bump(_ kind: FrictionResult.Kind, _ key: String, exposed: Int = 0, affected: Int = 0, customers: Int = 0) {
            counts[kind, default: [:]][key, default: Counts()].exposed += exposed
            counts[kind, default: [:]][key, default: Counts()].affected += affected
            counts[kind, default: [:]][key, default: Counts()].customers += customers
        }
        var answers: [Int: [FeedbackEntry]] = [:]
        for entry in index.feedback { answers[Int(entry.customer), default: []].append(entry) }
        var allDurations: [Int64] = []
        var durations: [String: [Int64]] = [:]
        var longest: [String: [Int64]] = [:]
        for journey in journeys where !journey.touchpoints.isEmpty {
            let trace = journey.touchpoints
            customers += 1
            let firstGoal = trace.firstIndex { goalIDs.contains($0) }
            if firstGoal != nil { converted += 1 }
            let furthest = trace.map { stageOf[$0]! }.max()!
            for touchpoint in Set(trace) where !goalIDs.contains(touchpoint) && stageOf[touchpoint]! < lastStage {
                let left = firstGoal == nil && furthest <= stageOf[touchpoint]! ? 1 : 0
                bump(.dropOff, touchpoint, exposed: 1, affected: left, customers: left)
            }
            var firstMove: [String: Int] = [:], longestMove: [String: Int64] = [:]
            var leaving = Set<String>(), loops = Set<String>()
            for position in trace.indices.dropFirst() where trace[position - 1] != trace[position] {
                let key = "\(trace[position - 1])>\(trace[position])"
                let duration = journey.times[position] - journey.times[position - 1]
                if firstMove[key] == nil { firstMove[key] = position }
                longestMove[key] = max(longestMove[key] ?? .min, duration)
                durations[key, default: []].append(duration)
                allDurations.append(duration)
                leaving.insert(trace[position - 1])
                if stageOf[trace[position]]! < stageOf[trace[position - 1]]! { loops.insert(key) }
            }
            for (key, position) in firstMove where !goalIDs.contains(String(key.split(separator: ">")[1])) {
                guard firstGoal == nil || firstGoal! >= position else { continue }
                let left = firstGoal == nil ? 1 : 0
                bump(.transitionDropOff, key, exposed: 1, affected: left, customers: left)
            }
            for (key, value) in longestMove { longest[key, default: []].append(value) }
            for touchpoint in leaving { bump(.loopBack, "from:" + touchpoint, exposed: 1) }
            for key in loops { bump(.loopBack, key, affected: 1, customers: 1) }
            let service = trace.indices.filter { services.contains(journey.channels[$0]) }
            var contacted = Set<String>(), repeated = Set<String>()
            for (number, position) in service.enumerated() {
                contacted.insert(trace[position])
                if number > 0, journey.times[position] - journey.times[service[number - 1]] <= window { repeated.insert(trace[service[number - 1]]) }
            }
            for touchpoint in contacted { bump(.repeatContact, touchpoint, exposed: 1, affected: repeated.contains(touchpoint) ? 1 : 0,
                                              customers: repeated.contains(touchpoint) ? 1 : 0) }
            var negativeCustomers = Set<String>()
            for entry in answers[journey.customer] ?? [] where entry.touchpoint >= 0 {
                guard let score = entry.score else { continue }
                if let from, entry.timestamp < from { continue }
                if let to, entry.timestamp >= to { continue }
                let negative: Bool
                switch entry.metric {
                case "nps": negative = score <= 6
                case "csat": negative = score <= 2
                case "ces": negative = score >= 5
                default: continue
                }
                let touchpoint = index.touchpointIDs[entry.touchpoint]
                bump(.negativeFeedback, touchpoint, exposed: 1, affected: negative ? 1 : 0)
                if negative { negativeCustomers.insert(touchpoint) }
            }
            for touchpoint in negativeCustomers { bump(.negativeFeedback, touchpoint, customers: 1) }
        }
        func median(_ values: [Int64]) -> Int64? {
            values.isEmpty ? nil : values.sorted()[(values.count - 1) / 2]
        }
        medianTransition = median(allDurations)
        if let overall = medianTransition {
            let threshold = Int64((options.slowFactor * Double(max(overall, 1_000))).rounded(.down))
            self.threshold = threshold
            for (key, values) in longest {
                let slow = values.filter { $0 > threshold }.count
                bump(.slowTransition, "all", exposed: values.count, affected: slow)
                if let edgeMedian = median(durations[key]!), edgeMedian > threshold {
                    bump(.slowTransition, key, exposed: values.count, affected: slow, customers: slow)
                }
            }
        }
    }

    /// The counts behind a finding.
    func counts(of finding: FrictionResult.Finding) -> Counts? {
        let key = finding.touchpoint ?? "\(finding.from ?? "")>\(finding.to ?? "")"
        guard var found = counts[finding.kind]?[key] else { return nil }
        if finding.kind == .loopBack { found.exposed = counts[.loopBack]?["from:" + (finding.from ?? "")]?.exposed ?? 0 }
        return found
    }

    /// Exposed and affected summed over a kind's units (for loop backs: departures and customers looping back from each touchpoint).
    func total(_ kind: FrictionResult.Kind) -> (exposed: Int, affected: Int) {
        let units = counts[kind] ?? [:]
        switch kind {
        case .loopBack:
            let departures = units.filter { $0.key.hasPrefix("from:") }.values.reduce(0) { $0 + $1.exposed }
            return (departures, -1)
        case .slowTransition:
            return (units["all"]?.exposed ?? 0, units["all"]?.affected ?? 0)
        default:
            return (units.values.reduce(0) { $0 + $1.exposed }, units.values.reduce(0) { $0 + $1.affected })
        }
    }
}
