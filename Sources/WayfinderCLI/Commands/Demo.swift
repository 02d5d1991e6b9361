import ArgumentParser
import Foundation
import CustomerData
import JourneyAnalytics
import JourneyModel
import JourneyRender
import JourneyStore
import Logging
import WayfinderServer

extension Wayfinder {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the retail example with generated data and its report, then serve it at http://127.0.0.1:8080.",
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

            Then it loads the workspace into that store as workspace 'retail', creates the account demo@localhost with a new password and a write key, and starts the server on 127.0.0.1 (this machine only), printing the address, the account and the pages to open: the workspace, the map with live numbers, its report. Events sent with the printed curl line show up on those pages at the next reload. Ctrl-C stops it; 'wayfinder serve --db wayfinder-demo/wayfinder.db' starts it again with the same account.

            Examples:
              wayfinder demo                          write everything, then serve it on port 8080
              wayfinder demo --port 9000              serve on another port
              wayfinder demo --no-serve               write the files only
              wayfinder demo --customers 20000 --out big-demo
            """
        )

        @Option(name: .shortAndLong, help: "The folder to write into.")
        var out = "wayfinder-demo"

        @Option(help: "Customers in the generated data.")
        var customers = 2_000

        @Flag(help: "Write the files and stop, without starting the server.")
        var noServe = false

        @Option(help: "The port the demo's server listens on, on 127.0.0.1 only (0: any free port).")
        var port = 8080

        func validate() throws {
            if customers < 1 { throw ValidationError("--customers must be at least 1.") }
            if !(0...65_535).contains(port) { throw ValidationError("--port takes a number from 0 to 65535, such as 8080.") }
        }

        /// The id of the workspace the demo serves.
        static let workspaceID = "retail"
        /// The demo's account, a server admin.
        static let account = "demo@localhost"

        func run() async throws {
            let written = try await writeFiles()
            if noServe { return }
            try await serve(database: written.database, workspaceFolder: written.workspaceFolder, journey: written.journey)
        }

        /// Writes the workspace, the maps, the data, the store and the report, and says what they hold.
        func writeFiles() async throws -> (database: String, workspaceFolder: String, journey: String) {
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
            for suffix in ["", "-wal", "-shm", ".quarantine.ndjson", ".quarantine.\(Self.workspaceID).ndjson"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            try? ScenarioWriter.removeExistingOutput(in: dataFolder)
            let truth: ScenarioTruth
            let summary: Importer.Summary
            let stored: WorkspaceData.Counts
            do {
                truth = try ScenarioWriter(directory: dataFolder, format: .csv).write(ScenarioGenerator(template: template, customers: customers, seed: 1))
                // The maps and the data go to the workspace the server serves.
                let store = try JourneyStore(path: database)
                _ = try await store.importWorkspace(Self.workspaceID, workspace: workspace, sourceMap: loaded.sourceMap, author: "wayfinder demo",
                                                   message: "the demo's workspace", createIfMissing: true)
                let data = try await store.workspaceData(Self.workspaceID)
                let importer = try Importer(data: data)
                var bar = ProgressBar(label: "importing")
                _ = try importer.importFile(WorkspaceLoader.join(dataFolder, "events.csv")) { progress in
                    if progress.indexing { return bar.note("building indexes…") }
                    bar.update(fraction: Double(progress.bytesRead) / Double(max(progress.bytesTotal, 1)), count: progress.counts.records,
                               unit: "records", elapsed: progress.elapsed)
                }
                bar.finish()
                summary = importer.summary()
                stored = try data.counts()
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
            // Each path whole, the descriptions lined up after the longest.
            let paths = files.map { WorkspaceLoader.join(out, $0.name) }
            let width = max(30, paths.map(\.count).max() ?? 0)
            let fileList = zip(paths, files).map { "  " + $0.padding(toLength: width, withPad: " ", startingAt: 0) + " " + $1.about }.joined(separator: "\n")
            let journeyIDs = workspace.journeys.map(\.id).joined(separator: ", ")
            let wayfinder = Invocation.command
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
              \(wayfinder) analyze funnel --workspace \(workspaceFolder) --db \(database) --breakdown persona
              \(wayfinder) analyze paths --workspace \(workspaceFolder) --db \(database) --top 5
              \(wayfinder) validate \(workspaceFolder)
              \(wayfinder) customers --db \(database) --limit 5
              \(wayfinder) render \(workspaceFolder) --format mermaid
              \(wayfinder) init --template saas my-maps
              cp -r \(workspaceFolder) edited && \(wayfinder) diff \(workspaceFolder) edited
            """)
            return (database, workspaceFolder, current.id)
        }

        /// Loads the workspace into the store, creates the demo account and a write key, and serves
        /// the store on loopback until SIGTERM or SIGINT.
        func serve(database: String, workspaceFolder: String, journey: String) async throws {
            let logger = ServerLauncher.bootstrapLogging(level: .warning, json: false)
            let store = try ServerLauncher.openStore(database)
            try await ServerLauncher.loadWorkspace(workspaceFolder, id: Self.workspaceID, into: store, author: "wayfinder demo", logger: logger)
            let key: NewAPIKey
            do { key = try await store.createAPIKey(kind: .write, name: "demo", workspace: Self.workspaceID) } catch {
                throw CommandFailure(message: "\(database): cannot create the demo's write key: \(error)")
            }
            var configuration = ServerConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = port
            configuration.version = Wayfinder.configuration.version
            configuration.accounts.secureCookies = false  // plain HTTP, on loopback only
            let server = try ServerLauncher.server(configuration: configuration, store: store, database: database, logger: logger)
            let password = String(StoreSecrets.random(prefix: "").prefix(16))
            let account: (email: String, oneTimePassword: String?)?
            do { account = try await server.bootstrapAdmin(password: password, email: Self.account, name: "Demo") } catch {
                throw CommandFailure(message: "cannot create the demo account: \(error)")
            }
            guard account != nil else {
                throw CommandFailure(message: "\(database) has accounts already; run 'wayfinder demo' again to start from a fresh store")
            }
            Console.out("\nStarting the server on 127.0.0.1 (this machine only)…")
            let pages = "/w/\(Self.workspaceID)/maps/\(journey)"
            try await ServerLauncher.run(server, database: database, logger: logger) { url in
                Console.out("""

                Wayfinder is serving the demo at \(url)/
                  Sign in as \(Self.account) with the password \(password)
                  The workspace:              \(url)/w/\(Self.workspaceID)
                  The map with live numbers:  \(url)\(pages)
                  Its report:                 \(url)\(pages)/report
                  Edit it in the browser:     \(url)\(pages)/edit
                  Send an event, then reload the map:
                    curl -u '\(key.secret):' -H 'Content-Type: application/json' \\
                      -d '{"userId": "demo-visitor", "event": "Product Viewed", "properties": {"url": "/products/trail-shoe", "size_guide_opened": true, "price": 95}}' \\
                      \(url)/v1/track
                Press Ctrl-C to stop; '\(Invocation.command) serve --db \(database) --insecure-cookies --port \(url.split(separator: ":").last ?? "8080")' starts it again with the same account.
                """)
            }
        }
    }
}
