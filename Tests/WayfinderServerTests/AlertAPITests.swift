import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyModel
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

@Suite("Alert API")
struct AlertAPITests {
    static let secret = "api-secret-0123456789"

    @Test("admins add a rule (its secret in that answer only) and read it and its delivery log, which holds what the receiver got, while editors see none of it; redelivery sends the same body again; a paused rule enqueues nothing; removal removes")
    func lifecycle() async throws {
        let receiver = AlertReceiver()
        let (logged, attemptLogged) = AsyncStream.makeStream(of: Int64.self)
        let harness = try await APIHarness { configuration in
            configuration.alerts.pollInterval = .milliseconds(20)
            configuration.alerts.firstRetryDelay = .milliseconds(100)
            configuration.alerts.attemptLogged = { attemptLogged.yield($0) }
            configuration.alerts.allowPrivateAddresses = true  // the receiver listens on loopback
        }
        let map = harness.mapID, write = harness.base.write, store = harness.store
        let base = "/api/v1/workspaces/shop/alerts"
        try await receiver.run { url in
            try await harness.test(.live) { client in
                var attempts = logged.makeAsyncIterator()
                let admin = try await client.signIn("admin@localhost"), editor = try await client.signIn("editor@example.com")
                #expect(try await client.call(.post, base, json(["map": map, "kind": "loud", "url": url]), as: admin).status == 400)
                #expect(try await client.call(.post, base, json(["map": map, "kind": "stage-stay", "url": url, "stage": "decision"]), as: admin).status == 400,
                        "a stage-stay rule needs days")
                #expect(try await client.call(.post, base, json(["map": "no-such-map", "kind": "negative-feedback", "url": url]), as: admin).status == 404)
                #expect(try await client.call(.post, base, json(["map": map, "kind": "negative-feedback", "url": url]), as: editor).status == 403)

                let created = try await client.call(.post, base, json(["map": map, "kind": "negative-feedback", "url": url, "secret": Self.secret, "name": "detractors"]), as: admin)
                #expect(created.status == 201, "\(created)")
                #expect(created["secret"] as? String == Self.secret)
                let id = try #require(created["id"] as? Int)
                #expect(created.headers[.location] == "\(base)/\(id)")
                #expect(try await client.call(.get, base, as: editor).status == 403, "rules carry URLs with tokens")
                let listed = try await client.call(.get, base, as: admin)
                let rules = try #require(listed["rules"] as? [[String: Any]])
                #expect(rules.compactMap { $0["id"] as? Int } == [id] && rules[0]["secret"] == nil && !listed.text.contains(Self.secret))
                #expect(try await client.call(.get, "\(base)/\(id)", as: admin)["name"] as? String == "detractors")

                let now = ISO8601DateFormatter().string(from: Date())
                let answer = json(["userId": "alert-api-1", "timestamp": now, "properties": ["metric": "nps", "score": 2, "text": "Sizes are a guess", "touchpoint": "product-page-sizing"]])
                #expect(try await client.post("/v1/feedback", answer, key: .body(write)).status == 200)
                try await receiver.waitFor(1)
                _ = await attempts.next()  // the attempt is logged once the receiver has answered
                let deliveries = try #require(try await client.call(.get, "\(base)/\(id)/deliveries", as: admin)["deliveries"] as? [[String: Any]])
                #expect(deliveries.count == 1)
                let delivery = try #require(deliveries.first)
                #expect(delivery["status"] as? String == "delivered")
                let sent = try #require(receiver.received.first)
                #expect(NSDictionary(dictionary: delivery["payload"] as? [String: Any] ?? [:]).isEqual(to: sent.json), "the log holds the body that was posted")
                let log = try #require(delivery["attempt_log"] as? [[String: Any]])
                #expect(log.count == 1 && log[0]["status_code"] as? Int == 200)
                let deliveryID = try #require(delivery["id"] as? Int)
                #expect((try await client.call(.get, "\(base)/\(id)/deliveries?status=failed", as: admin)["deliveries"] as? [Any])?.isEmpty == true)
                #expect(try await client.call(.get, "\(base)/\(id)/deliveries", as: editor).status == 403, "the log holds customer identifiers")

                #expect(try await client.call(.post, "\(base)/\(id)/deliveries/\(deliveryID)/redeliver", as: editor).status == 403)
                let again = try await client.call(.post, "\(base)/\(id)/deliveries/\(deliveryID)/redeliver", as: admin)
                #expect(again.status == 200 && again["status"] as? String == "pending", "\(again)")
                try await receiver.waitFor(2)
                #expect(receiver.received.count == 2 && receiver.received[1].body == sent.body)

                let paused = try await client.call(.patch, "\(base)/\(id)", json(["enabled": false]), as: admin)
                #expect(paused.status == 200 && paused["enabled"] as? Bool == false)
                #expect(try await client.post("/v1/feedback", answer.replacingOccurrences(of: "alert-api-1", with: "alert-api-2"), key: .body(write)).status == 200)
                #expect(try await store.alertDeliveries(rule: Int64(id)).count == 1, "a paused rule enqueues nothing")

                #expect(try await client.call(.delete, "\(base)/\(id)", as: admin).status == 204)
                #expect(try await client.call(.get, "\(base)/\(id)", as: admin).status == 404)
                #expect(try await store.alertRules(workspace: "shop").isEmpty)
            }
        }
    }

    @Test("a rule of another workspace is not found through this one")
    func otherWorkspace() async throws {
        let harness = try await APIHarness()
        _ = try await harness.store.createWorkspace(id: "other", name: "Other")
        _ = try await harness.store.importWorkspace("other", workspace: WorkspaceTemplate.retail.workspace, author: "test")
        let rule = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "other", map: harness.mapID, kind: .negativeFeedback, url: "https://hooks.example.com/a"))
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            #expect(try await client.call(.get, "/api/v1/workspaces/shop/alerts/\(rule.rule.id)", as: admin).status == 404)
            #expect(try await client.call(.delete, "/api/v1/workspaces/shop/alerts/\(rule.rule.id)", as: admin).status == 404)
            #expect(try await harness.store.alertRules(workspace: "other").count == 1)
        }
    }
}
