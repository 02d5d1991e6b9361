import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Comments")
struct CommentTests {
    static func shopWithMap() async throws -> WorkspaceFixture {
        let fixture = try await WorkspaceFixture.shop()
        _ = try await fixture.store.saveMap(workspace: "shop", id: "checkout", map: WorkspaceFixture.map(), author: "ana")
        return fixture
    }

    @Test("threads with replies, oldest first; resolve, reopen and delete")
    func threads() async throws {
        let fixture = try await Self.shopWithMap()
        let store = fixture.store
        let onMap = try await store.addComment(workspace: "shop", map: "checkout", target: .map, author: "ana", body: "Is the goal right?")
        let onCard = try await store.addComment(workspace: "shop", map: "checkout", target: .card(touchpoint: "product-page", lane: "pain_points", index: 0),
                                                author: "ben", body: "Which sizes?")
        let reply1 = try await store.reply(workspace: "shop", map: "checkout", to: onMap.id, author: "ben", body: "Yes, payment.")
        let reply2 = try await store.reply(workspace: "shop", map: "checkout", to: onMap.id, author: "ana", body: "Agreed.")
        #expect(reply1.parent == onMap.id && reply1.target == .map && reply1.mapVersion == 1)

        var threads = try await store.commentThreads(workspace: "shop", map: "checkout")
        #expect(threads.map(\.comment) == [onMap, onCard])
        #expect(threads.map { $0.replies.map(\.id) } == [[reply1.id, reply2.id], []])
        #expect(threads.allSatisfy { !$0.isResolved && $0.targetExists })

        let resolved = try await store.resolveThread(workspace: "shop", map: "checkout", comment: onMap.id, by: "ana")
        #expect(resolved.resolved?.by == "ana" && resolved.replies.count == 2)
        let resolvedAt = try #require(resolved.resolved?.at)
        #expect(abs(resolvedAt.timeIntervalSinceNow) < 60)
        let resolvedAgain = try await store.resolveThread(workspace: "shop", map: "checkout", comment: onMap.id, by: "ben")
        #expect(resolvedAgain.resolved == resolved.resolved, "resolving a resolved thread keeps who resolved it")
        #expect(try await store.commentThreads(workspace: "shop", map: "checkout", includeResolved: false).map(\.comment.id) == [onCard.id])
        #expect(try await store.commentThreads(workspace: "shop", map: "checkout").count == 2)

        let reopened = try await store.reopenThread(workspace: "shop", map: "checkout", comment: onMap.id, by: "ben")
        #expect(reopened.resolved == nil && reopened.reopened?.by == "ben")
        #expect(try await store.commentThreads(workspace: "shop", map: "checkout", includeResolved: false).count == 2)

        #expect(try await store.deleteComment(workspace: "shop", map: "checkout", id: reply1.id) == 1)
        threads = try await store.commentThreads(workspace: "shop", map: "checkout")
        #expect(threads[0].replies == [reply2])
        #expect(try await store.deleteComment(workspace: "shop", map: "checkout", id: onMap.id) == 2)
        #expect(try await store.commentThreads(workspace: "shop", map: "checkout").map(\.comment) == [onCard])
        #expect(try fixture.rowCounts()["comments"] == 1)
    }

    @Test("a reply to a reply, and resolving a reply, are refused naming the thread")
    func replyToReply() async throws {
        let fixture = try await Self.shopWithMap()
        let store = fixture.store
        let first = try await store.addComment(workspace: "shop", map: "checkout", target: .touchpoint("pay"), author: "ana", body: "Slow page")
        let reply = try await store.reply(workspace: "shop", map: "checkout", to: first.id, author: "ben", body: "Measured?")
        let nested = await storeError { try await store.reply(workspace: "shop", map: "checkout", to: reply.id, author: "ana", body: "Yes") }
        #expect(nested?.code == .invalidInput && nested?.field == "parent")
        #expect(nested?.message == "parent: comment \(reply.id) is a reply in the thread of comment \(first.id); reply to comment \(first.id) instead")
        let resolve = await storeError { try await store.resolveThread(workspace: "shop", map: "checkout", comment: reply.id, by: "ana") }
        #expect(resolve?.field == "comment")
        #expect(try fixture.rowCounts()["comments"] == 2)
    }

    @Test("a reply's parent must be a comment of the same map")
    func replyElsewhere() async throws {
        let fixture = try await Self.shopWithMap()
        let store = fixture.store
        _ = try await store.saveMap(workspace: "shop", id: "returns", map: WorkspaceFixture.map(id: "returns", title: "Returns"), author: "ana")
        let other = try await store.addComment(workspace: "shop", map: "returns", target: .map, author: "ana", body: "Hi")
        let error = await storeError { try await store.reply(workspace: "shop", map: "checkout", to: other.id, author: "ben", body: "Hello") }
        #expect(error?.code == .notFound && error?.message == "parent: map 'checkout' has no comment \(other.id); list its threads to find the comment's id")
        let delete = await storeError { try await store.deleteComment(workspace: "shop", map: "checkout", id: other.id) }
        #expect(delete?.code == .notFound)
        #expect(try await store.commentThreads(workspace: "shop", map: "returns").count == 1)
    }

    static let unknownTargets: [(CommentTarget, String)] = [
        (.touchpoint("checkout-page"), "target 'touchpoint:checkout-page': map 'checkout' has no touchpoint 'checkout-page'; its touchpoints are 'product-page', 'pay'"),
        (.card(touchpoint: "pay", lane: "thoughts", index: 1), "target 'touchpoint:pay/lane:thoughts/1': touchpoint 'pay' has no card 1 in lane 'thoughts'; its only card there is 0"),
        (.card(touchpoint: "pay", lane: "actions", index: 0), "target 'touchpoint:pay/lane:actions/0': touchpoint 'pay' has no card 0 in lane 'actions'; it has no cards there"),
        (.card(touchpoint: "product-page", lane: "backstage", index: 0), "target 'touchpoint:product-page/lane:backstage/0': touchpoint 'product-page' has no card 0 in lane 'backstage'; it has no cards there"),
        (.card(touchpoint: "pay", lane: "frontstage", index: 0), "target 'touchpoint:pay/lane:frontstage/0': map 'checkout' has no lane 'frontstage'; lanes are 'actions', 'thoughts', 'questions', 'pain_points', 'opportunities', 'kpis', 'backstage'"),
    ]

    @Test("a comment on a touchpoint, lane or card the current map lacks is refused", arguments: unknownTargets)
    func unknownTarget(_ target: CommentTarget, _ message: String) async throws {
        let fixture = try await Self.shopWithMap()
        let error = await storeError { try await fixture.store.addComment(workspace: "shop", map: "checkout", target: target, author: "ana", body: "?") }
        #expect(error?.code == .notFound && error?.field == "target")
        #expect(error?.message == message)
        #expect(try fixture.rowCounts()["comments"] == 0)
    }

    @Test("targets exist on touchpoints, built-in lane cards and free-lane cards, and are flagged once removed")
    func targets() async throws {
        let fixture = try await Self.shopWithMap()
        let store = fixture.store
        let targets: [CommentTarget] = [.touchpoint("pay"), .card(touchpoint: "product-page", lane: "actions", index: 1),
                                        .card(touchpoint: "pay", lane: "backstage", index: 0)]
        for target in targets {
            _ = try await store.addComment(workspace: "shop", map: "checkout", target: target, author: "ana", body: target.address)
        }
        var map = WorkspaceFixture.map()
        map.touchpoints[0].actions.removeLast()
        _ = try await store.saveMap(workspace: "shop", id: "checkout", map: map, author: "ana")
        let threads = try await store.commentThreads(workspace: "shop", map: "checkout")
        #expect(threads.map(\.comment.target) == targets && threads.map(\.comment.body) == targets.map(\.address))
        #expect(threads.map(\.targetExists) == [true, false, true])
        #expect(threads.map(\.comment.mapVersion) == [1, 1, 1])
    }

    @Test("addresses read back as the targets they name", arguments: [
        ("map", CommentTarget.map), ("touchpoint:pay", .touchpoint("pay")),
        ("touchpoint:pay/lane:pain_points/12", .card(touchpoint: "pay", lane: "pain_points", index: 12)),
        ("touchpoint:pay/lane:backstage/0", .card(touchpoint: "pay", lane: "backstage", index: 0)),
    ])
    func addresses(_ address: String, _ target: CommentTarget) throws {
        #expect(try CommentTarget(address: address) == target)
        #expect(target.address == address)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let json = try encoder.encode([target])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(address)\"]")
        #expect(try JSONDecoder().decode([CommentTarget].self, from: json) == [target])
    }

    @Test("malformed addresses are refused", arguments: ["", "Map", "touchpoint:", "touchpoint:Pay", "touchpoint:pay/lane:actions",
                                                       "touchpoint:pay/lane:actions/-1", "touchpoint:pay/lane:actions/01",
                                                       "touchpoint:pay/actions/0", "touchpoint:pay/lane:Bad Lane/0", "stage:Not An Id", "stage:", "stage:buy/lane:actions/0"])
    func malformed(_ address: String) {
        #expect(throws: WorkspaceStoreError.self) { try CommentTarget(address: address) }
    }

    @Test("a blank body or author, and a NUL, are refused; other text is kept verbatim")
    func bodies() async throws {
        let fixture = try await Self.shopWithMap()
        let store = fixture.store
        let blank = await storeError { try await store.addComment(workspace: "shop", map: "checkout", target: .map, author: "ana", body: " \n ") }
        #expect(blank?.field == "body")
        let noAuthor = await storeError { try await store.addComment(workspace: "shop", map: "checkout", target: .map, author: "", body: "x") }
        #expect(noAuthor?.field == "author")
        let nul = await storeError { try await store.addComment(workspace: "shop", map: "checkout", target: .map, author: "ana", body: "a\u{0}b") }
        #expect(nul?.field == "body")
        let body = "  <img src=x onerror=alert(1)> &amp; '; DROP TABLE comments; --\n\tsecond line 🙂  "
        let comment = try await store.addComment(workspace: "shop", map: "checkout", target: .map, author: "ana", body: body)
        #expect(try await store.commentThreads(workspace: "shop", map: "checkout").map(\.comment.body) == [body])
        #expect(comment.body == body)
        let missingMap = await storeError { try await store.addComment(workspace: "shop", map: "nope", target: .map, author: "ana", body: "x") }
        #expect(missingMap?.code == .notFound && missingMap?.field == "map")
    }
}
