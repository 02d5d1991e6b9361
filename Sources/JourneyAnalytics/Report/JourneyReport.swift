import JourneyModel

/// Every analysis of one map over one selection, as the report page and the demo show them,
/// with the headline findings in words.
///
/// A map that is not live (a future-state map without `live_from`, ``Liveness``) has no report:
/// ``init(index:base:)`` throws, and the pages show its designed values instead.
public struct JourneyReport: Sendable {
    /// What the index read.
    public var summary: IndexSummary
    /// From when the map is measured.
    public var liveness: Liveness
    /// The stage funnel (ordered, the query's window).
    public var funnel: FunnelResult
    /// Paths, with a Sankey after the most frequent first touchpoint.
    public var paths: PathsResult
    /// Live numbers per touchpoint.
    public var touchpoints: TouchpointResult
    /// Persona coverage.
    public var personas: PersonaCoverageResult
    /// Measured and designed emotion.
    public var emotions: EmotionsResult
    /// Friction points, ranked by conversions lost.
    public var friction: FrictionResult
    /// How closely journeys follow the map.
    public var conformance: ConformanceResult
    /// Which channels earn the goal (Markov attribution of order 1 by channel).
    public var attribution: AttributionResult
    /// Monthly cohorts returning to the retention stage (or the last).
    public var retention: RetentionResult
    /// Each touchpoint's odds of reaching the goal and its best next touchpoint, with how many
    /// customers are at risk (no customer is listed: the report may be shared); nil when the
    /// chain cannot be solved, which leaves the rest of the report as it is.
    public var nextBest: NextBestResult?
    /// Behavioural groups (journeys only: the report shows no trait values), k by silhouette;
    /// nil with fewer than two customers.
    public var segments: SegmentsResult?
    /// The findings to read first, one sentence each.
    public var headlines: [String]

    /// Runs the analyses for `base` (its range, filters and `measure_future` apply to all of them).
    /// Without `eventNames` (behind a share link), the names of events no touchpoint describes,
    /// which come from the customers' data, are left out; their count stays.
    public init(index: JourneyIndex, base: AnalysisQuery, eventNames: Bool = true) throws(AnalysisError) {
        try base.validate()
        summary = index.summary
        if !eventNames { summary.topUnclassified = [] }
        liveness = Liveness(index.journey, measureFuture: base.options.measureFuture)
        var query = base
        query.kind = .funnel
        funnel = try FunnelAnalysis.run(query, on: index)
        query.kind = .paths
        if query.options.sankeyFrom == nil { query.options.sankeyFrom = try Self.commonestStart(query, index) }
        paths = try PathsAnalysis.run(query, on: index)
        touchpoints = try TouchpointAnalysis.run(query, on: index)
        personas = try PersonaCoverage.run(query, on: index)
        emotions = try EmotionsAnalysis.run(query, on: index)
        query.kind = .friction
        friction = try FrictionAnalysis.run(query, on: index)
        query.kind = .conformance
        conformance = try ConformanceAnalysis.run(query, on: index)
        query.kind = .attribution
        query.options.model = .markov
        query.options.by = .channel
        attribution = try AttributionAnalysis.run(query, on: index)
        query.kind = .retention
        retention = try RetentionAnalysis.run(query, on: index)
        query.kind = .nextBest
        query.options.limit = 0
        query.options.customer = nil
        nextBest = try? NextBestAnalysis.run(query, on: index)
        query.options.limit = nil
        query.kind = .segments
        query.options.segmentBy = .journeys
        query.options.k = nil
        query.options.assignments = false
        segments = try? SegmentsAnalysis.run(query, on: index)
        headlines = []
        headlines = (Liveness.note(index.journey, measureFuture: base.options.measureFuture).map { [$0] } ?? []) + makeHeadlines(index)
    }

    /// The touchpoint most journeys start at (ties: the first in map order), or nil without events.
    static func commonestStart(_ query: AnalysisQuery, _ index: JourneyIndex) throws(AnalysisError) -> String? {
        let selection = try Selection(index: index, query: query)
        var starts = [Int](repeating: 0, count: index.touchpointIDs.count)
        for customer in 0..<index.customerCount where selection.includes(customer: customer) {
            if let first = selection.events(of: customer).first(where: { !selection.filtersEvents || selection.includes(event: $0) }) {
                starts[Int(index.touchpoints[first])] += 1
            }
        }
        guard let most = starts.max(), most > 0, let position = starts.firstIndex(of: most) else { return nil }
        return index.touchpointIDs[position]
    }

    private func makeHeadlines(_ index: JourneyIndex) -> [String] {
        var lines: [String] = []
        if let conversion = personas.conversion {
            lines.append("Conversion: \(Self.percent(conversion)) of the \(personas.withEvents) customers reached the goal, \(Self.goalName(index.journey)) (\(personas.converted) customers).")
        }
        if let first = funnel.steps.first, let last = funnel.steps.last, funnel.steps.count > 1, let reached = funnel.reachedLast {
            lines.append("Reached \(last.name): \(Self.percent(reached)) of the \(first.customers) customers who reached \(first.name) went on to \(last.name) within \(Self.number(funnel.windowDays)) days.")
            if let worst = funnel.steps.dropFirst().filter({ $0.fromPrevious != nil }).min(by: { $0.fromPrevious! < $1.fromPrevious! }) {
                lines.append("Biggest drop: \(Self.percent(1 - worst.fromPrevious!)) of customers stop before \(worst.name) (\(worst.dropOff) customers).")
            }
        }
        if let top = friction.findings.first {
            lines.append("Top friction point: \(Self.describe(top, index)) (\(Self.percent(top.rate)) against \(Self.percent(top.baselineRate)) journey-wide; about \(Int(top.conversionsLost.rounded())) conversions lost).")
        }
        if let low = emotions.lowPoint, let row = emotions.touchpoints.first(where: { $0.id == low }), let measured = row.measured {
            let designed = row.designed.map { ", designed \(Self.signed($0))" } ?? ""
            lines.append("Emotional low point: \(row.name), measured \(Self.signed(measured.mean)) on \(Self.number(emotions.min))…\(Self.number(emotions.max)) from \(measured.count) answers\(designed).")
        }
        let earners = attribution.rows.prefix(2).filter { $0.credit > 0 }
        if attribution.conversions > 0, !earners.isEmpty {
            let named = earners.map { "\($0.name) \(Self.percent($0.share))" }.joined(separator: ", then ")
            lines.append("Channels that earn the goal (Markov attribution): \(named) of the \(attribution.conversions) customers who reached it.")
        }
        if let share = conformance.share {
            lines.append("\(Self.percent(share)) of customers follow the map's stage order\(conformance.meanFitness.map { " (mean fitness \(Self.number(($0 * 100).rounded() / 100)))" } ?? "").")
        }
        let unmatched = personas.personas.last.map { $0.customers } ?? 0
        if personas.customers > 0 {
            lines.append("Personas describe \(Self.percent(Double(personas.matched) / Double(personas.customers))) of customers; \(unmatched) match none.")
        }
        let journeyEvents = summary.classified + summary.unclassifiedInteractions
        if journeyEvents > 0 {
            let other = summary.topUnclassified.first.map { "; the most frequent other event is \($0.type) '\($0.name)'" }
                ?? (summary.unclassifiedInteractions == 0 ? "; no other journey event" : "")
            lines.append("\(Self.percent(Double(summary.classified) / Double(journeyEvents))) of journey events fall on the map\(other)\(Self.notJourney(summary).map { "; \($0)" } ?? "").")
        }
        return lines
    }

    /// "412 identify, 213 feedback events are not journey events", or nil when there are none.
    public static func notJourney(_ summary: IndexSummary) -> String? {
        let counts = summary.notJourneyEvents.filter { $0.value > 0 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        guard !counts.isEmpty else { return nil }
        return counts.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + " events are not journey events"
    }

    /// The goal's name on the map: its touchpoint's or stage's, or the last stage's when the map names none.
    static func goalName(_ journey: JourneyMap) -> String {
        guard let goal = journey.goal else { return journey.stages.last?.name ?? "the last stage" }
        return journey.touchpoint(goal)?.name ?? journey.stage(goal)?.name ?? goal
    }

    /// A finding in words: "customers leave at Sizing guide (consideration)".
    static func describe(_ finding: FrictionResult.Finding, _ index: JourneyIndex) -> String {
        func name(_ id: String?) -> String {
            guard let id else { return "?" }
            return index.journey.touchpoints.first { $0.id == id }?.name ?? id
        }
        let at = name(finding.touchpoint), from = name(finding.from), to = name(finding.to)
        switch finding.kind {
        case .dropOff: return "\(finding.customers) customers leave at \(at)"
        case .transitionDropOff: return "\(finding.customers) customers going from \(from) to \(to) never reach the goal"
        case .loopBack: return "\(finding.customers) customers go back from \(from) to \(to)"
        case .repeatContact: return "\(finding.customers) customers contact \(at) again within days"
        case .slowTransition: return "\(finding.customers) customers take unusually long from \(from) to \(to)"
        case .negativeFeedback: return "\(finding.affected) negative answers at \(at)"
        }
    }

    static func percent(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 10
        return (scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)) + "%"
    }

    static func signed(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return (rounded > 0 ? "+" : "") + String(rounded)
    }

    static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}
