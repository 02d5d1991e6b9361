import Foundation
import HTTPTypes
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// Maps and personas saved through the API pass the format's text limits like files do.
@Suite("Text limits over HTTP")
struct TextLimitTests {
    @Test("a map whose card holds a 3 MB word is refused with the validation message, and nothing is saved")
    func hugeCard() async throws {
        let harness = try await APIHarness()
        let map = harness.mapID, store = harness.store
        let before = try await store.map(workspace: "shop", id: map)
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let path = "/api/v1/workspaces/shop/maps/\(map)"
            var document = try #require(try await client.call(.get, path, as: editor)["map"] as? [String: Any])
            var touchpoints = try #require(document["touchpoints"] as? [[String: Any]])
            touchpoints[0]["actions"] = ["Reads the ad", String(repeating: "w", count: 3_000_000)]
            document["touchpoints"] = touchpoints
            let body = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            let refused = try await client.call(.put, path, body, as: editor)
            #expect(refused.status == 422, "\(refused.status) \(refused.text.prefix(400))")
            #expect(refused.errorCode == "invalid_document")
            let message = try #require(refused.errorMessage)
            #expect(message.contains("'actions' is 3,000,000 characters long, more than the 2,000 allowed"), "\(message)")
            #expect(message.contains("journeys[0].touchpoints[0].actions[1]"), "\(message)")
            #expect(message.utf8.count < 1_000, "the message does not echo the text")
            #expect(refused.problems.contains { $0["field"] as? String == "journeys[0].touchpoints[0].actions[1]" }, "\(refused.problems)")

            let created = try await client.call(.post, "/api/v1/workspaces/shop/maps", json([
                "id": "long-title", "title": String(repeating: "T", count: 201),
                "stages": [["id": "a", "name": "A"]], "touchpoints": [["id": "t", "name": "T", "stage": "a", "channel": "web"]],
            ]), as: editor)
            #expect(created.status == 422, "\(created.status) \(created.text.prefix(400))")
            #expect(created.errorMessage?.contains("'title' is 201 characters long, more than the 200 allowed") == true, "\(created.text.prefix(400))")
        }
        #expect(try await store.map(workspace: "shop", id: map).currentVersion == before.currentVersion)
        #expect(try await store.maps(workspace: "shop").allSatisfy { $0.id != "long-title" })
    }

    @Test("a persona with a quote over 2,000 characters is refused, one of exactly 2,000 saved")
    func personaQuote() async throws {
        let harness = try await APIHarness()
        let persona = harness.personaID
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let path = "/api/v1/workspaces/shop/personas/\(persona)"
            var document = try #require(try await client.call(.get, path, as: editor)["persona"] as? [String: Any])
            document["quote"] = String(repeating: "é", count: 2_001)
            let refused = try await client.call(.put, path, String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self), as: editor)
            #expect(refused.status == 422, "\(refused.status) \(refused.text.prefix(400))")
            #expect(refused.errorMessage?.contains("'quote' is 2,001 characters long, more than the 2,000 allowed") == true, "\(refused.text.prefix(400))")
            document["quote"] = String(repeating: "é", count: 2_000)
            let saved = try await client.call(.put, path, String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self), as: editor)
            #expect(saved.status == 200, "\(saved.status) \(saved.text.prefix(400))")
        }
    }
}
