import ArgumentParser
import Foundation
import CustomerData
import JourneyAnalytics
import JourneyModel
import JourneyRender
import JourneyStore

extension Wayfinder {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the retail example workspace and its rendered maps, and say what to open.",
            discussion: """
            Writes, under the output folder:
              workspace/        the retail workspace as journey-as-code (YAML), ready to edit and validate
              map.html          the current-state journey map as one self-contained page
              map.svg           the same map as SVG
              compare.html      the current and the future-state map side by side
              map.md, map.csv   the map for wikis and spreadsheets
              data/             generated retail interaction data (CSV) with its planted truth
              wayfinder.db      that data imported: events stitched into customers
              report.html       what customers really do on the map: live numbers, funnel, friction, paths, conformance, personas
            """
        )

        @Option(name: .shortAndLong, help: "The folder to write into.")
        var out = "wayfinder-demo"

        @Option(help: "Customers in the generated data.")
        var customers = 2_000

        func validate() throws {
            if customers < 1 { throw ValidationError("--customers must be at least 1.") }
        }

        func run() throws {
            let template = WorkspaceTemplate.retail
            let workspaceFolder = WorkspaceLoader.join(out, "workspace")
            do {
                try WorkspaceWriter.write(template.workspace, to: workspaceFolder)
            } catch let failure {
                throw CommandFailure(message: failure.description)
            }
            let loaded = try WorkspaceInput.load([workspaceFolder])
            let workspace = loaded.workspace
            let current = try loaded.journey(nil)
            let future = workspace.journeys.first { $0.state == .future && $0.improves == current.id }
            var files: [(name: String, text: String, about: String)] = [
                ("map.html", HTMLRenderer.page(current, in: workspace), "the journey map page (open it in a browser; print to PDF on A3)"),
                ("map.svg", JourneyMapRenderer(journey: current, workspace: workspace).svg(), "the map as SVG"),
                ("map.md", TextFormats.markdown(current, in: workspace), "the map as Markdown"),
                ("map.csv", TextFormats.csv(current), "one row per card"),
            ]
            if let future {
                files.append(("compare.html", HTMLRenderer.page(current, in: workspace, compareWith: future), "current and future state side by side"))
            }
            for file in files where !file.text.isEmpty { try Output.write(file.text, to: WorkspaceLoader.join(out, file.name)) }

            // Generate the retail scenario's interaction data and import it into a fresh store.
            let dataFolder = WorkspaceLoader.join(out, "data")
            let database = WorkspaceLoader.join(out, "wayfinder.db")
            for suffix in ["", "-wal", "-shm", ".quarantine.ndjson"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            try? ScenarioWriter.removeExistingOutput(in: dataFolder)
            let truth: ScenarioTruth
            let summary: Importer.Summary
            let stored: JourneyStore.Counts
            do {
                truth = try ScenarioWriter(directory: dataFolder, format: .csv).write(ScenarioGenerator(template: template, customers: customers, seed: 1))
                let store = try JourneyStore(path: database)
                let importer = try Importer(store: store)
                var bar = ProgressBar(label: "importing")
                _ = try importer.importFile(WorkspaceLoader.join(dataFolder, "events.csv")) { progress in
                    if progress.indexing { return bar.note("building indexes…") }
                    bar.update(fraction: Double(progress.bytesRead) / Double(max(progress.bytesTotal, 1)), count: progress.counts.records,
                               unit: "records", elapsed: progress.elapsed)
                }
                bar.finish()
                summary = importer.summary()
                stored = try store.counts()
            } catch {
                throw CommandFailure(message: "the demo data could not be generated or imported: \(error)")
            }
            files.append(("data/events.csv", "", "generated events; data/truth.json holds the planted facts"))
            files.append(("wayfinder.db", "", "the store: try 'wayfinder customers --db \(database)'"))

            // Measure the real journeys against the map.
            let reportPath = WorkspaceLoader.join(out, "report.html")
            let input = try AnalyticsInput.parse(["--workspace", workspaceFolder, "--db", database])
            let report = try Report.write(input: input, workspace: workspace, journey: current, windowDays: 30, photos: loaded.photoURLs(), to: reportPath)
            files.append(("report.html", "", "the measured journey: live numbers on the map, funnel, friction, paths, conformance, personas"))

            let touchpoints = current.touchpoints
            let low = touchpoints.filter { $0.emotion != nil }.min { $0.emotion! < $1.emotion! }
            let pains = touchpoints.reduce(0) { $0 + $1.painPoints.count }
            let channels = Set(touchpoints.map(\.channel)).count
            let lowText = low.map { "\nDesigned emotional low point: \($0.name) (\(NumberFormat.canonical($0.emotion!)) on \(NumberFormat.canonical(current.emotionScale.min))…\(NumberFormat.canonical(current.emotionScale.max)))." } ?? ""
            let fileList = files.map { "  " + WorkspaceLoader.join(out, $0.name).padding(toLength: 30, withPad: " ", startingAt: 0) + " " + $0.about }.joined(separator: "\n")
            let journeyIDs = workspace.journeys.map(\.id).joined(separator: ", ")
            Console.out("""
            Wayfinder demo: \(workspace.name ?? "retail workspace")

            Wrote the workspace to \(workspaceFolder)/ (\(workspace.personas.count) personas, \(workspace.journeys.count) journey maps: \(journeyIDs)).
            Journey '\(current.title)': \(current.stages.count) stages, \(touchpoints.count) touchpoints on \(channels) channels, \(pains) pain points.\(lowText)
            Data: generated \(truth.events) events of \(truth.customers) customers; imported \(summary.imported) events, stitched into \(stored.customers) customers, \(summary.quarantined) quarantined.

            Measured on the map (\(reportPath)):
            \(report.headlines.map { "  • " + $0 }.joined(separator: "\n"))

            Files:
            \(fileList)

            Open \(reportPath) and \(WorkspaceLoader.join(out, "map.html")) in a browser. Then try:
              wayfinder analyze funnel --workspace \(workspaceFolder) --db \(database) --breakdown persona
              wayfinder analyze paths --workspace \(workspaceFolder) --db \(database) --top 5
              wayfinder validate \(workspaceFolder)
              wayfinder customers --db \(database) --limit 5
              wayfinder render \(workspaceFolder) --format mermaid
              wayfinder init --template saas my-maps
              cp -r \(workspaceFolder) edited && wayfinder diff \(workspaceFolder) edited
            """)
        }
    }
}
