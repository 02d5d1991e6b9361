import ArgumentParser
import CustomerData
import Foundation
import JourneyModel

extension Wayfinder {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate realistic customer interaction data for a template workspace, with the truth planted in it.",
            discussion: """
            The data follows the current-state map that 'wayfinder init --template <scenario>' writes: customers of each persona (and about 10% of none) travel stage by stage on the channels they prefer, browse anonymously on one to three devices before identifying, contact service, buy again, answer surveys that follow the experience, leave far more often after one or two planted friction points, and half of those who reach the goal stop there. Every touchpoint event is made from the touchpoint's match rule and checked against it.

            Beside the events, truth.json holds what was planted and counted: customers per persona, the ordered stage funnel overall and per persona, conversions, the friction points' drop-off against the baseline, feedback means, junk-id events and unreachable touchpoints. truth-identifiers.csv lists each customer's normalised identifiers, so identity stitching can be checked exactly. The same seed always gives the same bytes.

            Scenarios:
            \(WorkspaceTemplate.allCases.map { "  \($0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \($0.shortSummary)" }.joined(separator: "\n"))

            Formats:
              csv      events.csv: one row per event; import reads it without a mapping
              ndjson   events.ndjson: one Segment message per line
              segment  batch-00001.json, …: {"batch": [...]}, 2,500 messages at most
              exports  the omnichannel scenario's own (and default) format: the same customers as the
                       exports of GA4 (ga4-events.ndjson), HubSpot (hubspot-contacts.csv), Mailchimp
                       (mailchimp-activity.ndjson), Zendesk (zendesk-tickets.csv), Typeform
                       (typeform-responses.csv) and a social listening tool (social-mentions.csv),
                       each read unchanged by its import preset

            Examples:
              wayfinder generate --scenario retail --customers 10000
              wayfinder generate -s saas -c 200000 --seed 7 -f ndjson -o saas-data
              wayfinder generate -s retail -c 5000 --groups 3    # plant 3 groups for analyze segments to find
              wayfinder generate -s omnichannel -c 2000          # six tools' exports of the same customers
              wayfinder import retail-data/events.csv --db wayfinder.db
            """
        )

        @Option(name: .shortAndLong, help: ArgumentHelp("The template workspace the data follows: \(WorkspaceTemplate.allCases.map(\.rawValue).joined(separator: ", ")).",
                                                        valueName: "name"))
        var scenario: String

        @Option(name: .shortAndLong, help: "How many customers to generate.")
        var customers: Int

        @Option(help: "The seed; the same seed gives the same data.")
        var seed: UInt64 = 1

        @Option(name: .shortAndLong, help: ArgumentHelp("The folder to write (default: <scenario>-data).", valueName: "folder"))
        var out: String?

        @Option(name: .shortAndLong, help: "csv, ndjson, segment or exports (default: exports for the omnichannel scenario, else csv).")
        var format: String?

        /// The format asked for, or the scenario's default.
        var chosenFormat: String { format ?? (scenario == WorkspaceTemplate.omnichannel.rawValue ? Self.exports : "csv") }
        static let exports = "exports"

        @Flag(help: "Replace earlier output (events, batches, truth files) in the folder.")
        var force = false

        @Option(help: ArgumentHelp("Plant this many groups of customers (2 to \(ScenarioGenerator.maximumGroups)) that cut across the personas: each has typical market.region, market.tier and market.yearly_spend traits and favours one touchpoint a stage; truth.json describes them and truth-groups.csv names each customer's.", valueName: "n"))
        var groups: Int?

        static let maximumCustomers = 100_000_000

        func validate() throws {
            let names = WorkspaceTemplate.allCases.map(\.rawValue)
            if WorkspaceTemplate(rawValue: scenario) == nil {
                let hint = Suggestions.closest(to: scenario, in: names).map { "did you mean '--scenario \($0)'? Scenarios" } ?? "Choose one of the scenarios"
                throw ValidationError("'\(scenario)' is not a scenario; \(hint): \(names.joined(separator: ", ")).")
            }
            if customers < 1 || customers > Self.maximumCustomers {
                throw ValidationError("--customers must be from 1 to \(Self.maximumCustomers), for example '--customers 10000'.")
            }
            let format = chosenFormat
            if ScenarioWriter.Format(rawValue: format) == nil, format != Self.exports {
                let formats = ScenarioWriter.Format.allCases.map(\.rawValue) + [Self.exports]
                let hint = Suggestions.closest(to: format, in: formats).map { "did you mean '--format \($0)'? Formats" } ?? "Choose one of"
                throw ValidationError("'\(format)' is not a format; \(hint): \(formats.joined(separator: ", ")).")
            }
            if format == Self.exports, scenario != WorkspaceTemplate.omnichannel.rawValue {
                throw ValidationError("only the omnichannel scenario is written as tool exports; use '--scenario omnichannel', or '--format csv', ndjson or segment for \(scenario).")
            }
            if format == Self.exports, groups != nil {
                throw ValidationError("--groups applies to the csv, ndjson and segment formats, not to the omnichannel tool exports.")
            }
            if let out, out.isEmpty { throw ValidationError("--out needs a folder name, for example '--out retail-data'.") }
            if let groups, !(2...ScenarioGenerator.maximumGroups).contains(groups) {
                throw ValidationError("--groups must be from 2 to \(ScenarioGenerator.maximumGroups), for example '--groups 3'.")
            }
        }

        func run() throws {
            let template = WorkspaceTemplate(rawValue: scenario)!
            let format = chosenFormat
            let folder = out ?? "\(template.rawValue)-data"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CommandFailure(message: "\(folder) is a file; choose a folder with --out")
            }
            let earlier = ScenarioWriter.existingOutput(in: folder)
            if format == Self.exports {
                // Real exports with the same names, not written by an earlier run, are never overwritten.
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                let foreign = ToolExportWriter.files.filter { names.contains($0) && !earlier.contains($0) }
                if !foreign.isEmpty {
                    throw CommandFailure(message: "\(folder) holds \(foreign.joined(separator: ", ")), which no earlier 'wayfinder generate' wrote (there is no \(ScenarioWriter.truthFile) beside it); choose another folder with --out, so that it is not overwritten")
                }
            }
            if !earlier.isEmpty {
                guard force else {
                    throw CommandFailure(message: "\(folder) already holds generated data (\(earlier.prefix(3).joined(separator: ", "))\(earlier.count > 3 ? ", …" : "")); choose another folder with --out or add --force to replace it")
                }
                do { try ScenarioWriter.removeExistingOutput(in: folder) } catch { throw CommandFailure(message: error.description) }
            }

            let generator = ScenarioGenerator(template: template, customers: customers, seed: seed, groups: groups ?? 0)
            for (touchpoint, reason) in generator.unreachableTouchpoints {
                Console.error("note: touchpoint '\(touchpoint)' gets no events: \(reason)")
            }
            let total = customers
            var bar = ProgressBar(label: "Generating")
            let clock = ContinuousClock()
            let started = clock.now
            func seconds() -> Double {
                let elapsed = started.duration(to: clock.now).components
                return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            }
            let truth: ScenarioTruth
            do {
                let update = { (progress: ScenarioWriter.Progress) in
                    bar.update(fraction: Double(progress.customers) / Double(total), count: progress.events, unit: "events", elapsed: seconds())
                }
                if let format = ScenarioWriter.Format(rawValue: format) {
                    truth = try ScenarioWriter(directory: folder, format: format).write(generator, progress: update)
                } else {
                    truth = try ToolExportWriter(directory: folder).write(generator, progress: update)
                }
            } catch {
                bar.finish()
                throw CommandFailure(message: error.description)
            }
            let elapsed = seconds()
            bar.finish()
            Console.out(summary(truth, folder: folder, elapsed: elapsed))
        }

        func summary(_ truth: ScenarioTruth, folder: String, elapsed: Double) -> String {
            let rate = elapsed > 0 ? Double(truth.events) / elapsed : 0
            var lines = ["Generated the \(truth.scenario) scenario (seed \(truth.seed)): \(Self.count(truth.customers, "customer")), "
                + "\(Self.count(truth.events, "event")) in \(String(format: "%.2f", elapsed)) s (\(Self.grouped(Int(rate))) events/s)."]
            lines.append("Wrote to \(folder):")
            let exports = truth.format == Self.exports
            let files = exports ? ToolExportWriter.files : truth.files.keys.sorted()
            let width = max(ScenarioWriter.identifiersFile.count + 2, (files.map(\.count).max() ?? 0) + 2)
            func line(_ name: String, _ text: String) { lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + text) }
            for name in files.prefix(exports ? files.count : 3) { line(name, Self.count(truth.files[name] ?? 0, "event")) }
            if !exports, files.count > 3 { line("…", "\(files.count) batch files, the last \(files.last!)") }
            line(ScenarioWriter.truthFile, "the planted truth")
            line(ScenarioWriter.identifiersFile, "\(Self.count(truth.identifiers.total, "identifier")) of \(Self.count(truth.customers, "customer"))")
            let friction = truth.friction.filter { $0.realised.visitors > 0 }.map { point in
                "\(point.touchpoint) (\(Self.percent(point.realised.dropOff)) of its visitors leave)"
            }
            if !friction.isEmpty, truth.baseline.realised.visitors > 0 {
                lines.append("Planted friction: \(friction.joined(separator: ", ")); elsewhere \(Self.percent(truth.baseline.realised.dropOff)) leave.")
            }
            if exports {
                let paths = ToolExportWriter.files.map { (folder as NSString).appendingPathComponent($0) }
                lines.append("""

                Next: import every export at once; each file's preset is recognised from its header, and the survey's questions are named:
                  \(Invocation.command) init --template \(truth.scenario) maps
                  \(Invocation.command) import --db wayfinder.db \\
                    --question "\(ToolExportWriter.npsQuestion)" \\
                    --comment "\(ToolExportWriter.commentQuestion)" \\
                    \(paths.joined(separator: " "))
                """)
                return lines.joined(separator: "\n")
            }
            let written = truth.format ?? chosenFormat
            let eventFile = written == "csv" ? "events.csv" : written == "ndjson" ? "events.ndjson" : "batch-*.json"
            lines.append("""

            Next:
              \(Invocation.command) init --template \(truth.scenario) maps
              \(Invocation.command) import \((folder as NSString).appendingPathComponent(eventFile)) --db wayfinder.db
            """)
            return lines.joined(separator: "\n")
        }

        /// 1234567 → "1,234,567".
        static func grouped(_ value: Int) -> String {
            let digits = String(value.magnitude)
            var out = ""
            for (index, digit) in digits.enumerated() {
                if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
                out.append(digit)
            }
            return (value < 0 ? "-" : "") + out
        }

        /// "1 customer", "12,000 customers".
        static func count(_ value: Int, _ noun: String) -> String { "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")" }

        static func percent(_ ratio: Double) -> String { "\(Int((ratio * 100).rounded()))%" }
    }
}
