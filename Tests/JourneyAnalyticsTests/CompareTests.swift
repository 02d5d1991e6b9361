import JourneyAnalytics
import Testing
import WayfinderTesting

@Suite("Compare")
struct CompareTests {
    typealias Event = TinyJourney.Event

    @Test("the two-proportion test agrees with R's prop.test without continuity correction")
    func twoProportion() throws {
        // prop.test(c(45, 60), c(100, 100), correct = FALSE): X-squared = 4.5113, p-value = 0.03367
        let test = try #require(CompareAnalysis.twoProportion(45, 100, 60, 100))
        #expect(abs(test.z * test.z - 4.5113) < 1e-3)
        #expect(abs(test.p - 0.03367) < 1e-4)
        // prop.test(c(30, 33), c(200, 210), correct = FALSE): X-squared = 0.0402, p-value = 0.8411
        let small = try #require(CompareAnalysis.twoProportion(30, 200, 33, 210))
        #expect(abs(small.z * small.z - 0.0402) < 1e-3)
        #expect(abs(small.p - 0.8411) < 1e-3)
        #expect(CompareAnalysis.twoProportion(0, 10, 0, 10) == nil, "no variance, no test")
        #expect(CompareAnalysis.twoProportion(1, 0, 1, 10) == nil)
    }

    @Test("each side equals the analysis run with that side's range")
    func sides() throws {
        let directory = try TemporaryDirectory()
        var events: [Event] = []
        for customer in 0..<40 {
            let late = customer % 2 == 0 ? 40 * 86_400 : 0
            events.append(Event(customer: "c\(customer)", name: "A1", second: late))
            if customer % 3 != 0 { events.append(Event(customer: "c\(customer)", name: "B1", second: late + 60)) }
        }
        let index = try TinyJourney.index(events, in: directory)
        var options = Options()
        options.compareKind = .funnel
        options.before = Segment(label: "January", range: DateRange(from: "2026-01-01", to: "2026-02-01"))
        options.after = Segment(label: "February", range: DateRange(from: "2026-02-01", to: "2026-03-01"))
        let result = try CompareAnalysis.run(AnalysisQuery(kind: .compare, journey: "tiny", options: options), on: index)
        let january = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", range: options.before?.range), on: index)
        let february = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", range: options.after?.range), on: index)
        #expect(result.before.funnel == january)
        #expect(result.after.funnel == february)
        #expect(january.steps[0].customers == 20 && february.steps[0].customers == 20)
        let step = try #require(result.differences.first { $0.metric == "a → b" })
        #expect(step.beforeCount == january.steps[1].customers && step.afterCount == february.steps[1].customers)
        #expect(step.verdict == "no_evidence", "the same behaviour in both months")
    }
}
