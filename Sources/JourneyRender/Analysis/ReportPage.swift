import Foundation
import JourneyAnalytics
import JourneyModel

/// The analytics report: one self-contained HTML page with the map carrying live numbers, the
/// funnel, a Sankey diagram, the friction ranking, emotions, the directly-follows graph,
/// conformance, persona coverage and the headlines.
public enum ReportPage {
    /// The page for `report` of `journey`.
    public static func html(_ report: JourneyReport, journey: JourneyMap, workspace: Workspace, photos: [String: String] = [:]) -> String {
        let measured = measuredLines(report, journey: journey)
        let map = JourneyMapRenderer(journey: journey, workspace: workspace, options: .init(photos: photos, measured: measured)).svg()
        var html = HTMLRenderer.head(journey.title + " · measured", style: HTMLRenderer.style + style) + """
        <header>
        <h1>\(XML.escape(journey.title)): what customers really do</h1>
        <p class="meta">\(ChartFormat.count(report.summary.customers)) customers · \(ChartFormat.count(report.summary.events)) events, \(ChartFormat.count(report.summary.classified)) on the map</p>

        """
        if let objective = journey.objective { html += "<p class=\"objective\"><strong>Objective:</strong> \(XML.escape(objective))</p>\n" }
        html += "<ul class=\"headlines\">\n"
        for line in report.headlines { html += "<li>\(XML.escape(line))</li>\n" }
        html += "</ul>\n</header>\n<main>\n"
        html += "<h2 class=\"map-title\">Journey map with live numbers</h2>\n<section class=\"map\" aria-label=\"Journey map with live numbers\">\n\(map)</section>\n"
        // The map's persona strip shortens long text; the cards give each persona in full.
        let personas = workspace.personas.filter { journey.personas.contains($0.id) }
        if !personas.isEmpty {
            html += "<section class=\"personas\">\n<h2>Personas</h2>\n<div class=\"cards\">\n"
            for persona in personas { html += HTMLRenderer.personaCard(persona, photo: photos[persona.id]) }
            html += "</div>\n</section>\n"
        }
        let funnel = FunnelChart(title: "Stage funnel (\(report.funnel.mode.rawValue.replacingOccurrences(of: "_", with: " ")), \(ChartFormat.decimal(report.funnel.windowDays, digits: 0))-day window)",
                                 steps: report.funnel.steps.map { step in
            FunnelChart.Step(label: step.name, customers: step.customers, fromPrevious: step.fromPrevious,
                             medianTime: step.medianSeconds.map { ChartFormat.duration(seconds: $0) })
        })
        html += section("Funnel", funnel.svg())
        html += frictionSection(report.friction, journey: journey)
        if let sankey = report.paths.sankey {
            let chart = SankeyChart(title: "Where customers go after “\(name(sankey.anchor, in: journey))”",
                                    nodes: sankey.nodes.map { SankeyChart.Node(column: $0.column, id: "\($0.column):\($0.id)", label: name($0.id, in: journey), count: $0.count) },
                                    links: sankey.links.map { SankeyChart.Link(from: "\($0.column):\($0.from)", to: "\($0.column + 1):\($0.to)", count: $0.count) })
            html += section("Paths", chart.svg())
        }
        let emotion = EmotionComparisonChart(title: "Designed and measured emotion", points: report.emotions.touchpoints.map { row in
            let interval = row.measured?.interval()
            return EmotionComparisonChart.Point(label: row.name, stage: journey.stages.first { $0.id == row.stage }?.name ?? row.stage, designed: row.designed,
                                                measured: row.measured?.mean, lower: interval?.lowerBound, upper: interval?.upperBound,
                                                samples: row.measured?.count ?? 0)
        }, min: report.emotions.min, max: report.emotions.max)
        html += section("Emotions", emotion.svg())
        html += section("Directly-follows graph", flowGraph(report, journey: journey).svg())
        html += variantsTable(report.paths.variants, journey: journey)
        html += conformanceSection(report.conformance, journey: journey)
        let coverage = RankingChart(title: "Customers per persona", rows: report.personas.personas.map { row in
            RankingChart.Row(label: row.id == "none" ? "matches no persona" : workspace.personas.first { $0.id == row.id }?.name ?? row.id, value: Double(row.customers),
                             valueText: "\(ChartFormat.count(row.customers)) (\(ChartFormat.percent(row.share)))",
                             detail: row.conversion.map { "\(ChartFormat.percent($0)) convert" }, role: row.id == "none" ? .neutral : .standard)
        })
        html += section("Persona coverage", coverage.svg())
        if report.attribution.conversions > 0 {
            let credit = RankingChart(title: "Conversions earned per channel (Markov attribution, removal effects)", rows: report.attribution.rows.map { row in
                RankingChart.Row(label: row.name, value: row.credit,
                                 valueText: "\(ChartFormat.decimal(row.credit, digits: 1)) (\(ChartFormat.percent(row.share)))",
                                 detail: row.removalEffect.map { "removal effect \(ChartFormat.decimal($0, digits: 2))" })
            })
            html += section("Attribution", credit.svg())
        }
        let retention = report.retention
        if !retention.cohorts.isEmpty {
            // As many columns as the oldest cohort has periods observed, 24 at most.
            let observed = min(24, retention.cohorts.map(\.shares.count).max() ?? 1)
            let unit = retention.period == .month ? "month" : "week"
            let heatmap = HeatmapChart(title: "Retention: share of each \(unit)ly cohort back at \(name(retention.returningTo, in: journey)), by \(unit)s after first seen",
                                       columns: (0..<observed).map { "+\($0)" },
                                       rows: retention.cohorts.map { cohort in
                HeatmapChart.Row(label: cohort.label, note: "\(ChartFormat.count(cohort.customers)) customers",
                                 values: (0..<observed).map { $0 < cohort.shares.count ? cohort.shares[$0] : nil })
            })
            html += section("Retention", heatmap.svg())
        }
        if let nextBest = report.nextBest, !nextBest.touchpoints.isEmpty {
            let odds = RankingChart(title: "Odds of the goal from each touchpoint, and what to meet next (\(ChartFormat.count(nextBest.atRisk)) at risk)",
                                    rows: nextBest.touchpoints.map { row in
                RankingChart.Row(label: row.name, value: row.odds, valueText: ChartFormat.percent(row.odds),
                                 detail: row.next.map { "meet next: \(name($0.id, in: journey)) (\(ChartFormat.percent($0.odds)), \($0.lift >= 0 ? "+" : "")\(ChartFormat.decimal($0.lift * 100, digits: 1)) pts)" },
                                 role: row.odds < nextBest.riskBelow ? .medium : .standard)
            })
            html += section("Next best action", odds.svg())
        }
        if let segments = report.segments, !segments.groups.isEmpty {
            let groups = RankingChart(title: "\(segments.k) behavioural groups: where they met each stage, their main channel",
                                      rows: segments.groups.map { group in
                let path = group.typicalPath.map { " · typical: " + $0.touchpoints.prefix(6).map { name($0, in: journey) }.joined(separator: " → ") } ?? ""
                return RankingChart.Row(label: group.id.replacingOccurrences(of: "group-", with: "Group "), value: Double(group.customers),
                                        valueText: "\(ChartFormat.count(group.customers)) (\(ChartFormat.percent(group.share)))",
                                        detail: (group.conversion.map { "\(ChartFormat.percent($0)) convert" } ?? "") + path)
            })
            html += section("Segments", groups.svg())
        }
        html += unclassifiedTable(report.summary)
        html += "</main>\n<footer>Made with Wayfinder. Every number comes from 'wayfinder analyze' on the same data; add --format json to any analysis to get it as data.</footer>\n</body>\n</html>\n"
        return html
    }

    /// The page of a map that is not measured (a future-state map that is not live yet): the map and
    /// the emotion curve as designed, with `note` saying why there are no measured numbers.
    public static func designed(journey: JourneyMap, workspace: Workspace, note: String, photos: [String: String] = [:]) -> String {
        let map = JourneyMapRenderer(journey: journey, workspace: workspace, options: .init(photos: photos)).svg()
        var html = HTMLRenderer.head(journey.title + " · designed", style: HTMLRenderer.style + style) + """
        <header>
        <h1>\(XML.escape(journey.title)): the designed journey</h1>
        <p class="notice" role="note">\(XML.escape(note))</p>

        """
        if let objective = journey.objective { html += "<p class=\"objective\"><strong>Objective:</strong> \(XML.escape(objective))</p>\n" }
        html += "</header>\n<main>\n"
        html += "<h2 class=\"map-title\">Journey map as designed</h2>\n<section class=\"map\" aria-label=\"Journey map as designed\">\n\(map)</section>\n"
        let emotion = EmotionComparisonChart(title: "Designed emotion", points: journey.touchpoints.map { touchpoint in
            EmotionComparisonChart.Point(label: touchpoint.name, stage: journey.stages.first { $0.id == touchpoint.stage }?.name ?? touchpoint.stage,
                                         designed: touchpoint.emotion, measured: nil, lower: nil, upper: nil, samples: 0)
        }, min: journey.emotionScale.min, max: journey.emotionScale.max)
        html += section("Emotions", emotion.svg())
        html += "</main>\n<footer>Made with Wayfinder. This map is not measured yet; its numbers appear once it is live.</footer>\n</body>\n</html>\n"
        return html
    }

    /// The live numbers the map shows under each touchpoint: customers, conversion onward and the
    /// measured emotion.
    public static func measuredLines(_ report: JourneyReport, journey: JourneyMap) -> [String: [String]] {
        let rows = Dictionary(report.touchpoints.touchpoints.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var measured: [String: [String]] = [:]
        for touchpoint in journey.touchpoints {
            guard let row = rows[touchpoint.id] else { continue }
            var lines = ["\(ChartFormat.count(row.visitors)) customers",
                         row.conversion.map { "\(ChartFormat.percent($0)) reach the goal" } ?? "no visitors"]
            if let feeling = report.emotions.touchpoints.first(where: { $0.id == touchpoint.id })?.measured {
                lines.append("feels \(ChartFormat.decimal(feeling.mean, digits: 2)) (n=\(feeling.count))")
            }
            measured[touchpoint.id] = lines
        }
        return measured
    }

    static func section(_ title: String, _ body: String) -> String {
        "<section class=\"chart\">\n<h2>\(XML.escape(title))</h2>\n\(body)\n</section>\n"
    }

    static func flowGraph(_ report: JourneyReport, journey: JourneyMap) -> FlowGraphChart {
        let stageIndex = Dictionary(journey.stages.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let visitors = Dictionary(report.touchpoints.touchpoints.map { ($0.id, $0.visitors) }, uniquingKeysWith: { first, _ in first })
        let used = Set(report.paths.dfg.edges.flatMap { [$0.from, $0.to] }).union(report.paths.dfg.starts.keys)
        let nodes = journey.touchpoints.filter { used.contains($0.id) }.map { touchpoint in
            FlowGraphChart.Node(id: touchpoint.id, label: touchpoint.name, count: visitors[touchpoint.id] ?? 0, layer: stageIndex[touchpoint.stage])
        }
        // The busiest edges keep the graph readable; the tables and JSON hold all of them.
        let edges = report.paths.dfg.edges.prefix(40).map { edge in
            FlowGraphChart.Edge(from: edge.from, to: edge.to, count: edge.count, medianDuration: edge.medianSeconds.map { ChartFormat.duration(seconds: $0) })
        }
        return FlowGraphChart(title: "Which touchpoint follows which (the 40 busiest transitions)", nodes: nodes, edges: Array(edges))
    }

    /// The ten costliest friction points as bars coloured by kind, then their numbers.
    static func frictionSection(_ friction: FrictionResult, journey: JourneyMap) -> String {
        guard !friction.findings.isEmpty else {
            return section("Friction", "<p>No friction point stands out from the journey-wide rates.</p>")
        }
        let names = Dictionary(journey.touchpoints.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        func place(_ finding: FrictionResult.Finding) -> String {
            if let touchpoint = finding.touchpoint { return names[touchpoint] ?? touchpoint }
            return "\(finding.from.map { names[$0] ?? $0 } ?? "?") → \(finding.to.map { names[$0] ?? $0 } ?? "?")"
        }
        let top = friction.findings.prefix(10)
        let chart = RankingChart(title: "Friction ranked by conversions lost", rows: top.map { finding in
            RankingChart.Row(label: "\(finding.kind.rawValue.replacingOccurrences(of: "_", with: " ")): \(place(finding))",
                             value: finding.conversionsLost, valueText: ChartFormat.decimal(finding.conversionsLost, digits: 0),
                             detail: "\(ChartFormat.count(finding.customers)) customers, \(ChartFormat.percent(finding.rate)) vs \(ChartFormat.percent(finding.baselineRate))",
                             role: role(finding.kind))
        })
        let conversion = friction.conversion.map { " (conversion \(ChartFormat.percent($0)))" } ?? ""
        var html = "<section class=\"chart\">\n<h2>Friction</h2>\n<p>\(ChartFormat.count(friction.findings.count)) friction points; \(ChartFormat.count(friction.converted)) of \(ChartFormat.count(friction.customers)) customers reach the goal\(conversion). Conversions lost estimate how many more would have converted had the point behaved like the rest of the journey; a customer who reached the goal is never counted as lost.</p>\n"
        html += chart.svg() + "\n<table>\n<thead><tr><th>rank</th><th>kind</th><th>where</th><th>customers</th><th>rate</th><th>journey-wide</th><th>conversions lost</th><th>examples</th></tr></thead>\n<tbody>\n"
        for finding in top {
            html += "<tr><td class=\"n\">\(finding.rank)</td><td>\(XML.escape(finding.kind.rawValue.replacingOccurrences(of: "_", with: " ")))</td><td>\(XML.escape(place(finding)))</td><td class=\"n\">\(ChartFormat.count(finding.customers))</td><td class=\"n\">\(ChartFormat.percent(finding.rate))</td><td class=\"n\">\(ChartFormat.percent(finding.baselineRate))</td><td class=\"n\">\(ChartFormat.decimal(finding.conversionsLost, digits: 1))</td><td>\(XML.escape(finding.examples.joined(separator: " ")))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func role(_ kind: FrictionResult.Kind) -> RankingChart.Role {
        switch kind {
        case .dropOff: .critical
        case .transitionDropOff, .negativeFeedback: .high
        case .loopBack, .repeatContact: .medium
        case .slowTransition: .low
        }
    }

    /// The share of conforming customers, deviations by kind and the stages customers skip.
    static func conformanceSection(_ conformance: ConformanceResult, journey: JourneyMap) -> String {
        let names = Dictionary(journey.touchpoints.map { ($0.id, $0.name) } + journey.stages.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var html = "<section class=\"table\">\n<h2>Does the map describe reality?</h2>\n"
        html += "<p>\(ChartFormat.count(conformance.conforming)) of \(ChartFormat.count(conformance.customers)) customers (\(conformance.share.map { ChartFormat.percent($0) } ?? "-")) follow the stage order of the map without skipping a stage; mean fitness \(conformance.meanFitness.map { ChartFormat.decimal($0, digits: 2) } ?? "-").</p>\n"
        let chart = RankingChart(title: "Customers per fitness band", rows: conformance.histogram.map { bin in
            RankingChart.Row(label: "\(ChartFormat.decimal(bin.from, digits: 1))–\(ChartFormat.decimal(bin.to, digits: 1))", value: Double(bin.customers),
                             valueText: ChartFormat.count(bin.customers), role: bin.from >= 0.9 ? .positive : .standard)
        })
        html += chart.svg() + "\n"
        guard !conformance.deviations.isEmpty else { return html + "</section>\n" }
        html += "<table>\n<thead><tr><th>deviation</th><th>where</th><th>customers</th><th>occurrences</th><th>examples</th></tr></thead>\n<tbody>\n"
        for deviation in conformance.deviations.prefix(12) {
            let place = deviation.stage.map { names[$0] ?? $0 }
                ?? deviation.from.map { from in "\(names[from] ?? from) → \(deviation.to.map { names[$0] ?? $0 } ?? "?")" } ?? "within the journey"
            html += "<tr><td>\(XML.escape(deviation.kind.rawValue.replacingOccurrences(of: "_", with: " ")))</td><td>\(XML.escape(place))</td><td class=\"n\">\(ChartFormat.count(deviation.customers))</td><td class=\"n\">\(ChartFormat.count(deviation.occurrences))</td><td>\(XML.escape(deviation.examples.joined(separator: " ")))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    /// What a step of a path is called on the page: a touchpoint's or stage's name; the end and
    /// "other" as they are.
    static func name(_ id: String, in journey: JourneyMap) -> String {
        journey.touchpoint(id)?.name ?? journey.stage(id)?.name ?? id
    }

    static func variantsTable(_ variants: PathsResult.Variants, journey: JourneyMap) -> String {
        var html = "<section class=\"table\">\n<h2>Most common journeys</h2>\n<p>\(ChartFormat.count(variants.distinct)) distinct journeys among \(ChartFormat.count(variants.total)) customers.</p>\n<table>\n<thead><tr><th>customers</th><th>share</th><th>journey</th></tr></thead>\n<tbody>\n"
        for variant in variants.variants.prefix(10) {
            html += "<tr><td class=\"n\">\(ChartFormat.count(variant.customers))</td><td class=\"n\">\(ChartFormat.percent(variant.share))</td><td>\(XML.escape(variant.path.map { name($0, in: journey) }.joined(separator: " → ")))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func unclassifiedTable(_ summary: IndexSummary) -> String {
        guard !summary.topUnclassified.isEmpty || !summary.notJourneyEvents.isEmpty else { return "" }
        var html = "<section class=\"table\">\n<h2>Events the map does not describe</h2>\n<p>\(ChartFormat.count(summary.unclassifiedInteractions)) track, page and screen events no touchpoint's rule selects. Frequent ones may deserve a touchpoint.</p>\n"
        if let other = JourneyReport.notJourney(summary) {
            html += "<p class=\"not-journey\">\(XML.escape(other.prefix(1).uppercased() + other.dropFirst())): identify, alias and group calls and survey answers are no steps of a journey.</p>\n"
        }
        guard !summary.topUnclassified.isEmpty else { return html + "</section>\n" }
        html += "<table>\n<thead><tr><th>type</th><th>name</th><th>channel</th><th>events</th></tr></thead>\n<tbody>\n"
        for row in summary.topUnclassified.prefix(10) {
            html += "<tr><td>\(XML.escape(row.type))</td><td>\(XML.escape(row.name))</td><td>\(XML.escape(row.channel))</td><td class=\"n\">\(ChartFormat.count(row.events))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static let style = """

    .map-title { margin: 16px 28px 0; }
    .headlines { font-size: 1.05rem; line-height: 1.5; }
    .notice { background: #fefcbf; padding: 0.5rem 0.8rem; }
    section.chart, section.table { margin: 1.5rem 0; }
    section.chart svg { max-width: 100%; height: auto; }
    table { border-collapse: collapse; font-size: 0.9rem; }
    th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #e5e7eb; text-align: left; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; }
    """
}
