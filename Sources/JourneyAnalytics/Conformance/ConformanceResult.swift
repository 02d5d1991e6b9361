import JourneyStore

/// Conformance: `{"conformance": {"customers": n, "conforming": k, "share": …, "mean_fitness": …,
/// "histogram": […], "deviations": […], "stages": […]}}`; definitions in ``ConformanceAnalysis``.
public struct ConformanceResult: Codable, Sendable, Equatable {
    /// What kind of deviation.
    public enum DeviationKind: String, Codable, Sendable, CaseIterable {
        /// A stage before the furthest one reached that the trace never visits.
        case skippedStage = "skipped_stage"
        /// A move to an earlier stage.
        case backwardMove = "backward_move"
        /// Events the map does not describe within the customer's journey.
        case unexpectedTouchpoint = "unexpected_touchpoint"
    }

    /// One kind of deviation at one place.
    public struct Deviation: Codable, Sendable, Equatable {
        /// The kind.
        public var kind: DeviationKind
        /// The stage skipped, for `skipped_stage`.
        public var stage: String?
        /// The stage moved back from, for `backward_move`.
        public var from: String?
        /// The stage moved back to, for `backward_move`.
        public var to: String?
        /// Customers with the deviation.
        public var customers: Int
        /// Times it happened (moves, or unexpected events).
        public var occurrences: Int
        /// Up to `examples` customers (`cus_N`), in customer order.
        public var examples: [String]
    }

    /// One bin of the fitness histogram: `from` inclusive, `to` exclusive (the last bin includes 1).
    public struct Bin: Codable, Sendable, Equatable {
        /// Lower bound.
        public var from: Double
        /// Upper bound.
        public var to: Double
        /// Customers whose fitness falls in it.
        public var customers: Int
    }

    /// Customers per stage.
    public struct Stage: Codable, Sendable, Equatable {
        /// The stage id.
        public var id: String
        /// Customers whose trace has an event in the stage.
        public var visited: Int
        /// Customers whose furthest stage is this one or later.
        public var reached: Int
        /// Customers who reached a later stage without visiting this one.
        public var skipped: Int
    }

    /// Customers with at least one counted event.
    public var customers: Int
    /// Customers whose trace conforms.
    public var conforming: Int
    /// `conforming / customers`.
    public var share: Double?
    /// Mean fitness over customers.
    public var meanFitness: Double?
    /// Ten bins of fitness, [0, 0.1) … [0.9, 1].
    public var histogram: [Bin]
    /// Deviations, most customers first.
    public var deviations: [Deviation]
    /// Stages in map order.
    public var stages: [Stage]

    enum CodingKeys: String, CodingKey {
        case customers, conforming, share, histogram, deviations, stages
        case meanFitness = "mean_fitness"
    }

    init(tally: ConformanceAnalysis.Tally, index: JourneyIndex, options: Options) {
        func ids(_ customers: [Int]) -> [String] { customers.map { CustomerID.text(index.customers[$0]) } }
        customers = tally.customers
        conforming = tally.conforming
        share = tally.customers > 0 ? Double(tally.conforming) / Double(tally.customers) : nil
        meanFitness = tally.customers > 0 ? tally.fitnessSum / Double(tally.customers) : nil
        histogram = (0..<10).map { Bin(from: Double($0) / 10, to: Double($0 + 1) / 10, customers: tally.histogram[$0]) }
        let names = index.stageIDs
        var deviations: [Deviation] = []
        for stage in names.indices where tally.skipped[stage] > 0 {
            deviations.append(Deviation(kind: .skippedStage, stage: names[stage], customers: tally.skipped[stage],
                                        occurrences: tally.skipped[stage], examples: ids(tally.skippedExamples[stage])))
        }
        let count = tally.stages
        for pair in tally.backwardCustomers.indices where tally.backwardCustomers[pair] > 0 && pair / count < names.count {
            deviations.append(Deviation(kind: .backwardMove, from: names[pair / count], to: names[pair % count],
                                        customers: tally.backwardCustomers[pair], occurrences: tally.backwardMoves[pair],
                                        examples: ids(tally.backwardExamples[pair])))
        }
        if tally.unexpectedCustomers > 0 {
            deviations.append(Deviation(kind: .unexpectedTouchpoint, customers: tally.unexpectedCustomers, occurrences: tally.unexpectedEvents,
                                        examples: ids(tally.unexpectedExamples)))
        }
        let order = DeviationKind.allCases
        self.deviations = deviations.filter { $0.customers >= options.minimumCustomers }.sorted { a, b in
            if a.customers != b.customers { return a.customers > b.customers }
            if a.kind != b.kind { return order.firstIndex(of: a.kind)! < order.firstIndex(of: b.kind)! }
            return (a.stage ?? "", a.from ?? "", a.to ?? "") < (b.stage ?? "", b.from ?? "", b.to ?? "")
        }
        var reached = 0
        var stages: [Stage] = []
        for stage in names.indices.reversed() {
            reached += tally.furthest[stage]
            stages.append(Stage(id: names[stage], visited: tally.visited[stage], reached: reached, skipped: tally.skipped[stage]))
        }
        self.stages = stages.reversed()
    }
}
