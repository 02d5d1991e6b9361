import Foundation
import JourneyAnalytics
import Testing
import WayfinderTesting

/// The funnel against a naive reference written from the definition in DESIGN.md: for every
/// possible first event, take the earliest events of the following steps in order.
@Suite("Funnel")
struct FunnelTests {
    typealias Event = TinyJourney.Event
    static let day = 86_400

    /// Steps reached by one customer's classified events, per the definition, mode by mode.
    static func reference(_ trace: [Event], mode: Options.FunnelMode, window: Int, stepOf: [String: Int] = TinyJourney.stageOf) -> Int {
        let stages = trace.map { stepOf[$0.name] ?? -1 }, times = trace.map(\.second)
        var best = 0
        for start in trace.indices where stages[start] == 0 {
            var reached = 1
            switch mode {
            case .ordered:
                var position = start + 1
                while reached < 3, let next = (position..<trace.count).first(where: { stages[$0] == reached && times[$0] - times[start] <= window }) {
                    reached += 1
                    position = next + 1
                }
            case .strict:
                var position = start + 1
                while reached < 3, position < trace.count, stages[position] == reached, times[position] - times[start] <= window {
                    reached += 1
                    position += 1
                }
            case .anyOrder:
                continue
            }
            best = max(best, reached)
        }
        if mode == .anyOrder {
            for first in trace.indices {
                let inside = Set(trace.indices.filter { times[$0] >= times[first] && times[$0] - times[first] <= window }.map { stages[$0] })
                var covered = 0
                while covered < 3, inside.contains(covered) { covered += 1 }
                best = max(best, covered)
            }
        }
        return best
    }

    static func expectedCounts(_ events: [Event], mode: Options.FunnelMode, window: Int, stepOf: [String: Int] = TinyJourney.stageOf) -> [Int] {
        var counts = [0, 0, 0]
        for trace in TinyJourney.traces(events).values {
            let reached = reference(trace, mode: mode, window: window, stepOf: stepOf)
            for step in 0..<reached { counts[step] += 1 }
        }
        return counts
    }

    static func funnel(_ index: JourneyIndex, mode: Options.FunnelMode = .ordered, windowDays: Double = 30, stepTimes: Bool = true,
                       steps: [String] = []) throws -> FunnelResult {
        var options = Options()
        options.mode = mode
        options.windowDays = windowDays
        options.stepTimes = stepTimes
        options.steps = steps
        return try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: options), on: index)
    }

    @Test("random journeys: every mode and window equals the reference, with and without step times, for stage and touchpoint steps")
    func randomJourneys() throws {
        var random = SplitMix64(seed: 42)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X", "A1", "B1"]
        // Up to 14 events a customer: counting without step times reads the first 8 without a loop.
        for customer in 0..<300 {
            for _ in 0 ..< 1 + Int(random.next() % 14) {
                // Few distinct times, so equal timestamps are common.
                let second = Int(random.next() % 12) * 3 * Self.day + (random.next() % 3 == 0 ? 0 : Int(random.next() % 5))
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % UInt64(names.count))], second: second))
            }
        }
        // Arrival order differs from time order.
        for position in stride(from: events.count - 1, to: 0, by: -1) { events.swapAt(position, Int(random.next() % UInt64(position + 1))) }
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index(events, in: directory)
        let touchpointSteps = ["A1": 0, "B1": 1, "C1": 2]
        for mode in Options.FunnelMode.allCases {
            for windowDays in [1.0, 7, 30] {
                for stepTimes in [true, false] {
                    let result = try Self.funnel(index, mode: mode, windowDays: windowDays, stepTimes: stepTimes)
                    let expected = Self.expectedCounts(events, mode: mode, window: Int(windowDays) * Self.day)
                    #expect(result.steps.map(\.customers) == expected, "\(mode) \(windowDays) days, step times \(stepTimes)")
                    #expect(result.steps[1].dropOff == expected[0] - expected[1])
                    if expected[0] > 0 { #expect(result.steps[2].overall == Double(expected[2]) / Double(expected[0])) }
                    #expect((result.steps[1].medianSeconds != nil) == (stepTimes && mode != .anyOrder && expected[1] > 0))

                    let touchpoints = try Self.funnel(index, mode: mode, windowDays: windowDays, stepTimes: stepTimes, steps: ["a1", "b1", "c1"])
                    let expectedTouchpoints = Self.expectedCounts(events, mode: mode, window: Int(windowDays) * Self.day, stepOf: touchpointSteps)
                    #expect(touchpoints.steps.map(\.customers) == expectedTouchpoints, "touchpoints, \(mode) \(windowDays) days, step times \(stepTimes)")
                }
            }
        }
    }

    @Test("with and without step times: journeys longer than 2^32 milliseconds (49.7 days), and the window's inclusive edge")
    func longSpans() throws {
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index([
            Event(customer: "slow", name: "A1", second: 0), Event(customer: "slow", name: "B1", second: 55 * Self.day),
            Event(customer: "slow", name: "C1", second: 56 * Self.day),
            Event(customer: "steady", name: "A1", second: 0), Event(customer: "steady", name: "B1", second: 40 * Self.day),
            Event(customer: "steady", name: "C1", second: 49 * Self.day),
        ], in: directory)
        for stepTimes in [true, false] {
            #expect(try Self.funnel(index, windowDays: 60, stepTimes: stepTimes).steps.map(\.customers) == [2, 2, 2])
            #expect(try Self.funnel(index, windowDays: 50, stepTimes: stepTimes).steps.map(\.customers) == [2, 1, 1])
            #expect(try Self.funnel(index, windowDays: 49, stepTimes: stepTimes).steps.map(\.customers) == [2, 1, 1])
            #expect(try Self.funnel(index, windowDays: 48, stepTimes: stepTimes).steps.map(\.customers) == [2, 1, 0])
        }
    }

    /// The times of the chain whose step times an ordered funnel reports, from the definition: of
    /// the chains reaching the furthest step, those completing at the earliest event; of those, the
    /// latest start (the earliest event among equal start times); then the earliest event of each
    /// following step.
    static func referenceChain(_ trace: [Event], window: Int) -> [Int]? {
        let reached = reference(trace, mode: .ordered, window: window)
        guard reached > 1 else { return nil }
        let stages = trace.map { TinyJourney.stageOf[$0.name]! }, times = trace.map(\.second)
        /// The earliest positions of steps 1…upTo after `start`, or nil.
        func greedy(from start: Int, upTo last: Int) -> [Int]? {
            var positions = [start]
            for step in 1...max(1, last) where last >= 1 {
                guard let next = ((positions.last! + 1)..<trace.count).first(where: { stages[$0] == step }) else { return nil }
                positions.append(next)
            }
            return positions
        }
        for end in trace.indices where stages[end] == reached - 1 {
            let starts = trace.indices.filter { start in
                guard stages[start] == 0, start < end, times[end] - times[start] <= window else { return false }
                guard reached > 2 else { return true }
                guard let positions = greedy(from: start, upTo: reached - 2) else { return false }
                return positions.last! < end
            }
            guard let latest = starts.map({ times[$0] }).max() else { continue }
            let start = starts.first { times[$0] == latest }!
            let middle = reached > 2 ? Array(greedy(from: start, upTo: reached - 2)!.dropFirst()) : []
            return ([start] + middle + [end]).map { times[$0] }
        }
        return nil
    }

    @Test("ordered step times: median and 90th percentile equal those of the reference chains")
    func stepTimes() throws {
        var random = SplitMix64(seed: 9)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X", "B1", "C1"]
        for customer in 0..<400 {
            for _ in 0 ..< 2 + Int(random.next() % 9) {
                let second = Int(random.next() % 20) * Self.day / 2 + Int(random.next() % 4) * 60
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % UInt64(names.count))], second: second))
            }
        }
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index(events, in: directory)
        for windowDays in [2.0, 30] {
            let window = Int(windowDays) * Self.day
            var gaps: [[Int]] = [[], [], []], totals: [Int] = []
            for trace in TinyJourney.traces(events).values {
                guard let chain = Self.referenceChain(trace, window: window) else { continue }
                for step in 1..<chain.count { gaps[step].append(chain[step] - chain[step - 1]) }
                totals.append(chain.last! - chain.first!)
            }
            func quantile(_ values: [Int], _ q: Double) -> Double? {
                guard !values.isEmpty else { return nil }
                // The nearest rank: the smallest value with a share q of the values at or below it.
                let sorted = values.sorted()
                return Double(sorted.first { value in Double(sorted.filter { $0 <= value }.count) >= q * Double(sorted.count) }!)
            }
            let result = try Self.funnel(index, windowDays: windowDays)
            for step in 1..<3 {
                #expect(!gaps[step].isEmpty)
                #expect(result.steps[step].medianSeconds == quantile(gaps[step], 0.5), "step \(step), \(windowDays) days")
                #expect(result.steps[step].p90Seconds == quantile(gaps[step], 0.9), "step \(step), \(windowDays) days")
            }
            #expect(result.medianSecondsToFurthest == quantile(totals, 0.5))
            // The time to convert: of the chains that reach the last step, first to last.
            let complete = TinyJourney.traces(events).values.compactMap { trace -> Int? in
                guard let chain = Self.referenceChain(trace, window: window), chain.count == 3 else { return nil }
                return chain[2] - chain[0]
            }
            let converted = try #require(result.timeToConvert)
            #expect(converted.customers == complete.count && complete.count == result.steps[2].customers && !complete.isEmpty)
            #expect(converted.medianSeconds == quantile(complete, 0.5) && converted.p90Seconds == quantile(complete, 0.9))
            var bars = [Int](repeating: 0, count: FunnelResult.TimeToConvert.bounds.count + 1)
            for seconds in complete { bars[FunnelResult.TimeToConvert.bounds.firstIndex { Double(seconds) <= $0 } ?? bars.count - 1] += 1 }
            #expect(converted.buckets.map(\.customers) == bars && converted.buckets.last?.upToSeconds == nil)
        }
    }

    @Test("a step that is any of several touchpoints counts as the stage of those touchpoints does, in every mode, with step times")
    func anyOfStep() throws {
        var random = SplitMix64(seed: 41)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<300 {
            for _ in 0 ..< Int(random.next() % 9) {
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: Int(random.next() % UInt64(40 * Self.day))))
            }
        }
        let index = try TinyJourney.index(events, in: TemporaryDirectory())
        for mode in Options.FunnelMode.allCases {
            var byStage = Options()
            byStage.mode = mode
            byStage.windowDays = 20
            var anyOf = byStage
            // Stage a is touchpoints a1 and a2; b and c have one each.
            anyOf.steps = ["a1|a2", "b1", "c1"]
            let stages = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: byStage), on: index)
            let steps = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: anyOf), on: index)
            #expect(steps.steps.map(\.customers) == stages.steps.map(\.customers), "\(mode)")
            #expect(steps.steps.map(\.medianSeconds) == stages.steps.map(\.medianSeconds) && steps.steps.map(\.p90Seconds) == stages.steps.map(\.p90Seconds), "\(mode)")
            #expect(steps.steps.first?.name == "A one or A two" && steps.steps.first?.id == "a1|a2")
            #expect(stages.steps.last?.customers ?? 0 > 0)
        }
        var unknown = Options()
        unknown.steps = ["a1|nowhere", "b1"]
        let refused = try #require(throws: AnalysisError.self) { try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: unknown), on: index) }
        #expect(refused.description.contains("'nowhere'"))
        // An empty alternative, and more alternatives than any map has, are refused at once.
        for steps in [["a1|", "b1"], ["|a1", "b1"], [Array(repeating: "a1", count: 5_000).joined(separator: "|"), "b1"]] {
            unknown.steps = steps
            let error = try #require(throws: AnalysisError.self) { try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: unknown), on: index) }
            #expect(error.description.contains("none of them empty"), "\(error)")
        }
    }

    @Test("exclusions: a customer with an excluded event after their step 'from' and before their step 'to' (or the window's end) does not count")
    func exclusions() throws {
        var random = SplitMix64(seed: 61)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<400 {
            for _ in 0 ..< 2 + Int(random.next() % 8) {
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: Int(random.next() % UInt64(20 * Self.day))))
            }
        }
        let index = try TinyJourney.index(events, in: TemporaryDirectory())
        let window = 10 * Self.day
        // A2 (a touchpoint of stage a) excludes between stage a and stage c: the reference chain
        // (the one step times use; for a customer who reached only a, their first event there).
        var counts = [0, 0, 0], excluded = 0
        for trace in TinyJourney.traces(events).values {
            let reached = Self.reference(trace, mode: .ordered, window: window)
            if reached > 0 {
                let chain = Self.referenceChain(trace, window: window) ?? [trace.first { TinyJourney.stageOf[$0.name] == 0 }!.second]
                let before = reached > 2 ? chain[2] : chain[0] + window
                if trace.contains(where: { $0.name == "A2" && $0.second > chain[0] && $0.second < before }) {
                    excluded += 1
                    continue
                }
            }
            for step in 0..<reached { counts[step] += 1 }
        }
        var options = Options()
        options.windowDays = 10
        options.exclusions = [Options.Exclusion(touchpoint: "a2", from: "a", to: "c")]
        let result = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: options), on: index)
        #expect(result.steps.map(\.customers) == counts && result.excluded == excluded && excluded > 0, "\(result.steps.map(\.customers)) \(counts)")
        // Without step times the count is the same (the fast count is not used with exclusions).
        options.stepTimes = false
        #expect(try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: options), on: index).steps.map(\.customers) == counts)
        // The customers of a step leave them out too.
        options.step = "c"
        #expect(try Analyzer.run(AnalysisQuery(kind: .customers, journey: "tiny", options: options), on: index).customers?.total == counts[2])
        options.step = nil
        for (exclusion, mode) in [(Options.Exclusion(touchpoint: "a2", from: "c", to: "a"), Options.FunnelMode.ordered),
                                  (Options.Exclusion(touchpoint: "nowhere"), .ordered), (Options.Exclusion(touchpoint: "a2"), .anyOrder)] {
            options.exclusions = [exclusion]
            options.mode = mode
            let error = try #require(throws: AnalysisError.self) { try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: options), on: index) }
            #expect(error.field == "options.exclusions")
        }
    }

    /// Steps reached with a window per step, by trying every chain: events i1 < … < ik at steps
    /// 0 … k − 1 with t(ik) − t(i1) ≤ window and t(ij) − t(ij−1) ≤ the step's own window; strict
    /// chains take consecutive classified events. Also the first event at which the funnel is
    /// complete (the position in `trace`).
    static func referenceWithStepWindows(_ trace: [Event], strict: Bool, window: Int, stepWindows: [Int?]) -> (reached: Int, completedAt: Int?) {
        let stages = trace.map { TinyJourney.stageOf[$0.name]! }, times = trace.map(\.second)
        var best = 0
        var completedAt: Int?
        func extend(_ chain: [Int]) {
            best = max(best, chain.count)
            if chain.count == 3 {
                completedAt = min(completedAt ?? .max, chain.last!)
                return
            }
            let step = chain.count
            let candidates = strict ? (chain.last! + 1 < trace.count ? [chain.last! + 1] : []) : Array(chain.last! + 1 ..< trace.count)
            for next in candidates where stages[next] == step && times[next] - times[chain[0]] <= window {
                if let limit = stepWindows[step], times[next] - times[chain.last!] > limit { continue }
                extend(chain + [next])
            }
        }
        for start in trace.indices where stages[start] == 0 { extend([start]) }
        return (best, completedAt)
    }

    @Test("a window per step: ordered and strict funnels equal every chain tried, with the window over the chain too; passes with repeats counted equal the reference's passes")
    func stepWindowsAndRepeats() throws {
        var random = SplitMix64(seed: 314)
        var events: [Event] = []
        let names = ["A1", "A2", "B1", "C1", "A1", "B1", "C1"]
        for customer in 0..<400 {
            for _ in 0 ..< 1 + Int(random.next() % 12) {
                let second = Int(random.next() % 20) * Self.day / 2 + (random.next() % 3 == 0 ? 0 : Int(random.next() % 5))
                events.append(Event(customer: "c\(customer)", name: names[Int(random.next() % UInt64(names.count))], second: second))
            }
        }
        let index = try TinyJourney.index(events, in: TemporaryDirectory())
        let traces = TinyJourney.traces(events)
        for mode in [Options.FunnelMode.ordered, .strict] {
            for (windowDays, bDays, cDays) in [(30.0, 1.0 as Double?, nil as Double?), (7, nil, 2), (5, 3, 0.5), (30, 30, 30)] {
                var options = Options()
                options.mode = mode
                options.windowDays = windowDays
                options.stepWindowsDays = [:]
                if let bDays { options.stepWindowsDays["b"] = bDays }
                if let cDays { options.stepWindowsDays["c"] = cDays }
                options.countRepeats = true
                let stepWindows: [Int?] = [nil, bDays.map { Int($0 * Double(Self.day)) }, cDays.map { Int($0 * Double(Self.day)) }]
                var expected = [0, 0, 0], passes = [0, 0, 0]
                for trace in traces.values {
                    var rest = trace[...]
                    var first = true
                    while !rest.isEmpty {
                        let (reached, completedAt) = Self.referenceWithStepWindows(Array(rest), strict: mode == .strict, window: Int(windowDays) * Self.day,
                                                                                   stepWindows: stepWindows)
                        for step in 0..<reached {
                            passes[step] += 1
                            if first { expected[step] += 1 }
                        }
                        first = false
                        guard let completedAt else { break }
                        rest = rest.dropFirst(completedAt + 1)
                    }
                }
                for stepTimes in [true, false] {
                    options.stepTimes = stepTimes
                    let result = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: options), on: index)
                    let label = "\(mode) window \(windowDays), b \(String(describing: bDays)), c \(String(describing: cDays)), step times \(stepTimes)"
                    #expect(result.steps.map(\.customers) == expected, "\(label)")
                    #expect(result.steps.map { $0.passes ?? -1 } == passes, "\(label)")
                    #expect(result.completions == passes[2])
                    #expect(result.steps.map(\.windowDays) == [nil, bDays, cDays])
                }
            }
        }
        // The customers at a step follow the same chains.
        var options = Options()
        options.stepWindowsDays = ["b": 1]
        options.step = "b"
        let listed = try Analyzer.run(AnalysisQuery(kind: .customers, journey: "tiny", options: options), on: index).customers!
        let expected = traces.values.filter { Self.referenceWithStepWindows($0, strict: false, window: 30 * Self.day, stepWindows: [nil, Self.day, nil]).reached >= 2 }.count
        #expect(listed.total == expected)
    }

    @Test("a window per step is refused for any order, for the first step and for a step the funnel lacks; repeats are refused with exclusions")
    func stepWindowRefusals() throws {
        let index = try TinyJourney.index([Event(customer: "c", name: "A1", second: 0)], in: TemporaryDirectory())
        func refusal(_ change: (inout Options) -> Void) -> String? {
            var options = Options()
            change(&options)
            do {
                _ = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: options), on: index)
                return nil
            } catch { return error.description }
        }
        #expect(refusal { $0.stepWindowsDays = ["b": 1]; $0.mode = .anyOrder }?.contains("options.step_windows_days") == true)
        #expect(refusal { $0.stepWindowsDays = ["a": 1] }?.contains("first step") == true)
        // A step named twice gets its window where it comes after another.
        #expect(refusal { $0.steps = ["a1", "b1", "a1"]; $0.stepWindowsDays = ["a1": 1] } == nil)
        let twice = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: "tiny", options: {
            var options = Options()
            options.steps = ["a1", "b1", "a1"]
            options.stepWindowsDays = ["a1": 1]
            return options
        }()), on: index)
        #expect(twice.steps.map(\.windowDays) == [nil, nil, 1])
        #expect(refusal { $0.stepWindowsDays = ["nope": 1] }?.contains("no step") == true)
        #expect(refusal { $0.stepWindowsDays = ["b": 0] }?.contains("options.step_windows_days") == true)
        #expect(refusal { $0.stepWindowsDays = ["b": .infinity] }?.contains("options.step_windows_days") == true)
        #expect(refusal { $0.countRepeats = true; $0.exclusions = [Options.Exclusion(touchpoint: "a2")] }?.contains("options.count_repeats") == true)
        #expect(throws: AnalysisError.self) { try Analyzer.query(json: Data(#"{"kind":"funnel","journey":"tiny","options":{"step_windows_days":{"b":1e309}}}"#.utf8)) }
    }

    @Test("equal timestamps are ordered by arrival")
    func equalTimestamps() throws {
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index([
            Event(customer: "late-start", name: "B1", second: 100), Event(customer: "late-start", name: "A1", second: 100),
            Event(customer: "in-order", name: "A1", second: 100), Event(customer: "in-order", name: "B1", second: 100),
        ], in: directory)
        #expect(try Self.funnel(index).steps.map(\.customers) == [2, 1, 0])
        #expect(try Self.funnel(index, mode: .anyOrder).steps.map(\.customers) == [2, 2, 0], "any order ignores the order")
    }

    @Test("the window is inclusive, and events beyond it do not count")
    func window() throws {
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index([
            Event(customer: "on-the-edge", name: "A1", second: 0), Event(customer: "on-the-edge", name: "B1", second: 30 * Self.day),
            Event(customer: "too-late", name: "A1", second: 0), Event(customer: "too-late", name: "B1", second: 30 * Self.day + 1),
        ], in: directory)
        #expect(try Self.funnel(index).steps.map(\.customers) == [2, 1, 0])
    }

    @Test("a stage reached twice: the later start completes the funnel")
    func stageTwice() throws {
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index([
            Event(customer: "again", name: "A1", second: 0), Event(customer: "again", name: "B1", second: Self.day),
            Event(customer: "again", name: "A2", second: 20 * Self.day), Event(customer: "again", name: "B1", second: 21 * Self.day),
            Event(customer: "again", name: "C1", second: 22 * Self.day),
        ], in: directory)
        let result = try Self.funnel(index, windowDays: 7)
        #expect(result.steps.map(\.customers) == [1, 1, 1])
        #expect(result.steps[1].medianSeconds == Double(Self.day), "times come from the chain that got furthest")
        #expect(try Self.funnel(index, mode: .strict, windowDays: 7).steps.map(\.customers) == [1, 1, 1])
    }

    @Test("one event, no events, and unicode names")
    func small() throws {
        let directory = try TemporaryDirectory()
        let index = try TinyJourney.index([
            Event(customer: "añón-😀", name: "A1", second: 5), Event(customer: "añón-😀", name: "Café visité ☕", second: 6),
            Event(customer: "only-noise", name: "Café visité ☕", second: 7),
        ], in: directory)
        let result = try Self.funnel(index)
        #expect(result.steps.map(\.customers) == [1, 0, 0])
        #expect(result.reachedLast == 0)
        #expect(index.summary.unclassified == 2)
        #expect(index.summary.topUnclassified.first?.name == "Café visité ☕")
        #expect(index.summary.customers == 2 && index.summary.customersWithEvents == 1)

        let empty = try TinyJourney.index([], in: TemporaryDirectory())
        let none = try Self.funnel(empty)
        #expect(none.steps.map(\.customers) == [0, 0, 0])
        #expect(none.customers == 0 && none.reachedLast == nil && none.steps[1].fromPrevious == nil)
    }

    @Test("breakdown by persona and filters by channel and date, with and without step times")
    func breakdownAndFilters() throws {
        let directory = try TemporaryDirectory()
        let events = [
            Event(customer: "pro", name: "", second: 0, traits: ["plan": "pro"]),
            Event(customer: "pro", name: "A1", second: 10), Event(customer: "pro", name: "B1", second: 20, channel: "chat"),
            Event(customer: "free", name: "A1", second: 10), Event(customer: "free", name: "B1", second: 20 * Self.day),
        ]
        let index = try TinyJourney.index(events, in: directory)
        for stepTimes in [true, false] {
            try breakdownAndFilters(index, stepTimes: stepTimes)
        }
    }

    func breakdownAndFilters(_ index: JourneyIndex, stepTimes: Bool) throws {
        var query = AnalysisQuery(kind: .funnel, journey: "tiny", breakdown: Breakdown(kind: .persona))
        query.options.stepTimes = stepTimes
        let result = try FunnelAnalysis.run(query, on: index)
        #expect(result.steps.map(\.customers) == [2, 2, 0])
        #expect(result.breakdown?.map(\.key) == ["runner", "none"])
        #expect(result.breakdown?.map { $0.steps.map(\.customers) } == [[1, 1, 0], [1, 1, 0]])

        query.breakdown = nil
        query.filters = Filters(channels: ["web"])
        #expect(try FunnelAnalysis.run(query, on: index).steps.map(\.customers) == [2, 1, 0], "the chat event no longer counts")
        query.filters = Filters(personas: ["none"])
        #expect(try FunnelAnalysis.run(query, on: index).steps.map(\.customers) == [1, 1, 0])
        query.filters = Filters()
        query.range = DateRange(from: "2026-01-01", to: "2026-01-10")
        #expect(try FunnelAnalysis.run(query, on: index).steps.map(\.customers) == [2, 1, 0], "the late event is outside the range")
        query.range = DateRange(from: "soon")
        #expect(throws: AnalysisError.self) { try FunnelAnalysis.run(query, on: index) }
    }
}
