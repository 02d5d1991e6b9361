import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// The engine against the truth the scenario generator planted and counted while generating.
@Suite("Analytics against the planted truth")
struct AnalyticsTruthTests {
    @Test("funnel, personas, unclassified events and survey answers equal the planted counts", arguments: [WorkspaceTemplate.retail, .saas])
    func truth(template: WorkspaceTemplate) throws {
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 600, seed: 5))
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: store.data).importFile(directory.path("data/events.csv"))
        let workspace = template.workspace
        let journey = try #require(workspace.journey(truth.journey))
        let index = try IndexBuilder(workspace: workspace, journey: journey).build(from: store.data)

        #expect(index.summary.events == truth.events)
        #expect(index.summary.unclassified == truth.unclassifiedEvents)
        let funnel = try FunnelAnalysis.run(AnalysisQuery(kind: .funnel, journey: journey.id), on: index)
        #expect(funnel.steps.map(\.id) == truth.funnel.steps.map(\.id))
        #expect(funnel.steps.map(\.customers) == truth.funnel.steps.map(\.customers))
        // The generator's persona is who a customer is; the engine knows it only from traits an
        // identify event revealed, so the counts to match are those of identified customers.
        let personas = try PersonaCoverage.run(AnalysisQuery(kind: .personas, journey: journey.id), on: index)
        for row in personas.personas where row.id != "none" {
            #expect(row.customers == truth.personasIdentified[row.id] ?? 0, "\(row.id)")
        }
        let emotions = try EmotionsAnalysis.run(AnalysisQuery(kind: .emotions, journey: journey.id), on: index)
        for row in emotions.touchpoints {
            let planted = truth.feedback[row.id] ?? [:]
            #expect(row.answers == planted.mapValues(\.count).filter { $0.value > 0 }, "\(row.id)")
            #expect(row.designed == journey.touchpoints.first { $0.id == row.id }?.emotion)
            // Scored answers only: the linear map of the planted mean per metric.
            if planted["text"] == nil, let measured = row.measured {
                let scale = FeedbackScale(journey.emotionScale)
                var sum = 0.0
                for (metric, summary) in planted {
                    guard let mean = summary.mean, let kind = Feedback.Metric(rawValue: metric) else { continue }
                    sum += Double(summary.count) * (scale.emotion(score: mean, metric: kind) ?? .nan)
                }
                #expect(abs(measured.mean - sum / Double(measured.count)) < 1e-3, "\(row.id)")
            }
        }
    }
}
