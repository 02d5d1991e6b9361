import Foundation
import HummingbirdTesting
import JourneyModel
import JourneyStore
import Logging
import Testing
import WayfinderServer
import WayfinderTesting

/// A map with a page in `browse`, a checkout and a survey in `buy`, and a delivery in `after`.
let alertMapYAML = """
    id: checkout
    title: Checkout
    stages:
      - { id: browse, name: Browse }
      - { id: buy, name: Buy }
      - { id: after, name: After the sale }
    touchpoints:
      - { id: product, name: Views a product, stage: browse, channel: web, match: { event: Product Viewed } }
      - { id: pay, name: Pays, stage: buy, channel: web, match: { event: Checkout Started } }
      - { id: survey, name: Answers the survey, stage: buy, channel: web, match: { type: feedback } }
      - { id: delivered, name: Gets the parcel, stage: after, channel: web, match: { event: Order Delivered } }
    """

/// A server harness with the checkout map in workspace `shop` and fast alert timing.
func alertHarness(_ configure: @escaping (inout AlertDeliveryOptions) -> Void = { _ in }, path: String? = nil) async throws -> ServerHarness {
    let harness = try await ServerHarness { configuration in
        configuration.alerts.pollInterval = .milliseconds(20)
        configuration.alerts.stageCheckInterval = .milliseconds(20)
        configuration.alerts.firstRetryDelay = .milliseconds(100)
        configuration.alerts.timeout = .seconds(5)
        configuration.alerts.allowPrivateAddresses = true  // the receiver listens on loopback
        configure(&configuration.alerts)
    }
    _ = try await harness.store.saveMap(workspace: "shop", id: "checkout", text: alertMapYAML, syntax: .yaml, author: "test")
    return harness
}

func milliseconds(_ iso: String) -> Double {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return (formatter.date(from: iso)?.timeIntervalSince1970 ?? .nan) * 1000
}

@Suite("Alerts")
struct AlertTests {
    static let secret = "test-secret-0123456789"

    @Test("a negative answer is delivered once, signed over the exact body; a positive one enqueues nothing")
    func negativeFeedback() async throws {
        let receiver = AlertReceiver()
        let harness = try await alertHarness()
        try await receiver.run { url in
            let rule = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .negativeFeedback, url: url,
                                                                           secret: Self.secret, name: "detractors"))
            #expect(rule.secret == Self.secret)
            try await harness.test { client in
                let now = ISO8601DateFormatter().string(from: Date())
                let page = try await client.post("/v1/track", json(["userId": "u-1", "event": "Checkout Started", "timestamp": now,
                                                                    "context": ["traits": ["email": "maya@example.com"]]]), key: .body(harness.write))
                #expect(page.status == 200)
                let positive = try await client.post("/v1/feedback", json(["userId": "u-1", "timestamp": now,
                                                                           "properties": ["metric": "nps", "score": 9, "touchpoint": "pay"]]), key: .body(harness.write))
                #expect(positive.status == 200)
                // Enqueued in the commit's transaction: once the 200 is out, the outbox is settled.
                #expect(try await harness.store.alertDeliveries().isEmpty)
                let negative = try await client.post("/v1/feedback", json(["userId": "u-1", "timestamp": now,
                                                                           "properties": ["metric": "nps", "score": 3, "text": "Too slow", "touchpoint": "pay"]]), key: .body(harness.write))
                #expect(negative.status == 200)
                #expect(try await harness.store.alertDeliveries().count == 1)
                let csatFine = try await client.post("/v1/feedback", json(["userId": "u-1", "timestamp": now, "properties": ["metric": "csat", "score": 3]]),
                                                     key: .body(harness.write))
                #expect(csatFine.status == 200)
                #expect(try await harness.store.alertDeliveries().count == 1)
                try await receiver.waitFor(1)
            }
            // The server has stopped: every attempt it made is logged.
            let requests = receiver.received
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(AlertSignature.verify(body: request.body, timestamp: request.header("X-Wayfinder-Timestamp"),
                                          signature: request.header("X-Wayfinder-Signature"), secret: Self.secret))
            var tampered = request.body
            tampered[tampered.count / 2] ^= 0x01
            #expect(!AlertSignature.verify(body: tampered, timestamp: request.header("X-Wayfinder-Timestamp"),
                                           signature: request.header("X-Wayfinder-Signature"), secret: Self.secret))
            #expect(!AlertSignature.verify(body: request.body, timestamp: request.header("X-Wayfinder-Timestamp"),
                                           signature: request.header("X-Wayfinder-Signature"), secret: "another-secret-0123456"))
            #expect(!AlertSignature.verify(body: request.body, timestamp: request.header("X-Wayfinder-Timestamp"),
                                           signature: request.header("X-Wayfinder-Signature"), secret: Self.secret, now: Date().addingTimeInterval(3600)))
            let payload = request.json
            let customer = try #require(try harness.store.data.findCustomer("u-1"))
            #expect((payload["customer"] as? [String: Any])?["id"] as? String == CustomerID.text(customer))
            #expect((payload["customer"] as? [String: Any])?["identifiers"] as? [String] == ["email:maya@example.com", "user:u-1"])
            #expect((payload["rule"] as? [String: Any])?["kind"] as? String == "negative-feedback")
            #expect((payload["touchpoint"] as? [String: Any])?["id"] as? String == "pay")
            #expect((payload["stage"] as? [String: Any])?["id"] as? String == "buy")
            #expect((payload["feedback"] as? [String: Any])?["score"] as? Double == 3)
            #expect((payload["feedback"] as? [String: Any])?["text"] as? String == "Too slow")
            #expect((payload["event"] as? [String: Any])?["type"] as? String == "feedback")
            let delivery = try #require(try await harness.store.alertDeliveries().first)
            #expect(delivery.status == .delivered)
            #expect(Array(delivery.payload.utf8) == request.body)
            #expect(request.header("X-Wayfinder-Delivery") == String(delivery.id))
            let attempts = try await harness.store.alertAttempts(delivery: delivery.id)
            #expect(attempts.map(\.statusCode) == [200])
            // Logs name deliveries and rules, never the customer, the URL or the secret.
            let logs = harness.logs.lines.joined(separator: "\n")
            #expect(logs.contains("alert delivered"))
            for secret in ["u-1", "maya@example.com", "Too slow", Self.secret, url] { #expect(!logs.contains(secret), "\(secret)") }
        }
    }

    @Test("a touchpoint filter limits negative-feedback rules; a friction-touchpoint rule fires on its touchpoints only")
    func filtersAndFriction() async throws {
        let harness = try await alertHarness { $0.holdDeliveries = true }
        let url = "http://127.0.0.1:9/hook"
        _ = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .negativeFeedback, url: url, touchpoints: ["product"]))
        let friction = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .frictionTouchpoint, url: url, touchpoints: ["pay"]))
        try await harness.test { client in
            let now = ISO8601DateFormatter().string(from: Date())
            for body in [
                json(["userId": "u-2", "event": "Product Viewed", "timestamp": now]),
                json(["userId": "u-2", "event": "Checkout Started", "timestamp": now]),
                json(["userId": "u-2", "timestamp": now, "properties": ["metric": "ces", "score": 7, "touchpoint": "pay"]]),
            ] {
                let status = try await client.post(body.contains("metric") ? "/v1/feedback" : "/v1/track", body, key: .body(harness.write)).status
                #expect(status == 200)
            }
        }
        let deliveries = try await harness.store.alertDeliveries()
        #expect(deliveries.map(\.rule) == [friction.rule.id])
        #expect(deliveries.first?.status == .pending)
        await #expect(throws: WorkspaceStoreError.self) {
            try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .frictionTouchpoint, url: url, touchpoints: ["nowhere"]))
        }
        do {
            _ = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .negativeFeedback, url: "ftp://x"))
            Issue.record("an ftp URL was taken")
        } catch {
            #expect(error.field == "url")
        }
    }

    @Test("a stage-stay rule fires once per stage entry after N days, by the worker's clock")
    func stageStay() async throws {
        let receiver = AlertReceiver()
        let eightDaysOn: @Sendable () -> Date = { Date().addingTimeInterval(8 * 86_400) }
        let harness = try await alertHarness { $0.now = eightDaysOn }
        try await receiver.run { url in
            _ = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .stageStay, url: url, secret: Self.secret,
                                                                    stage: "buy", days: 7))
            try await harness.test { client in
                let now = ISO8601DateFormatter().string(from: Date())
                // u-stuck enters buy and stays; u-moved goes on to after; u-browse never reaches buy.
                // One batch, one commit: the worker's clock is 8 days ahead, so any stage held between
                // two commits would already count as a long stay.
                let batch = [("u-stuck", "Product Viewed"), ("u-stuck", "Checkout Started"), ("u-moved", "Checkout Started"),
                             ("u-moved", "Order Delivered"), ("u-browse", "Product Viewed")].map { user, event in
                    ["type": "track", "userId": user, "event": event, "timestamp": now]
                }
                let status = try await client.post("/v1/batch", json(["batch": batch]), key: .body(harness.write)).status
                #expect(status == 200)
                try await receiver.waitFor(1)
            }
            #expect(try await harness.store.enqueueStageStays(now: Date().addingTimeInterval(30 * 86_400)) == 0)
            let requests = receiver.received
            #expect(requests.count == 1)
            let payload = try #require(requests.first).json
            let stuck = try #require(try harness.store.data.findCustomer("u-stuck"))
            #expect((payload["customer"] as? [String: Any])?["id"] as? String == CustomerID.text(stuck))
            #expect((payload["stage"] as? [String: Any])?["id"] as? String == "buy")
            #expect((payload["touchpoint"] as? [String: Any])?["id"] as? String == "pay")
            let days = try #require(payload["days_in_stage"] as? Double)
            #expect(days >= 7.99 && days <= 8.01)
        }
    }

    @Test("a receiver that fails twice gets a third attempt; every attempt is logged with back-off between them")
    func retries() async throws {
        let receiver = AlertReceiver(statuses: [500, 503])
        let harness = try await alertHarness()
        try await receiver.run { url in
            _ = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .frictionTouchpoint, url: url,
                                                                    secret: Self.secret, touchpoints: ["pay"]))
            try await harness.test { client in
                let now = ISO8601DateFormatter().string(from: Date())
                #expect(try await client.post("/v1/track", json(["userId": "u-3", "event": "Checkout Started", "timestamp": now]), key: .body(harness.write)).status == 200)
                try await receiver.waitFor(3)
            }
            let requests = receiver.received
            #expect(requests.count == 3)
            #expect(requests.map { $0.header("X-Wayfinder-Attempt") } == ["1", "2", "3"])
            #expect(Set(requests.map(\.body)).count == 1)
            for request in requests {
                #expect(AlertSignature.verify(body: request.body, timestamp: request.header("X-Wayfinder-Timestamp"),
                                              signature: request.header("X-Wayfinder-Signature"), secret: Self.secret))
            }
            let delivery = try #require(try await harness.store.alertDeliveries().first)
            #expect(delivery.status == .delivered)
            #expect(delivery.attempts == 3)
            let attempts = try await harness.store.alertAttempts(delivery: delivery.id)
            #expect(attempts.map(\.statusCode) == [500, 503, 200])
            let exposition = String(decoding: harness.server.metrics.exposition(), as: UTF8.self)
            #expect(metric(exposition, "wayfinder_alert_attempts_total", labels: #"outcome="retry""#) == 2, "\(exposition)")
            #expect(metric(exposition, "wayfinder_alert_attempts_total", labels: #"outcome="delivered""#) == 1)
            #expect(metric(exposition, "wayfinder_alert_attempts_total", labels: #"outcome="failed""#) == 0)
            #expect(attempts.map(\.number) == [1, 2, 3])
            // Delays drawn from [d/2, d]: d = 100 ms, then 200 ms.
            let starts = attempts.map { milliseconds($0.startedAt) }
            #expect(starts[1] - starts[0] >= 50, "\(starts)")
            #expect(starts[2] - starts[1] >= 100, "\(starts)")
        }
    }

    @Test("a delivery whose round is used up fails, and redelivery starts a new round")
    func failureAndRedelivery() async throws {
        let receiver = AlertReceiver(statuses: [500, 500])
        let harness = try await alertHarness { $0.maximumAttempts = 2 }
        try await receiver.run { url in
            _ = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .frictionTouchpoint, url: url, touchpoints: ["pay"]))
            try await harness.test { client in
                let now = ISO8601DateFormatter().string(from: Date())
                #expect(try await client.post("/v1/track", json(["userId": "u-4", "event": "Checkout Started", "timestamp": now]), key: .body(harness.write)).status == 200)
                try await receiver.waitFor(2)
            }
            let failed = try #require(try await harness.store.alertDeliveries().first)
            #expect(failed.status == .failed)
            #expect(failed.nextAttemptAt == nil)
            let again = try await harness.store.redeliverAlert(id: failed.id)
            #expect(again.status == .pending)
            let due = try await harness.store.dueAlertDeliveries(now: Date().addingTimeInterval(1), limit: 10)
            #expect(due.map(\.id) == [failed.id])
            #expect(due.first?.attemptsThisRound == 0)
            #expect(due.first?.attempts == 2)
        }
    }

    @Test("a server stopping while an alert is in flight waits for the answer and logs the attempt")
    func shutdownDuringDelivery() async throws {
        let receiver = AlertReceiver(delay: .milliseconds(300))
        let harness = try await alertHarness()
        try await receiver.run { url in
            _ = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .frictionTouchpoint, url: url, touchpoints: ["pay"]))
            try await harness.test { client in
                let now = ISO8601DateFormatter().string(from: Date())
                let status = try await client.post("/v1/track", json(["userId": "u-6", "event": "Checkout Started", "timestamp": now]), key: .body(harness.write)).status
                #expect(status == 200)
                // The receiver has the request and holds its answer; the server now shuts down.
                try await receiver.waitFor(1)
            }
            let delivery = try #require(try await harness.store.alertDeliveries().first)
            #expect(delivery.status == .delivered)
            let attempts = try await harness.store.alertAttempts(delivery: delivery.id)
            #expect(attempts.map(\.statusCode) == [200])
            #expect(attempts.first.map { $0.durationMilliseconds >= 300 } == true)
            #expect(receiver.received.count == 1)
        }
    }

    @Test("alerts left in the outbox when the server stops go out after a restart")
    func restart() async throws {
        let receiver = AlertReceiver()
        let directory = try TemporaryDirectory(prefix: "wayfinder-alert-restart")
        let path = directory.path("store.db")
        try await receiver.run { url in
            // The first run holds deliveries, as a server stopped before its worker got to them.
            let first = try await restartHarness(path: path, hold: true)
            _ = try await first.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .frictionTouchpoint, url: url,
                                                                  secret: Self.secret, touchpoints: ["pay"]))
            try await first.server.application().test(.router) { client in
                let now = ISO8601DateFormatter().string(from: Date())
                let status = try await client.post("/v1/track", json(["userId": "u-5", "event": "Checkout Started", "timestamp": now]), key: .body(first.key)).status
                #expect(status == 200)
            }
            #expect(try await first.store.alertDeliveries(status: .pending).count == 1)
            #expect(receiver.received.isEmpty)
            let second = try await restartHarness(path: path, hold: false)
            try await second.server.application().test(.router) { _ in
                try await receiver.waitFor(1)
            }
            #expect(receiver.received.count == 1)
            #expect(try await second.store.alertDeliveries(status: .delivered).count == 1)
        }
    }
}

/// A server over the store at `path` (created with the map on first use), as `wayfinder serve` would open it.
func restartHarness(path: String, hold: Bool) async throws -> (store: JourneyStore, server: WayfinderServer, key: String) {
    let fresh = !FileManager.default.fileExists(atPath: path)
    let store = try JourneyStore(path: path, durableCommits: true)
    if fresh {
        _ = try await store.createWorkspace(id: "shop", name: "Shop")
        _ = try await store.saveMap(workspace: "shop", id: "checkout", text: alertMapYAML, syntax: .yaml, author: "test")
    }
    let key = try await store.createAPIKey(kind: .write, workspace: "shop").secret
    var configuration = ServerConfiguration()
    configuration.alerts.pollInterval = .milliseconds(20)
    configuration.alerts.holdDeliveries = hold
    configuration.alerts.allowPrivateAddresses = true  // the receiver listens on loopback
    let server = try WayfinderServer(configuration: configuration, store: store, logger: .init(label: "restart-test"))
    return (store, server, key)
}
