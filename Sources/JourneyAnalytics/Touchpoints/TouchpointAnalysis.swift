/// Live numbers for each touchpoint of the map: visitors, events, and how many visitors went on
/// to reach the goal (at or after their first visit), so the map itself can show them; the same
/// numbers `wayfinder analyze touchpoints` and `{"kind": "touchpoints"}` give.
public enum TouchpointAnalysis {
    /// Counts per touchpoint for `query`'s selection.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> TouchpointResult {
        let selection = try Selection(index: index, query: query)
        let goal = try Goal(index)
        let count = index.touchpointIDs.count
        let partials = Parallel.map(index.customerCount) { customers -> [Int] in
            // Per touchpoint: visitors, events, converted visitors.
            var counts = [Int](repeating: 0, count: count * 3)
            var firstVisit = [Int](repeating: -1, count: count)
            for customer in customers where selection.includes(customer: customer) {
                var lastGoal = -1, position = 0
                var visited: [Int] = []
                for event in selection.events(of: customer) {
                    if selection.filtersEvents, !selection.includes(event: event) { continue }
                    let touchpoint = Int(index.touchpoints[event])
                    counts[touchpoint * 3 + 1] += 1
                    if firstVisit[touchpoint] < 0 {
                        firstVisit[touchpoint] = position
                        visited.append(touchpoint)
                    }
                    if goal.touchpoints[touchpoint] { lastGoal = position }
                    position += 1
                }
                for touchpoint in visited {
                    counts[touchpoint * 3] += 1
                    if lastGoal >= firstVisit[touchpoint] { counts[touchpoint * 3 + 2] += 1 }
                    firstVisit[touchpoint] = -1
                }
            }
            return counts
        }
        var counts = [Int](repeating: 0, count: count * 3)
        for partial in partials { for slot in counts.indices { counts[slot] += partial[slot] } }
        return TouchpointResult(touchpoints: (0..<count).map { touchpoint in
            let visitors = counts[touchpoint * 3], converted = counts[touchpoint * 3 + 2]
            return TouchpointResult.Row(id: index.touchpointIDs[touchpoint], stage: index.stageIDs[Int(index.touchpointStage[touchpoint])],
                                        visitors: visitors, events: counts[touchpoint * 3 + 1], converted: converted,
                                        conversion: visitors > 0 ? Double(converted) / Double(visitors) : nil)
        })
    }
}

/// Numbers per touchpoint: `{"touchpoints": {"touchpoints": [{"id", "visitors", "events", "converted", "conversion"}]}}`.
public struct TouchpointResult: Codable, Sendable, Equatable {
    /// One touchpoint.
    public struct Row: Codable, Sendable, Equatable {
        /// The touchpoint id.
        public var id: String
        /// Its stage id.
        public var stage: String
        /// Customers with at least one counted event there.
        public var visitors: Int
        /// Counted events there.
        public var events: Int
        /// Visitors who reached the goal at or after their first visit.
        public var converted: Int
        /// `converted / visitors`.
        public var conversion: Double?
    }

    /// Touchpoints in map order.
    public var touchpoints: [Row]
}
