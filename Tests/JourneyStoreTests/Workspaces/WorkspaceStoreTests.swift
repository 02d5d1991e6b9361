import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Workspaces and personas")
struct WorkspaceStoreTests {
    @Test("a workspace is created, listed, read, updated and deleted")
    func lifecycle() async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        let before = Date()
        let created = try await store.createWorkspace(id: "shop", name: "Shop", description: "Running shoes")
        #expect(created.id == "shop" && created.name == "Shop" && created.description == "Running shoes")
        #expect(created.personas == 0 && created.maps == 0)
        #expect(created.created == created.updated && abs(created.created.timeIntervalSince(before)) < 60)
        _ = try await store.createWorkspace(id: "another-shop", name: "Another")
        #expect(try await store.workspaces().map(\.id) == ["another-shop", "shop"])

        let updated = try await store.updateWorkspace("shop", name: "Shop UK", description: nil)
        #expect(updated.name == "Shop UK" && updated.description == nil && updated.created == created.created && updated.updated >= created.updated)
        #expect(try await store.workspace("shop") == updated)

        try await store.deleteWorkspace("shop")
        #expect(try await store.workspaces().map(\.id) == ["another-shop"])
        let missing = await storeError { try await store.workspace("shop") }
        #expect(missing?.code == .notFound && missing?.field == "id")
    }

    @Test("workspace ids follow the journey id rules", arguments: ["My Shop", "shop_1", "-shop", "shop--uk", "", "Shop"])
    func invalidID(_ id: String) async throws {
        let fixture = try WorkspaceFixture()
        let error = await storeError { try await fixture.store.createWorkspace(id: id, name: "Shop") }
        #expect(error?.code == .invalidInput && error?.field == "id")
        #expect(error?.message.contains("lower-case letters, digits and single hyphens") == true, "\(error?.message ?? "")")
        #expect(try await fixture.store.workspaces().isEmpty)
    }

    @Test("a duplicate id, a blank name and a NUL character are refused with the field named")
    func refusedFields() async throws {
        let fixture = try WorkspaceFixture()
        _ = try await fixture.store.createWorkspace(id: "shop", name: "Shop")
        let duplicate = await storeError { try await fixture.store.createWorkspace(id: "shop", name: "Other") }
        #expect(duplicate?.code == .alreadyExists && duplicate?.message == "id: a workspace 'shop' exists already; choose another id or update that one")
        let blank = await storeError { try await fixture.store.createWorkspace(id: "other", name: "  ") }
        #expect(blank?.code == .invalidInput && blank?.field == "name")
        let nul = await storeError { try await fixture.store.updateWorkspace("shop", name: "Sh\u{0}op", description: nil) }
        #expect(nul?.field == "name" && nul?.message.contains("U+0000") == true)
        let long = await storeError { try await fixture.store.createWorkspace(id: "other", name: String(repeating: "x", count: 201)) }
        #expect(long?.message == "name: 201 characters; at most 200 are allowed, so shorten it")
        #expect(try await fixture.store.workspace("shop").name == "Shop")
    }

    static let hostile = ["<script>alert('x')</script>", "'; DROP TABLE workspaces; --", "Robert'); DELETE FROM personas; --", "\"quoted\" & <b>bold</b>"]

    @Test("names carrying HTML and SQL are stored and read back verbatim", arguments: hostile)
    func verbatim(_ text: String) async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        _ = try await store.createWorkspace(id: "shop", name: text, description: text)
        var persona = WorkspaceFixture.persona
        persona.name = text
        persona.quote = text
        _ = try await store.savePersona(workspace: "shop", id: "maya", persona: persona)
        var map = WorkspaceFixture.map()
        map.title = text
        map.touchpoints[0].name = text
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: map, author: text, message: text)
        let comment = try await store.addComment(workspace: "shop", map: "checkout", target: .map, author: text, body: text)

        let info = try await store.workspace("shop")
        #expect(info.name == text && info.description == text)
        #expect(try await store.persona(workspace: "shop", id: "maya").persona == persona)
        let stored = try await store.map(workspace: "shop", id: "checkout")
        #expect(stored.map == map && stored.version.author == text && stored.version.message == text)
        #expect(try await store.maps(workspace: "shop").first?.title == text)
        let thread = try #require(try await store.commentThreads(workspace: "shop", map: "checkout").first)
        #expect(thread.comment == comment && thread.comment.body == text && thread.comment.author == text)
        #expect(try fixture.rowCounts() == ["workspaces": 1, "personas": 1, "journey_maps": 1, "journey_map_versions": 1, "comments": 1])
    }

    @Test("deleting a workspace removes its personas, maps, versions and comments, and nothing of another")
    func cascade() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.createWorkspace(id: "other", name: "Other")
        _ = try await store.savePersona(workspace: "other", id: "maya", persona: WorkspaceFixture.persona)
        for workspace in ["shop", "other"] {
            _ = try await store.saveMap(workspace: workspace, id: "checkout", map: WorkspaceFixture.map(), author: "ana")
            _ = try await store.saveMap(workspace: workspace, id: "checkout", map: WorkspaceFixture.map(title: "Checkout 2"), author: "ana")
            let first = try await store.addComment(workspace: workspace, map: "checkout", target: .touchpoint("pay"), author: "ana", body: "Why?")
            _ = try await store.reply(workspace: workspace, map: "checkout", to: first.id, author: "ben", body: "Because.")
        }
        #expect(try fixture.rowCounts() == ["workspaces": 2, "personas": 2, "journey_maps": 2, "journey_map_versions": 4, "comments": 4])
        try await store.deleteWorkspace("shop")
        #expect(try fixture.rowCounts() == ["workspaces": 1, "personas": 1, "journey_maps": 1, "journey_map_versions": 2, "comments": 2])
        #expect(try await store.commentThreads(workspace: "other", map: "checkout").map(\.replies.count) == [1])
        let gone = await storeError { try await store.maps(workspace: "shop") }
        #expect(gone?.code == .notFound && gone?.message == "workspace: no workspace 'shop'; list the workspaces to find its id, or create it")
    }

    @Test("personas are created, replaced, listed, read and deleted; an identical save writes nothing")
    func personas() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let first = try await store.persona(workspace: "shop", id: "maya")
        #expect(first.persona == WorkspaceFixture.persona)
        #expect(try await store.savePersona(workspace: "shop", id: "maya", persona: WorkspaceFixture.persona).outcome == .unchanged)
        var changed = WorkspaceFixture.persona
        changed.goals.append("Pay a fair price")
        #expect(try await store.savePersona(workspace: "shop", id: "maya", persona: changed).outcome == .updated)
        let text = #"{"id": "sam", "name": "Sam <admin>", "channels": ["store"]}"#
        #expect(try await store.savePersona(workspace: "shop", id: "sam", text: text).outcome == .created)
        let listed = try await store.personas(workspace: "shop")
        #expect(listed.map(\.id) == ["maya", "sam"])
        #expect(listed[0].persona == changed && listed[0].created == first.created)
        #expect(listed[1].persona == Persona(id: "sam", name: "Sam <admin>", channels: ["store"]))
        #expect(try await store.workspace("shop").personas == 2)

        try await store.deletePersona(workspace: "shop", id: "sam")
        let missing = await storeError { try await store.persona(workspace: "shop", id: "sam") }
        #expect(missing?.message == "id: workspace 'shop' has no persona 'sam'; its personas are 'maya'")
    }

    @Test("a persona whose id differs from the request, or that a map uses, is refused")
    func personaRefusals() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let mismatch = await storeError { try await store.savePersona(workspace: "shop", id: "sam", persona: WorkspaceFixture.persona) }
        #expect(mismatch?.code == .invalidInput && mismatch?.field == "id")
        let broken = await storeError { try await store.savePersona(workspace: "shop", id: "sam", text: "{\"id\": \"sam\", \"nmae\": \"Sam\"}") }
        #expect(broken?.code == .invalidDocument)
        #expect(broken?.diagnostics.map(\.code).sorted() == ["missing-key", "unknown-key"])
        #expect(broken?.diagnostics.allSatisfy { $0.line == 1 } == true, "diagnostics point into the text sent")

        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let used = await storeError { try await store.deletePersona(workspace: "shop", id: "maya") }
        #expect(used?.code == .inUse && used?.message == "persona 'maya' is used by the map 'checkout'; remove it from their 'personas' first, then delete it")
        #expect(try await store.personas(workspace: "shop").count == 1)
    }
}
