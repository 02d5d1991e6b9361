import JourneyAnalytics
import Testing
import WayfinderTesting

/// Touchpoint numbers and persona conversion (both printed on the report) against direct counts.
@Suite("Touchpoint numbers")
struct TouchpointTests {
    typealias Event = TinyJourney.Event

    @Test("visitors, events and visitors who reached the goal afterwards equal a direct count")
    func directCount() throws {
        var random = SplitMix64(seed: 11)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<150 {
            if customer % 3 == 0 { events.append(Event(customer: "c\(customer)", name: "", second: 0, traits: ["plan": "pro"])) }
            for _ in 0 ..< Int(random.next() % 7) {
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: Int(random.next() % 40)))
            }
        }
        let index = try TinyJourney.index(events, in: TemporaryDirectory())
        let result = try TouchpointAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny"), on: index)

        var visitors: [String: Int] = [:], counted: [String: Int] = [:], converted: [String: Int] = [:]
        var personaConverted = ["runner": 0, "none": 0], personaActive = ["runner": 0, "none": 0]
        let pro = Set(events.filter { $0.traits != nil }.map(\.customer))
        for (customer, trace) in TinyJourney.traces(events) {
            let path = trace.map { TinyJourney.touchpointOf[$0.name]! }
            let lastGoal = path.lastIndex(of: "c1")
            for touchpoint in Set(path) {
                visitors[touchpoint, default: 0] += 1
                if let lastGoal, lastGoal >= path.firstIndex(of: touchpoint)! { converted[touchpoint, default: 0] += 1 }
            }
            for touchpoint in path { counted[touchpoint, default: 0] += 1 }
            let persona = pro.contains(customer) ? "runner" : "none"
            personaActive[persona, default: 0] += 1
            if lastGoal != nil { personaConverted[persona, default: 0] += 1 }
        }
        for row in result.touchpoints {
            #expect(row.visitors == visitors[row.id, default: 0], "\(row.id)")
            #expect(row.events == counted[row.id, default: 0], "\(row.id)")
            #expect(row.converted == converted[row.id, default: 0], "\(row.id)")
        }
        let personas = try PersonaCoverage.run(AnalysisQuery(kind: .personas, journey: "tiny"), on: index)
        for row in personas.personas {
            #expect(row.withEvents == personaActive[row.id], "\(row.id)")
            #expect(row.converted == personaConverted[row.id], "\(row.id)")
        }
        #expect(personas.personas.first { $0.id == "runner" }?.customers == pro.count)
    }
}
