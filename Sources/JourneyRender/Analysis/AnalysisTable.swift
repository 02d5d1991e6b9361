import Foundation
import JourneyAnalytics

/// Analysis results as plain-text tables for the terminal and as CSV for spreadsheets (``csv(_:)``).
public enum AnalysisTable {
    /// A table: a header row and data rows.
    public struct Table: Sendable, Equatable {
        /// Column names.
        public var header: [String]
        /// Rows of cells.
        public var rows: [[String]]
    }

    /// The tables of an output, each with a title, in reading order.
    public static func tables(_ output: AnalysisOutput) -> [(title: String, table: Table)] {
        var tables: [(String, Table)] = []
        if let funnel = output.funnel {
            let reached = funnel.steps.count > 1 ? funnel.steps.last.map { "; \(percent(funnel.reachedLast)) reached \($0.id)" } ?? "" : ""
            let excluded = funnel.excluded.map { "; \($0) left out by the exclusions" } ?? ""
            let completions = funnel.completions.map { "; \($0) completions counting repeats" } ?? ""
            let repeats = funnel.completions != nil
            tables.append(("Funnel (\(funnel.mode.rawValue), \(number(funnel.windowDays))-day window, \(funnel.customers) customers\(reached)\(excluded)\(completions))", Table(
                header: ["step", "customers", "from_previous", "overall", "drop_off", "median_time", "p90_time"] + (repeats ? ["passes"] : []),
                rows: funnel.steps.map { step in
                    [step.id + (step.windowDays.map { " (within \(number($0)) d)" } ?? ""), String(step.customers), percent(step.fromPrevious),
                     percent(step.overall), String(step.dropOff), duration(step.medianSeconds), duration(step.p90Seconds)]
                        + (repeats ? [step.passes.map(String.init) ?? "-"] : [])
                })))
            if let converted = funnel.timeToConvert, converted.customers > 0 {
                tables.append(("Time from the first to the last step (\(converted.customers) customers; median \(duration(converted.medianSeconds)), p90 \(duration(converted.p90Seconds)))", Table(
                    header: ["took at most", "customers", "share"],
                    rows: converted.buckets.map { bucket in
                        [bucket.upToSeconds.map { duration($0) } ?? "more", String(bucket.customers), percent(Double(bucket.customers) / Double(converted.customers))]
                    })))
            }
            for group in funnel.breakdown ?? [] {
                tables.append(("Funnel for \(group.key)", Table(
                    header: ["step", "customers", "from_previous", "overall"],
                    rows: group.steps.map { [$0.id, String($0.customers), percent($0.fromPrevious), percent($0.overall)] })))
            }
        }
        if let variants = output.variants {
            tables.append(("Top variants (\(variants.distinct) distinct of \(variants.total) journeys)", Table(
                header: ["customers", "share", "path"],
                rows: variants.variants.map { [String($0.customers), percent($0.share), $0.path.joined(separator: " > ")] })))
        }
        if let dfg = output.dfg {
            tables.append(("Directly-follows graph", Table(
                header: ["from", "to", "count", "median_time"],
                rows: dfg.edges.map { [$0.from, $0.to, String($0.count), duration($0.medianSeconds)] })))
            let nodes = Set(dfg.starts.keys).union(dfg.ends.keys).sorted()
            tables.append(("Starts and ends", Table(
                header: ["touchpoint", "starts", "ends"],
                rows: nodes.map { [$0, String(dfg.starts[$0] ?? 0), String(dfg.ends[$0] ?? 0)] })))
        }
        if let sankey = output.sankey {
            tables.append(("Sankey links (\(sankey.direction) \(sankey.anchor))", Table(
                header: ["column", "from", "to", "count"],
                rows: sankey.links.map { [String($0.column), $0.from, $0.to, String($0.count)] })))
        }
        if let personas = output.personas {
            tables.append(("Personas (\(personas.matched) of \(personas.customers) customers match one; conversion \(percent(personas.conversion)), \(personas.converted) of \(personas.withEvents) reached the goal)", Table(
                header: ["persona", "customers", "share", "with_events", "converted", "conversion", "on_map"],
                rows: personas.personas.map { row in
                    [row.id, String(row.customers), percent(row.share), String(row.withEvents), String(row.converted), percent(row.conversion),
                     row.onMap ? "yes" : "no"]
                })))
        }
        if let touchpoints = output.touchpoints {
            tables.append(("Touchpoints (visitors, and the share of them who reach the goal afterwards)", Table(
                header: ["touchpoint", "stage", "visitors", "events", "converted", "conversion"],
                rows: touchpoints.touchpoints.map { row in
                    [row.id, row.stage, String(row.visitors), String(row.events), String(row.converted), percent(row.conversion)]
                })))
        }
        if let emotions = output.emotions {
            func rows(_ items: [EmotionsResult.Row]) -> [[String]] {
                items.map { row in
                    let interval = row.measured?.interval()
                    return [row.id, row.designed.map { String(format: "%+.2f", $0) } ?? "-", row.measured.map { String(format: "%+.2f", $0.mean) } ?? "-",
                            interval.map { String(format: "%+.2f…%+.2f", $0.lowerBound, $0.upperBound) } ?? "-", String(row.measured?.count ?? 0)]
                }
            }
            let header = ["id", "designed", "measured", "95% interval", "answers"]
            tables.append(("Emotion per touchpoint (scale \(number(emotions.min))…\(number(emotions.max)); low point: \(emotions.lowPoint ?? "-"))",
                           Table(header: header, rows: rows(emotions.touchpoints))))
            tables.append(("Emotion per stage", Table(header: header, rows: rows(emotions.stages))))
        }
        if let compare = output.compare {
            tables.append(("Compare \(compare.kind.rawValue): \(compare.before.label) vs \(compare.after.label)", Table(
                header: ["metric", "before", "after", "change", "p", "verdict"],
                rows: compare.differences.map { row in
                    [row.metric, percent(row.before), percent(row.after), row.change.map { String(format: "%+.1f pts", $0 * 100) } ?? "-",
                     row.p.map { String(format: "%.3g", $0) } ?? "-", row.verdict.replacingOccurrences(of: "_", with: " ")]
                })))
            if !compare.meanDifferences.isEmpty {
                tables.append(("Compared means (Welch's t-test)", Table(
                    header: ["metric", "before", "after", "change", "n before", "n after", "p", "verdict"],
                    rows: compare.meanDifferences.map { row in
                        [row.metric, String(format: "%.2f", row.before.mean), String(format: "%.2f", row.after.mean), String(format: "%+.2f", row.change),
                         String(row.before.count), String(row.after.count), row.p.map { String(format: "%.3g", $0) } ?? "-",
                         row.verdict.replacingOccurrences(of: "_", with: " ")]
                    })))
            }
        }
        if let friction = output.friction {
            tables.append(("Friction (\(friction.findings.count) findings, \(friction.customers) customers, conversion \(percent(friction.conversion)))", Table(
                header: ["rank", "kind", "where", "stage", "customers", "exposed", "rate", "baseline", "lift", "conversions_lost", "z", "p", "examples"],
                rows: friction.findings.map { finding in
                    [String(finding.rank), finding.kind.rawValue, finding.touchpoint ?? "\(finding.from ?? "") > \(finding.to ?? "")", finding.stage,
                     String(finding.customers), String(finding.exposed), percent(finding.rate), percent(finding.baselineRate), ratio(finding.lift),
                     String(format: "%.1f", finding.conversionsLost), ratio(finding.z), probability(finding.p), finding.examples.joined(separator: " ")]
                })))
        }
        if let conformance = output.conformance {
            tables.append(("Conformance (\(conformance.conforming) of \(conformance.customers) customers conform, \(percent(conformance.share)); mean fitness \(ratio(conformance.meanFitness)))", Table(
                header: ["kind", "where", "customers", "occurrences", "examples"],
                rows: conformance.deviations.map { deviation in
                    [deviation.kind.rawValue, deviation.stage ?? deviation.from.map { "\($0) > \(deviation.to ?? "")" } ?? "-",
                     String(deviation.customers), String(deviation.occurrences), deviation.examples.joined(separator: " ")]
                })))
            tables.append(("Stages", Table(
                header: ["stage", "visited", "reached", "skipped"],
                rows: conformance.stages.map { [$0.id, String($0.visited), String($0.reached), String($0.skipped)] })))
            tables.append(("Fitness", Table(
                header: ["from", "to", "customers"],
                rows: conformance.histogram.map { [String(format: "%.1f", $0.from), String(format: "%.1f", $0.to), String($0.customers)] })))
        }
        if let attribution = output.attribution {
            let model = attribution.model.rawValue.replacingOccurrences(of: "_", with: " ")
                + (attribution.markovOrder.map { " of order \($0)" } ?? "") + (attribution.halfLifeDays.map { ", half-life \(number($0)) days" } ?? "")
            let probability = attribution.conversionProbability.map { "; conversion probability \(percent($0))" } ?? ""
            let value = attribution.value.map { ", value \(String(format: "%.2f", $0))" } ?? ""
            tables.append(("Attribution of '\(attribution.goal)' by \(attribution.by.rawValue), \(model) (\(attribution.conversions) conversions of \(attribution.journeys) journeys\(value)\(probability))", Table(
                header: [attribution.by.rawValue, "credit", "share"] + (attribution.value == nil ? [] : ["value"])
                    + (attribution.conversionProbability == nil ? [] : ["removal effect"]),
                rows: attribution.rows.map { row in
                    [row.name, String(format: "%.2f", row.credit), percent(row.share)] + (row.value.map { [String(format: "%.2f", $0)] } ?? [])
                        + (row.removalEffect.map { [ratio($0)] } ?? [])
                })))
        }
        if let retention = output.retention {
            let unit = retention.period == .month ? "month" : "week"
            tables.append(("Retention: share of each cohort back at \(retention.targetKind) '\(retention.returningTo)', by \(unit) after first seen (\(retention.customers) customers)", Table(
                header: ["cohort", "customers"] + (0...retention.periods).map { "\(unit) \($0)" },
                rows: retention.cohorts.map { cohort in
                    [cohort.label, String(cohort.customers)] + (0...retention.periods).map { $0 < cohort.shares.count ? percent(cohort.shares[$0]) : "" }
                })))
        }
        if let segments = output.segments {
            let chosen = segments.suggested ? "k = \(segments.k), the best silhouette of k from \(segments.candidates.first?.k ?? 2) to \(segments.candidates.last?.k ?? 8)" : "k = \(segments.k)"
            tables.append(("Segments of \(segments.customers) customers by \(segments.features.map(\.name).joined(separator: ", ")) (\(chosen))", Table(
                header: ["group", "customers", "share", "conversion", "emotion", "set apart by", "typical path", "channels"],
                rows: segments.groups.map { group in
                    [group.id, String(group.customers), percent(group.share), percent(group.conversion),
                     group.emotion.map { ChartFormat.decimal($0, digits: 2) } ?? "-", group.traits.prefix(3).map(describe).joined(separator: "; "),
                     group.typicalPath.map { "\($0.touchpoints.joined(separator: " > ")) (\(percent($0.share)))" } ?? "-",
                     group.channels.map(\.id).joined(separator: ", ")]
                })))
            if segments.suggested {
                tables.append(("Silhouette of each k tried (higher is better)", Table(
                    header: ["k", "cost", "silhouette"],
                    rows: segments.candidates.map { [String($0.k), ChartFormat.decimal($0.cost, digits: 1), $0.silhouette.map { ChartFormat.decimal($0, digits: 3) } ?? "-"] })))
            }
            tables.append(("Personas against the groups: fit is the share of a persona's customers in its main group", Table(
                header: ["persona", "customers", "main group", "fit", "conversion", "in map order", "stages unlike all customers'", "typical path"],
                rows: segments.personas.map { persona in
                    [persona.id, String(persona.customers), persona.group ?? "-", percent(persona.fit), percent(persona.conversion), percent(persona.inMapOrder),
                     persona.differences.map { "\($0.stage) \(percent($0.reached)) against \(percent($0.overall))" }.joined(separator: "; "),
                     persona.typicalPath.map { $0.touchpoints.joined(separator: " > ") } ?? "-"]
                })))
            if !segments.offered.isEmpty {
                tables.append(("Groups no persona describes, offered as personas (--write-personas DIR writes their documents)", Table(
                    header: ["group", "persona", "name"], rows: segments.offered.map { [$0.group, $0.persona, $0.name] })))
            }
        }
        if let nextBest = output.nextBest {
            tables.append(("Odds of reaching '\(nextBest.goal)' (\(percent(nextBest.conversionProbability)) from the start) and the best next touchpoint", Table(
                header: ["touchpoint", "stage", "odds", "waiting", "next", "next odds", "lift"],
                rows: nextBest.touchpoints.map { row in
                    [row.name, row.stage, percent(row.odds), String(row.waiting), row.next?.name ?? "-", percent(row.next?.odds),
                     row.next.map { (($0.lift >= 0) ? "+" : "") + ChartFormat.decimal($0.lift * 100, digits: 1) + " pts" } ?? "-"]
                })))
            let shown = nextBest.customers.count < nextBest.atRisk ? ", \(nextBest.customers.count) shown" : ""
            tables.append(("Customers at risk (\(nextBest.atRisk) with odds under \(percent(nextBest.riskBelow)) or slow in their stage\(shown))", Table(
                header: ["customer", "name", "touchpoint", "odds", "days in stage", "why", "meet next"],
                rows: nextBest.customers.map { row in
                    [row.id, row.name ?? "-", row.touchpoint, percent(row.odds), ChartFormat.decimal(row.daysInStage, digits: 1),
                     row.reasons.isEmpty ? "not at risk" : row.reasons.joined(separator: ", "), row.next.map { "\($0.id) (\(percent($0.odds)))" } ?? "-"]
                })))
        }
        return tables + listTables(output)
    }

    /// Aligned text tables with titles, then what the index could not classify.
    public static func text(_ output: AnalysisOutput) -> String {
        var out = ""
        for (title, table) in tables(output) {
            out += title + "\n" + aligned(table) + "\n"
        }
        let summary = output.index
        out += "\(summary.classified) of \(summary.events) events classified; \(summary.unclassifiedInteractions) track, page and screen events no touchpoint describes"
        if let top = summary.topUnclassified.first {
            out += " (most frequent: \(top.type) '\(top.name)', \(top.events); see --format json for the list)"
        }
        if let other = JourneyReport.notJourney(summary) { out += "; \(other)" }
        return out + "\n"
    }

    static func aligned(_ table: Table) -> String {
        let all = [table.header] + table.rows
        let widths = table.header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 || Double(cell.filter { $0 != "%" }) == nil ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    /// `12.3%`, or `-` when absent.
    public static func percent(_ value: Double?) -> String {
        value.map { ChartFormat.percent($0) } ?? "-"
    }

    /// `3.2 d`, `5.0 h`, `12.5 min`, `40 s`, or `-` when absent.
    public static func duration(_ seconds: Double?) -> String {
        seconds.map { ChartFormat.duration(seconds: $0) } ?? "-"
    }

    /// `1.23`, or `-` when absent.
    public static func ratio(_ value: Double?) -> String {
        value.map { ChartFormat.decimal($0, digits: 2) } ?? "-"
    }

    /// A p-value: `0.0123`, `<0.0001`, or `-` when absent.
    public static func probability(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return value < 0.0001 ? "<0.0001" : ChartFormat.decimal(value, digits: 4)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
