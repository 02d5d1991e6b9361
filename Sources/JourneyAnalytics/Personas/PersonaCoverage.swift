import JourneyModel

/// How well the personas describe the real customers: customers per persona (first matching
/// rule wins), those matching none, and the conversion of each (customers with a counted event
/// who reached the map's goal, ``Goal``), with the totals over all of them.
public enum PersonaCoverage {
    /// Runs the coverage analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> PersonaCoverageResult {
        let selection = try Selection(index: index, query: query)
        let goal = try Goal(index)
        let slots = index.personaIDs.count + 1
        let partials = Parallel.map(index.customerCount) { customers -> [Int] in
            // Per slot: customers, with events, converted.
            var counts = [Int](repeating: 0, count: slots * 3)
            for customer in customers where selection.includes(customer: customer) {
                let persona = index.personas[customer]
                let slot = persona == JourneyIndex.noPersona ? slots - 1 : Int(persona)
                counts[slot * 3] += 1
                if !selection.events(of: customer).isEmpty { counts[slot * 3 + 1] += 1 }
                if goal.reached(customer, selection) { counts[slot * 3 + 2] += 1 }
            }
            return counts
        }
        var counts = [Int](repeating: 0, count: slots * 3)
        for partial in partials { for slot in counts.indices { counts[slot] += partial[slot] } }
        let total = (0..<slots).reduce(0) { $0 + counts[$1 * 3] }
        let designed = Set(index.journey.personas)
        let rows = (0..<slots).map { slot in
            let id = slot < index.personaIDs.count ? index.personaIDs[slot] : "none"
            let customers = counts[slot * 3], active = counts[slot * 3 + 1], converted = counts[slot * 3 + 2]
            return PersonaCoverageResult.Row(
                id: id, customers: customers, share: total > 0 ? Double(customers) / Double(total) : 0, withEvents: active,
                converted: converted, conversion: active > 0 ? Double(converted) / Double(active) : nil, onMap: designed.contains(id))
        }
        let withEvents = rows.reduce(0) { $0 + $1.withEvents }, converted = rows.reduce(0) { $0 + $1.converted }
        return PersonaCoverageResult(personas: rows, customers: total, matched: total - counts[(slots - 1) * 3], goal: goal.id, withEvents: withEvents,
                                     converted: converted, conversion: withEvents > 0 ? Double(converted) / Double(withEvents) : nil)
    }
}

/// Customers per persona: `{"personas": {"personas": [{"id": "maya", "customers": 120, …}], "customers": n}}`.
public struct PersonaCoverageResult: Codable, Sendable, Equatable {
    /// One persona (or `none`).
    public struct Row: Codable, Sendable, Equatable {
        /// The persona id, or `none` for customers matching no persona.
        public var id: String
        /// Customers assigned.
        public var customers: Int
        /// Share of all customers.
        public var share: Double
        /// Assigned customers with at least one classified event.
        public var withEvents: Int
        /// Of those, customers who reached the goal.
        public var converted: Int
        /// `converted / with_events`.
        public var conversion: Double?
        /// Whether the map names this persona.
        public var onMap: Bool

        enum CodingKeys: String, CodingKey {
            case id, customers, share, converted, conversion
            case withEvents = "with_events", onMap = "on_map"
        }
    }

    /// Personas in workspace order, then `none`.
    public var personas: [Row]
    /// Customers counted.
    public var customers: Int
    /// Customers matching some persona.
    public var matched: Int
    /// The goal conversion counts toward (nil: the map has none, so its last stage is the goal).
    public var goal: String?
    /// Customers with at least one counted event, over all personas and `none`.
    public var withEvents: Int
    /// Of those, customers who reached the goal.
    public var converted: Int
    /// `converted / with_events`: the journey's conversion.
    public var conversion: Double?

    enum CodingKeys: String, CodingKey {
        case personas, customers, matched, goal, converted, conversion
        case withEvents = "with_events"
    }
}
