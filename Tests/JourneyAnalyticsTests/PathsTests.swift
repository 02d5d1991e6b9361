import JourneyAnalytics
import Testing
import WayfinderTesting

/// Variants and the directly-follows graph against counts made straight from the traces.
@Suite("Paths")
struct PathsTests {
    typealias Event = TinyJourney.Event

    @Test("DFG edges, starts, ends and variants equal a direct count")
    func directCount() throws {
        var random = SplitMix64(seed: 7)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<200 {
            for _ in 0 ..< Int(random.next() % 7) {
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: Int(random.next() % 50)))
            }
        }
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index(events, in: directory)
        var options = Options()
        options.top = 10_000
        let result = try PathsAnalysis.run(AnalysisQuery(kind: .paths, journey: "tiny", options: options), on: index)

        var edges: [String: Int] = [:], starts: [String: Int] = [:], ends: [String: Int] = [:], variants: [[String]: Int] = [:]
        for trace in TinyJourney.traces(events).values {
            let path = trace.map { TinyJourney.touchpointOf[$0.name]! }
            starts[path.first!, default: 0] += 1
            ends[path.last!, default: 0] += 1
            variants[path, default: 0] += 1
            for (from, to) in zip(path, path.dropFirst()) { edges["\(from)>\(to)", default: 0] += 1 }
        }
        #expect(Dictionary(uniqueKeysWithValues: result.dfg.edges.map { ("\($0.from)>\($0.to)", $0.count) }) == edges)
        #expect(result.dfg.starts == starts)
        #expect(result.dfg.ends == ends)
        #expect(Dictionary(uniqueKeysWithValues: result.variants.variants.map { ($0.path, $0.customers) }) == variants)
        #expect(result.variants.total == variants.values.reduce(0, +))
        #expect(result.variants.distinct == variants.count)
        let counts = result.variants.variants.map(\.customers)
        #expect(counts == counts.sorted(by: >), "most frequent first")
    }

    @Test("collapsing repeats, cleaning rules, and splitting by inactivity")
    func options() throws {
        let directory = try TemporaryDirectory()
        let day = 86_400
        let index = try TinyJourney.index([
            Event(customer: "x", name: "A1", second: 0), Event(customer: "x", name: "A1", second: 10),
            Event(customer: "x", name: "A2", second: 20), Event(customer: "x", name: "B1", second: 10 * day),
        ], in: directory)
        var options = Options()
        let run = { (options: Options) in try PathsAnalysis.run(AnalysisQuery(kind: .paths, journey: "tiny", options: options), on: index) }
        #expect(try run(options).variants.variants.map(\.path) == [["a1", "a1", "a2", "b1"]])
        options.collapseRepeats = true
        #expect(try run(options).variants.variants.map(\.path) == [["a1", "a2", "b1"]])
        options.aliases = [Options.Alias(pattern: "^a", as: "stage-a")]
        #expect(try run(options).variants.variants.map(\.path) == [["stage-a", "b1"]])
        options.gapDays = 5
        let split = try run(options)
        #expect(split.variants.total == 2, "ten quiet days split one customer into two journeys")
        #expect(Set(split.variants.variants.map(\.path)) == [["stage-a"], ["b1"]])
        options.aliases = [Options.Alias(pattern: "([", as: "broken")]
        #expect(throws: AnalysisError.self) { try run(options) }
    }

    @Test("Sankey after a touchpoint follows journeys to their end")
    func sankey() throws {
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index([
            Event(customer: "p", name: "A1", second: 0), Event(customer: "p", name: "B1", second: 1), Event(customer: "p", name: "C1", second: 2),
            Event(customer: "q", name: "A1", second: 0), Event(customer: "q", name: "B1", second: 1),
            Event(customer: "r", name: "B1", second: 0),
        ], in: directory)
        var options = Options()
        options.sankeyFrom = "a1"
        options.sankeySteps = 2
        let sankey = try #require(try PathsAnalysis.run(AnalysisQuery(kind: .paths, journey: "tiny", options: options), on: index).sankey)
        #expect(sankey.nodes.filter { $0.column == 0 }.map(\.count) == [2])
        #expect(Set(sankey.links.map { "\($0.column):\($0.from)>\($0.to)=\($0.count)" }) == ["0:a1>b1=2", "1:b1>c1=1", "1:b1>(end)=1"])
    }
}
