import CustomerData
import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Planted truth")
struct TruthRecoveryTests {
    @Test("stitching recovers the generator's customers exactly", arguments: [
        (WorkspaceTemplate.retail, ScenarioWriter.Format.csv), (.saas, .ndjson), (.healthcare, .segment), (.leadGen, .csv),
    ])
    func recover(template: WorkspaceTemplate, format: ScenarioWriter.Format) throws {
        let directory = try TemporaryDirectory()
        let generator = ScenarioGenerator(template: template, customers: 400, seed: 11)
        let truth = try ScenarioWriter(directory: directory.path("data"), format: format).write(generator)
        let store = try JourneyStore(path: directory.path("store.db"))
        let importer = try Importer(data: store.data)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path("data"))
            .filter { $0.hasPrefix("events.") || $0.hasPrefix("batch-") }.sorted()
        for file in files { _ = try importer.importFile(directory.path("data/\(file)")) }
        let summary = importer.summary()
        #expect(summary.quarantined == 0, "generated data is clean")
        #expect(summary.imported == truth.events)

        // The planted identifiers, read from the truth file the generator wrote.
        let planted = try PlantedCustomers(file: directory.path("data/\(ScenarioWriter.identifiersFile)"))
        #expect(planted.identifiers.count == truth.customers)
        #expect(try store.data.counts().customers == truth.customers, "as many customers after stitching as were planted")

        let stored: [String: Int64] = try store.database.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT kind || ':' || value, customer_id FROM identities").map { ($0[0], $0[1]) })
        }
        // Every planted person's identifiers on one customer, no two people merged, no identifier beyond the planted ones.
        let differences = planted.differences(from: stored)
        #expect(differences.isEmpty, "\(differences.prefix(10))")
    }
}
