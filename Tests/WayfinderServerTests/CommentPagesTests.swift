import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyModel
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The open comment threads listed under the map in the live view and the share view, the markers
/// that link to them, and the moves that keep card threads on their card.
@Suite("Comment pages")
struct CommentPagesTests {
    /// The page's text with the HTML escapes a template writes taken back out.
    static func decoded(_ html: String) -> String {
        html.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The part of a page from the comment list on.
    static func list(_ html: String) -> String {
        guard let start = html.range(of: "<section class=\"comment-threads\"") else { return "" }
        return String(html[start.lowerBound...])
    }

    /// Threads on the retail map: a pain point (with a reply), a touchpoint, a stage, the map, and a resolved one; the names they should be listed with, from the map itself.
    struct Planted {
        var ids: [String: Int64] = [:]
        var anchors: [String: String] = [:]
    }

    static func plant(_ client: any TestClientProtocol, _ harness: APIHarness, as editor: Credential) async throws -> Planted {
        let map = try await harness.store.map(workspace: "shop", id: harness.mapID).map
        let touchpoint = try #require(map.touchpoints.first { !$0.painPoints.isEmpty })
        let stage = try #require(map.stages.last)
        let base = "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments"
        var planted = Planted()
        let threads: [(String, String, String)] = [
            ("card", "touchpoint:\(touchpoint.id)/lane:pain_points/0", "Is this <the> worst one?"),
            ("touchpoint", "touchpoint:\(touchpoint.id)", "Who owns this step?"),
            ("stage", "stage:\(stage.id)", "Split this stage"),
            ("map", "map", "Good map overall"),
            ("resolved", "map", "Already settled"),
        ]
        for (name, target, body) in threads {
            let answer = try await client.call(.post, base, json(["target": target, "body": body]), as: editor)
            #expect(answer.status == 201, "\(answer)")
            planted.ids[name] = try #require(answer["id"] as? Int).map(Int64.init)
        }
        #expect(try await client.call(.post, "\(base)/\(planted.ids["card"]!)/replies", json(["body": "Yes, by far"]), as: editor).status == 201)
        #expect(try await client.call(.post, "\(base)/\(planted.ids["resolved"]!)/resolve", as: editor).status == 200)
        planted.anchors = [
            "card": "On pain point '\(touchpoint.painPoints[0].text)' of \(touchpoint.name)",
            "touchpoint": "On the touchpoint \(touchpoint.name)",
            "stage": "On the stage \(stage.name)",
            "map": "On the map",
        ]
        return planted
    }

    @Test("the live view lists the open threads with their anchors, authors and replies; markers link to them; resolved threads are not listed")
    func viewer() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let planted = try await Self.plant(client, harness, as: editor)
            let viewer = try await client.signIn("viewer@example.com")
            let page = try await client.call(.get, "/w/shop/maps/\(harness.mapID)", as: viewer)
            #expect(page.status == 200)
            let list = Self.decoded(Self.list(page.text))
            for (name, anchor) in planted.anchors {
                #expect(list.contains(anchor), "\(name): \(anchor)")
                #expect(page.text.contains("id=\"comment-\(planted.ids[name]!)\""), "\(name) has its anchor")
            }
            #expect(list.contains("Is this <the> worst one?") && list.contains("Yes, by far") && list.contains("Who owns this step?"))
            #expect(page.text.contains("Is this &lt;the&gt; worst one?"), "the body is escaped")
            #expect(list.contains("editor@example.com"), "members see who wrote a thread")
            #expect(!list.contains("Already settled"), "resolved threads are not listed")
            #expect(list.contains("4 open comment threads"))
            // The touchpoint's marker counts its own thread and its card's, and links to the first of them.
            #expect(page.text.contains("href=\"#comment-\(planted.ids["card"]!)\""))
            #expect(page.text.contains("href=\"#comment-\(planted.ids["stage"]!)\""))
            #expect(!list.contains("<form"), "the live view lists threads; the editor is where they are answered")
        }
    }

    @Test("the share view lists the same threads read-only: no form, no author's name or e-mail, nothing of another map or workspace")
    func shared() async throws {
        let harness = try await APIHarness()
        let template = WorkspaceTemplate.retail.workspace
        _ = try await harness.store.importWorkspace("elsewhere", workspace: template, author: "test", createIfMissing: true)
        let otherMap = try #require(template.journeys.dropFirst().first).id
        _ = try await harness.store.addComment(workspace: "shop", map: otherMap, target: .map, author: "ana@example.com", body: "About the other map")
        _ = try await harness.store.addComment(workspace: "elsewhere", map: harness.mapID, target: .map, author: "bo@example.com", body: "About the other workspace")
        let link = try await harness.store.createShareLink(workspace: "shop", map: harness.mapID, createdBy: "test", expires: nil)
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let planted = try await Self.plant(client, harness, as: editor)
            let page = try await client.call(.get, "/share/\(link.token)", as: .none)
            #expect(page.status == 200)
            let list = Self.decoded(Self.list(page.text))
            for (name, anchor) in planted.anchors { #expect(list.contains(anchor), "\(name): \(anchor)") }
            #expect(list.contains("Is this <the> worst one?") && list.contains("Yes, by far"))
            #expect(!page.text.contains("<form") && !page.text.contains("<textarea") && !page.text.contains("<button"), "read-only")
            #expect(!page.text.contains("@example.com") && !page.text.contains("editor"), "no author is named")
            #expect(list.contains("a team member"))
            #expect(!page.text.contains("About the other map") && !page.text.contains("About the other workspace") && !page.text.contains("ana@") && !page.text.contains("bo@"))
            #expect(!list.contains("Already settled"))
            #expect(page.text.contains("href=\"#comment-\(planted.ids["card"]!)\""))
        }
    }

    @Test("a deleted card's thread stays listed, on a removed card; a map without threads says so")
    func removedCard() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let empty = try await client.call(.get, "/w/shop/maps/\(harness.mapID)", as: viewer)
            #expect(Self.list(empty.text).contains("0 open comment threads") && !empty.text.contains("class=\"comment-marker\""))
            let editor = try await client.signIn("editor@example.com")
            let map = try await harness.store.map(workspace: "shop", id: harness.mapID).map
            let touchpoint = try #require(map.touchpoints.first { !$0.painPoints.isEmpty })
            let base = "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments"
            let comment = try await client.call(.post, base, json(["target": "touchpoint:\(touchpoint.id)/lane:pain_points/0", "body": "Keep me"]), as: editor)
            let moved = try await client.call(.post, "\(base)/retarget", json(["kind": "cards", "moves": [
                ["from": "touchpoint:\(touchpoint.id)/lane:pain_points/0", "to": "touchpoint:\(touchpoint.id)/lane:pain_points/removed"]]]), as: editor)
            #expect(moved.status == 200 && moved["moved"] as? Int == 1, "\(moved)")
            let page = try await client.call(.get, "/w/shop/maps/\(harness.mapID)", as: viewer)
            let list = Self.decoded(Self.list(page.text))
            #expect(list.contains("On a removed card of \(touchpoint.name)") && list.contains("Keep me"))
            #expect(page.text.contains("href=\"#comment-\(try #require(comment["id"] as? Int))\""), "still counted on its touchpoint")
        }
    }

    @Test("a card retarget with a malformed body is refused with 400 naming the field", arguments: [
        (#"{"kind": "cards"}"#, "moves"),
        (#"{"kind": "cards", "moves": "touchpoint:a/lane:kpis/0"}"#, "moves"),
        (#"{"kind": "cards", "moves": [7]}"#, "moves[0]"),
        (#"{"kind": "cards", "moves": [{"from": "touchpoint:a/lane:kpis/0"}]}"#, "moves[0].to"),
        (#"{"kind": "cards", "moves": [{"from": 1, "to": "touchpoint:a/lane:kpis/0"}]}"#, "moves[0].from"),
        (#"{"kind": "cards", "moves": [{"from": "touchpoint:a/lane:kpis/0", "to": "touchpoint:a/lane:kpis/0\u0000"}]}"#, "moves[0].to"),
        (#"{"kind": "cards", "moves": [{"from": "stage:a", "to": "touchpoint:a/lane:kpis/0"}]}"#, "moves[0].from"),
    ])
    func refusals(body: String, field: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments/retarget", body, as: editor)
            #expect(answer.status == 400, "\(answer)")
            let named = answer.problems.compactMap { $0["field"] as? String } + [answer.errorMessage ?? ""]
            #expect(named.contains { $0 == field || $0.hasPrefix("\(field):") }, "\(answer)")
        }
    }

    @Test("more than the most moves at once is refused with 400")
    func tooManyMoves() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let moves = (0...WorkspaceLimits.maximumCardMoves).map { ["from": "touchpoint:a/lane:kpis/\($0)", "to": "touchpoint:a/lane:kpis/\($0 + 1)"] }
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments/retarget", json(["kind": "cards", "moves": moves]), as: editor)
            #expect(answer.status == 400 && answer.errorMessage?.hasPrefix("moves:") == true, "\(answer)")
        }
    }
}
