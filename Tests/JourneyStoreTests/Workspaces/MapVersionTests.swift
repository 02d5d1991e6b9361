import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Map versions")
struct MapVersionTests {
    /// Version 1, then the title edited, then a touchpoint added.
    static func threeVersions(_ store: JourneyStore) async throws -> [JourneyMap] {
        let v1 = WorkspaceFixture.map()
        var v2 = v1
        v2.title = "Checkout flow"
        var v3 = v2
        v3.touchpoints.append(Touchpoint(id: "confirm", name: "Sees the confirmation", stage: "buy", channel: "email"))
        for (index, map) in [v1, v2, v3].enumerated() {
            let saved = try await store.saveMap(workspace: "shop", id: "checkout", map: map, author: "ana", message: index == 1 ? "Clearer title" : nil)
            #expect(saved.outcome == (index == 0 ? .created : .updated))
            #expect(saved.version.number == index + 1)
        }
        return [v1, v2, v3]
    }

    @Test("every save is a new version, listed with author, message and the counts of its changes")
    func versions() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let maps = try await Self.threeVersions(store)
        let versions = try await store.mapVersions(workspace: "shop", id: "checkout")
        #expect(versions.map(\.number) == [1, 2, 3])
        #expect(versions.map(\.author) == ["ana", "ana", "ana"])
        #expect(versions.map(\.message) == [nil, "Clearer title", nil])
        // By hand: the map added; its title edited; one touchpoint added.
        #expect(versions.map(\.changes) == [ChangeCounts(added: 1), ChangeCounts(edited: 1), ChangeCounts(added: 1)])
        #expect(zip(versions, versions.dropFirst()).allSatisfy { $0.created <= $1.created })

        for (index, map) in maps.enumerated() {
            let stored = try await store.map(workspace: "shop", id: "checkout", version: index + 1)
            #expect(stored.map == map && stored.version == versions[index] && stored.currentVersion == 3)
        }
        #expect(try await store.map(workspace: "shop", id: "checkout").map == maps[2])
        let summary = try #require(try await store.maps(workspace: "shop").first)
        #expect(summary.id == "checkout" && summary.title == "Checkout flow" && summary.currentVersion == 3 && summary.updatedBy == "ana")

        let missing = await storeError { try await store.map(workspace: "shop", id: "checkout", version: 7) }
        #expect(missing?.code == .notFound && missing?.message == "map 'checkout': no version 7; versions are 1…3")
    }

    @Test("saving a map identical to the current version adds no version and says so")
    func identical() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let again = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ben", message: "no change")
        #expect(again.outcome == .unchanged && again.version.number == 1 && again.version.author == "ana" && again.diff.isEmpty)
        let asText = try await store.saveMap(workspace: "shop", id: "checkout", text: WorkspaceCodec.text(WorkspaceFixture.map(), syntax: .yaml),
                                             syntax: .yaml, author: "ben")
        #expect(asText.outcome == .unchanged)
        #expect(try await store.mapVersions(workspace: "shop", id: "checkout").count == 1)
        #expect(try fixture.rowCounts()["journey_map_versions"] == 1)
    }

    @Test("the diff between two versions is WorkspaceDiff of the two maps")
    func diff() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let maps = try await Self.threeVersions(store)
        for from in 1...3 {
            for to in 1...3 {
                let expected = WorkspaceDiff(old: Workspace(journeys: [maps[from - 1]]), new: Workspace(journeys: [maps[to - 1]]))
                #expect(try await store.diffMap(workspace: "shop", id: "checkout", from: from, to: to) == expected)
            }
        }
        let lines = try await store.diffMap(workspace: "shop", id: "checkout", from: 1, to: 3).changes.map(\.line)
        #expect(lines == [#"~ journey checkout title: "Checkout" → "Checkout flow""#, #"+ touchpoint checkout/confirm: "Sees the confirmation (buy, email)""#])
        let saved = try await store.saveMap(workspace: "shop", id: "checkout", map: maps[0], author: "ben")
        #expect(saved.diff == WorkspaceDiff(old: Workspace(journeys: [maps[2]]), new: Workspace(journeys: [maps[0]])))
        let bad = await storeError { try await store.diffMap(workspace: "shop", id: "checkout", from: 0, to: 2) }
        #expect(bad?.field == "from" && bad?.message == "map 'checkout': no version 0; versions are 1…4")
    }

    @Test("restoring an old version adds a version equal to it")
    func restore() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let maps = try await Self.threeVersions(store)
        let restored = try await store.restoreMap(workspace: "shop", id: "checkout", version: 1, author: "ben")
        #expect(restored.outcome == .updated && restored.version.number == 4 && restored.version.restoredFrom == 1)
        #expect(restored.version.message == "Restored version 1")
        #expect(try await store.map(workspace: "shop", id: "checkout").map == maps[0])
        #expect(try await store.diffMap(workspace: "shop", id: "checkout", from: 1, to: 4).isEmpty)
        #expect(restored.version.changes == ChangeCounts(WorkspaceDiff(old: Workspace(journeys: [maps[2]]), new: Workspace(journeys: [maps[0]]))))
        let again = try await store.restoreMap(workspace: "shop", id: "checkout", version: 1, author: "ben")
        #expect(again.outcome == .unchanged && again.version.number == 4)
        let missing = await storeError { try await store.restoreMap(workspace: "shop", id: "checkout", version: 9, author: "ben") }
        #expect(missing?.code == .notFound && missing?.field == "version")
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var name: String
        var path: String
        var code: String
        var edit: @Sendable (inout JourneyMap) -> Void
        var testDescription: String { name }
    }

    static let broken: [Broken] = [
        Broken(name: "unknown stage", path: "journeys[0].touchpoints[1].stage", code: "dangling-reference") { $0.touchpoints[1].stage = "bye" },
        Broken(name: "unknown persona", path: "journeys[0].personas[1]", code: "dangling-reference") { $0.personas.append("nobody") },
        Broken(name: "emotion off the scale", path: "journeys[0].touchpoints[0].emotion", code: "emotion-out-of-scale") { $0.touchpoints[0].emotion = 5 },
        Broken(name: "future map without a current one", path: "journeys[0].state", code: "future-without-current") { $0.state = .future },
        Broken(name: "duplicate touchpoint", path: "journeys[0].touchpoints[2].id", code: "duplicate-id") { $0.touchpoints.append($0.touchpoints[0]) },
        Broken(name: "invalid touchpoint id", path: "journeys[0].touchpoints[0].id", code: "invalid-id") { $0.touchpoints[0].id = "Product Page" },
    ]

    @Test("an invalid map is refused with its diagnostics and nothing is written", arguments: broken)
    func refused(_ broken: Broken) async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let rows = try fixture.rowCounts()
        var map = WorkspaceFixture.map()
        map.title = "Edited"
        broken.edit(&map)
        let error = await storeError { try await store.saveMap(workspace: "shop", id: "checkout", map: map, author: "ana") }
        #expect(error?.code == .invalidDocument && error?.field == "document")
        let diagnostic = try #require(error?.diagnostics.first)
        #expect(diagnostic.severity == .error && diagnostic.path == broken.path && diagnostic.code == broken.code, "\(diagnostic.formatted)")
        #expect(error?.message.hasPrefix("map 'checkout': ") == true && error?.message.hasSuffix("nothing was saved") == true)
        #expect(try fixture.rowCounts() == rows)
        #expect(try await store.mapVersions(workspace: "shop", id: "checkout").map(\.number) == [1])
        #expect(try await store.map(workspace: "shop", id: "checkout").map == WorkspaceFixture.map())

        // As a new map, it is refused too and no map appears.
        map.id = "fresh"
        let fresh = await storeError { try await store.saveMap(workspace: "shop", id: "fresh", map: map, author: "ana") }
        #expect(fresh?.code == .invalidDocument)
        #expect(try await store.maps(workspace: "shop").map(\.id) == ["checkout"])
    }

    @Test("a map sent as text is refused with the line and column of the problem, with a suggestion")
    func refusedText() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let yaml = """
            id: checkout
            title: Checkout
            personas: [maya]
            goal: pay
            touchpoints:
              - { id: pay, name: Pays, stage: decisoin, channel: web }
            """
        let error = await storeError { try await fixture.store.saveMap(workspace: "shop", id: "checkout", text: yaml, syntax: .yaml, author: "ana") }
        let diagnostic = try #require(error?.diagnostics.first)
        #expect(diagnostic.path == "journeys[0].touchpoints[0].stage" && diagnostic.line == 6 && diagnostic.file == "journeys/checkout.yaml")
        #expect(diagnostic.suggestion == "did you mean 'decision'?")
        #expect(diagnostic.expected == "the id of a stage of this map")
        #expect(try fixture.rowCounts()["journey_maps"] == 0)
    }

    @Test("a map whose id differs from the request is refused")
    func mismatchedID() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let error = await storeError { try await fixture.store.saveMap(workspace: "shop", id: "payment", map: WorkspaceFixture.map(), author: "ana") }
        #expect(error?.code == .invalidInput && error?.field == "id")
        #expect(error?.message == "id: the map document has id 'checkout' but the request names 'payment'; make them the same")
        let blankAuthor = await storeError { try await fixture.store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "") }
        #expect(blankAuthor?.field == "author")
        #expect(try fixture.rowCounts()["journey_maps"] == 0)
    }

    @Test("a save based on an older version is refused as a conflict")
    func conflict() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana", baseVersion: 0)
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(title: "B"), author: "ana", baseVersion: 1)
        let stale = await storeError { try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(title: "C"), author: "ben", baseVersion: 1) }
        #expect(stale?.code == .versionConflict && stale?.field == "baseVersion")
        #expect(stale?.message == "map 'checkout' is at version 2, but the edit expected it at version 1; read the current version, apply the edit to it and save again")
        let exists = await storeError { try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(title: "C"), author: "ben", baseVersion: 0) }
        #expect(exists?.code == .versionConflict)
        #expect(try await store.mapVersions(workspace: "shop", id: "checkout").count == 2)
    }

    @Test("deleting a map removes its versions and comments; a map a future map improves is kept")
    func deleteMap() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await Self.threeVersions(store)
        _ = try await store.addComment(workspace: "shop", map: "checkout", target: .touchpoint("pay"), author: "ana", body: "Slow")
        var future = WorkspaceFixture.map(id: "checkout-next", title: "Checkout, next year")
        future.state = .future
        future.improves = "checkout"
        _ = try await store.saveMap(workspace: "shop", id: "checkout-next", map: future, author: "ana")
        let refused = await storeError { try await store.deleteMap(workspace: "shop", id: "checkout") }
        #expect(refused?.code == .inUse && refused?.message.contains("'checkout-next'") == true)

        // Turning the current map into a future one would leave checkout-next pointing at a future map.
        var turned = WorkspaceFixture.map()
        turned.state = .future
        turned.improves = "checkout-next"
        let broken = await storeError { try await store.saveMap(workspace: "shop", id: "checkout", map: turned, author: "ana") }
        #expect(broken?.diagnostics.contains { $0.file == "journeys/checkout-next.json" && $0.code == "invalid-reference" } == true,
                "\(broken?.debugDescription ?? "")")

        try await store.deleteMap(workspace: "shop", id: "checkout-next")
        try await store.deleteMap(workspace: "shop", id: "checkout")
        #expect(try fixture.rowCounts() == ["workspaces": 1, "personas": 1, "journey_maps": 0, "journey_map_versions": 0, "comments": 0])
        let gone = await storeError { try await store.mapVersions(workspace: "shop", id: "checkout") }
        #expect(gone?.message == "id: workspace 'shop' has no map 'checkout'; it has no maps yet")
        let again = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        #expect(again.outcome == .created && again.version.number == 1)
    }

    @Test("concurrent saves get consecutive versions; of saves based on one version, exactly one wins")
    func concurrentSaves() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(title: "Title \(index)"), author: "user \(index)").version.number
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(2...13))
        #expect(try await store.mapVersions(workspace: "shop", id: "checkout").map(\.number) == Array(1...13))

        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<6 {
                group.addTask {
                    (try? await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(title: "Edit \(index)"), author: "ben",
                                              baseVersion: 13)) != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await store.map(workspace: "shop", id: "checkout").currentVersion == 14)
    }

    @Test("what was saved is there after the store is opened again")
    func reopen() async throws {
        let fixture = try await WorkspaceFixture.shop()
        _ = try await Self.threeVersions(fixture.store)
        let reopened = try JourneyStore(path: fixture.directory.path("store.db"))
        #expect(try await reopened.mapVersions(workspace: "shop", id: "checkout").map(\.number) == [1, 2, 3])
        #expect(try await reopened.exportWorkspace("shop") == fixture.store.exportWorkspace("shop"))
    }

    @Test("an error a stored map has already blocks saves of that map only")
    func storedError() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        // As if a stricter validator came with an upgrade: the stored map names a persona that does not exist.
        var stale = WorkspaceFixture.map()
        stale.personas.append("ghost")
        let document = WorkspaceCodec.text(stale, syntax: .json)
        try await store.database.write { db in
            try db.execute(sql: "UPDATE journey_map_versions SET document = ?", arguments: [document])
        }
        let other = try await store.saveMap(workspace: "shop", id: "returns", map: WorkspaceFixture.map(id: "returns", title: "Returns"), author: "ana")
        #expect(other.outcome == .created)
        var persona = WorkspaceFixture.persona
        persona.quote = "Fit first."
        #expect(try await store.savePersona(workspace: "shop", id: "maya", persona: persona).outcome == .updated)
        var edited = stale
        edited.title = "Checkout, edited"
        let refused = await storeError { try await store.saveMap(workspace: "shop", id: "checkout", map: edited, author: "ana") }
        #expect(refused?.diagnostics.first?.path == "journeys[0].personas[1]")
        #expect(try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(title: "Fixed"), author: "ana").version.number == 2)
    }
}
