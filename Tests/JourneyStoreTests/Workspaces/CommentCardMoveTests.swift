import Foundation
import JourneyModel
@testable import JourneyStore
import Testing

/// Threads on cards that follow their card when the editor inserts, deletes or reorders the items of a lane.
@Suite("Comment card moves")
struct CommentCardMoveTests {
    static func card(_ index: Int) -> CommentTarget { .card(touchpoint: "product-page", lane: "actions", index: index) }

    @Test("moves apply all at once: a swap exchanges two threads, a deleted card's thread goes to 'removed', replies go with their thread")
    func swapAndRemove() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let first = try await store.addComment(workspace: "shop", map: "checkout", target: Self.card(0), author: "ana", body: "On reviews")
        let second = try await store.addComment(workspace: "shop", map: "checkout", target: Self.card(1), author: "ana", body: "On sizes")
        _ = try await store.reply(workspace: "shop", map: "checkout", to: first.id, author: "bo", body: "Agreed")
        let other = try await store.addComment(workspace: "shop", map: "checkout", target: .touchpoint("pay"), author: "ana", body: "Elsewhere")
        let swap = [(from: Self.card(0).address, to: Self.card(1).address), (from: Self.card(1).address, to: Self.card(0).address)]
        // Three comments: the first thread with its reply, and the second.
        #expect(try await store.moveCardComments(workspace: "shop", map: "checkout", moves: swap) == 3)
        var threads = try await store.commentThreads(workspace: "shop", map: "checkout")
        let target = { (id: Int64) in threads.first { $0.comment.id == id }?.comment.target }
        #expect(target(first.id) == Self.card(1) && target(second.id) == Self.card(0) && target(other.id) == .touchpoint("pay"))
        #expect(threads.first { $0.comment.id == first.id }?.replies.map(\.target) == [Self.card(1)])

        let removed = CommentTarget.removedCard(touchpoint: "product-page", lane: "actions")
        #expect(try await store.moveCardComments(workspace: "shop", map: "checkout", moves: [(from: Self.card(1).address, to: removed.address)]) == 2)
        threads = try await store.commentThreads(workspace: "shop", map: "checkout")
        let gone = try #require(threads.first { $0.comment.id == first.id })
        #expect(gone.comment.target == removed && gone.comment.target.address == "touchpoint:product-page/lane:actions/removed")
        #expect(gone.targetExists == false, "a deleted card's thread is kept and flagged")
        #expect(try await store.moveCardComments(workspace: "shop", map: "checkout", moves: []) == 0)
    }

    @Test("a thread cannot start on a deleted card", arguments: ["touchpoint:pay/lane:thoughts/removed"])
    func noThreadOnRemoved(address: String) async throws {
        let fixture = try await WorkspaceFixture.shop()
        _ = try await fixture.store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let refused = await storeError {
            try await fixture.store.addComment(workspace: "shop", map: "checkout", target: try CommentTarget(address: address), author: "ana", body: "x")
        }
        #expect(refused?.field == "target" && refused?.code == .invalidInput, "\(String(describing: refused))")
    }

    @Test("bad moves are refused naming the move and the end that is wrong, and move nothing", arguments: [
        ([("map", "touchpoint:pay/lane:thoughts/0")], "moves[0].from"),
        ([("touchpoint:pay/lane:thoughts/0", "touchpoint:pay")], "moves[0].to"),
        ([("touchpoint:pay/lane:thoughts/removed", "touchpoint:pay/lane:thoughts/0")], "moves[0].from"),
        ([("touchpoint:pay/lane:thoughts/0", "touchpoint:pay/lane:thoughts/1"), ("touchpoint:pay/lane:thoughts/0", "touchpoint:pay/lane:thoughts/2")], "moves[1].from"),
        ([("touchpoint:pay/lane:thoughts/0", "touchpoint:pay/lane:thoughts/-1")], "moves[0].to"),
        ([("touchpoint:pay/lane:thoughts/0", "touchpoint:pay/lane:thoughts/1\u{0}")], "moves[0].to"),
        ([("touchpoint:pay/lane:thoughts/0", "touchpoint:pay/lane:thoughts/99999999999999999999999")], "moves[0].to"),
    ])
    func refused(moves: [(String, String)], field: String) async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        _ = try await store.addComment(workspace: "shop", map: "checkout", target: .card(touchpoint: "pay", lane: "thoughts", index: 0), author: "ana", body: "x")
        let error = await storeError { try await store.moveCardComments(workspace: "shop", map: "checkout", moves: moves.map { (from: $0.0, to: $0.1) }) }
        #expect(error?.field == field && error?.code == .invalidInput, "\(String(describing: error))")
        #expect(try await store.commentThreads(workspace: "shop", map: "checkout").map(\.comment.target.address) == ["touchpoint:pay/lane:thoughts/0"])
    }

    @Test("more moves than allowed are refused")
    func tooMany() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let moves = (0...WorkspaceLimits.maximumCardMoves).map { (from: "touchpoint:pay/lane:thoughts/\($0)", to: "touchpoint:pay/lane:thoughts/\($0 + 1)") }
        let error = await storeError { try await fixture.store.moveCardComments(workspace: "shop", map: "checkout", moves: moves) }
        #expect(error?.field == "moves")
    }
}
