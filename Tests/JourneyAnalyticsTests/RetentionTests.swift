import CustomerData
import Foundation
import JourneyAnalytics
import Testing
import WayfinderTesting

/// Retention cohorts against a count made here with Foundation's calendar (UTC months, and
/// weeks from Monday), on random journeys over half a year.
@Suite("Retention")
struct RetentionTests {
    typealias Event = TinyJourney.Event

    static func query(_ change: (inout Options) -> Void) -> AnalysisQuery {
        var options = Options()
        change(&options)
        return AnalysisQuery(kind: .retention, journey: "tiny", options: options)
    }

    @Test("cohorts by first-seen month and week, and who came back to a stage or a touchpoint in each later period, equal a calendar count", arguments: [
        (Options.CohortPeriod.month, nil as String?, 4), (.week, nil, 10), (.week, "a2", 6), (.month, "b", 2),
    ])
    func byCalendar(_ period: Options.CohortPeriod, _ target: String?, _ periods: Int) throws {
        var random = SplitMix64(seed: 17)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<300 {
            // Customers arrive over four months and come back over the following weeks.
            let arrival = Int(random.next() % 120) * 86_400
            for _ in 0 ..< 1 + Int(random.next() % 6) {
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: arrival + Int(random.next() % (60 * 86_400))))
            }
        }
        let index = try TinyJourney.index(events, in: TemporaryDirectory())
        let result = try Analyzer.run(Self.query {
            $0.cohort = period
            $0.returningTo = target
            $0.periods = periods
        }, on: index).retention!

        // The count made here.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        calendar.firstWeekday = 2
        func start(_ second: Int) -> Date {
            let date = Date(timeIntervalSince1970: Double(TinyJourney.epoch / 1000 + Int64(second)))
            return calendar.dateInterval(of: period == .month ? .month : .weekOfYear, for: date)!.start
        }
        func between(_ from: Date, _ to: Date) -> Int {
            period == .month ? calendar.dateComponents([.month], from: from, to: to).month! : calendar.dateComponents([.day], from: from, to: to).day! / 7
        }
        let targetNames: Set<String> = switch target {
        case nil: ["C1"]            // no stage named retention: the last stage, c
        case "a2": ["A2"]
        default: ["B1"]             // stage b
        }
        let traces = TinyJourney.traces(events)
        let last = start(traces.values.flatMap { $0.map(\.second) }.max()!)
        var expected: [Date: (customers: Int, returned: [Int])] = [:]
        for trace in traces.values {
            let cohort = start(trace[0].second)
            var entry = expected[cohort] ?? (0, [Int](repeating: 0, count: periods + 1))
            entry.customers += 1
            let offsets = Set(trace.filter { targetNames.contains($0.name) }.map { between(cohort, start($0.second)) })
            for offset in offsets where offset <= periods { entry.returned[offset] += 1 }
            expected[cohort] = entry
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        #expect(result.cohorts.map(\.start) == expected.keys.sorted().map { formatter.string(from: $0) })
        for cohort in result.cohorts {
            let date = try #require(formatter.date(from: cohort.start))
            let want = try #require(expected[date])
            let observed = min(periods, between(date, last)) + 1
            #expect(cohort.customers == want.customers && cohort.returned == Array(want.returned.prefix(observed)), "\(cohort.start)")
            #expect(cohort.shares == cohort.returned.map { Double($0) / Double(cohort.customers) })
        }
        #expect(result.customers == traces.count && result.returningTo == (target ?? "c"))
        #expect(result.cohorts.contains { $0.returned.dropFirst().contains { $0 > 0 } }, "someone came back in a later period")
    }

    @Test("a target that is neither a stage nor a touchpoint is refused naming the option")
    func unknownTarget() throws {
        let index = try TinyJourney.index([Event(customer: "c", name: "A1", second: 0)], in: TemporaryDirectory())
        let error = try #require(throws: AnalysisError.self) { try Analyzer.run(Self.query { $0.returningTo = "nowhere" }, on: index) }
        #expect(error.field == "options.returning_to" && error.description.contains("stages: a, b, c"))
    }
}
