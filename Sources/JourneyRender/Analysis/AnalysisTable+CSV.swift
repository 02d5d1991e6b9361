import JourneyAnalytics

extension AnalysisTable {
    /// The main table of an analysis as CSV (see ``CSVWriter``), for spreadsheets and scripts.
    ///
    /// Numbers are plain: ratios from 0 to 1, durations in seconds, emotion on the map's scale,
    /// with the unit in the column name (`from_first_ratio`, `median_seconds`, `measured_score`);
    /// a missing value is an empty cell. Each analysis writes one table:
    ///
    /// - funnel: one row a step; with a breakdown, a `group` column, the rows of all customers
    ///   (an empty group) and then those of each group;
    /// - paths: the variants;
    /// - friction: the findings;
    /// - emotions: touchpoints, then stages, told apart by `level`;
    /// - conformance: the deviations;
    /// - compare: the compared rates, or for emotions the compared means;
    /// - personas: one row a persona;
    /// - touchpoints: the map's live numbers, one row a touchpoint;
    /// - attribution: one row a channel or touchpoint, most credit first;
    /// - next best: the customers at risk (or the one asked for), lowest odds first;
    /// - retention: one row a cohort and later period;
    /// - segments: each customer's group with `assignments`, else one row a group;
    /// - customers: the customers who passed the touchpoint (``customerColumns``);
    /// - verbatims: the answers with text at the touchpoint (``verbatimColumns``).
    public static func csv(_ output: AnalysisOutput) -> String {
        if let customers = output.customers { return csv(customers) }
        if let verbatims = output.verbatims { return csv(verbatims) }
        if let funnel = output.funnel { return csv(funnel) }
        if let variants = output.variants { return csv(variants) }
        if let friction = output.friction { return csv(friction) }
        if let emotions = output.emotions { return csv(emotions) }
        if let conformance = output.conformance { return csv(conformance) }
        if let compare = output.compare { return csv(compare) }
        if let personas = output.personas { return csv(personas) }
        if let touchpoints = output.touchpoints { return csv(touchpoints) }
        if let attribution = output.attribution { return csv(attribution) }
        if let nextBest = output.nextBest { return csv(nextBest) }
        if let retention = output.retention { return csv(retention) }
        if let segments = output.segments { return csv(segments) }
        return ""
    }

    static func csv(_ segments: SegmentsResult) -> String {
        if let assignments = segments.assignments {
            var writer = CSVWriter(header: ["customer", "group"])
            for row in assignments { writer.row([.text(row.customer), .text(row.group)]) }
            return writer.output
        }
        var writer = CSVWriter(header: ["group", "customers", "share_ratio", "converted", "conversion_ratio", "emotion_score", "answers", "traits",
                                        "typical_path", "typical_path_ratio", "channels", "personas"])
        for group in segments.groups {
            writer.row([.text(group.id), .integer(group.customers), .number(group.share), .integer(group.converted), .optional(group.conversion),
                        .optional(group.emotion), .integer(group.answers), .text(group.traits.map(Self.describe).joined(separator: "; ")),
                        .text(group.typicalPath?.touchpoints.joined(separator: " > ") ?? ""), .optional(group.typicalPath?.share),
                        .text(group.channels.map(\.id).joined(separator: " ")),
                        .text(group.personas.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))])
        }
        return writer.output
    }

    /// `market.region=north (85% against 33%)` or `market.yearly_spend mean 345.5 (against 840.2)`.
    static func describe(_ trait: SegmentsResult.TraitValue) -> String {
        if let value = trait.value, let share = trait.share, let overall = trait.overallShare {
            return "\(trait.path)=\(value) (\(percent(share)) against \(percent(overall)))"
        }
        return "\(trait.path) mean \(ChartFormat.decimal(trait.mean ?? 0, digits: 1)) (against \(ChartFormat.decimal(trait.overallMean ?? 0, digits: 1)))"
    }

    static func csv(_ retention: RetentionResult) -> String {
        var writer = CSVWriter(header: ["cohort", "start", "customers", "period", "returned", "share_ratio"])
        for cohort in retention.cohorts {
            for (period, returned) in cohort.returned.enumerated() {
                writer.row([.text(cohort.label), .text(cohort.start), .integer(cohort.customers), .integer(period), .integer(returned), .number(cohort.shares[period])])
            }
        }
        return writer.output
    }

    static func csv(_ nextBest: NextBestResult) -> String {
        var writer = CSVWriter(header: ["customer", "name", "persona", "touchpoint", "stage", "odds", "in_stage_since", "days_in_stage", "reasons",
                                        "next_touchpoint", "next_odds", "lift"])
        for row in nextBest.customers {
            writer.row([.text(row.id), .optional(row.name), .optional(row.persona), .text(row.touchpoint), .text(row.stage), .number(row.odds),
                        .text(row.inStageSince), .number(row.daysInStage), .text(row.reasons.joined(separator: " ")), .optional(row.next?.id),
                        .optional(row.next?.odds), .optional(row.next?.lift)])
        }
        return writer.output
    }

    static func csv(_ attribution: AttributionResult) -> String {
        var writer = CSVWriter(header: [attribution.by.rawValue, "name", "credit_conversions", "share_ratio", "value", "removal_effect"])
        for row in attribution.rows {
            writer.row([.text(row.id), .text(row.name), .number(row.credit), .number(row.share), .optional(row.value), .optional(row.removalEffect)])
        }
        return writer.output
    }

    static func csv(_ touchpoints: TouchpointResult) -> String {
        var writer = CSVWriter(header: ["touchpoint", "stage", "visitors", "events", "converted", "conversion_ratio"])
        for row in touchpoints.touchpoints {
            writer.row([.text(row.id), .text(row.stage), .integer(row.visitors), .integer(row.events), .integer(row.converted), .optional(row.conversion)])
        }
        return writer.output
    }

    static func csv(_ funnel: FunnelResult) -> String {
        let grouped = funnel.breakdown != nil
        // Repeats counted and windows per step add their columns.
        let repeats = funnel.completions != nil, windows = funnel.steps.contains { $0.windowDays != nil }
        let columns = ["step", "name", "customers", "from_previous_ratio", "from_first_ratio", "drop_off_customers", "median_seconds", "p90_seconds"]
            + (repeats ? ["passes"] : []) + (windows ? ["window_days"] : [])
        var writer = CSVWriter(header: (grouped ? ["group"] : []) + columns)
        func rows(_ steps: [FunnelResult.Step], group: String?) {
            for step in steps {
                if let group { writer.append(.text(group)) }
                writer.row([.text(step.id), .text(step.name), .integer(step.customers), .optional(step.fromPrevious), .optional(step.overall),
                            .integer(step.dropOff), .optional(step.medianSeconds), .optional(step.p90Seconds)]
                           + (repeats ? [.optional(step.passes.map(Double.init))] : []) + (windows ? [.optional(step.windowDays)] : []))
            }
        }
        rows(funnel.steps, group: grouped ? "" : nil)
        for group in funnel.breakdown ?? [] { rows(group.steps, group: group.key) }
        return writer.output
    }

    static func csv(_ variants: PathsResult.Variants) -> String {
        var writer = CSVWriter(header: ["path", "steps", "customers", "share_ratio"])
        for variant in variants.variants {
            writer.row([.text(variant.path.joined(separator: " > ")), .integer(variant.path.count), .integer(variant.customers), .number(variant.share)])
        }
        return writer.output
    }

    static func csv(_ friction: FrictionResult) -> String {
        var writer = CSVWriter(header: [
            "rank", "kind", "touchpoint", "from", "to", "stage", "to_stage", "customers", "exposed", "affected", "rate_ratio", "baseline_rate_ratio",
            "lift", "conversion_ratio", "baseline_conversion_ratio", "conversions_lost", "z", "p_value", "median_seconds", "examples",
        ])
        for finding in friction.findings {
            writer.row([
                .integer(finding.rank), .text(finding.kind.rawValue), .optional(finding.touchpoint), .optional(finding.from), .optional(finding.to),
                .text(finding.stage), .optional(finding.toStage), .integer(finding.customers), .integer(finding.exposed), .integer(finding.affected),
                .number(finding.rate), .number(finding.baselineRate), .optional(finding.lift), .optional(finding.conversion),
                .optional(finding.baselineConversion), .number(finding.conversionsLost), .optional(finding.z), .optional(finding.p),
                .optional(finding.medianSeconds), .text(finding.examples.joined(separator: " ")),
            ])
        }
        return writer.output
    }

    static func csv(_ emotions: EmotionsResult) -> String {
        var writer = CSVWriter(header: [
            "level", "id", "name", "stage", "designed_score", "measured_score", "measured_sd", "ci95_low_score", "ci95_high_score", "answers",
        ])
        for (level, rows) in [("touchpoint", emotions.touchpoints), ("stage", emotions.stages)] {
            for row in rows {
                let interval = row.measured?.interval()
                writer.row([
                    .text(level), .text(row.id), .text(row.name), .text(row.stage), .optional(row.designed), .optional(row.measured?.mean),
                    .optional(row.measured?.standardDeviation), .optional(interval?.lowerBound), .optional(interval?.upperBound),
                    .integer(row.measured?.count ?? 0),
                ])
            }
        }
        return writer.output
    }

    static func csv(_ conformance: ConformanceResult) -> String {
        var writer = CSVWriter(header: ["kind", "stage", "from", "to", "customers", "occurrences", "examples"])
        for deviation in conformance.deviations {
            writer.row([.text(deviation.kind.rawValue), .optional(deviation.stage), .optional(deviation.from), .optional(deviation.to),
                        .integer(deviation.customers), .integer(deviation.occurrences), .text(deviation.examples.joined(separator: " "))])
        }
        return writer.output
    }

    static func csv(_ compare: CompareResult) -> String {
        if compare.kind == .emotions {
            var writer = CSVWriter(header: [
                "metric", "before_score", "after_score", "change_score", "before_answers", "after_answers", "t", "degrees_of_freedom", "p_value", "verdict",
            ])
            for row in compare.meanDifferences {
                writer.row([.text(row.metric), .number(row.before.mean), .number(row.after.mean), .number(row.change), .integer(row.before.count),
                            .integer(row.after.count), .optional(row.t), .optional(row.degreesOfFreedom), .optional(row.p), .text(row.verdict)])
            }
            return writer.output
        }
        var writer = CSVWriter(header: [
            "metric", "before_ratio", "after_ratio", "change_ratio", "before_count", "before_total", "after_count", "after_total", "z", "p_value", "verdict",
        ])
        for row in compare.differences {
            writer.row([.text(row.metric), .optional(row.before), .optional(row.after), .optional(row.change), .integer(row.beforeCount),
                        .integer(row.beforeTotal), .integer(row.afterCount), .integer(row.afterTotal), .optional(row.z), .optional(row.p), .text(row.verdict)])
        }
        return writer.output
    }

    static func csv(_ personas: PersonaCoverageResult) -> String {
        var writer = CSVWriter(header: ["persona", "customers", "share_ratio", "with_events", "converted", "conversion_ratio", "on_map"])
        for row in personas.personas {
            writer.row([.text(row.id), .integer(row.customers), .number(row.share), .integer(row.withEvents), .integer(row.converted),
                        .optional(row.conversion), .text(row.onMap ? "true" : "false")])
        }
        return writer.output
    }
}
