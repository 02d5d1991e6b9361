import Foundation
import JourneyAnalytics
import Testing
import WayfinderTesting

/// Attribution's models against exact values worked by hand, against their definitions computed
/// another way (every coalition for Shapley, a direct linear solve for Markov), and over an
/// index against paths built directly from the events.
@Suite("Attribution")
struct AttributionTests {
    /// The worked case of `docs/analytics.md`: A>B>C, A>C and B converted; A>B, C and A did not.
    static let worked: [(path: [Int32], converted: Bool)] = [([0, 1, 2], true), ([0, 2], true), ([1], true), ([0, 1], false), ([2], false), ([0], false)]

    static func tally(_ model: AttributionModel, _ paths: [(path: [Int32], converted: Bool)], items: Int = 3, order: Int = 1) -> AttributionTally {
        var tally = AttributionTally(model: model, items: items, order: order)
        for (path, converted) in paths { tally.add(path: path, converted: converted) }
        return tally
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test("the worked Markov case: P = 0.5, removal effects A 16/27, B 5/9, C 2/3, credit 3 × effect / their sum")
    func workedMarkov() throws {
        let credits = try Self.tally(.markov, Self.worked).credits()
        #expect(Self.close(credits.probability ?? 0, 0.5))
        let effects = [16.0 / 27, 5.0 / 9, 2.0 / 3]
        for item in 0..<3 {
            #expect(Self.close(credits.removalEffects?[item] ?? -1, effects[item]), "\(item): \(credits.removalEffects ?? [])")
            #expect(Self.close(credits.conversions[item], 3 * effects[item] / effects.reduce(0, +)))
        }
    }

    @Test("first, last and linear touch of the worked case equal ChannelAttribution's heuristic_models")
    func workedHeuristics() throws {
        // heuristic_models 2.2.5 on the same paths: first A 2 B 1 C 0; last A 0 B 1 C 2; linear A 5/6 B 4/3 C 5/6.
        let expected: [AttributionModel: [Double]] = [.firstTouch: [2, 1, 0], .lastTouch: [0, 1, 2], .linear: [5.0 / 6, 4.0 / 3, 5.0 / 6]]
        for (model, credit) in expected {
            let credits = try Self.tally(model, Self.worked).credits()
            for item in 0..<3 { #expect(Self.close(credits.conversions[item], credit[item]), "\(model) \(item)") }
        }
        // A channel met twice in a path is credited twice by linear touch (as heuristic_models does).
        var repeated = AttributionTally(model: .linear, items: 2)
        repeated.add(path: [0, 0, 1], converted: true, value: 30)
        let linear = try repeated.credits()
        #expect(linear.conversions == [2.0 / 3, 1.0 / 3] && linear.value == [20, 10])
    }

    @Test("position based (40/20/40) and time decay (half-life) on hand-worked paths, with value")
    func positionAndTimeDecay() throws {
        var position = AttributionTally(model: .position, items: 4)
        position.add(path: [0, 1, 2, 3], converted: true, value: 100)   // 0.4, 0.1, 0.1, 0.4
        position.add(path: [1, 2], converted: true, value: 10)          // 0.5, 0.5
        position.add(path: [3], converted: true, value: 1)              // 1
        position.add(path: [0, 1], converted: false, value: 1000)       // nothing
        let credits = try position.credits()
        for (item, expected) in [0.4, 0.6, 0.6, 1.4].enumerated() { #expect(Self.close(credits.conversions[item], expected), "\(item)") }
        for (item, expected) in [40.0, 15, 15, 41].enumerated() { #expect(Self.close(credits.value[item], expected), "\(item)") }

        // Half-life 1 day: touches 2 days and 1 day before the conversion and at it weigh 1/4, 1/2, 1.
        let day: Int64 = 86_400_000
        var decay = AttributionTally(model: .timeDecay, items: 3, halfLifeDays: 1)
        decay.add(path: [0, 1, 2], times: [0, day, 2 * day], converted: true, at: 2 * day, value: 7)
        let shares = try decay.credits()
        for (item, weight) in [0.25, 0.5, 1].enumerated() {
            #expect(Self.close(shares.conversions[item], weight / 1.75))
            #expect(Self.close(shares.value[item], 7 * weight / 1.75))
        }
    }

    @Test("Shapley values equal the definition summed over every coalition, on random paths")
    func shapleyByDefinition() throws {
        var random = SplitMix64(seed: 5)
        let items = 5
        var paths: [(path: [Int32], converted: Bool)] = []
        for _ in 0..<200 {
            let length = 1 + Int(random.next() % 4)
            paths.append(((0..<length).map { _ in Int32(random.next() % UInt64(items)) }, random.next() % 3 != 0))
        }
        let credits = try Self.tally(.shapley, paths, items: items).credits()
        // v(S): conversions of the converted paths whose set of items lies within S.
        func worth(_ coalition: Int) -> Double {
            Double(paths.filter { $0.converted && $0.path.allSatisfy { coalition & (1 << Int($0)) != 0 } }.count)
        }
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        for item in 0..<items {
            var value = 0.0
            for coalition in 0 ..< (1 << items) where coalition & (1 << item) == 0 {
                let size = coalition.nonzeroBitCount
                value += factorial(size) * factorial(items - size - 1) / factorial(items) * (worth(coalition | (1 << item)) - worth(coalition))
            }
            #expect(Self.close(credits.conversions[item], value, 1e-9), "\(item): \(credits.conversions[item]) against \(value)")
        }
        #expect(Self.close(credits.conversions.reduce(0, +), Double(paths.filter(\.converted).count), 1e-9))
    }

    /// Removal effects by an exact solve: the chain's transient states, (I − Q) p = r by
    /// Gaussian elimination with partial pivoting, built here from the paths directly.
    static func exactRemovalEffects(_ paths: [(path: [Int32], converted: Bool)], items: Int, order: Int) -> (probability: Double, effects: [Double]) {
        var states: [String: Int] = ["start": 0]
        var names = ["start"]
        var counts: [[String: Double]] = [[:]]
        var members: [Set<Int32>] = [[]]
        func number(_ key: [Int32]) -> Int {
            let name = key.map(String.init).joined(separator: ",")
            if let known = states[name] { return known }
            states[name] = names.count
            names.append(name)
            counts.append([:])
            members.append(Set(key))
            return names.count - 1
        }
        for (path, converted) in paths {
            var collapsed: [Int32] = []
            for item in path where item != collapsed.last { collapsed.append(item) }
            guard !collapsed.isEmpty else { continue }
            var from = 0
            for position in collapsed.indices {
                let to = number(Array(collapsed[max(0, position - order + 1)...position]))
                counts[from][String(to), default: 0] += 1
                from = to
            }
            counts[from][converted ? "conversion" : "null", default: 0] += 1
        }
        func solve(removed: Int32?) -> Double {
            let n = names.count
            var matrix = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
            for state in 0..<n {
                matrix[state][state] = 1
                if let removed, members[state].contains(removed) { continue }   // p = 0
                let total = counts[state].values.reduce(0, +)
                guard total > 0 else { continue }
                for (target, count) in counts[state] {
                    if target == "conversion" { matrix[state][n] += count / total } else if let to = Int(target) {
                        if let removed, members[to].contains(removed) { continue }
                        matrix[state][to] -= count / total
                    }
                }
            }
            for column in 0..<n {
                let pivot = (column..<n).max { abs(matrix[$0][column]) < abs(matrix[$1][column]) }!
                matrix.swapAt(column, pivot)
                for row in 0..<n where row != column && matrix[row][column] != 0 {
                    let factor = matrix[row][column] / matrix[column][column]
                    for k in column...n { matrix[row][k] -= factor * matrix[column][k] }
                }
            }
            return matrix[0][n] / matrix[0][0]
        }
        let probability = solve(removed: nil)
        return (probability, (0..<items).map { 1 - solve(removed: Int32($0)) / probability })
    }

    @Test("Markov removal effects of order 1 to 3 equal a direct solve of the absorbing chain, on random paths with loops")
    func markovBySolve() throws {
        var random = SplitMix64(seed: 9)
        let items = 4
        var paths: [(path: [Int32], converted: Bool)] = []
        for _ in 0..<400 {
            let length = 1 + Int(random.next() % 6)
            paths.append(((0..<length).map { _ in Int32(random.next() % UInt64(items)) }, random.next() % 4 == 0))
        }
        for order in 1...3 {
            let credits = try Self.tally(.markov, paths, items: items, order: order).credits()
            let exact = Self.exactRemovalEffects(paths, items: items, order: order)
            #expect(Self.close(credits.probability ?? 0, exact.probability, 1e-10), "order \(order)")
            for item in 0..<items {
                #expect(Self.close(credits.removalEffects?[item] ?? -1, exact.effects[item], 1e-9), "order \(order), item \(item)")
            }
        }
        // With the worked case's solve too.
        let worked = Self.exactRemovalEffects(Self.worked, items: 3, order: 1)
        #expect(Self.close(worked.probability, 0.5) && Self.close(worked.effects[0], 16.0 / 27))
    }

    @Test("a chain of more than 150 states is solved by sweeps to the same removal effects as a direct solve; one that does not settle is refused")
    func largeChain() throws {
        var random = SplitMix64(seed: 13)
        let items = 6
        var paths: [(path: [Int32], converted: Bool)] = []
        for _ in 0..<3_000 {
            let length = 1 + Int(random.next() % 5)
            paths.append(((0..<length).map { _ in Int32(random.next() % UInt64(items)) }, random.next() % 3 == 0))
        }
        var chain = MarkovChain()
        for (path, converted) in paths {
            var collapsed: [Int32] = []
            for item in path where item != collapsed.last { collapsed.append(item) }
            chain.add(path: collapsed, order: 3, converted: converted, count: 1)
        }
        #expect(chain.keys.count > MarkovChain.directLimit, "\(chain.keys.count) states: the sweeps are what is tested")
        let credits = try Self.tally(.markov, paths, items: items, order: 3).credits()
        let exact = Self.exactRemovalEffects(paths, items: items, order: 3)
        #expect(Self.close(credits.probability ?? 0, exact.probability, 1e-10))
        for item in 0..<items { #expect(Self.close(credits.removalEffects?[item] ?? -1, exact.effects[item], 1e-9), "\(item)") }

        // Two channels passed back and forth a million times, once converting, beside 200 others:
        // the sweeps would need tens of millions of rounds, more than the work allowed.
        var slow = MarkovChain()
        slow.add(path: (0..<1_000_000).map { Int32($0 % 2) }, order: 1, converted: true, count: 1)
        for item in 2..<202 { slow.add(path: [Int32(item)], order: 1, converted: false, count: 1) }
        #expect(throws: MarkovChain.NotSolved.self) { try slow.solver.probabilities(workLimit: 10_000_000) }
    }

    @Test("time decay with touches thousands of half-lives old still gives nearly all to the latest, as 2^(−Δ/h) does")
    func oldTouches() throws {
        let day: Int64 = 86_400_000
        var decay = AttributionTally(model: .timeDecay, items: 2, halfLifeDays: 0.001)
        decay.add(path: [0, 1], times: [0, day], converted: true, at: 3 * day)
        let credits = try decay.credits()
        #expect(credits.conversions[1] > 0.999_999 && credits.conversions[0] < 1e-6, "\(credits.conversions)")
    }

    @Test("over more than 255 channels, attribution by channel credits the rest together instead of trapping")
    func manyChannels() throws {
        var events: [TinyJourney.Event] = []
        for customer in 0..<300 {
            events.append(TinyJourney.Event(customer: "c\(customer)", name: "A1", second: 0, channel: "ch\(customer)"))
            events.append(TinyJourney.Event(customer: "c\(customer)", name: "C1", second: 60, channel: "web"))
        }
        let index = try TinyJourney.index(events, in: TemporaryDirectory())
        let result = try Analyzer.run(AnalysisQuery(kind: .attribution, journey: "tiny"), on: index).attribution!
        #expect(result.conversions == 300 && Self.close(result.rows.reduce(0) { $0 + $1.credit }, 300, 1e-9))
        #expect(result.rows.contains { $0.id == "(other)" && $0.name == "(other channels)" && $0.credit > 0 })
    }

    @Test("over an index: each customer's path is their channels before the first goal event, within the lookback; empty paths are left out; value from a property")
    func overIndex() throws {
        typealias Event = TinyJourney.Event
        var random = SplitMix64(seed: 21)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"], channels = ["web", "chat", "email", "social"]
        for customer in 0..<300 {
            for _ in 0 ..< Int(random.next() % 8) {
                let name = names[Int(random.next() % 5)]
                events.append(Event(customer: "c\(customer)", name: name, second: Int(random.next() % 864_000),
                                    channel: channels[Int(random.next() % 4)], properties: name == "C1" ? ["revenue": Double(random.next() % 100)] : nil))
            }
        }
        let directory = try TemporaryDirectory()
        let lookbackDays = 4.0
        let queries = AttributionModel.allCases.flatMap { model in
            [nil, lookbackDays].map { lookback in
                var options = Options()
                options.model = model
                options.value = "revenue"
                options.lookbackDays = lookback
                options.markovOrder = 2
                return AnalysisQuery(kind: .attribution, journey: "tiny", options: options)
            }
        }
        let index = try TinyJourney.index(events, request: IndexRequest(queries: queries), in: directory)

        for lookback in [nil, lookbackDays] {
            // The paths, worked out from the events.
            var paths: [(path: [Int32], times: [Int64], converted: Bool, at: Int64, value: Double)] = []
            var leftOut = 0
            let channelNumber = Dictionary(uniqueKeysWithValues: index.channelNames.enumerated().map { ($1, Int32($0)) })
            for (_, trace) in TinyJourney.traces(events).sorted(by: { $0.key < $1.key }) {
                let goal = trace.firstIndex { $0.name == "C1" }
                let kept = trace[..<(goal ?? trace.count)].filter { event in
                    guard let goal, let lookback else { return true }
                    return event.second * 1000 >= trace[goal].second * 1000 - Int(lookback * 86_400_000)
                }
                guard !kept.isEmpty else { leftOut += 1; continue }
                // The value is the revenue of the customer's earliest classified event with one: their first C1.
                let time = { (event: Event) in TinyJourney.epoch + Int64(event.second) * 1000 }
                paths.append((kept.map { channelNumber[$0.channel]! }, kept.map(time), goal != nil, goal.map { time(trace[$0]) } ?? 0,
                              goal.map { trace[$0].properties?["revenue"] ?? 0 } ?? 0))
            }
            for query in queries where query.options.lookbackDays == lookback {
                let result = try Analyzer.run(query, on: index).attribution!
                let model = query.options.model
                #expect(result.journeys == paths.count && result.leftOut == leftOut && result.conversions == paths.filter(\.converted).count, "\(model)")
                #expect(Self.close(result.value ?? -1, paths.filter(\.converted).reduce(0) { $0 + $1.value }), "\(model)")
                var expected = AttributionTally(model: model, items: index.channelNames.count, order: 2)
                for path in paths { expected.add(path: path.path, times: path.times, converted: path.converted, at: path.at, value: path.value) }
                let credits = try expected.credits()
                for row in result.rows {
                    let item = Int(channelNumber[row.id]!)
                    #expect(Self.close(row.credit, credits.conversions[item], 1e-9), "\(model) \(row.id)")
                    #expect(Self.close(row.value ?? -1, credits.value[item], 1e-9), "\(model) \(row.id)")
                }
                if model == .lastTouch {
                    // Last touch, counted here without the tally: the channel before each conversion.
                    for row in result.rows {
                        let direct = paths.filter { $0.converted && $0.path.last == channelNumber[row.id] }.count
                        #expect(row.credit == Double(direct), "\(row.id)")
                    }
                }
            }
        }
        // The credit of every model adds up to the conversions.
        for query in queries {
            let result = try Analyzer.run(query, on: index).attribution!
            #expect(Self.close(result.rows.reduce(0) { $0 + $1.credit }, Double(result.conversions), 1e-9), "\(query.options.model)")
        }
    }

    @Test("options out of range are refused with the field named")
    func refusals() throws {
        for (json, field) in [(#"{"kind":"attribution","journey":"tiny","options":{"markov_order":5}}"#, "options.markov_order"),
                              (#"{"kind":"attribution","journey":"tiny","options":{"lookback_days":0}}"#, "options.lookback_days"),
                              (#"{"kind":"attribution","journey":"tiny","options":{"half_life_days":1e309}}"#, "options.half_life_days"),
                              (#"{"kind":"attribution","journey":"tiny","options":{"model":"magic"}}"#, "options.model")] {
            #expect(throws: AnalysisError.self, "\(json)") { try Analyzer.query(json: Data(json.utf8)) }
            do { _ = try Analyzer.query(json: Data(json.utf8)) } catch { #expect(error.description.contains(field), "\(error.description)") }
        }
    }
}
