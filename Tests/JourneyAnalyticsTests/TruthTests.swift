import CustomerData
import Foundation
import GRDB
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

        try expectPlanted(truth, index: index, journey: journey)
    }

    @Test("the omnichannel scenario's tool exports, each read by its preset, give back the planted customers, funnel, personas and answers")
    func toolExports() throws {
        let directory = try TemporaryDirectory()
        let generator = ScenarioGenerator(template: .omnichannel, customers: 700, seed: 3)
        let truth = try ToolExportWriter(directory: directory.path("data")).write(generator)
        let store = try JourneyStore(path: directory.path("store.db"))
        let importer = try Importer(data: store.data)
        // The standard mapping recognises each export's preset from its header, as `wayfinder import` does.
        let mapping = CSVMapping.standard.with(arguments: ["question": ToolExportWriter.npsQuestion, "comment": ToolExportWriter.commentQuestion])
        for file in ToolExportWriter.files {
            let summary = try importer.importFile(directory.path("data/\(file)"), mapping: mapping)
            #expect(summary.counts.quarantined == 0, "\(file): nothing set aside")
            #expect(summary.counts.imported == truth.files[file], "\(file): every event the truth counts for it")
        }
        #expect(truth.files.count == 6 && truth.files.values.allSatisfy { $0 > 0 }, "every tool has rows")

        // One stitched customer per planted person, holding exactly the planted identifiers.
        let planted = try PlantedCustomers(file: directory.path("data/\(ScenarioWriter.identifiersFile)"))
        #expect(planted.identifiers.count == truth.customers)
        #expect(try store.data.counts().customers == truth.customers)
        let stored: [String: Int64] = try store.database.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT kind || ':' || value, customer_id FROM identities").map { ($0[0], $0[1]) })
        }
        let differences = planted.differences(from: stored)
        #expect(differences.isEmpty, "\(differences.prefix(10))")
        #expect(truth.identifiers.byKind["external"] ?? 0 > 0 && truth.identifiers.byKind["phone"] ?? 0 > 0, "handles and phones take part in the stitching")

        let workspace = generator.workspace
        let journey = generator.journey
        let index = try IndexBuilder(workspace: workspace, journey: journey).build(from: store.data)
        try expectPlanted(truth, index: index, journey: journey)
        let touchpoints = try TouchpointAnalysis.run(AnalysisQuery(kind: .touchpoints, journey: journey.id), on: index)
        let goal = try #require(touchpoints.touchpoints.first { $0.id == truth.goal.touchpoint })
        #expect(goal.visitors == truth.goal.customers)
        #expect(truth.funnel.steps.allSatisfy { $0.customers > 0 }, "customers reach every stage")
    }

    /// The funnel, the identified customers of each persona, the unclassified events and the
    /// survey answers of each touchpoint equal the planted counts.
    func expectPlanted(_ truth: ScenarioTruth, index: JourneyIndex, journey: JourneyMap) throws {
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
