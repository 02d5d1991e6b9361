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

    @Test("Welch's t-test agrees with scipy.stats.ttest_ind(equal_var=False)")
    func welch() throws {
        // ttest_ind(b, a, equal_var=False): t = 1.616692848321183, p = 0.13576483268225656, df = 10.427277380080202
        let a = MeanEstimate([1, 2, 2, 3, 4, -1, 0.5]), b = MeanEstimate([2, 3, 3, 4, 5, 1, 2.5, 3, 2])
        let test = try #require(MeanEstimate.welch(a, b))
        #expect(abs(test.t - 1.616692848321183) < 1e-9)
        #expect(abs(test.degreesOfFreedom - 10.427277380080202) < 1e-6)
        #expect(abs(test.p - 0.13576483268225656) < 1e-6)
        // [-2,-1,-1,0,1,2]×5 against [-1,0,1,1,2,2]×4: t = 2.991044756140232, p = 0.0042423224006789585
        let many = try #require(MeanEstimate.welch(MeanEstimate(Array(repeating: [-2.0, -1, -1, 0, 1, 2], count: 5).flatMap { $0 }),
                                                   MeanEstimate(Array(repeating: [-1.0, 0, 1, 1, 2, 2], count: 4).flatMap { $0 })))
        #expect(abs(many.t - 2.991044756140232) < 1e-9)
        #expect(abs(many.p - 0.0042423224006789585) < 1e-6)
        #expect(MeanEstimate.welch(MeanEstimate([1]), b) == nil, "one value has no variance")
        #expect(MeanEstimate.welch(MeanEstimate([1, 1]), MeanEstimate([2, 2])) == nil)
    }

    @Test("conformance, friction, emotions and touchpoints compare side by side with the analyses run alone", arguments: [
        AnalysisQuery.Kind.conformance, .friction, .emotions, .touchpoints,
    ])
    func otherKinds(_ kind: AnalysisQuery.Kind) throws {
        let directory = try TemporaryDirectory()
        var events: [Event] = []
        var random = SplitMix64(seed: 5)
        for customer in 0..<120 {
            let late = customer % 2 == 0 ? 40 * 86_400 : 0
            var second = late
            for _ in 0 ..< 1 + Int(random.next() % 5) {
                second += 3_600 * Int(1 + random.next() % 30)
                events.append(Event(customer: "c\(customer)", name: ["A1", "A2", "B1", "C1", "X"][Int(random.next() % 5)], second: second))
            }
        }
        let index = try TinyJourney.index(events, in: directory)
        var options = Options()
        options.compareKind = kind
        options.before = Segment(label: "January", range: DateRange(from: "2026-01-01", to: "2026-02-01"))
        options.after = Segment(label: "February", range: DateRange(from: "2026-02-01", to: "2026-04-01"))
        let result = try CompareAnalysis.run(AnalysisQuery(kind: .compare, journey: "tiny", options: options), on: index)
        let january = try Analyzer.run(AnalysisQuery(kind: kind, journey: "tiny", range: options.before?.range), on: index)
        let february = try Analyzer.run(AnalysisQuery(kind: kind, journey: "tiny", range: options.after?.range), on: index)
        switch kind {
        case .conformance:
            let one = try #require(january.conformance), two = try #require(february.conformance)
            #expect(result.before.conformance == one && result.after.conformance == two)
            let row = try #require(result.differences.first { $0.metric == "conforming customers" })
            #expect(row.beforeCount == one.conforming && row.beforeTotal == one.customers)
            #expect(row.afterCount == two.conforming && row.afterTotal == two.customers)
            for deviation in one.deviations {
                #expect(result.differences.contains { $0.metric.hasPrefix(deviation.kind.rawValue) && $0.beforeCount == deviation.customers })
            }
        case .friction:
            let one = try #require(january.friction), two = try #require(february.friction)
            #expect(result.before.friction == one && result.after.friction == two)
            let row = try #require(result.differences.first { $0.metric == "goal conversion" })
            #expect(row.beforeCount == one.converted && row.afterCount == two.converted && row.afterTotal == two.customers)
            for finding in one.findings.prefix(5) {
                #expect(result.differences.contains { $0.beforeCount == finding.affected && $0.beforeTotal == finding.exposed && $0.metric.hasPrefix(finding.kind.rawValue) })
            }
        case .touchpoints:
            let one = try #require(january.touchpoints), two = try #require(february.touchpoints)
            #expect(result.before.touchpoints == one && result.after.touchpoints == two)
            for (rowOne, rowTwo) in zip(one.touchpoints, two.touchpoints) where rowOne.visitors > 0 {
                let row = try #require(result.differences.first { $0.metric == "\(rowOne.id) visitors reaching the goal" })
                #expect(row.beforeCount == rowOne.converted && row.beforeTotal == rowOne.visitors && row.afterTotal == rowTwo.visitors)
            }
        default:
            #expect(result.before.emotions == january.emotions && result.after.emotions == february.emotions)
            #expect(result.meanDifferences.allSatisfy { $0.change == $0.after.mean - $0.before.mean })
        }
    }
}
