import Foundation
import JourneyModel
@testable import JourneyStore
import Testing

/// Comments anchored to a stage, and threads that follow their stage or touchpoint when the
/// editor renames it.
@Suite("Comment anchors")
struct CommentAnchorTests {
    @Test("a thread on a stage needs the stage; its address reads back; an unknown stage is named with the stages there are")
    func stage() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        let comment = try await store.addComment(workspace: "shop", map: "checkout", target: try CommentTarget(address: "stage:buy"), author: "ana", body: "Split it?")
        #expect(comment.target == .stage("buy") && comment.target.address == "stage:buy")
        let missing = await storeError { try await store.addComment(workspace: "shop", map: "checkout", target: .stage("pay-later"), author: "ana", body: "x") }
        #expect(missing?.message.contains("has no stage 'pay-later'; its stages are 'browse', 'buy'") == true, "\(String(describing: missing))")
        #expect(await storeError { _ = try CommentTarget(address: "stage:Not An Id") }?.field == "target")
    }

    @Test("renaming a touchpoint moves its threads and those on its cards, and nothing else; renaming back moves them back")
    func retarget() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        _ = try await store.addComment(workspace: "shop", map: "checkout", target: .touchpoint("pay"), author: "ana", body: "Slow")
        _ = try await store.addComment(workspace: "shop", map: "checkout", target: .card(touchpoint: "pay", lane: "thoughts", index: 0), author: "ana", body: "Why?")
        _ = try await store.addComment(workspace: "shop", map: "checkout", target: .touchpoint("product-page"), author: "ana", body: "Fine")
        _ = try await store.addComment(workspace: "shop", map: "checkout", target: .stage("buy"), author: "ana", body: "Stage")
        #expect(try await store.retargetComments(workspace: "shop", map: "checkout", kind: "touchpoint", from: "pay", to: "payment") == 2)
        var targets = try await store.commentThreads(workspace: "shop", map: "checkout").map(\.comment.target.address)
        #expect(targets == ["touchpoint:payment", "touchpoint:payment/lane:thoughts/0", "touchpoint:product-page", "stage:buy"])
        // A touchpoint whose id starts like another's is not touched ("pay" is not a prefix match of "payment" the other way round).
        #expect(try await store.retargetComments(workspace: "shop", map: "checkout", kind: "touchpoint", from: "pay", to: "x") == 0)
        #expect(try await store.retargetComments(workspace: "shop", map: "checkout", kind: "touchpoint", from: "payment", to: "pay") == 2)
        #expect(try await store.retargetComments(workspace: "shop", map: "checkout", kind: "stage", from: "buy", to: "purchase") == 1)
        targets = try await store.commentThreads(workspace: "shop", map: "checkout").map(\.comment.target.address)
        #expect(targets == ["touchpoint:pay", "touchpoint:pay/lane:thoughts/0", "touchpoint:product-page", "stage:purchase"])
        let wrong = await storeError { try await store.retargetComments(workspace: "shop", map: "checkout", kind: "lane", from: "a", to: "b") }
        #expect(wrong?.field == "kind")
        let hostile = await storeError { try await store.retargetComments(workspace: "shop", map: "checkout", kind: "touchpoint", from: "%", to: "b") }
        #expect(hostile?.field == "from")
    }
}
