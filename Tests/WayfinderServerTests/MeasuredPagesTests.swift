import CustomerData
import Foundation
import HTTPTypes
import JourneyAnalytics
import JourneyModel
import JourneyRender
import JourneyStore
import Testing
import WayfinderTesting

/// The numbers the pages show, checked against a plain recount from the definitions in
/// `docs/analytics.md`.
@Suite("Measured pages")
struct MeasuredPagesTests {
    /// Per persona id (and `none`): customers with a classified event, and those of them with an
    /// event at the goal touchpoint, counted one customer at a time.
    static func personaConversion(_ index: JourneyIndex) throws -> [String: (withEvents: Int, converted: Int)] {
        let goal = try #require(index.journey.goal.flatMap(index.touchpoint))
        var counts: [String: (withEvents: Int, converted: Int)] = [:]
        for customer in 0..<index.customerCount {
            let persona = index.personas[customer] == JourneyIndex.noPersona ? "none" : index.personaIDs[Int(index.personas[customer])]
            let touchpoints = index.events(of: customer).map { Int(index.touchpoints[$0]) }
            guard !touchpoints.isEmpty else { continue }
            counts[persona, default: (0, 0)].withEvents += 1
            if touchpoints.contains(goal) { counts[persona, default: (0, 0)].converted += 1 }
        }
        return counts
    }

    @Test("a persona page shows, for each current-state map, the share of the persona's customers with an event on the map who reached its goal")
    func personaConversion() async throws {
        let harness = try await APIHarness()
        // As `wayfinder demo` loads it from its folder: the future-state map first.
        var loaded = WorkspaceTemplate.retail.workspace
        loaded.journeys.sort { ($0.state == .future ? 0 : 1, $0.id) < ($1.state == .future ? 0 : 1, $1.id) }
        let template = loaded
        #expect(template.journeys.first?.state == .future, "the first map is a future map, which the persona page must not measure")
        _ = try await harness.store.importWorkspace("retail", workspace: template, author: "test", createIfMissing: true)
        let retail = try await harness.store.workspaceData("retail")
        _ = try DemoData(into: retail, customers: 400)
        let current = template.journeys.filter { $0.state == .current }
        let expected = try current.map { map in
            (map, try Self.personaConversion(IndexBuilder(workspace: template, journey: map).build(from: retail)))
        }
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            for persona in template.personas {
                let page = try await client.call(.get, "/w/retail/personas/\(persona.id)", as: admin)
                #expect(page.status == 200)
                for (map, counts) in expected {
                    let count = try #require(counts[persona.id])
                    #expect(count.converted > 0 && count.converted < count.withEvents)
                    let rate = ChartFormat.percent(Double(count.converted) / Double(count.withEvents))
                    #expect(page.text.contains(" \(rate) of "), "\(persona.id) on \(map.id): \(rate) expected in \(page.text)")
                    #expect(page.text.contains("\(XMLText.escape(map.title)): \(rate) of the \(count.withEvents) with an event on the map reach its goal"))
                }
            }
        }
    }

    @Test("a future map that is not live shows its designed map and says so on its map page, report and shared view; the API measures it only when asked")
    func futureMapNotLive() async throws {
        let harness = try await APIHarness()
        _ = try DemoData(into: try await harness.store.workspaceData("shop"), customers: 300)
        let future = try #require(WorkspaceTemplate.retail.workspace.journeys.first { $0.state == .future })
        let link = try await harness.store.createShareLink(workspace: "shop", map: future.id, createdBy: "test", expires: nil)
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let map = try await client.call(.get, "/w/shop/maps/\(future.id)", as: viewer)
            let report = try await client.call(.get, "/w/shop/maps/\(future.id)/report", as: viewer)
            let shared = try await client.call(.get, "/share/\(link.token)", as: .none)
            let sharedReport = try await client.call(.get, "/share/\(link.token)/report", as: .none)
            for page in [map, report, shared, sharedReport] {
                #expect(page.status == 200 && page.text.contains("Not live yet") && page.text.contains("<svg"))
                #expect(!page.text.contains("--measure-future"), "a page names no command-line option")
                for measuredOnly in ["<h2>Funnel</h2>", "% reach the goal", #"feels -?[0-9.]+ \(n="#, "Conversion: "] {
                    #expect(page.text.range(of: measuredOnly, options: .regularExpression) == nil, "no measured '\(measuredOnly)' on a map that is not live")
                }
            }
            let refused = try await client.call(.post, "/api/v1/workspaces/shop/analyses", json(["kind": "funnel", "journey": future.id]), as: .key(harness.base.read))
            #expect(refused.status == 422 && (refused.errorMessage ?? "").contains("not live yet"), "\(refused)")
            let asked = try await client.call(.post, "/api/v1/workspaces/shop/analyses",
                                              json(["kind": "funnel", "journey": future.id, "options": ["measure_future": true]]), as: .key(harness.base.read))
            #expect(asked.status == 200, "\(asked)")
        }
    }

    @Test("the report page lists only track, page and screen events as events the map does not describe, with identify calls and survey answers counted apart")
    func undescribedEvents() async throws {
        let harness = try await APIHarness()
        let data = try DemoData(into: try await harness.store.workspaceData("shop"), customers: 300)
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let report = try await client.call(.get, "/w/shop/maps/\(harness.mapID)/report", as: viewer)
            #expect(report.status == 200)
            let start = try #require(report.text.range(of: "<h2>Events the map does not describe</h2>"))
            let end = try #require(report.text.range(of: "</section>", range: start.upperBound..<report.text.endIndex))
            let table = String(report.text[start.lowerBound..<end.lowerBound])
            let types = table.components(separatedBy: "<tr><td>").dropFirst().map { $0.prefix { $0 != "<" } }
            #expect(!types.isEmpty && types.allSatisfy { ["track", "page", "screen"].contains(String($0)) }, "\(types)")
            let identify = try #require(data.truth.eventsByType["identify"])
            #expect(table.contains("\(ChartFormat.count(data.truth.noiseEvents)) track, page and screen events no touchpoint"), "\(table.prefix(400))")
            #expect(table.contains("\(identify) identify"), "\(table.prefix(600))")
        }
    }
}

