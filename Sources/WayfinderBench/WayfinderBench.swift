import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore

/// `wayfinder-bench`: times the analytics engine on a store, for benchmarks/analytics/run.sh.
@main
struct WayfinderBench {
    static func main() {
        do {
            guard let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
                print(BenchOptions.usage)
                return
            }
            print(Analyzer.json(try run(options)), terminator: "")
        } catch let error as UsageError {
            try? FileHandle.standardError.write(contentsOf: Data("wayfinder-bench: \(error)\n\n\(BenchOptions.usage)\n".utf8))
            exit(2)
        } catch {
            try? FileHandle.standardError.write(contentsOf: Data("wayfinder-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: BenchOptions) throws -> BenchReport {
        let loaded = WorkspaceLoader.load([options.workspace])
        guard !loaded.diagnostics.hasErrors else { throw BenchFailure("\(options.workspace): the workspace has errors; run 'wayfinder validate'") }
        let workspace = loaded.workspace
        guard let journey = options.journey.map({ workspace.journey($0) }) ?? workspace.journeys.first(where: { $0.state == .current }) ?? workspace.journeys.first else {
            throw BenchFailure("\(options.workspace): no journey map \(options.journey.map { "'\($0)'" } ?? "")")
        }
        // The store's only workspace: the benchmark imports its data with `wayfinder import`.
        let store = try JourneyStore(path: options.db).resolveWorkspace(nil)

        let funnelQuery = AnalysisQuery(kind: .funnel, journey: journey.id)
        var countsQuery = funnelQuery
        countsQuery.options.stepTimes = false
        let pathsQuery = AnalysisQuery(kind: .paths, journey: journey.id)
        let conformanceQuery = AnalysisQuery(kind: .conformance, journey: journey.id)
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: IndexRequest(queries: [funnelQuery, pathsQuery]))
        let residentBefore = ResidentMemory.bytes()
        var built: JourneyIndex?
        let buildSeconds = try Stopwatch.seconds { built = try builder.build(from: store) }
        let index = built!
        let resident = ResidentMemory.bytes()

        var report = BenchReport(index: index, buildSeconds: buildSeconds, residentBytes: resident, repeats: options.repeats)
        report.indexBytesAfterTrim = ResidentMemory.bytesAfterTrim()
        report.residentBeforeBuildBytes = residentBefore
        // Later builds read the store from a warm page cache, as a server that builds indexes does;
        // each is dropped before the next.
        var builds = [buildSeconds]
        for _ in 1..<options.buildRepeats {
            builds.append(try Stopwatch.seconds { _ = try builder.build(from: store) })
        }
        report.setBuildTimes(builds)
        let funnel = try Stopwatch.best(of: options.repeats) { try FunnelAnalysis.run(funnelQuery, on: index) }
        report.funnelSeconds = funnel.seconds
        report.funnelSteps = funnel.result.steps.map(\.customers)
        // The counting funnel and the bare pass in turn, so that their ratio is of the same moments.
        let (counts, bare) = try Stopwatch.best(of: options.repeats, alternating: {
            try FunnelAnalysis.run(countsQuery, on: index)
        }, { BarePass.sum(index, threads: 2) })
        report.funnelCountsSeconds = counts.seconds
        guard counts.result.steps.map(\.customers) == report.funnelSteps else {
            throw BenchFailure("the funnel without step times counted \(counts.result.steps.map(\.customers)), with them \(report.funnelSteps)")
        }
        report.barePassSeconds = bare.seconds
        report.barePassChecksum = bare.result
        let single = Stopwatch.best(of: options.repeats) { BarePass.sum(index, threads: 1) }
        report.barePassOneThreadSeconds = single.seconds
        let paths = try Stopwatch.best(of: options.repeats) { try PathsAnalysis.run(pathsQuery, on: index) }
        report.pathsSeconds = paths.seconds
        report.variants = paths.result.variants.distinct
        report.edges = paths.result.dfg.edges.count
        do {
            let conformance = try Stopwatch.best(of: options.repeats) { try Analyzer.run(conformanceQuery, on: index) }
            report.conformanceSeconds = conformance.seconds
        } catch let error as AnalysisError where error.description.contains("not available") {
            report.conformanceSeconds = nil
            report.conformanceNote = error.description
        }
        var markovQuery = AnalysisQuery(kind: .attribution, journey: journey.id)
        let markov = try Stopwatch.best(of: options.repeats) { try AttributionAnalysis.run(markovQuery, on: index) }
        report.attributionMarkovSeconds = markov.seconds
        report.attributionJourneys = markov.result.journeys
        markovQuery.options.model = .linear
        report.attributionLinearSeconds = try Stopwatch.best(of: options.repeats) { try AttributionAnalysis.run(markovQuery, on: index) }.seconds
        return report
    }
}

/// The work could not be done.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
