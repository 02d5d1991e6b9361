import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Comment states")
struct CommentStateTests {
    @Test("a map's comment state changes with every added, answered, moved, resolved, reopened or deleted thread, and only then")
    func changes() async throws {
        let fixture = try await CommentTests.shopWithMap()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "other", map: WorkspaceFixture.map(id: "other", title: "Other"), author: "ana")
        #expect(try await store.commentStates(workspace: "shop", maps: ["checkout", "other"]).isEmpty)

        var seen: [Int] = []
        func step(_ what: String) async throws {
            let states = try await store.commentStates(workspace: "shop", maps: ["checkout", "other"])
            let state = try #require(states["checkout"], "\(what): no state")
            #expect(!seen.contains(state), "\(what): the state is one seen before")
            #expect(try await store.commentStates(workspace: "shop", maps: ["checkout", "other"])["checkout"] == state, "\(what): a second look gives another state")
            #expect(states["other"] == nil, "\(what): a map without comments has a state")
            seen.append(state)
        }
        let thread = try await store.addComment(workspace: "shop", map: "checkout", target: .card(touchpoint: "product-page", lane: "pain_points", index: 0),
                                                author: "ana", body: "Which sizes?")
        try await step("added")
        let reply = try await store.reply(workspace: "shop", map: "checkout", to: thread.id, author: "ben", body: "All of them.")
        try await step("answered")
        _ = try await store.moveCardComments(workspace: "shop", map: "checkout", moves: [(from: "touchpoint:product-page/lane:pain_points/0",
                                                                                          to: "touchpoint:product-page/lane:pain_points/1")])
        try await step("moved")
        _ = try await store.resolveThread(workspace: "shop", map: "checkout", comment: thread.id, by: "ana")
        try await step("resolved")
        _ = try await store.reopenThread(workspace: "shop", map: "checkout", comment: thread.id, by: "ben")
        try await step("reopened")
        _ = try await store.deleteComment(workspace: "shop", map: "checkout", id: reply.id)
        try await step("reply deleted")

        // Another map's comments leave this map's state as it was.
        let before = try await store.commentStates(workspace: "shop", maps: ["checkout", "other"])["checkout"]
        _ = try await store.addComment(workspace: "shop", map: "other", target: .map, author: "ana", body: "Elsewhere")
        let after = try await store.commentStates(workspace: "shop", maps: ["checkout", "other"])
        #expect(after["checkout"] == before && after["other"] != nil)
        // Only the maps asked for are read.
        #expect(try await store.commentStates(workspace: "shop", maps: ["other"]).keys.sorted() == ["other"])
        #expect(try await store.commentStates(workspace: "shop", maps: []).isEmpty)
    }
}
