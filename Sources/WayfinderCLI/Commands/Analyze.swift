import ArgumentParser
import ClickHouseStore
import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyRender
import JourneyStore

extension Wayfinder {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "Measure the real journey against the map: funnel, paths, friction, emotions, conformance, compare, personas, touchpoints, attribution, next-best, retention, segments, customers, verbatims.",
            discussion: """
            Events in the store are classified into the map's touchpoints by their match rules (the first touchpoint in map order whose rule selects an event), grouped by stitched customer and ordered by time. Every analysis then reads that index.

            Kinds:
              funnel       customers reaching each stage (or --steps touchpoints) within --window-days; --mode ordered|strict|any_order
              paths        top variants, the directly-follows graph, starts and ends; Sankey with --sankey-from or --sankey-to
              friction     where journeys end short of the goal, loop back, repeat contacts, slow down, or meet negative feedback
              emotions     measured sentiment per touchpoint and stage next to the emotion the map designed
              conformance  whether journeys follow the map's stage order; fitness and deviations
              compare      an analysis (--compare funnel|paths|...) for two date ranges or two personas, with significance
              personas     customers per persona, those matching none, and their conversion (share reaching the map's goal)
              touchpoints  the map's live numbers: visitors and events per touchpoint, and the share of visitors who reach the goal
              attribution  which channels (--by channel) or touchpoints (--by touchpoint) earn the map's goal: --model first-touch, last-touch, linear, time-decay (--half-life-days), position (40/20/40), markov (--order 1 to 4, removal effects) or shapley; --value PATH credits a property's value too; --lookback-days N counts only events that many days before the conversion
              next-best    each touchpoint's odds of reaching the goal (a Markov chain of the touchpoints learned from the data), the next touchpoint with the best lift from it, and the customers at risk: odds under --risk-below (default: half the odds at the start) or longer in their stage than 90% of those who went on; --customer ID for one customer
              retention    cohorts by the --cohort month (or week) customers were first seen, and the share of each that came back to --returning-to (a stage or touchpoint; default the stage 'retention', else the last) in each of --periods later periods
              segments     groups of customers found in their traits (--traits PATHS; default: the persona rules' traits) and their journeys (the touchpoint each stage was first met at, the main channel), by k-prototypes with --k groups (default: 2 to 8 tried, the best silhouette taken; --segment-by traits|journeys for one side): each group's size, the trait values that set it apart, its typical path, conversion and measured emotion; each persona's fit to the groups and how its journey differs; large groups no persona describes offered as new personas (--write-personas DIR writes their documents); --assignments lists each customer's group (CSV: customer,group)
              customers    the customers who passed --touchpoint: id, name (from the traits name, first_name and last_name, or email), persona, first and last visit, visits, whether and when they reached the goal; --order, --limit, --offset
              verbatims    the survey answers with text given at --touchpoint, newest first: time, customer, metric (nps, csat, ces, text), score, sentiment; --limit, --offset
              events       the classified events themselves (customer, time, touchpoint, stage, channel), for other tools

            A query can also be given as JSON (--query file.json, '-' for standard input); --show-query prints the query the options make.

            --format csv writes the main table of an analysis (funnel steps, paths' variants, friction findings, emotions per touchpoint and stage, conformance deviations, compared rates or means, personas) as RFC 4180 CSV: plain numbers, ratios from 0 to 1 and times in seconds with the unit in the column name (from_first_ratio, median_seconds), a group column for a funnel --breakdown, and text that a spreadsheet would run as a formula prefixed with '. --format json holds everything.

            customers and verbatims list every row unless --limit is given (--offset skips rows first); the JSON says the total. Their CSV columns: customer, name, persona, first_visit, last_visit, visits, reached_goal, goal_at; and time, customer, name, persona, metric, score, sentiment, polarity, named, text.

            Exit status: 0 success, 1 the analysis failed, 2 usage error (such as an option out of its range, or a --query that is not a valid query).

            Examples:
              wayfinder analyze funnel --workspace shop --db wayfinder.db
              wayfinder analyze funnel --workspace shop --breakdown persona --window-days 14 --format csv
              wayfinder analyze funnel --workspace shop --no-step-times --format json
              wayfinder analyze funnel --workspace shop --exclude returns-page:consideration:decision
              wayfinder analyze funnel --workspace shop --step-window decision:2 --count-repeats
              wayfinder analyze paths --workspace shop --top 10 --collapse-repeats --sankey-from product-page-sizing
              wayfinder analyze compare --workspace shop --compare funnel --before 2026-01-01..2026-02-01 --after 2026-02-01..2026-03-01
              wayfinder analyze events --workspace shop --format csv > events.csv
              wayfinder analyze customers --workspace shop --touchpoint size-guide --order visits --format csv > size-guide.csv
              wayfinder analyze verbatims --workspace shop --touchpoint checkout --limit 20
              wayfinder analyze customers --workspace shop --step decision --dropped --format csv > dropped-before-decision.csv
              wayfinder analyze attribution --workspace shop --model markov --order 2 --value revenue --format csv
              wayfinder analyze attribution --workspace shop --model time-decay --half-life-days 3 --lookback-days 30 --by touchpoint
              wayfinder analyze next-best --workspace shop --limit 50 --format csv > at-risk.csv
              wayfinder analyze next-best --workspace shop --customer cus_1042
              wayfinder analyze retention --workspace shop --cohort week --returning-to advocacy --periods 8 --format csv
              wayfinder analyze segments --workspace shop --traits market.region,market.tier,market.yearly_spend
              wayfinder analyze segments --workspace shop --k 4 --write-personas shop/personas
              wayfinder analyze segments --workspace shop --k 4 --assignments --format csv > groups.csv
            """
        )

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case funnel, paths, friction, emotions, conformance, compare, personas, touchpoints, attribution, customers, verbatims, events
            case nextBest = "next-best"
            case retention, segments
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, csv
        }

        @Argument(help: "funnel, paths, friction, emotions, conformance, compare, personas, touchpoints, attribution, next-best, retention, segments, customers, verbatims or events.")
        var kind: Kind

        @OptionGroup var input: AnalyticsInput

        @Option(help: ArgumentHelp("Split the result: persona, first_channel, trait:PATH or property:PATH.", valueName: "by"))
        var breakdown: String?

        @Option(help: ArgumentHelp("Funnel steps: stage ids or touchpoint ids, comma-separated (default: the map's stages); a touchpoint step may be any of several, joined by |: size-guide|live-chat.", valueName: "ids"))
        var steps: String?

        @Option(help: "Funnel window in days: the most time from the first to the last step (the goal, and so conversion, has no window).")
        var windowDays: Double = 30

        @Option(help: "Funnel mode: ordered, strict or any_order.")
        var mode: String = "ordered"

        @Option(name: .customLong("exclude"), help: ArgumentHelp("Funnel: leave out customers with an event at this touchpoint (ids joined by | for several) between two steps: TOUCHPOINT, or TOUCHPOINT:FROM:TO with step ids (default: the first and the last step); repeat for several.", valueName: "touchpoint[:from:to]"))
        var exclusions: [String] = []

        @Option(name: .customLong("step-window"), help: ArgumentHelp("Funnel: a step must come within DAYS of the step before it (besides --window-days over the whole chain): STEP:DAYS with a step id; repeat for several.", valueName: "step:days"))
        var stepWindows: [String] = []

        @Flag(help: "Funnel: count every pass through the funnel, a customer starting again after each event that completed it (passes per step, completions in all).")
        var countRepeats = false

        @Flag(inversion: .prefixedNo, help: "Funnel: the median and 90th percentile times between steps (--no-step-times only counts, several times faster on large data).")
        var stepTimes = true

        @Option(help: "Variants to list.")
        var top: Int = 20

        @Flag(help: "Count consecutive repeats of a touchpoint once.")
        var collapseRepeats = false

        @Option(name: .customLong("alias"), help: ArgumentHelp("A cleaning rule REGEX=NAME: touchpoints whose id matches count as NAME; repeat for several.", valueName: "regex=name"))
        var aliases: [String] = []

        @Option(help: ArgumentHelp("Sankey: follow journeys after their first visit of this touchpoint.", valueName: "id"))
        var sankeyFrom: String?

        @Option(help: ArgumentHelp("Sankey: follow journeys back from their first visit of this touchpoint.", valueName: "id"))
        var sankeyTo: String?

        @Option(help: "Sankey steps.")
        var sankeySteps: Int = 4

        @Option(help: ArgumentHelp("Split a customer's events into journeys after this many days without events.", valueName: "days"))
        var gapDays: Double?

        @Option(help: ArgumentHelp("Friction: a service contact again within this many days is a repeat contact.", valueName: "days"))
        var repeatContactDays: Double = Options().repeatContactDays

        @Option(help: ArgumentHelp("Friction: channels whose contacts can repeat, comma-separated (default: chat, phone, email, support, call-centre, store).", valueName: "names"))
        var serviceChannels: String?

        @Option(help: ArgumentHelp("Friction: a transition is slow when its median exceeds this many times the median of all transitions.", valueName: "factor"))
        var slowFactor: Double = Options().slowFactor

        @Option(help: ArgumentHelp("Friction: customers a finding needs before it is listed.", valueName: "n"))
        var minimumCustomers: Int = Options().minimumCustomers

        @Option(help: ArgumentHelp("Friction and conformance: example customers per finding.", valueName: "n"))
        var examples: Int = Options().examples

        @Option(help: ArgumentHelp("Compare: the analysis to compare (funnel, paths, friction, emotions, conformance, personas, touchpoints).", valueName: "kind"))
        var compare: String = "funnel"

        @Option(help: ArgumentHelp("Compare: the first side, a date range FROM..TO or persona:ID.", valueName: "side"))
        var before: String?

        @Option(help: ArgumentHelp("Compare: the second side, a date range FROM..TO or persona:ID.", valueName: "side"))
        var after: String?

        @Option(help: ArgumentHelp("Customers and verbatims: the touchpoint id.", valueName: "id"))
        var touchpoint: String?

        @Option(help: ArgumentHelp("Customers: list the customers who reached this funnel step (a stage id, or one of --steps) instead of a touchpoint's; the funnel is the one --steps, --mode and --window-days make.", valueName: "id"))
        var step: String?

        @Flag(help: "Customers with --step: those who reached the step before it but not it (for the first step, those who reached none).")
        var dropped = false

        @Option(help: ArgumentHelp("Customers: order by last_visit (the default), first_visit, visits, goal_at, name or customer (latest or largest first; see --ascending). Attribution: the Markov chain's order, 1 (the default) to 4.", valueName: "key|k"))
        var order: String?

        @Option(help: ArgumentHelp("Attribution: first-touch, last-touch, linear, time-decay, position, markov (the default) or shapley.", valueName: "model"))
        var model: String = Options().model.rawValue

        @Option(help: ArgumentHelp("Attribution: credit channel (the default) or touchpoint.", valueName: "channel|touchpoint"))
        var by: String = Options().by.rawValue

        @Option(help: ArgumentHelp("Attribution: credit the value at this property path too (the number on the customer's earliest classified event that has it, such as revenue).", valueName: "path"))
        var value: String?

        @Option(help: ArgumentHelp("Attribution: only events this many days before the conversion count (default: all).", valueName: "days"))
        var lookbackDays: Double?

        @Option(help: ArgumentHelp("Attribution, time decay: the credit of an event halves with every this many days before the conversion.", valueName: "days"))
        var halfLifeDays: Double = Options().halfLifeDays

        @Option(help: ArgumentHelp("Next best: customers whose odds of reaching the goal are under this (0 to 1) are at risk (default: half the odds at the start).", valueName: "odds"))
        var riskBelow: Double?

        @Option(help: ArgumentHelp("Next best: how many customers must have gone from a touchpoint to another before it is suggested.", valueName: "n"))
        var minimumTransitions: Int = Options().minimumTransitions

        @Option(help: ArgumentHelp("Next best: show this customer (an id as 'wayfinder customers' lists it), at risk or not.", valueName: "id"))
        var customer: String?

        @Option(help: ArgumentHelp("Retention: cohorts by the month (the default) or the week customers were first seen.", valueName: "month|week"))
        var cohort: String = Options().cohort.rawValue

        @Option(help: ArgumentHelp("Retention: the stage or touchpoint customers return to (default: the stage 'retention', else the last stage).", valueName: "id"))
        var returningTo: String?

        @Option(help: ArgumentHelp("Retention: later periods counted after the cohort's own.", valueName: "n"))
        var periods: Int = Options().periods

        @Option(help: ArgumentHelp("Segments: the number of groups, 2 to 20 (default: 2 to 8 tried, the best silhouette taken).", valueName: "n"))
        var k: Int?

        @Option(help: ArgumentHelp("Segments: trait paths to group by, comma-separated (default: those the workspace's persona rules read).", valueName: "paths"))
        var traits: String?

        @Option(help: ArgumentHelp("Segments: group by both (the default), traits or journeys.", valueName: "both|traits|journeys"))
        var segmentBy: String = Options().segmentBy.rawValue

        @Flag(help: "Segments: list each customer's group (with --format csv: customer,group).")
        var assignments = false

        @Option(help: ArgumentHelp("Segments: write the persona documents offered for groups no persona describes into this folder (a workspace's personas/ folder), one <id>.yaml each; existing files are kept.", valueName: "folder"))
        var writePersonas: String?

        @Flag(help: "Customers: smallest (earliest, A to Z) first.")
        var ascending = false

        @Option(help: ArgumentHelp("Customers and verbatims: rows to list (default: all).", valueName: "n"))
        var limit: Int?

        @Option(help: ArgumentHelp("Customers and verbatims: rows to skip first.", valueName: "n"))
        var offset: Int?

        @Option(help: ArgumentHelp("Read the query as JSON from a file ('-' for standard input) instead of the options.", valueName: "file"))
        var query: String?

        @Flag(help: "Print the query as JSON and stop.")
        var showQuery = false

        @Option(help: "Output: text, json or csv.")
        var format: Format = .text

        func validate() throws {
            if let breakdown, Breakdown(argument: breakdown) == nil {
                throw ValidationError("--breakdown takes persona, first_channel, trait:PATH or property:PATH; got '\(breakdown)'.")
            }
            if Options.FunnelMode(rawValue: mode.replacingOccurrences(of: "-", with: "_")) == nil {
                throw ValidationError("--mode takes ordered, strict or any_order; got '\(mode)'.")
            }
            do { try makeOptions().validate() } catch { throw ValidationError(error.usage) }
            for window in stepWindows where Self.stepWindow(window) == nil {
                throw ValidationError("--step-window takes STEP:DAYS, such as --step-window decision:2; got '\(window)'.")
            }
            for exclusion in exclusions where ![1, 3].contains(exclusion.split(separator: ":", omittingEmptySubsequences: false).count) {
                throw ValidationError("--exclude takes TOUCHPOINT or TOUCHPOINT:FROM:TO, such as --exclude returns-page:consideration:decision; got '\(exclusion)'.")
            }
            if let serviceChannels, serviceChannels.split(separator: ",").isEmpty {
                throw ValidationError("--service-channels takes channel names, comma-separated, for example chat,phone.")
            }
            for alias in aliases where !alias.contains("=") {
                throw ValidationError("--alias takes REGEX=NAME, for example --alias '^email-.*=email'; got '\(alias)'.")
            }
            if AnalysisQuery.Kind(rawValue: compare).map({ $0 == .compare || $0.listsCustomers }) ?? true {
                throw ValidationError("--compare takes funnel, paths, friction, emotions, conformance, personas or touchpoints; got '\(compare)'.")
            }
            for side in [before, after].compactMap({ $0 }) where Self.segment(side, label: side) == nil {
                throw ValidationError("--before and --after take FROM..TO (2026-01-01..2026-02-01, either end may be empty) or persona:ID; got '\(side)'.")
            }
            if let order, kind == .attribution, Int(order) == nil {
                throw ValidationError("attribution's --order takes the Markov chain's order, 1 to 4; got '\(order)'.")
            }
            if let order, kind != .attribution, Options.CustomerOrder(rawValue: order) == nil {
                throw ValidationError("--order takes \(Options.CustomerOrder.allCases.map(\.rawValue).joined(separator: ", ")) (or, for attribution, 1 to 4); got '\(order)'.")
            }
            if AttributionModel(rawValue: model.replacingOccurrences(of: "-", with: "_")) == nil {
                throw ValidationError("--model takes \(AttributionModel.allCases.map { $0.rawValue.replacingOccurrences(of: "_", with: "-") }.joined(separator: ", ")); got '\(model)'.")
            }
            if Options.CohortPeriod(rawValue: cohort) == nil {
                throw ValidationError("--cohort takes month or week; got '\(cohort)'.")
            }
            if Options.SegmentBy(rawValue: segmentBy) == nil {
                throw ValidationError("--segment-by takes both, traits or journeys; got '\(segmentBy)'.")
            }
            if let traits, traits.split(separator: ",").isEmpty {
                throw ValidationError("--traits takes trait paths, comma-separated, for example --traits plan,profile.age_band.")
            }
            if writePersonas != nil, kind != .segments { throw ValidationError("--write-personas belongs to segments.") }
            if Options.AttributionUnit(rawValue: by) == nil {
                throw ValidationError("--by takes channel or touchpoint; got '\(by)'.")
            }
            if kind == .verbatims || (kind == .customers && step == nil), query == nil, (touchpoint ?? "").isEmpty {
                throw ValidationError("\(kind.rawValue) needs --touchpoint ID, the id of a touchpoint of the map, for example --touchpoint checkout\(kind == .customers ? ", or --step ID, a funnel step such as --step decision" : "").")
            }
            if dropped, step == nil { throw ValidationError("--dropped lists those who dropped before a funnel step; give the step with --step ID.") }
            if kind == .compare, query == nil, before == nil || after == nil {
                throw ValidationError("compare needs --before and --after, for example --before 2026-01-01..2026-02-01 --after 2026-02-01..2026-03-01.")
            }
        }

        /// `STEP:DAYS` as a step id and days (the last colon splits them).
        static func stepWindow(_ text: String) -> (String, Double)? {
            guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, let days = Double(text[text.index(after: colon)...]) else { return nil }
            return (String(text[..<colon]), days)
        }

        /// A comparison side from `FROM..TO` or `persona:ID`.
        static func segment(_ text: String, label: String) -> Segment? {
            if text.hasPrefix("persona:") {
                let id = String(text.dropFirst(8))
                return id.isEmpty ? nil : Segment(label: label, filters: Filters(personas: [id]))
            }
            guard let dots = text.range(of: "..") else { return nil }
            let from = String(text[..<dots.lowerBound]), to = String(text[dots.upperBound...])
            if from.isEmpty && to.isEmpty { return nil }
            return Segment(label: label, range: DateRange(from: from.isEmpty ? nil : from, to: to.isEmpty ? nil : to))
        }

        func makeQuery(journey: String) throws -> AnalysisQuery {
            if let query {
                let data: Data
                if query == "-" {
                    data = FileHandle.standardInput.readDataToEndOfFile()
                } else {
                    guard let read = FileManager.default.contents(atPath: query) else { throw CommandFailure(message: "\(query): no such file; check the path") }
                    data = read
                }
                do { return try Analyzer.query(json: data) } catch {
                    throw CommandFailure(message: "\(query == "-" ? "standard input" : query): \(error.description)", code: 2)
                }
            }
            let analysis = AnalysisQuery.Kind(rawValue: kind.rawValue.replacingOccurrences(of: "-", with: "_")) ?? .paths
            return AnalysisQuery(kind: analysis, journey: journey, range: input.range, filters: input.filters,
                                 breakdown: breakdown.flatMap(Breakdown.init(argument:)), options: makeOptions())
        }

        /// The options the command line gives.
        func makeOptions() -> Options {
            var options = Options()
            options.steps = steps.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
            options.windowDays = windowDays
            options.mode = Options.FunnelMode(rawValue: mode.replacingOccurrences(of: "-", with: "_")) ?? .ordered
            options.stepTimes = stepTimes
            options.exclusions = exclusions.map { text in
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                return parts.count == 3 ? Options.Exclusion(touchpoint: parts[0], from: parts[1], to: parts[2]) : Options.Exclusion(touchpoint: text)
            }
            options.stepWindowsDays = Dictionary(stepWindows.compactMap(Self.stepWindow), uniquingKeysWith: { _, last in last })
            options.countRepeats = countRepeats
            options.top = top
            options.collapseRepeats = collapseRepeats
            options.aliases = aliases.compactMap { alias in
                guard let equals = alias.lastIndex(of: "=") else { return nil }
                return Options.Alias(pattern: String(alias[..<equals]), as: String(alias[alias.index(after: equals)...]))
            }
            options.sankeyFrom = sankeyFrom
            options.sankeyTo = sankeyTo
            options.sankeySteps = sankeySteps
            options.gapDays = gapDays
            options.repeatContactDays = repeatContactDays
            if let serviceChannels { options.serviceChannels = serviceChannels.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            options.slowFactor = slowFactor
            options.minimumCustomers = minimumCustomers
            options.examples = examples
            options.measureFuture = input.measureFuture
            options.compareKind = AnalysisQuery.Kind(rawValue: compare) ?? .funnel
            options.before = before.flatMap { Self.segment($0, label: $0) }
            options.after = after.flatMap { Self.segment($0, label: $0) }
            options.touchpoint = touchpoint
            options.step = step
            options.dropped = dropped
            options.order = order.flatMap(Options.CustomerOrder.init(rawValue:)) ?? .lastVisit
            options.model = AttributionModel(rawValue: model.replacingOccurrences(of: "-", with: "_")) ?? .markov
            options.by = Options.AttributionUnit(rawValue: by) ?? .channel
            if kind == .attribution, let order, let k = Int(order) { options.markovOrder = k }
            options.value = value
            options.lookbackDays = lookbackDays
            options.halfLifeDays = halfLifeDays
            options.riskBelow = riskBelow
            options.minimumTransitions = minimumTransitions
            options.customer = customer
            options.cohort = Options.CohortPeriod(rawValue: cohort) ?? .month
            options.returningTo = returningTo
            options.periods = periods
            options.k = k
            options.traits = traits.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
            options.segmentBy = Options.SegmentBy(rawValue: segmentBy) ?? .both
            options.assignments = assignments
            options.descending = !ascending
            options.limit = limit
            options.offset = offset
            return options
        }

        func run() throws {
            let (workspace, journey) = try input.loadMap()
            let query = try makeQuery(journey: journey.id)
            if showQuery {
                Console.out(Analyzer.json(query))
                return
            }
            guard let map = workspace.journey(query.journey) else {
                throw CommandFailure(message: "query: no journey map '\(query.journey)' in \(input.workspace)")
            }
            if kind != .events, let cluster = try input.clusterData() {
                let counted: AnalysisOutput?
                do { counted = try ClickHouseAnalytics(cluster).run(query, journey: map) } catch let error as ClickHouseError {
                    throw CommandFailure(message: error.description)
                } catch let error as AnalysisError {
                    throw CommandFailure(message: error.description)
                }
                if let counted { return write(counted) }
            }
            let index = try input.buildIndex(workspace: workspace, journey: map, queries: [query])
            if kind == .events {
                try EventLog.write(index, format: format)
                return
            }
            let output: AnalysisOutput
            do { output = try Analyzer.run(query, on: index) } catch { throw CommandFailure(message: error.description) }
            if let writePersonas, let segments = output.segments { try Self.write(segments.offered, to: writePersonas) }
            write(output)
        }

        /// Writes each offered persona's document as `<id>.yaml` in `folder`, keeping files already there.
        static func write(_ offers: [SegmentsResult.Offer], to folder: String) throws {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw CommandFailure(message: "\(folder): cannot create the folder (\(error.localizedDescription))")
            }
            for offer in offers {
                let path = (folder as NSString).appendingPathComponent("\(offer.persona).yaml")
                if FileManager.default.fileExists(atPath: path) {
                    Console.error("note: \(path) exists and was kept; the offered persona is in the output")
                    continue
                }
                guard FileManager.default.createFile(atPath: path, contents: Data(offer.document.utf8)) else {
                    throw CommandFailure(message: "\(path): cannot write the persona document")
                }
                Console.error("wrote \(path): \(offer.name)")
            }
            if offers.isEmpty { Console.error("note: no group is large enough and undescribed by the personas; no persona document written") }
        }

        private func write(_ output: AnalysisOutput) {
            switch format {
            case .json: Console.out(Analyzer.json(output))
            case .csv: Console.write(Data(AnalysisTable.csv(output).utf8))
            case .text: Console.out(AnalysisTable.text(output))
            }
        }
    }
}

/// The classified events of an index, one row per event, for other tools (pm4py, DuckDB, spreadsheets).
enum EventLog {
    static func write(_ index: JourneyIndex, format: Wayfinder.Analyze.Format) throws {
        guard format != .text else {
            throw CommandFailure(message: "events are written as csv or json; add --format csv", code: 2)
        }
        var out = Data()
        out.reserveCapacity(index.eventCount * 80)
        func flush() {
            Console.write(out)
            out.removeAll(keepingCapacity: true)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var csv = CSVWriter(header: ["customer", "timestamp", "touchpoint", "stage", "channel"])
        if format == .csv { out.append(contentsOf: csv.take().utf8) }
        for customer in 0..<index.customerCount {
            let id = CustomerID.text(index.customers[customer])
            for event in index.events(of: customer) {
                let time = Timestamp.iso8601(index.timestamps[event])
                let touchpoint = index.touchpointIDs[Int(index.touchpoints[event])]
                let stage = index.stageIDs[Int(index.stages[event])]
                let channel = Int(index.channels[event]) < index.channelNames.count ? index.channelNames[Int(index.channels[event])] : ""
                if format == .csv {
                    csv.row([.text(id), .text(time), .text(touchpoint), .text(stage), .text(channel)])
                    out.append(contentsOf: csv.take().utf8)
                } else {
                    out.append(try encoder.encode(LogLine(customer: id, timestamp: time, touchpoint: touchpoint, stage: stage, channel: channel)))
                    out.append(0x0A)
                }
            }
            if out.count > 1 << 20 { flush() }
        }
        flush()
    }

    struct LogLine: Encodable {
        var customer: String, timestamp: String, touchpoint: String, stage: String, channel: String
    }
}
