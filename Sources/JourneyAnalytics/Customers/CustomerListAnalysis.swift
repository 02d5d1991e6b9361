import CustomerData
import JourneyStore

/// The customers who passed a touchpoint: each counted customer with at least one counted event
/// there (the touchpoint's `visitors` in ``TouchpointAnalysis``), with the first and last of
/// those events, how many there were, and whether a counted event reached the map's goal at or
/// after the first visit (its `converted`). `wayfinder analyze customers --touchpoint ID` and
/// `{"kind": "customers", "options": {"touchpoint": ID}}` give the same list.
public enum CustomerListAnalysis {
    /// One customer's visits, before it is named and written.
    struct Visit: Sendable {
        var customer: Int32
        var first: Int64
        var last: Int64
        var visits: Int32
        /// The first goal event at or after the first visit; ``noGoal`` when none.
        var goal: Int64
        var name: String?
    }

    static let noGoal = Int64.min

    /// The list for `query`'s selection, ordered and paged by its options.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> CustomerListResult {
        let selection = try Selection(index: index, query: query)
        if query.options.step != nil { return try atStep(query, selection: selection) }
        let goal = try Goal(index)
        let touchpoint = try CustomerNames.touchpoint(query, index)
        let options = query.options
        let parts = Parallel.map(index.customerCount) { customers -> [Visit] in
            var found: [Visit] = []
            for customer in customers where selection.includes(customer: customer) {
                var visit = Visit(customer: Int32(customer), first: 0, last: 0, visits: 0, goal: noGoal)
                for event in selection.events(of: customer) {
                    if selection.filtersEvents, !selection.includes(event: event) { continue }
                    let at = Int(index.touchpoints[event]), time = index.timestamps[event]
                    if at == touchpoint {
                        if visit.visits == 0 { visit.first = time }
                        visit.last = time
                        visit.visits += 1
                    }
                    if visit.visits > 0, visit.goal == noGoal, goal.touchpoints[at] { visit.goal = time }
                }
                if visit.visits > 0 { found.append(visit) }
            }
            return found
        }
        let visits = parts.flatMap { $0 }
        let rows = page(visits, options: options, index: index)
        return CustomerListResult(touchpoint: index.touchpointIDs[touchpoint], step: nil, dropped: nil, total: visits.count,
                                  converted: visits.reduce(0) { $0 + ($1.goal == noGoal ? 0 : 1) }, offset: options.offset ?? 0,
                                  limit: options.limit, order: options.order, descending: options.descending, customers: rows)
    }

    /// The customers at a step of the funnel the query's options describe (`steps`, `mode`,
    /// `window_days`): those who reached `options.step` (or a later step), or with
    /// `options.dropped` those who reached the step before it but not it (for the first step:
    /// counted customers who reached none). A row's first and last visit and visits are of the
    /// customer's counted events; reaching the goal counts from their first counted event.
    static func atStep(_ query: AnalysisQuery, selection: Selection) throws(AnalysisError) -> CustomerListResult {
        let index = selection.index, options = query.options
        let goal = try Goal(index)
        let plan = try FunnelAnalysis.Plan(options, journey: index.journey)
        guard let step = plan.ids.firstIndex(of: options.step ?? "") else {
            throw AnalysisError(field: "options.step", problem: "names no step of the funnel (got '\((options.step ?? "").prefix(80))'; steps: \(plan.ids.joined(separator: ", ")))")
        }
        let reached = try FunnelAnalysis.reached(options, selection: selection)
        // Reached the step: more than `step` steps; dropped before it: exactly `step`.
        let dropped = options.dropped, mark = Int16(step)
        let parts = Parallel.map(index.customerCount) { customers -> [Visit] in
            var found: [Visit] = []
            for customer in customers where reached[customer] >= 0 && (dropped ? reached[customer] == mark : reached[customer] > mark) {
                var visit = Visit(customer: Int32(customer), first: 0, last: 0, visits: 0, goal: noGoal)
                for event in selection.events(of: customer) where !selection.filtersEvents || selection.includes(event: event) {
                    let time = index.timestamps[event]
                    if visit.visits == 0 { visit.first = time }
                    visit.last = time
                    visit.visits += 1
                    if visit.goal == noGoal, goal.touchpoints[Int(index.touchpoints[event])] { visit.goal = time }
                }
                if visit.visits > 0 { found.append(visit) }
            }
            return found
        }
        let visits = parts.flatMap { $0 }
        let rows = page(visits, options: options, index: index)
        return CustomerListResult(touchpoint: nil, step: plan.ids[step], dropped: options.dropped, total: visits.count,
                                  converted: visits.reduce(0) { $0 + ($1.goal == noGoal ? 0 : 1) }, offset: options.offset ?? 0, limit: options.limit,
                                  order: options.order, descending: options.descending, customers: rows)
    }

    /// The rows of the page `options` asks for, of `visits` ordered by `options.order`.
    static func page(_ visits: [Visit], options: Options, index: JourneyIndex) -> [CustomerListResult.Row] {
        var visits = visits
        if options.order == .name {
            for position in visits.indices { visits[position].name = CustomerNames.name(of: Int(visits[position].customer), in: index)?.lowercased() }
        }
        sort(&visits, by: options.order, descending: options.descending)
        let page = CustomerNames.page(count: visits.count, offset: options.offset ?? 0, limit: options.limit)
        return visits[page].map { visit in
            let customer = Int(visit.customer)
            return CustomerListResult.Row(
                id: CustomerID.text(index.customers[customer]), name: CustomerNames.name(of: customer, in: index),
                persona: CustomerNames.persona(of: customer, in: index), firstVisit: Timestamp.iso8601(visit.first),
                lastVisit: Timestamp.iso8601(visit.last), visits: Int(visit.visits), reachedGoal: visit.goal != noGoal,
                goalAt: visit.goal == noGoal ? nil : Timestamp.iso8601(visit.goal))
        }
    }

    /// Sorts by `order`, customers without a value (no goal, no name) last in either direction,
    /// ties by customer number (the index's order), ascending.
    static func sort(_ visits: inout [Visit], by order: Options.CustomerOrder, descending: Bool) {
        func key(_ visit: Visit) -> Int64? {
            switch order {
            case .lastVisit: visit.last
            case .firstVisit: visit.first
            case .visits: Int64(visit.visits)
            case .goalAt: visit.goal == noGoal ? nil : visit.goal
            case .customer: Int64(visit.customer)
            case .name: nil
            }
        }
        visits.sort { one, two in
            if order == .name {
                switch (one.name, two.name) {
                case let (a?, b?) where a != b: return descending ? a > b : a < b
                case (_?, nil): return true
                case (nil, _?): return false
                default: return one.customer < two.customer
                }
            }
            switch (key(one), key(two)) {
            case let (a?, b?) where a != b: return descending ? a > b : a < b
            case (_?, nil): return true
            case (nil, _?): return false
            default: return one.customer < two.customer
            }
        }
    }
}
