import CustomerData
import Foundation
import JourneyAnalytics
import Testing
import WayfinderTesting

/// Next best action against the worked case of the issue and against a direct solve of the
/// absorbing chain on random journeys.
@Suite("Next best action")
struct NextBestTests {
    typealias Event = TinyJourney.Event

    /// An identify event naming the customer by their anonymous id, so results can be matched to them.
    static func named(_ customer: String) -> Event {
        Event(customer: customer, name: "", second: 0, traits: ["name": customer])
    }

    static func query(_ change: (inout Options) -> Void = { _ in }) -> AnalysisQuery {
        var options = Options()
        change(&options)
        return AnalysisQuery(kind: .nextBest, journey: "tiny", options: options)
    }

    @Test("the worked case: A→B and A→(null) half each, B→(conversion) 0.8: odds 0.8 at B, 0.4 at A, so from A the next best is B")
    func workedCase() throws {
        var events: [Event] = []
        func journey(_ customer: String, _ names: [String], from second: Int = 0) {
            events.append(Self.named(customer))
            for (step, name) in names.enumerated() { events.append(Event(customer: customer, name: name, second: second + step * 60)) }
        }
        for number in 0..<4 { journey("won\(number)", ["A1", "B1", "C1"]) }
        journey("stuck-at-b", ["A1", "B1"])
        // They arrived lately: in stage a for less time than those who went on took.
        for number in 0..<5 { journey("lost\(number)", ["A1"], from: 100) }
        let index = try TinyJourney.index(events, request: IndexRequest(queries: [Self.query()]), in: TemporaryDirectory())

        let result = try Analyzer.run(Self.query { $0.minimumTransitions = 1; $0.riskBelow = 0.5 }, on: index).nextBest!
        #expect(abs(result.conversionProbability - 0.4) < 1e-12)
        let a = try #require(result.touchpoints.first { $0.id == "a1" }), b = try #require(result.touchpoints.first { $0.id == "b1" })
        #expect(abs(a.odds - 0.4) < 1e-12 && abs(b.odds - 0.8) < 1e-12)
        #expect(a.next?.id == "b1" && abs((a.next?.lift ?? 0) - 0.4) < 1e-12 && a.next?.transitions == 5)
        #expect(b.next == nil, "from B only the ends follow")
        #expect(a.waiting == 5 && b.waiting == 1)
        // Under 0.5: the five customers still at A, each told to meet B next; not the one at B.
        #expect(result.atRisk == 5 && Set(result.customers.compactMap(\.name)) == Set((0..<5).map { "lost\($0)" }))
        #expect(result.customers.allSatisfy { $0.reasons == ["low_odds"] && $0.next?.id == "b1" && $0.touchpoint == "a1" })

        // A suggestion needs as many transitions as asked: 5 seen, 6 asked.
        let strict = try Analyzer.run(Self.query { $0.minimumTransitions = 6; $0.riskBelow = 0.5 }, on: index).nextBest!
        #expect(strict.touchpoints.allSatisfy { $0.next == nil })
        // One customer, at risk or not.
        let all = try Analyzer.run(Self.query { $0.riskBelow = 1 }, on: index).nextBest!
        let stuck = try #require(all.customers.first { $0.name == "stuck-at-b" }?.id)
        let one = try Analyzer.run(Self.query { $0.customer = stuck }, on: index).nextBest!
        #expect(one.customers.count == 1 && one.customers[0].name == "stuck-at-b" && one.customers[0].touchpoint == "b1" && !one.customers[0].atRisk && abs(one.customers[0].odds - 0.8) < 1e-12)
        #expect(throws: AnalysisError.self) { try Analyzer.run(Self.query { $0.customer = "nobody" }, on: index) }
    }

    @Test("a customer longer in their stage than 90% of those who went on is at risk as slow")
    func slowInStage() throws {
        var events: [Event] = []
        // Twenty customers go from stage a to b within a minute; one has been in a for ten days.
        for number in 0..<20 {
            events.append(Event(customer: "quick\(number)", name: "A1", second: number))
            events.append(Event(customer: "quick\(number)", name: "B1", second: number + 60))
        }
        events.append(Event(customer: "slow", name: "A1", second: 0))
        events.append(Event(customer: "late", name: "A1", second: 864_000))
        events += ["slow", "late"].map(Self.named)
        let index = try TinyJourney.index(events, request: IndexRequest(queries: [Self.query()]), in: TemporaryDirectory())
        let result = try Analyzer.run(Self.query { $0.riskBelow = 0 }, on: index).nextBest!
        #expect(result.asOf == Timestamp.iso8601(TinyJourney.epoch + 864_000_000))
        #expect(result.customers.map(\.name) == ["slow"], "\(result.customers)")
        #expect(result.customers.first?.reasons == ["slow"] && abs((result.customers.first?.daysInStage ?? 0) - 10) < 1e-9)
    }

    @Test("every touchpoint's odds and every waiting customer's equal a direct solve of the chain, on random journeys")
    func bySolve() throws {
        var random = SplitMix64(seed: 33)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<400 {
            events.append(Self.named("c\(customer)"))
            for _ in 0 ..< 1 + Int(random.next() % 7) {
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: Int(random.next() % 100_000)))
            }
        }
        let index = try TinyJourney.index(events, request: IndexRequest(queries: [Self.query()]), in: TemporaryDirectory())
        let result = try Analyzer.run(Self.query { $0.riskBelow = 1; $0.minimumTransitions = 3 }, on: index).nextBest!

        // The paths: touchpoints before the first goal event, repeats collapsed.
        var paths: [(customer: String, path: [String], converted: Bool)] = []
        for (customer, trace) in TinyJourney.traces(events) {
            let goal = trace.firstIndex { $0.name == "C1" }
            var path: [String] = []
            for event in trace[..<(goal ?? trace.count)] where TinyJourney.touchpointOf[event.name] != path.last {
                path.append(TinyJourney.touchpointOf[event.name]!)
            }
            if !path.isEmpty || goal != nil { paths.append((customer, path, goal != nil)) }
        }
        // The chain's counts, and its absorption probabilities by Gaussian elimination.
        var counts: [String: [String: Double]] = [:]
        for (_, path, converted) in paths where !path.isEmpty {
            var from = "(start)"
            for touchpoint in path {
                counts[from, default: [:]][touchpoint, default: 0] += 1
                from = touchpoint
            }
            counts[from, default: [:]][converted ? "(conversion)" : "(null)", default: 0] += 1
        }
        let states = counts.keys.sorted()
        let number = Dictionary(uniqueKeysWithValues: states.enumerated().map { ($1, $0) })
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: states.count + 1), count: states.count)
        for (row, state) in states.enumerated() {
            matrix[row][row] = 1
            let total = counts[state]!.values.reduce(0, +)
            for (target, count) in counts[state]! {
                if target == "(conversion)" { matrix[row][states.count] += count / total } else if let column = number[target] { matrix[row][column] -= count / total }
            }
        }
        for column in states.indices {
            let pivot = (column..<states.count).max { abs(matrix[$0][column]) < abs(matrix[$1][column]) }!
            matrix.swapAt(column, pivot)
            for row in states.indices where row != column && matrix[row][column] != 0 {
                let factor = matrix[row][column] / matrix[column][column]
                for k in column...states.count { matrix[row][k] -= factor * matrix[column][k] }
            }
        }
        let odds = Dictionary(uniqueKeysWithValues: states.enumerated().map { ($1, matrix[$0][states.count] / matrix[$0][$0]) })
        #expect(abs(result.conversionProbability - odds["(start)"]!) < 1e-10)
        for row in result.touchpoints {
            #expect(abs(row.odds - odds[row.id]!) < 1e-10, "\(row.id)")
            // The best next: the most likely to convert among the touchpoints reached from here 3 times or more.
            let best = counts[row.id]!.filter { $0.value >= 3 && odds[$0.key] != nil }.max { (odds[$0.key]!, $1.key) < (odds[$1.key]!, $0.key) }
            let expected = best.flatMap { odds[$0.key]! > odds[row.id]! ? $0.key : nil }
            #expect(row.next?.id == expected, "\(row.id): \(String(describing: row.next)) against \(String(describing: expected))")
        }
        // Under odds 1 every customer still on the way is at risk, each at the odds of their last touchpoint.
        let waiting = paths.filter { !$0.converted && !$0.path.isEmpty }
        #expect(result.atRisk == waiting.count)
        for row in result.customers {
            let path = try #require(waiting.first { $0.customer == row.name }?.path)
            #expect(row.touchpoint == path.last && abs(row.odds - odds[path.last!]!) < 1e-10, "\(row.id)")
        }
    }
}
