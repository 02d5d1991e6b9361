/// Compare: one analysis for two date ranges or two segments side by side, with the
/// differences, and for every rate a two-proportion test saying whether the change is significant.
///
/// The test: with x₁ of n₁ before and x₂ of n₂ after, the pooled rate p = (x₁ + x₂) / (n₁ + n₂),
/// z = (x₂/n₂ − x₁/n₁) / √(p(1 − p)(1/n₁ + 1/n₂)), and the two-sided p-value erfc(|z| / √2). A
/// change with p < 0.05 is `better` or `worse` (by whether the rate should rise or fall);
/// otherwise there is `no_evidence`.
///
/// Means (the measured emotion per touchpoint and stage) are compared by Welch's t-test:
/// t = (m₂ − m₁) / √(s₁²/n₁ + s₂²/n₂) with the Welch–Satterthwaite degrees of freedom, and the
/// two-sided p-value from Student's t distribution; a higher emotion is better.
public enum CompareAnalysis {
    /// The significance level.
    public static let alpha = 0.05

    /// Runs the comparison of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> CompareResult {
        let kind = query.options.compareKind
        guard kind != .compare else { throw AnalysisError("options.compare_kind: choose the analysis to compare (funnel, paths, ...), not compare") }
        guard !kind.listsCustomers else {
            throw AnalysisError(field: "options.compare_kind", problem: "takes an analysis of counts (funnel, paths, ...); \(kind.rawValue) lists customers one by one, which has no comparison")
        }
        guard let before = query.options.before, let after = query.options.after else {
            throw AnalysisError("options.before and options.after: a comparison needs both sides (a date range or filters each)")
        }
        func side(_ segment: Segment) throws(AnalysisError) -> AnalysisOutput {
            var sub = query
            sub.kind = kind
            sub.range = segment.range ?? query.range
            sub.filters = segment.filters ?? query.filters
            sub.options.before = nil
            sub.options.after = nil
            return try Analyzer.run(sub, on: index)
        }
        let first = try side(before), second = try side(after)
        return CompareResult(kind: kind, before: CompareResult.Side(label: before.label, first), after: CompareResult.Side(label: after.label, second),
                             differences: differences(first, second), meanDifferences: meanDifferences(first, second))
    }

    static func differences(_ before: AnalysisOutput, _ after: AnalysisOutput) -> [CompareResult.Difference] {
        var rows: [CompareResult.Difference] = []
        if let one = before.funnel, let two = after.funnel, let firstOne = one.steps.first, let firstTwo = two.steps.first {
            for (stepOne, stepTwo) in zip(one.steps, two.steps).dropFirst() {
                rows.append(.rate("reached \(stepOne.id) (of \(firstOne.id))", stepOne.customers, firstOne.customers, stepTwo.customers, firstTwo.customers))
            }
            for (position, (stepOne, stepTwo)) in zip(one.steps, two.steps).enumerated().dropFirst() {
                rows.append(.rate("\(one.steps[position - 1].id) → \(stepOne.id)", stepOne.customers, one.steps[position - 1].customers,
                                  stepTwo.customers, two.steps[position - 1].customers))
            }
        }
        if let one = before.personas, let two = after.personas {
            for (rowOne, rowTwo) in zip(one.personas, two.personas) {
                rows.append(.rate("\(rowOne.id) conversion", rowOne.converted, rowOne.withEvents, rowTwo.converted, rowTwo.withEvents))
            }
        }
        if let one = before.touchpoints, let two = after.touchpoints {
            for (rowOne, rowTwo) in zip(one.touchpoints, two.touchpoints) {
                rows.append(.rate("\(rowOne.id) visitors reaching the goal", rowOne.converted, rowOne.visitors, rowTwo.converted, rowTwo.visitors))
            }
        }
        if let one = before.variants, let two = after.variants {
            let countsOne = Dictionary(one.variants.map { ($0.path, $0.customers) }, uniquingKeysWith: +)
            let countsTwo = Dictionary(two.variants.map { ($0.path, $0.customers) }, uniquingKeysWith: +)
            var paths: [[String]] = []
            for path in one.variants.map(\.path) + two.variants.map(\.path) where !paths.contains(path) { paths.append(path) }
            for path in paths.prefix(20) {
                rows.append(.rate("variant \(path.joined(separator: " > "))", countsOne[path] ?? 0, one.total, countsTwo[path] ?? 0, two.total, higherIsBetter: nil))
            }
        }
        if let one = before.conformance, let two = after.conformance {
            rows.append(.rate("conforming customers", one.conforming, one.customers, two.conforming, two.customers))
            func key(_ deviation: ConformanceResult.Deviation) -> String {
                [deviation.kind.rawValue, deviation.stage ?? deviation.from.map { "\($0) > \(deviation.to ?? "")" }].compactMap { $0 }.joined(separator: " ")
            }
            let countsTwo = Dictionary(two.deviations.map { (key($0), $0.customers) }, uniquingKeysWith: +)
            var seen = Set<String>()
            for deviation in one.deviations + two.deviations where seen.insert(key(deviation)).inserted {
                let countOne = one.deviations.first { key($0) == key(deviation) }?.customers ?? 0
                rows.append(.rate(key(deviation), countOne, one.customers, countsTwo[key(deviation)] ?? 0, two.customers, higherIsBetter: false))
            }
        }
        if let one = before.friction, let two = after.friction {
            rows.append(.rate("goal conversion", one.converted, one.customers, two.converted, two.customers))
            func key(_ finding: FrictionResult.Finding) -> String {
                "\(finding.kind.rawValue) \(finding.touchpoint ?? "\(finding.from ?? "") > \(finding.to ?? "")")"
            }
            let findingsTwo = Dictionary(two.findings.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
            let findingsOne = Dictionary(one.findings.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
            var seen = Set<String>()
            // Findings ranked on either side; a point that is no finding on one side is shown only with its counts there.
            for finding in (one.findings + two.findings).prefix(40) where seen.insert(key(finding)).inserted {
                let first = findingsOne[key(finding)], second = findingsTwo[key(finding)]
                rows.append(.rate(key(finding), first?.affected ?? 0, first?.exposed ?? 0, second?.affected ?? 0, second?.exposed ?? 0, higherIsBetter: false))
            }
        }
        return rows
    }

    static func meanDifferences(_ before: AnalysisOutput, _ after: AnalysisOutput) -> [CompareResult.MeanDifference] {
        guard let one = before.emotions, let two = after.emotions else { return [] }
        var rows: [CompareResult.MeanDifference] = []
        for (level, rowsOne, rowsTwo) in [("stage", one.stages, two.stages), ("touchpoint", one.touchpoints, two.touchpoints)] {
            let measuredTwo = Dictionary(rowsTwo.map { ($0.id, $0.measured) }, uniquingKeysWith: { first, _ in first })
            for row in rowsOne {
                guard let first = row.measured, let second = measuredTwo[row.id] ?? nil else { continue }
                rows.append(.means("emotion at \(level) \(row.id)", first, second))
            }
        }
        return rows
    }

    /// The two-sided p-value of a two-proportion z-test of `x2 / n2` against `x1 / n1`, and z (positive
    /// when the second rate is higher); nil when either side has no trials or the pooled rate is 0 or 1.
    public static func twoProportion(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> (z: Double, p: Double)? {
        ProportionTest.z(x2, n2, x1, n1)
    }
}

/// Two sides of one analysis and their differences: `{"compare": {"kind", "before", "after", "differences"}}`.
public struct CompareResult: Codable, Sendable {
    /// One side: its label and the analysis result.
    public struct Side: Codable, Sendable {
        /// How the side is named.
        public var label: String
        /// Funnel, when compared.
        public var funnel: FunnelResult?
        /// Variants, when paths are compared.
        public var variants: PathsResult.Variants?
        /// The directly-follows graph, when paths are compared.
        public var dfg: PathsResult.Graph?
        /// Persona coverage, when compared.
        public var personas: PersonaCoverageResult?
        /// Touchpoints' live numbers, when compared.
        public var touchpoints: TouchpointResult?
        /// Friction, when compared.
        public var friction: FrictionResult?
        /// Conformance, when compared.
        public var conformance: ConformanceResult?
        /// Emotions, when compared.
        public var emotions: EmotionsResult?

        init(label: String, _ output: AnalysisOutput) {
            self.label = label
            funnel = output.funnel
            variants = output.variants
            dfg = output.dfg
            personas = output.personas
            touchpoints = output.touchpoints
            friction = output.friction
            conformance = output.conformance
            emotions = output.emotions
        }
    }

    /// One compared rate.
    public struct Difference: Codable, Sendable, Equatable {
        /// What the rate is.
        public var metric: String
        /// Successes and trials before.
        public var beforeCount: Int, beforeTotal: Int
        /// Successes and trials after.
        public var afterCount: Int, afterTotal: Int
        /// The rates (nil without trials).
        public var before: Double?, after: Double?
        /// `after − before`, in rate points.
        public var change: Double?
        /// The z statistic and two-sided p-value.
        public var z: Double?, p: Double?
        /// `better`, `worse`, `no_evidence`, or `changed` when the direction has no better side.
        public var verdict: String

        enum CodingKeys: String, CodingKey {
            case metric, before, after, change, z, p, verdict
            case beforeCount = "before_count", beforeTotal = "before_total", afterCount = "after_count", afterTotal = "after_total"
        }

        static func rate(_ metric: String, _ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int, higherIsBetter: Bool? = true) -> Difference {
            let before = n1 > 0 ? Double(x1) / Double(n1) : nil, after = n2 > 0 ? Double(x2) / Double(n2) : nil
            let test = CompareAnalysis.twoProportion(x1, n1, x2, n2)
            var verdict = "no_evidence"
            if let test, test.p < CompareAnalysis.alpha {
                if let higherIsBetter { verdict = (test.z > 0) == higherIsBetter ? "better" : "worse" } else { verdict = "changed" }
            }
            return Difference(metric: metric, beforeCount: x1, beforeTotal: n1, afterCount: x2, afterTotal: n2, before: before, after: after,
                              change: before.flatMap { one in after.map { $0 - one } }, z: test?.z, p: test?.p, verdict: verdict)
        }
    }

    /// The analysis compared.
    public var kind: AnalysisQuery.Kind
    /// The first side.
    public var before: Side
    /// The second side.
    public var after: Side
    /// Compared rates.
    public var differences: [Difference]
    /// Compared means (measured emotion), each with Welch's t-test.
    public var meanDifferences: [MeanDifference]

    /// One compared mean.
    public struct MeanDifference: Codable, Sendable, Equatable {
        /// What the mean is.
        public var metric: String
        /// The estimates before and after.
        public var before: MeanEstimate, after: MeanEstimate
        /// `after − before`.
        public var change: Double
        /// Welch's t, its degrees of freedom and the two-sided p-value (nil with fewer than two values a side or no variance).
        public var t: Double?, degreesOfFreedom: Double?, p: Double?
        /// `better`, `worse` or `no_evidence`.
        public var verdict: String

        enum CodingKeys: String, CodingKey {
            case metric, before, after, change, t, p, verdict
            case degreesOfFreedom = "degrees_of_freedom"
        }

        static func means(_ metric: String, _ before: MeanEstimate, _ after: MeanEstimate) -> MeanDifference {
            let test = MeanEstimate.welch(before, after)
            var verdict = "no_evidence"
            if let test, test.p < CompareAnalysis.alpha { verdict = test.t > 0 ? "better" : "worse" }
            return MeanDifference(metric: metric, before: before, after: after, change: after.mean - before.mean,
                                  t: test?.t, degreesOfFreedom: test?.degreesOfFreedom, p: test?.p, verdict: verdict)
        }
    }

    enum CodingKeys: String, CodingKey {
        case kind, before, after, differences
        case meanDifferences = "mean_differences"
    }
}
