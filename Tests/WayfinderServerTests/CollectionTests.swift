import CustomerData
import Foundation
import JourneyStore
import Testing
import WayfinderServer
import WayfinderTesting

/// One message for one route, and what the store must hold after it.
struct RouteCase: CustomTestStringConvertible, Sendable {
    var route: String
    var body: String
    /// The identifier to find the customer by, and every identifier the customer must have.
    var lookup: String
    var identifiers: [String]
    /// Type and name of the stored event.
    var type: String
    var name: String?
    var testDescription: String { route }
}

@Suite("Collection routes")
struct CollectionTests {
    static let time = "2026-05-01T12:00:00Z"

    static let routes: [RouteCase] = [
        RouteCase(route: "/v1/track", body: json(["userId": "u-track", "event": "Order Completed", "messageId": "m-track", "timestamp": time, "properties": ["total": 42]]),
                  lookup: "u-track", identifiers: ["user:u-track"], type: "track", name: "Order Completed"),
        RouteCase(route: "/v1/identify", body: json(["userId": "u-id", "traits": ["email": "Maya@Example.com", "plan": "pro"], "timestamp": time]),
                  lookup: "u-id", identifiers: ["email:maya@example.com", "user:u-id"], type: "identify", name: nil),
        RouteCase(route: "/v1/page", body: json(["anonymousId": "anon-page", "name": "Pricing", "timestamp": time, "properties": ["path": "/pricing"]]),
                  lookup: "anon-page", identifiers: ["anonymous:anon-page"], type: "page", name: "Pricing"),
        RouteCase(route: "/v1/screen", body: json(["userId": "u-screen", "name": "Basket", "timestamp": time, "context": ["device": ["id": "dev-1"]]]),
                  lookup: "u-screen", identifiers: ["device:dev-1", "user:u-screen"], type: "screen", name: "Basket"),
        RouteCase(route: "/v1/group", body: json(["userId": "u-group", "groupId": "acme", "traits": ["name": "Acme"], "timestamp": time]),
                  lookup: "u-group", identifiers: ["user:u-group"], type: "group", name: nil),
        RouteCase(route: "/v1/alias", body: json(["previousId": "anon-alias", "userId": "u-alias", "timestamp": time]),
                  lookup: "anon-alias", identifiers: ["anonymous:anon-alias", "user:u-alias"], type: "alias", name: nil),
        RouteCase(route: "/v1/feedback", body: json(["userId": "u-fb", "timestamp": time, "properties": ["metric": "nps", "score": 3, "text": "Too slow", "touchpoint": "checkout"]]),
                  lookup: "u-fb", identifiers: ["user:u-fb"], type: "feedback", name: "Feedback Given"),
    ]

    @Test("every collection route stores its event for the right customer", arguments: routes)
    func route(_ route: RouteCase) async throws {
        let harness = try await ServerHarness()
        let answer = try await harness.test { client in try await client.post(route.route, route.body, key: .basic(harness.write)) }
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.json["success"] as? Bool == true)
        #expect(try harness.store.data.counts().events == 1)
        let customer = try #require(try harness.customer(route.lookup))
        #expect(customer.identifiers == route.identifiers)
        #expect(customer.events == 1)
        let events = try harness.timeline(route.lookup)
        #expect(events.map(\.type) == [route.type])
        #expect(events.first?.name == route.name)
        #expect(events.first?.timestamp == "2026-05-01T12:00:00Z")
        if route.type == "feedback" {
            #expect(try harness.store.data.counts().feedback == 1)
            #expect(events.first?.message.contains(#""touchpoint":"checkout""#) == true)
        }
    }

    @Test("a batch is stored whole, its messages stitched into customers across anonymous id, user id and email")
    func batch() async throws {
        let harness = try await ServerHarness()
        let body = json(["batch": [
            ["type": "page", "anonymousId": "anon-1", "name": "Home", "timestamp": "2026-05-01T10:00:00Z", "messageId": "b1"],
            ["type": "identify", "anonymousId": "anon-1", "userId": "maya", "traits": ["email": "maya@example.com"], "timestamp": "2026-05-01T10:01:00Z", "messageId": "b2"],
            ["type": "track", "userId": "maya", "event": "Order Completed", "timestamp": "2026-05-01T10:02:00Z", "messageId": "b3"],
            ["type": "track", "anonymousId": "anon-2", "event": "Product Viewed", "timestamp": "2026-05-01T10:03:00Z", "messageId": "b4"],
        ] as [[String: Any]]])
        let answer = try await harness.test { client in try await client.post("/v1/batch", body, key: .basic(harness.write)) }
        #expect(answer.status == 200, "\(answer)")
        let counts = try harness.store.data.counts()
        #expect(counts.events == 4)
        #expect(counts.customers == 2)
        let maya = try #require(try harness.customer("maya@example.com"))
        #expect(maya.identifiers == ["anonymous:anon-1", "email:maya@example.com", "user:maya"])
        #expect(try harness.timeline("anon-1").compactMap(\.name) == ["Home", "Order Completed"])
        #expect(try harness.customer("anon-2")?.events == 1)
        #expect(try harness.customer("anon-2")?.id != maya.id)
    }

    @Test("the write key is taken from the Basic user name or from writeKey in the body, and is not stored", arguments: [true, false])
    func keyPlacement(_ basic: Bool) async throws {
        let harness = try await ServerHarness()
        let body = json(["userId": "u1", "event": "Signed Up", "timestamp": Self.time])
        let answer = try await harness.test { client in
            try await client.post("/v1/track", body, key: basic ? .basic(harness.readWrite) : .body(harness.write))
        }
        #expect(answer.status == 200, "\(answer)")
        let events = try harness.timeline("u1")
        #expect(events.count == 1)
        #expect(!events[0].message.contains("writeKey"))
        #expect(!events[0].message.contains(harness.write) && !events[0].message.contains(harness.readWrite))
        let stored = try String(contentsOfFile: harness.directory.path("store.db"), encoding: .isoLatin1)
            + ((try? String(contentsOfFile: harness.directory.path("store.db-wal"), encoding: .isoLatin1)) ?? "")
        #expect(!stored.contains(harness.write) && !stored.contains(harness.readWrite), "a key's secret is in the database file")
    }

    @Test("the message's own writeKey is the credential and is dropped; a property named writeKey is the customer's data and is kept")
    func writeKeyProperty() async throws {
        let harness = try await ServerHarness()
        let body = json(["userId": "u1", "event": "Settings Saved", "timestamp": Self.time, "properties": ["writeKey": "a-setting", "sentAt": Self.time]])
        let answer = try await harness.test { client in try await client.post("/v1/track", body, key: .body(harness.write)) }
        #expect(answer.status == 200, "\(answer)")
        let events = try harness.timeline("u1")
        #expect(events.count == 1)
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(events[0].message.utf8)) as? [String: Any])
        #expect(stored["writeKey"] == nil && !events[0].message.contains(harness.write))
        #expect((stored["properties"] as? [String: Any])?["writeKey"] as? String == "a-setting")
    }

    @Test("a message sent again (same messageId) is acknowledged and stored once, in one request or across requests")
    func deduplication() async throws {
        let harness = try await ServerHarness()
        let one = ["type": "track", "userId": "u1", "event": "Signed Up", "messageId": "same-id", "timestamp": Self.time]
        let single = json(one), batch = json(["batch": [one, one, one.merging(["messageId": "other-id"]) { $1 }]])
        let statuses = try await harness.test { client in
            let first = try await client.post("/v1/track", single, key: .basic(harness.write))
            let second = try await client.post("/v1/track", single, key: .basic(harness.write))
            let third = try await client.post("/v1/batch", batch, key: .basic(harness.write))
            return [first.status, second.status, third.status]
        }
        #expect(statuses == [200, 200, 200])
        #expect(try harness.store.data.counts().events == 2)
        #expect(try harness.timeline("u1").count == 2)
    }

    @Test("a message without any time is stored at the time it was received")
    func receivedAt() async throws {
        let harness = try await ServerHarness()
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let answer = try await harness.test { client in
            try await client.post("/v1/track", json(["userId": "u1", "event": "Signed Up"]), key: .basic(harness.write))
        }
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(answer.status == 200, "\(answer)")
        let stored = try Timestamp.parse(try #require(try harness.timeline("u1").first).timestamp)
        #expect(stored >= before && stored <= after)
    }

    static let hostileNames = [
        "<script>alert('x')</script>",
        "'; DROP TABLE events; --",
        "Robert\"); DELETE FROM customers WHERE (\"1\"=\"1",
        "名前 ✓ \u{1F600}",
    ]

    @Test("names carrying <script> and SQL fragments are stored verbatim, as text", arguments: hostileNames)
    func hostileName(_ name: String) async throws {
        let harness = try await ServerHarness()
        let body = json(["batch": [
            ["type": "track", "userId": "u1", "event": name, "timestamp": Self.time, "properties": ["note": name]],
            ["type": "page", "userId": "u1", "name": name, "timestamp": "2026-05-01T12:00:01Z"],
        ] as [[String: Any]]])
        let answer = try await harness.test { client in try await client.post("/v1/batch", body, key: .basic(harness.write)) }
        #expect(answer.status == 200, "\(answer)")
        let events = try harness.timeline("u1")
        #expect(events.map(\.name) == [name, name])
        #expect(try harness.store.data.counts() == WorkspaceData.Counts(events: 2, customers: 1, identifiers: 1, feedback: 0))
    }

    @Test("a gzip or deflate body is read", arguments: [("gzip", TestCompression.Format.gzip), ("deflate", .zlib)])
    func compressed(_ encoding: String, _ format: TestCompression.Format) async throws {
        let harness = try await ServerHarness()
        let body = json(["batch": (0..<50).map { ["type": "track", "userId": "u\($0 % 5)", "event": "Viewed", "messageId": "z\($0)", "timestamp": Self.time] }])
        let answer = try await harness.test { client in
            try await client.post("/v1/batch", "", key: .basic(harness.write), encoding: encoding, body: TestCompression.compress(Array(body.utf8), format: format))
        }
        #expect(answer.status == 200, "\(answer)")
        #expect(try harness.store.data.counts().events == 50)
        #expect(try harness.store.data.counts().customers == 5)
    }

    @Test("a message whose only customer id is junk is acknowledged, quarantined with its route, and not stored")
    func quarantine() async throws {
        let harness = try await ServerHarness()
        let body = json(["batch": [
            ["type": "track", "userId": "undefined", "event": "Signed Up", "timestamp": Self.time, "messageId": "q1"],
            ["type": "track", "userId": "u1", "event": "Signed Up", "timestamp": Self.time, "messageId": "q2"],
        ]])
        let single = json(["userId": "n/a", "event": "Signed Up", "timestamp": Self.time, "messageId": "q3"])
        let (answer, alone) = try await harness.test { client in
            let answer = try await client.post("/v1/batch", body, key: .basic(harness.write))
            return (answer, try await client.post("/v1/track", single, key: .body(harness.write)))
        }
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.json["quarantined"] as? Int == 1)
        #expect(alone.status == 200, "\(alone)")
        #expect(alone.json["quarantined"] as? Int == 1)
        #expect(try harness.store.data.counts().events == 1)
        let quarantined = try String(contentsOfFile: harness.store.data.quarantinePath, encoding: .utf8).split(separator: "\n")
        #expect(quarantined.count == 2)
        let entries = try quarantined.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(entries.map { $0["file"] as? String } == ["POST /v1/batch", "POST /v1/track"])
        #expect(entries.map { $0["location"] as? String } == ["batch[0]", "/v1/track"])
        #expect((entries[0]["text"] as? String)?.contains("q1") == true)
        #expect((entries[1]["text"] as? String)?.contains("q3") == true)
        // The key sent in the body is not part of the message kept.
        #expect(!quarantined.contains { $0.contains(harness.write) || $0.contains("writeKey") })
    }

    @Test("many concurrent requests all get 200 and every event is stored once")
    func concurrent() async throws {
        let harness = try await ServerHarness()
        let requests = 40, perRequest = 25
        let statuses = try await harness.test { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for request in 0..<requests {
                    group.addTask {
                        let body = json(["batch": (0..<perRequest).map { index in
                            ["type": "track", "userId": "u\(request)", "event": "Viewed", "messageId": "c\(request)-\(index)", "timestamp": Self.time]
                        }])
                        return try await client.post("/v1/batch", body, key: .basic(harness.write)).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses == Array(repeating: 200, count: requests))
        #expect(try harness.store.data.counts().events == requests * perRequest)
        #expect(try harness.store.data.counts().customers == requests)
        let commits = metric(String(decoding: harness.server.metrics.exposition(), as: UTF8.self), "wayfinder_store_commits_total")
        #expect(commits >= 1 && commits <= Double(requests))
    }
}
