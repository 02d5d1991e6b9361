import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import Testing
import WayfinderTesting

/// A future-state map is measured only from its `live_from` day, or on request (`measure_future`),
/// checked against plain recounts of the stored events.
@Suite("Future maps and live_from")
struct LivenessTests {
    static let liveDay = CalendarDate(year: 2026, month: 2, day: 1)!

    /// The retail scenario with a copy of its current map as a future map (`live_from` as given).
    static func scenario(liveFrom: CalendarDate?) throws -> (fixture: StoreFixture, workspace: Workspace, future: JourneyMap) {
        let fixture = try StoreFixture.generated(.retail, customers: 700, seed: 17)
        var future = fixture.journey
        future.id = "first-purchase-proposal"
        future.state = .future
        future.improves = fixture.journey.id
        future.liveFrom = liveFrom
        var workspace = fixture.workspace
        workspace.journeys.append(future)
        return (fixture, workspace, future)
    }

    /// Per persona id: customers with a classified event (at or after `from`) and those of them with one at the goal.
    static func conversion(_ journeys: [ExportedJourney], _ index: JourneyIndex) -> [String: [Int]] {
        var counts: [String: [Int]] = [:]
        for journey in journeys where !journey.touchpoints.isEmpty {
            let slot = index.personas[journey.customer]
            let persona = slot == JourneyIndex.noPersona ? "none" : index.personaIDs[Int(slot)]
            counts[persona, default: [0, 0]][0] += 1
            if journey.touchpoints.contains(index.journey.goal ?? "") { counts[persona, default: [0, 0]][1] += 1 }
        }
        return counts
    }

    static func conversion(_ result: PersonaCoverageResult) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: result.personas.filter { $0.withEvents > 0 }.map { ($0.id, [$0.withEvents, $0.converted]) })
    }

    @Test("a future map without live_from is not measured: the index is refused and every analysis says what to do; measure_future measures it over all the data")
    func notLive() throws {
        let (fixture, workspace, future) = try Self.scenario(liveFrom: nil)
        #expect(throws: IndexBuilder.Failure.self) { try IndexBuilder(workspace: workspace, journey: future).build(from: fixture.store.data) }
        do {
            _ = try IndexBuilder(workspace: workspace, journey: future).build(from: fixture.store.data)
        } catch let failure as IndexBuilder.Failure {
            #expect(failure.description.contains("not live yet") && failure.description.contains("live_from") && failure.description.contains("measure_future"))
        }
        var options = Options()
        options.measureFuture = true
        let measured = AnalysisQuery(kind: .personas, journey: future.id, options: options)
        let index = try IndexBuilder(workspace: workspace, journey: future, request: IndexRequest(queries: [measured])).build(from: fixture.store.data)
        for kind in AnalysisQuery.Kind.allCases where kind != .compare {
            var query = AnalysisQuery(kind: kind, journey: future.id)
            // The lists of one touchpoint's customers need the touchpoint to be a whole query.
            if kind.listsCustomers { query.options.touchpoint = future.touchpoints[0].id }
            #expect(throws: AnalysisError(Liveness.notLiveMessage(future))) { try Analyzer.run(query, on: index) }
        }
        #expect(throws: AnalysisError.self) { try JourneyReport(index: index, base: AnalysisQuery(kind: .funnel, journey: future.id)) }
        let personas = try #require(try Analyzer.run(measured, on: index).personas)
        #expect(Self.conversion(personas) == Self.conversion(ExportedJourney.all(fixture.index), fixture.index))
        #expect(index.summary.events == fixture.truth?.events)
    }

    @Test("a future map with live_from counts only events and survey answers from that day on; measure_future counts them all")
    func liveFrom() throws {
        let (fixture, workspace, future) = try Self.scenario(liveFrom: Self.liveDay)
        let day = Self.liveDay.millisecondsSince1970
        let index = try IndexBuilder(workspace: workspace, journey: future).build(from: fixture.store.data)

        // Events read: the stored events from the live day on, counted from the generated file.
        let lines = try String(contentsOfFile: fixture.directory.path("data/events.ndjson"), encoding: .utf8).split(separator: "\n")
        let times = try lines.map { line -> Int64 in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try Timestamp.parse(try #require(object["timestamp"] as? String))
        }
        #expect(times.contains { $0 < day } && times.contains { $0 >= day })
        #expect(index.summary.events == times.filter { $0 >= day }.count)
        #expect(index.timestamps.allSatisfy { $0 >= day })
        #expect(index.feedback.timestamps.allSatisfy { $0 >= day })
        #expect(index.feedback.count == fixture.index.feedback.timestamps.filter { $0 >= day }.count)

        let query = AnalysisQuery(kind: .personas, journey: future.id)
        let personas = try #require(try Analyzer.run(query, on: index).personas)
        let later = ExportedJourney.all(fixture.index, from: day)
        #expect(Self.conversion(personas) == Self.conversion(later, fixture.index))
        #expect(personas.converted == later.filter { $0.touchpoints.contains(future.goal ?? "") }.count)
        let touchpoints = try TouchpointAnalysis.run(query, on: index)
        for row in touchpoints.touchpoints {
            #expect(row.visitors == later.filter { $0.touchpoints.contains(row.id) }.count, "\(row.id)")
        }
        let report = try JourneyReport(index: index, base: AnalysisQuery(kind: .funnel, journey: future.id))
        #expect(report.headlines.first == "Measured from 2026-02-01, when the map went live (live_from); earlier events do not count.")
        #expect(report.liveness == .since(Self.liveDay))

        // measure_future ignores live_from; an index holding only the later events cannot answer it.
        var options = Options()
        options.measureFuture = true
        let all = AnalysisQuery(kind: .personas, journey: future.id, options: options)
        #expect(throws: AnalysisError.self) { try Analyzer.run(all, on: index) }
        let everything = try IndexBuilder(workspace: workspace, journey: future, request: IndexRequest(queries: [all])).build(from: fixture.store.data)
        #expect(everything.summary.events == times.count)
        #expect(Self.conversion(try #require(try Analyzer.run(all, on: everything).personas)) == Self.conversion(ExportedJourney.all(fixture.index), fixture.index))
        // The same all-data index answers a query without measure_future from the live day only.
        #expect(try Analyzer.run(query, on: everything).personas == personas)
    }

    @Test("a current map is measured from its live_from day too")
    func currentMap() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 400, seed: 2)
        var journey = fixture.journey
        journey.liveFrom = Self.liveDay
        let index = try IndexBuilder(workspace: fixture.workspace, journey: journey).build(from: fixture.store.data)
        let personas = try #require(try Analyzer.run(AnalysisQuery(kind: .personas, journey: journey.id), on: index).personas)
        #expect(Self.conversion(personas) == Self.conversion(ExportedJourney.all(fixture.index, from: Self.liveDay.millisecondsSince1970), fixture.index))
        var options = Options()
        options.measureFuture = true
        #expect(try Analyzer.run(AnalysisQuery(kind: .personas, journey: journey.id, options: options), on: index).personas == personas,
                "measure_future is about future maps only")
    }
}
