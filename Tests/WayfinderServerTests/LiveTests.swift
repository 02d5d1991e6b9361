import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import NIOCore
import Testing
import WayfinderServer
import WayfinderTesting

@Suite("Live server")
struct LiveTests {
    @Test("over a real socket: an event is stored, and a body announced over the limit is refused with 413 before it is read")
    func live() async throws {
        let harness = try await ServerHarness { $0.port = 0 }
        let (stored, tooLarge, health) = try await harness.test(.live) { client in
            let stored = try await client.post("/v1/track", json(["userId": "live-1", "event": "Signed Up", "timestamp": "2026-05-01T12:00:00Z"]),
                                               key: .basic(harness.write))
            let tooLarge = try await client.post("/v1/batch", "", key: .basic(harness.write),
                                                 body: Array(repeating: UInt8(ascii: " "), count: 600 * 1024))
            let health = try await client.get("/health")
            return (stored, tooLarge, health)
        }
        #expect(stored.status == 200, "\(stored)")
        #expect(try harness.timeline("live-1").count == 1)
        #expect(tooLarge.status == 413, "\(tooLarge)")
        #expect(tooLarge.errorCode == "too_large")
        #expect(health.status == 200)
    }
}

@Suite("Live API")
struct LiveAPITests {
    @Test("over a real socket: sign in, the cookie and CSRF token carry a change, sign out ends the session, and a big map upload is refused with 413")
    func session() async throws {
        let harness = try await APIHarness { $0.port = 0; $0.apiRequestBytes = 64 * 1024 }
        let map = harness.mapID
        try await harness.test(.live) { client in
            let editor = try await client.signIn("editor@example.com")
            let comment = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(map)/comments", json(["body": "live", "target": "map"]), as: editor)
            #expect(comment.status == 201, "\(comment)")
            let big = try await client.call(.put, "/api/v1/workspaces/shop/maps/\(map)", String(repeating: " ", count: 100 * 1024), as: editor)
            #expect(big.status == 413, "\(big)")
            #expect(big.errorCode == "too_large")
            #expect(try await client.call(.delete, "/api/v1/session", as: editor).status == 204)
            #expect(try await client.call(.get, "/api/v1/session", as: editor).status == 401)
        }
        #expect(try await harness.store.commentThreads(workspace: "shop", map: map).map(\.comment.body) == ["live"])
    }
}
