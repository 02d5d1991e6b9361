import ArgumentParser
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyRender

extension Wayfinder {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write one self-contained HTML page of what customers really do on a journey map.",
            discussion: """
            The page holds the journey map with live numbers on each touchpoint (customers, share who reach the goal), the stage funnel, a Sankey diagram of where customers go from the most common first touchpoint, the directly-follows graph laid out by stage, the most common journeys, the persona coverage, and the events the map does not describe. The headline findings are printed too.

            Filters (--from, --to, --persona, --channel, --trait, --property) apply to every part of the page.

            A future-state map is measured from its live_from day on; without one it is not live yet, and the page shows the map and its emotion curve as designed (add --measure-future to measure it against all the data anyway).

            Examples:
              wayfinder report --workspace shop --db wayfinder.db --out report.html
              wayfinder report --workspace shop --journey first-purchase --persona maya --from 2026-02-01 --out maya.html
            """
        )

        @OptionGroup var input: AnalyticsInput

        @Option(help: "Funnel window in days: the most time from the first to the last step (the goal, and so conversion, has no window).")
        var windowDays: Double = 30

        @Option(help: "The HTML file to write.")
        var out = "report.html"

        func validate() throws {
            do { try Options.windowDaysRange.check(windowDays) } catch { throw ValidationError(error.usage) }
        }

        func run() throws {
            let (workspace, journey) = try input.loadMap()
            guard Liveness(journey, measureFuture: input.measureFuture).isMeasured else {
                let note = Liveness.note(journey, measureFuture: false) ?? ""
                try Self.save(ReportPage.designed(journey: journey, workspace: workspace, note: note), to: out)
                Console.out("Wrote \(out)")
                Console.out("  • " + note)
                Console.out("  Add 'live_from: YYYY-MM-DD' to the map when it goes live, or measure it against today's data with --measure-future.")
                return
            }
            let report = try Self.write(input: input, workspace: workspace, journey: journey, windowDays: windowDays, photos: [:], to: out)
            Console.out("Wrote \(out)")
            for line in report.headlines { Console.out("  • " + line) }
        }

        /// Builds the index, runs the analyses and writes the page; returns what it measured.
        static func write(input: AnalyticsInput, workspace: Workspace, journey: JourneyMap, windowDays: Double, photos: [String: String],
                          to path: String) throws -> JourneyReport {
            var options = Options()
            options.windowDays = windowDays
            options.top = 50
            options.measureFuture = input.measureFuture
            let query = AnalysisQuery(kind: .funnel, journey: journey.id, range: input.range, filters: input.filters, options: options)
            let index = try input.buildIndex(workspace: workspace, journey: journey, queries: [query])
            let report: JourneyReport
            do { report = try JourneyReport(index: index, base: query) } catch { throw CommandFailure(message: error.description) }
            try save(ReportPage.html(report, journey: journey, workspace: workspace, photos: photos), to: path)
            return report
        }

        /// Writes `html` to `path`, making its folder.
        static func save(_ html: String, to path: String) throws {
            do {
                let url = URL(fileURLWithPath: path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(html.utf8).write(to: url, options: .atomic)
            } catch {
                throw CommandFailure(message: "\(path): cannot write the report (\(error.localizedDescription)); check the folder exists and is writable")
            }
        }
    }
}
