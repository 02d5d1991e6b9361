import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import Testing

/// The report's headlines and every analysis's conversion against the generator's planted truth:
/// conversion means reaching the map's goal, everywhere.
@Suite("Report")
struct ReportTests {
    static func percent(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 10
        return (scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)) + "%"
    }

    @Test("conversion is the share of customers who reached the map's goal, the same in the headline, personas and friction; the funnel's last share is 'reached <stage>'",
          arguments: [WorkspaceTemplate.retail, .saas])
    func conversion(template: WorkspaceTemplate) throws {
        let fixture = try StoreFixture.generated(template, customers: 800, seed: 21)
        let truth = try #require(fixture.truth)
        let journey = fixture.journey
        let goal = try #require(journey.goal.flatMap(journey.touchpoint))
        #expect(journey.stages.last?.id != goal.stage, "the goal sits before the last stage, so reaching the last stage is not conversion")
        // Every generated customer has at least one event on the map.
        #expect(fixture.index.summary.customersWithEvents == truth.customers)
        let planted = Double(truth.goal.customers) / Double(truth.customers)
        let steps = truth.funnel.steps
        let lastShare = Double(try #require(steps.last).customers) / Double(try #require(steps.first).customers)
        #expect(abs(planted - lastShare) > 0.002, "the two shares differ, so the test tells them apart")

        let report = try JourneyReport(index: fixture.index, base: AnalysisQuery(kind: .funnel, journey: journey.id))
        let headline = "Conversion: \(Self.percent(planted)) of the \(truth.customers) customers reached the goal, \(goal.name) (\(truth.goal.customers) customers)."
        #expect(report.headlines.contains(headline), "\(report.headlines)")
        let last = try #require(journey.stages.last)
        #expect(report.headlines.contains { $0.hasPrefix("Reached \(last.name): \(Self.percent(lastShare)) of the \(steps[0].customers) customers") },
                "\(report.headlines)")
        let namingConversion = report.headlines.filter { $0.replacingOccurrences(of: "conversions lost", with: "").localizedCaseInsensitiveContains("conversion") }
        #expect(namingConversion == [headline], "only the goal's share is called conversion")

        #expect(report.personas.converted == truth.goal.customers && report.personas.withEvents == truth.customers)
        #expect(report.personas.conversion == planted)
        #expect(report.friction.converted == truth.goal.customers && report.friction.conversion == planted)
        #expect(report.funnel.reachedLast == lastShare)

        // The report's next best action lists no customer (it may be shared) and its groups reveal no trait.
        let nextBest = try #require(report.nextBest)
        #expect(nextBest.customers.isEmpty && nextBest.atRisk > 0)
        let segments = try #require(report.segments)
        #expect(segments.features.allSatisfy { $0.source == "journey" } && segments.groups.allSatisfy(\.traits.isEmpty) && segments.assignments == nil)
        #expect(segments.groups.reduce(0) { $0 + $1.customers } == truth.customers)
        #expect(segments.converted == truth.goal.customers, "the groups' conversion counts the goal as everywhere")
    }

    @Test("the funnel's JSON names no share 'conversion': the last step's share is reached_last, each step's share of the previous from_previous")
    func funnelKeys() throws {
        let fixture = try StoreFixture.generated(.retail, customers: 300, seed: 4)
        let text = Analyzer.json(try fixture.run(.funnel))
        let funnel = try #require((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["funnel"] as? [String: Any])
        #expect(funnel["conversion"] == nil)
        let steps = try #require(funnel["steps"] as? [[String: Any]])
        #expect(steps.allSatisfy { $0["conversion"] == nil })
        let first = try #require(steps.first?["customers"] as? Int), last = try #require(steps.last?["customers"] as? Int)
        #expect(funnel["reached_last"] as? Double == Double(last) / Double(first))
        let second = try #require(steps.dropFirst().first)
        #expect(second["from_previous"] as? Double == Double(second["customers"] as? Int ?? -1) / Double(first))
    }

    @Test("events the map does not describe are track, page and screen events; identify, alias, group and survey answers are counted apart as not journey events",
          arguments: [WorkspaceTemplate.retail, .saas])
    func undescribedEvents(template: WorkspaceTemplate) throws {
        let fixture = try StoreFixture.generated(template, customers: 500, seed: 8)
        let truth = try #require(fixture.truth)
        let output = try fixture.run(.personas)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Analyzer.json(output).utf8)) as? [String: Any])
        let index = try #require(object["index"] as? [String: Any])
        // The generator's noise is the only track, page or screen traffic no rule selects.
        #expect(index["unclassified_interactions"] as? Int == truth.noiseEvents)
        let other = try #require(index["not_journey_events"] as? [String: Int])
        #expect(other["identify"] == truth.eventsByType["identify"])
        #expect(other.values.reduce(0, +) == truth.unclassifiedEvents - truth.noiseEvents)
        #expect((other["feedback"] ?? 0) > 0)
        #expect(index["unclassified"] as? Int == truth.unclassifiedEvents)
        let listed = try #require(index["top_unclassified"] as? [[String: Any]])
        #expect(!listed.isEmpty)
        #expect(listed.allSatisfy { ["track", "page", "screen"].contains($0["type"] as? String ?? "") }, "\(listed.map { $0["type"] ?? "" })")

        let report = try JourneyReport(index: fixture.index, base: AnalysisQuery(kind: .funnel, journey: fixture.journey.id))
        let line = try #require(report.headlines.first { $0.contains("fall on the map") })
        let interactions = Double(fixture.index.summary.classified + truth.noiseEvents)
        #expect(line.hasPrefix("\(Self.percent(Double(fixture.index.summary.classified) / interactions)) of journey events fall on the map"), "\(line)")
        #expect(!line.contains("most frequent other event is feedback") && !line.contains("most frequent other event is identify"), "\(line)")
        #expect(line.contains("\(other["identify"] ?? -1) identify"), "\(line)")
    }
}

