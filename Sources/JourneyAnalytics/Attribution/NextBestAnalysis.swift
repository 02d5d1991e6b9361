import CustomerData
import JourneyModel
import JourneyStore

/// Next best action: a Markov chain of the map's touchpoints learned from the customers' paths
/// gives every touchpoint the odds of reaching the goal from it, and every customer who has not
/// converted the odds of their current position (the touchpoint of their last counted event),
/// with the next touchpoint whose odds are best among those customers at that position went on
/// to at least `minimum_transitions` times.
///
/// The chain is attribution's Markov chain of order 1 by touchpoint (``MarkovChain``): each
/// customer's touchpoints in time order, consecutive repeats collapsed, before their first goal
/// event ending in `(conversion)`, all of them ending in `(null)` for the others. A customer is
/// *at risk* when they have not converted and their odds are under `risk_below` (by default half
/// the odds at the start), or when they have been in their current stage longer than 90% of the
/// customers who went on from it to a later stage took (measured up to the data's last event).
public enum NextBestAnalysis {
    /// Runs the next best action analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> NextBestResult {
        let selection = try Selection(index: index, query: query)
        let goal = try Goal(index)
        let options = query.options
        let touchpoints = index.touchpointIDs.count
        /// Each customer's collapsed path and whether it converted; for stage times, the first
        /// event of each stage reached.
        struct Journey: Sendable {
            var customer: Int32
            var path: [Int32]
            var converted: Bool
            /// The last counted event of the path, and of the customer.
            var last: Int64
            var latest: Int64
            /// (stage, first time there), in the order first reached.
            var stages: [(stage: UInt8, at: Int64)]
        }
        let parts = Parallel.map(index.customerCount) { customers -> [Journey] in
            var journeys: [Journey] = []
            for customer in customers where selection.includes(customer: customer) {
                var journey = Journey(customer: Int32(customer), path: [], converted: false, last: .min, latest: .min, stages: [])
                for event in selection.events(of: customer) where !selection.filtersEvents || selection.includes(event: event) {
                    let touchpoint = Int(index.touchpoints[event]), time = index.timestamps[event]
                    journey.latest = time
                    guard !journey.converted else { continue }
                    let stage = index.touchpointStage[touchpoint]
                    if !journey.stages.contains(where: { $0.stage == stage }) { journey.stages.append((stage, time)) }
                    if goal.touchpoints[touchpoint] {
                        journey.converted = true
                        continue
                    }
                    if journey.path.last != Int32(touchpoint) { journey.path.append(Int32(touchpoint)) }
                    journey.last = time
                }
                if !journey.path.isEmpty || journey.converted { journeys.append(journey) }
            }
            return journeys
        }
        let journeys = parts.flatMap { $0 }

        var counts: [[Int32]: (converted: Double, not: Double)] = [:]
        for journey in journeys where !journey.path.isEmpty {
            counts[journey.path, default: (0, 0)].converted += journey.converted ? 1 : 0
            counts[journey.path, default: (0, 0)].not += journey.converted ? 0 : 1
        }
        let chain = MarkovChain(paths: counts, order: 1)
        let probabilities: [Double]
        do { probabilities = try chain.conversionProbabilities() } catch {
            throw AnalysisError(error.description + "; narrow the query with filters or a date range")
        }
        let start = probabilities[MarkovChain.start]
        let stateOf = (0..<touchpoints).map { chain.existing([Int32($0)]) }
        func odds(_ touchpoint: Int) -> Double? { stateOf[touchpoint].map { probabilities[$0] } }
        // The best next touchpoint of each, among transitions seen often enough.
        let next: [NextBestResult.Next?] = (0..<touchpoints).map { touchpoint in
            guard let state = stateOf[touchpoint], let here = odds(touchpoint) else { return nil }
            var best: NextBestResult.Next?
            for (target, count) in chain.transitions[state] where target > 0 && count >= Double(options.minimumTransitions) {
                let item = Int(chain.keys[target][0]), value = probabilities[target]
                if best.map({ value > $0.odds || (value == $0.odds && index.touchpointIDs[item] < $0.id) }) ?? true {
                    best = NextBestResult.Next(id: index.touchpointIDs[item], name: index.journey.touchpoints[item].name, odds: value,
                                               lift: value - here, transitions: Int(count))
                }
            }
            return best.flatMap { $0.lift > 0 ? $0 : nil }
        }

        // How long customers who went on from a stage stayed in it: from their first event there
        // to their first event in a later stage.
        let stages = index.stageIDs.count
        var stays = [[Int64]](repeating: [], count: stages)
        var asOf = Int64.min
        for journey in journeys {
            asOf = max(asOf, journey.latest)
            for (position, entry) in journey.stages.enumerated() {
                guard let later = journey.stages[(position + 1)...].first(where: { $0.stage > entry.stage }) else { continue }
                stays[Int(entry.stage)].append(later.at - entry.at)
            }
        }
        let slowAfter = stays.map { values -> Int64? in
            var values = values
            return Quantiles.discrete(&values, 0.9)
        }
        let threshold = options.riskBelow ?? start / 2

        var atRisk: [(customer: Int, row: NextBestResult.Customer)] = []
        var wanted: (customer: Int, row: NextBestResult.Customer)?
        var waiting = [Int](repeating: 0, count: touchpoints)
        for journey in journeys where !journey.converted {
            guard let position = journey.path.last.map(Int.init), let value = odds(position) else { continue }
            waiting[position] += 1
            let stage = Int(index.touchpointStage[position])
            let entry = journey.stages.first { Int($0.stage) == stage }?.at ?? journey.last
            var reasons: [String] = []
            if value < threshold { reasons.append("low_odds") }
            if let slow = slowAfter[stage], asOf - entry > slow { reasons.append("slow") }
            let customer = Int(journey.customer)
            // The id is written only for the customers listed or asked for.
            let isWanted = options.customer.map { $0 == CustomerID.text(index.customers[customer]) } ?? false
            guard !reasons.isEmpty || isWanted else { continue }
            let id = CustomerID.text(index.customers[customer])
            let row = NextBestResult.Customer(id: id, name: nil, persona: CustomerNames.persona(of: customer, in: index),
                                              touchpoint: index.touchpointIDs[position], stage: index.stageIDs[stage], odds: value,
                                              inStageSince: Timestamp.iso8601(entry), daysInStage: Double(asOf - entry) / 86_400_000,
                                              reasons: reasons, atRisk: !reasons.isEmpty, next: next[position])
            if isWanted { wanted = (customer, row) }
            if !reasons.isEmpty { atRisk.append((customer, row)) }
        }
        if let customer = options.customer, wanted == nil {
            guard index.customers.contains(where: { CustomerID.text($0) == customer }) else {
                throw AnalysisError(field: "options.customer", problem: "no customer '\(customer.prefix(80))' in the index; give an id as 'wayfinder customers' lists it")
            }
        }
        atRisk.sort { ($0.row.odds, $0.row.id) < ($1.row.odds, $1.row.id) }
        let page = CustomerNames.page(count: atRisk.count, offset: options.offset ?? 0, limit: options.limit)
        let listed = (options.customer == nil ? Array(atRisk[page]) : (wanted.map { [$0] } ?? [])).map { customer, row in
            var row = row
            row.name = CustomerNames.name(of: customer, in: index)
            return row
        }
        let rows = (0..<touchpoints).compactMap { touchpoint -> NextBestResult.Touchpoint? in
            guard let value = odds(touchpoint) else { return nil }
            return NextBestResult.Touchpoint(id: index.touchpointIDs[touchpoint], name: index.journey.touchpoints[touchpoint].name,
                                             stage: index.stageIDs[Int(index.touchpointStage[touchpoint])], odds: value,
                                             waiting: waiting[touchpoint], next: next[touchpoint])
        }
        return NextBestResult(goal: goal.id ?? index.stageIDs[goal.stage], conversionProbability: start, riskBelow: threshold,
                              minimumTransitions: options.minimumTransitions, asOf: asOf == .min ? nil : Timestamp.iso8601(asOf),
                              touchpoints: rows, atRisk: atRisk.count, offset: options.offset ?? 0, limit: options.limit, customers: listed)
    }
}

/// Next best action: `{"next_best": {"conversion_probability", "touchpoints": [{"id", "odds", "next": {"id", "odds", "lift"}}], "customers": [...]}}`.
public struct NextBestResult: Codable, Sendable, Equatable {
    /// The touchpoint to meet next from a position, and what it does to the odds.
    public struct Next: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        /// The odds of reaching the goal from it.
        public var odds: Double
        /// Its odds minus those of the position.
        public var lift: Double
        /// How many times customers went from the position to it.
        public var transitions: Int
    }

    /// The odds at a touchpoint of the map, and its best next touchpoint.
    public struct Touchpoint: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var stage: String
        public var odds: Double
        /// Customers who have not converted whose last counted event is here.
        public var waiting: Int
        public var next: Next?
    }

    /// A customer who has not converted (at risk, or the one asked for).
    public struct Customer: Codable, Sendable, Equatable {
        public var id: String
        public var name: String?
        public var persona: String?
        /// Their current position: the touchpoint of their last counted event, and its stage.
        public var touchpoint: String
        public var stage: String
        public var odds: Double
        /// Their first event in the current stage, and the days since then up to the data's last event.
        public var inStageSince: String
        public var daysInStage: Double
        /// `low_odds` and, or `slow`.
        public var reasons: [String]
        public var atRisk: Bool
        public var next: Next?

        enum CodingKeys: String, CodingKey {
            case id, name, persona, touchpoint, stage, odds, reasons, next
            case inStageSince = "in_stage_since", daysInStage = "days_in_stage", atRisk = "at_risk"
        }
    }

    public var goal: String
    /// The odds from the start of a journey.
    public var conversionProbability: Double
    /// Customers with odds under this are at risk.
    public var riskBelow: Double
    public var minimumTransitions: Int
    /// The data's last counted event: days in a stage are counted up to it.
    public var asOf: String?
    /// Every touchpoint a path passed, in map order.
    public var touchpoints: [Touchpoint]
    /// Customers at risk, all of them (the list is a page of them).
    public var atRisk: Int
    public var offset: Int
    public var limit: Int?
    /// Customers at risk, lowest odds first (or the one customer asked for).
    public var customers: [Customer]

    enum CodingKeys: String, CodingKey {
        case goal, touchpoints, offset, limit, customers
        case conversionProbability = "conversion_probability", riskBelow = "risk_below", minimumTransitions = "minimum_transitions"
        case asOf = "as_of", atRisk = "at_risk"
    }
}
