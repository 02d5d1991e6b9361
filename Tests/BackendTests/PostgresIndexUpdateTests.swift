import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// The analytics index a team server keeps in memory over PostgreSQL, brought up to date as
/// events arrive, against one built from the whole database at each step.
@Suite("Analytics index over PostgreSQL brought up to date", .serialized, .enabled(if: BackendURLs.postgres != nil, "scripts/cluster.sh up and export its URLs to run the backend matrix"))
struct PostgresIndexUpdateTests {
    @Test("events written in three parts, with merges across them: each update equals a build from scratch")
    func updatesEqualBuilds() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: .saas, customers: 400, seed: 12))
        let lines = try String(contentsOfFile: directory.path("data/events.csv"), encoding: .utf8).split(separator: "\n")
        // In time order, as a live site sends them, so later parts merge customers of earlier ones.
        let header = lines[0], rows = lines.dropFirst().sorted { $0.prefix(20) < $1.prefix(20) }
        let workspace = WorkspaceTemplate.saas.workspace
        let journey = try #require(try workspace.journey(truth.journey))
        var request = IndexRequest()
        request.traitPaths = ["email", "plan"]
        request.propertyPaths = ["plan"]
        request.propertyFilters = [FieldFilter(argument: "plan=pro,team")!]
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: request)
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let writer = try PostgresCustomerWriter(url: postgres.url, workspace: "default")
            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            var state = try builder.update(nil, from: remote).state
            for part in 0..<3 {
                let slice = rows[rows.startIndex + rows.count * part / 3 ..< rows.startIndex + rows.count * (part + 1) / 3]
                let path = try directory.write(([header] + slice).joined(separator: "\n") + "\n", to: "part\(part).csv")
                _ = try writer.importFile(path)
                let updated = try builder.update(state, from: remote)
                #expect(updated.carried)
                #expect(updated.read == slice.count)
                let full = try builder.build(from: remote)
                #expect(updated.index.differences(from: full) == [])
                #expect(updated.index.eventCount == full.eventCount)
                state = updated.state
            }
            #expect(try builder.build(from: remote).summary.events == truth.events)
        }
    }
}
