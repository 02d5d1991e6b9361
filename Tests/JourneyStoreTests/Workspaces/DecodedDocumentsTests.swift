import Foundation
import GRDB
import JourneyModel
@testable import JourneyStore
import Testing
import WayfinderTesting

@Suite("Decoded documents")
struct DecodedDocumentsTests {
    @Test("a saved map is kept decoded, so the next save of the workspace does not read it again")
    func savedMapKept() async throws {
        let fixture = try await WorkspaceFixture.shop()
        var map = WorkspaceFixture.map()
        map.title = "Kept decoded \(UUID().uuidString)"
        _ = try await fixture.store.saveMap(workspace: "shop", id: map.id, map: map, author: "ana")
        let id = map.id
        let stored: String = try await fixture.store.database.read { db in
            try #require(try String.fetchOne(db, sql: """
                SELECT v.document FROM journey_map_versions v JOIN journey_maps m ON m.id = v.map_id
                WHERE m.slug = ? AND v.number = m.current_version
                """, arguments: [id]))
        }
        #expect(StoredDocument.decoded.map(stored) == map)
    }

    @Test("a stored document changed outside Wayfinder is read as it is now, not as it was")
    func changedOutside() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let map = WorkspaceFixture.map()
        _ = try await fixture.store.saveMap(workspace: "shop", id: map.id, map: map, author: "ana")
        #expect(try await fixture.store.map(workspace: "shop", id: map.id).map == map)
        var changed = map
        changed.title = "Changed in the database \(UUID().uuidString)"
        let text = StoredDocument.json(changed)
        try await fixture.store.database.write { db in
            try db.execute(sql: "UPDATE journey_map_versions SET document = ? WHERE map_id = (SELECT id FROM journey_maps WHERE slug = ?)",
                           arguments: [text, map.id])
        }
        #expect(try await fixture.store.map(workspace: "shop", id: map.id).map == changed)
    }

    @Test("two spellings of one character are two texts: each gives the document read from it")
    func exactText() {
        let cache = DecodedDocuments()
        let composed = Persona(id: "rene", name: "Ren\u{E9}"), decomposed = Persona(id: "rene", name: "Rene\u{301}")
        let composedText = StoredDocument.json(composed), decomposedText = StoredDocument.json(decomposed)
        #expect(composedText == decomposedText, "Swift compares the two spellings as equal")
        cache.keep(composed, for: composedText)
        #expect(cache.persona(decomposedText) == nil)
        #expect(cache.persona(composedText).map { Array($0.name.utf8) } == Array(composed.name.utf8))
    }

    @Test("the cache keeps no more text than its budget: a larger text is not kept, and a full cache starts again")
    func budget() {
        let cache = DecodedDocuments(byteBudget: 100)
        let persona = Persona(id: "ana", name: "Ana")
        let sixty = String(repeating: "a", count: 60), fifty = String(repeating: "b", count: 50)
        cache.keep(persona, for: sixty)
        #expect(cache.persona(sixty) == persona && cache.count == 1)
        cache.keep(persona, for: fifty)
        #expect(cache.persona(sixty) == nil && cache.persona(fifty) == persona && cache.count == 1)
        cache.keep(persona, for: String(repeating: "c", count: 101))
        #expect(cache.count == 1)
    }
}
