import JourneyModel
import JourneyStore

/// Conformance: how far each customer's trace follows the map's stage order.
///
/// A customer's trace is the stages of their counted events, in order (time, then arrival). Let F
/// be the furthest stage reached (stages numbered from 0 in map order). The trace *conforms* when
/// it never moves backwards (an event whose stage is earlier than the previous event's) and skips
/// none of the stages 0 … F. A trace that starts after the first stage skips the stages before its
/// start, unless it visits them later (which is then a backward move).
///
/// Fitness = 1 − (skipped + backward) / (moves + F + 1), where skipped is the number of stages in
/// 0 … F the trace never visits, backward the number of backward moves and moves the number of
/// consecutive event pairs (n − 1 for n events). Skipped ≤ F and backward ≤ moves, so fitness lies
/// in (0, 1], and is 1 exactly when the trace conforms. A single event in stage s has fitness
/// 1 / (s + 1). Events of the same stage in a row, and equal timestamps, are no deviation.
///
/// Deviations: `skipped_stage` per stage (customers = occurrences), `backward_move` per pair of
/// stages (customers who made it at least once, occurrences = moves), and `unexpected_touchpoint`:
/// customers with events the map does not describe between their first and last classified event
/// (``JourneyIndex/offMapEvents``, occurrences = those events). Unexpected events are reported
/// beside the stage order and leave fitness and conformance alone; they are counted over the
/// whole journey, before the time range and filters. Deviations with fewer than
/// `minimum_customers` customers are left out of the list (the totals still count them).
public enum ConformanceAnalysis {
    /// Runs conformance of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> ConformanceResult {
        try query.validate()
        let selection = try Selection(index: index, query: query)
        return try run(query.options, selection: selection)
    }

    static func run(_ options: Options, selection: Selection) throws(AnalysisError) -> ConformanceResult {
        let index = selection.index
        let stages = max(1, index.stageIDs.count), examples = options.examples
        let partials = Parallel.map(index.customerCount) { customers -> Tally in
            var tally = Tally(stages: stages, examples: examples)
            for customer in customers where selection.includes(customer: customer) { tally.add(customer, selection) }
            return tally
        }
        var tally = partials[0]
        for partial in partials.dropFirst() { tally.merge(partial) }
        return ConformanceResult(tally: tally, index: index, options: options)
    }

    /// One thread's counts.
    struct Tally: Sendable {
        let stages: Int
        let examples: Int
        var customers = 0
        var conforming = 0
        var fitnessSum = 0.0
        var histogram = [Int](repeating: 0, count: 10)
        /// Customers whose trace visits each stage.
        var visited: [Int]
        /// Customers whose furthest stage is each stage.
        var furthest: [Int]
        /// Customers skipping each stage, with examples.
        var skipped: [Int]
        var skippedExamples: [[Int]]
        /// Backward moves per `from * stages + to`: customers, occurrences, examples.
        var backwardCustomers: [Int]
        var backwardMoves: [Int]
        var backwardExamples: [[Int]]
        var unexpectedCustomers = 0
        var unexpectedEvents = 0
        var unexpectedExamples: [Int] = []
        private var seen: [Int]
        private var pairSeen: [Int]

        init(stages: Int, examples: Int) {
            self.stages = stages
            self.examples = examples
            visited = [Int](repeating: 0, count: stages)
            furthest = visited
            skipped = visited
            skippedExamples = [[Int]](repeating: [], count: stages)
            backwardCustomers = [Int](repeating: 0, count: stages * stages)
            backwardMoves = backwardCustomers
            backwardExamples = [[Int]](repeating: [], count: stages * stages)
            seen = [Int](repeating: -1, count: stages)
            pairSeen = [Int](repeating: -1, count: stages * stages)
        }

        mutating func add(_ customer: Int, _ selection: Selection) {
            let index = selection.index, filtered = selection.filtersEvents
            var previous = -1, top = -1, moves = 0, backward = 0
            index.stages.withUnsafeBufferPointer { stageOf in
                for event in selection.events(of: customer) {
                    if filtered, !selection.includes(event: event) { continue }
                    let stage = Int(stageOf[event])
                    if previous >= 0 {
                        moves += 1
                        if stage < previous {
                            backward += 1
                            let pair = previous * stages + stage
                            backwardMoves[pair] += 1
                            if pairSeen[pair] != customer {
                                pairSeen[pair] = customer
                                backwardCustomers[pair] += 1
                                if backwardExamples[pair].count < examples { backwardExamples[pair].append(customer) }
                            }
                        }
                    }
                    if seen[stage] != customer {
                        seen[stage] = customer
                        visited[stage] += 1
                    }
                    if stage > top { top = stage }
                    previous = stage
                }
            }
            guard top >= 0 else { return }
            customers += 1
            furthest[top] += 1
            var skips = 0
            for stage in 0..<top where seen[stage] != customer {
                skips += 1
                skipped[stage] += 1
                if skippedExamples[stage].count < examples { skippedExamples[stage].append(customer) }
            }
            if skips == 0, backward == 0 { conforming += 1 }
            let fitness = 1 - Double(skips + backward) / Double(moves + top + 1)
            fitnessSum += fitness
            histogram[min(9, Int(fitness * 10))] += 1
            let offMap = Int(index.offMapEvents[customer])
            if offMap > 0 {
                unexpectedCustomers += 1
                unexpectedEvents += offMap
                if unexpectedExamples.count < examples { unexpectedExamples.append(customer) }
            }
        }

        mutating func merge(_ other: Tally) {
            func add(_ a: inout [Int], _ b: [Int]) { for slot in a.indices { a[slot] += b[slot] } }
            func append(_ a: inout [Int], _ b: [Int]) { if a.count < examples { a += b.prefix(examples - a.count) } }
            customers += other.customers
            conforming += other.conforming
            fitnessSum += other.fitnessSum
            add(&histogram, other.histogram)
            add(&visited, other.visited)
            add(&furthest, other.furthest)
            add(&skipped, other.skipped)
            for slot in skippedExamples.indices { append(&skippedExamples[slot], other.skippedExamples[slot]) }
            add(&backwardCustomers, other.backwardCustomers)
            add(&backwardMoves, other.backwardMoves)
            for slot in backwardExamples.indices { append(&backwardExamples[slot], other.backwardExamples[slot]) }
            unexpectedCustomers += other.unexpectedCustomers
            unexpectedEvents += other.unexpectedEvents
            append(&unexpectedExamples, other.unexpectedExamples)
        }
    }
}
