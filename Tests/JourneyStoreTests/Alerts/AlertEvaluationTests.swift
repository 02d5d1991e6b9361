import CustomerData
import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// A store with workspace `shop` and map `checkout` (browse → buy → after), and a collection
/// stream that evaluates alert rules.
struct AlertStore {
    static let map = """
        id: checkout
        title: Checkout
        stages:
          - { id: browse, name: Browse }
          - { id: buy, name: Buy }
          - { id: after, name: After }
        touchpoints:
          - { id: product, name: Product, stage: browse, channel: web, match: { event: Product Viewed } }
          - { id: pay, name: Pays, stage: buy, channel: web, match: { event: Checkout Started } }
          - { id: delivered, name: Delivered, stage: after, channel: web, match: { event: Order Delivered } }
        """
    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_777_000_000_000

    let directory: TemporaryDirectory
    let store: JourneyStore
    let importer: Importer
    let stream: Int64
    var line = 0

    init() async throws {
        directory = try TemporaryDirectory()
        store = try JourneyStore(path: directory.path("store.db"))
        _ = try await store.createWorkspace(id: "shop", name: "Shop")
        _ = try await store.saveMap(workspace: "shop", id: "checkout", text: Self.map, syntax: .yaml, author: "test")
        importer = try Importer(data: store.data)
        stream = try importer.openStream(name: "test", format: "http", alerts: true)
    }

    func rule(_ kind: AlertRule.Kind, touchpoints: [String] = [], stage: String? = nil, days: Double? = nil) async throws -> Int64 {
        try await store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: kind, url: "https://hooks.example.com/h",
                                                    touchpoints: touchpoints, stage: stage, days: days)).rule.id
    }

    /// Stores events in one commit.
    mutating func send(_ events: [Event]) throws {
        let records = events.map { event in
            line += 1
            var record = InputRecord(line: line, location: "batch[\(line)]", text: "", result: .success(event))
            record.prepare(junk: Identifier.defaultJunk, phoneCountry: nil)
            return record
        }
        _ = try importer.store([RecordGroup(origin: "test", records: records)], stream: stream)
    }

    static func track(_ user: String, _ name: String, day: Int64 = 0) -> Event {
        Event(type: .track, name: name, timestamp: start + day * Self.day, userId: user)
    }

    static func feedback(_ user: String, _ metric: String, _ score: Double, touchpoint: String? = nil, day: Int64 = 0) -> Event {
        var properties: [(String, JSONValue)] = [("metric", .string(metric)), ("score", .number(score))]
        if let touchpoint { properties.append(("touchpoint", .string(touchpoint))) }
        return Event(type: .feedback, name: "Feedback Given", timestamp: start + day * Self.day, userId: user, properties: .object(properties))
    }

    func payloads() async throws -> [[String: Any]] {
        try await store.alertDeliveries().reversed().map { try #require(try JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any]) }
    }
}

@Suite("Alert evaluation")
struct AlertEvaluationTests {
    @Test("negative answers are those the friction analysis counts", arguments: [
        ("nps", 6.0, true), ("nps", 7.0, false), ("nps", 0.0, true), ("csat", 2.0, true), ("csat", 3.0, false), ("csat", 1.0, true),
        ("ces", 5.0, true), ("ces", 4.0, false), ("ces", 7.0, true),
    ])
    func negative(_ metric: String, _ score: Double, _ negative: Bool) async throws {
        var fixture = try await AlertStore()
        _ = try await fixture.rule(.negativeFeedback)
        try fixture.send([AlertStore.feedback("u-1", metric, score, touchpoint: "pay")])
        #expect(try await fixture.store.alertDeliveries().count == (negative ? 1 : 0))
    }

    @Test("an answer without a touchpoint is placed where the customer stood; a touchpoint filter applies to that place")
    func placement() async throws {
        var fixture = try await AlertStore()
        _ = try await fixture.rule(.negativeFeedback, touchpoints: ["pay"])
        try fixture.send([AlertStore.track("u-1", "Product Viewed"), AlertStore.feedback("u-1", "nps", 2)])
        #expect(try await fixture.store.alertDeliveries().isEmpty)
        try fixture.send([AlertStore.track("u-1", "Checkout Started", day: 1), AlertStore.feedback("u-1", "nps", 2, day: 1)])
        let payloads = try await fixture.payloads()
        #expect(payloads.count == 1)
        #expect((payloads.first?["touchpoint"] as? [String: Any])?["id"] as? String == "pay")
    }

    @Test("rules apply to events stored after they were added; the same event never enqueues twice")
    func afterAdding() async throws {
        var fixture = try await AlertStore()
        try fixture.send([AlertStore.track("u-1", "Checkout Started")])
        _ = try await fixture.rule(.frictionTouchpoint, touchpoints: ["pay"])
        #expect(try await fixture.store.alertDeliveries().isEmpty)
        try fixture.send([AlertStore.track("u-2", "Checkout Started"), AlertStore.track("u-2", "Product Viewed")])
        #expect(try await fixture.store.alertDeliveries().count == 1)
        try fixture.send([AlertStore.track("u-2", "Checkout Started", day: 0)])  // the same content again: a duplicate, not stored
        #expect(try await fixture.store.alertDeliveries().count == 1)
    }

    @Test("an at-risk rule fires when an event moves a customer to its touchpoints from outside them: once while they stay, again after they leave and come back; never for an older event")
    func atRisk() async throws {
        var fixture = try await AlertStore()
        _ = try await fixture.rule(.atRisk, touchpoints: ["product", "delivered"])
        // u-1 comes to product (at risk), views it again (still there), pays (safe), comes back (at risk again).
        try fixture.send([AlertStore.track("u-1", "Product Viewed", day: 1)])
        try fixture.send([AlertStore.track("u-1", "Product Viewed", day: 2)])
        #expect(try await fixture.store.alertDeliveries().count == 1)
        try fixture.send([AlertStore.track("u-1", "Checkout Started", day: 3)])
        try fixture.send([AlertStore.track("u-1", "Product Viewed", day: 4)])
        // Moving between two at-risk touchpoints is no new risk; an event older than the latest moves no one.
        try fixture.send([AlertStore.track("u-1", "Order Delivered", day: 5)])
        try fixture.send([AlertStore.track("u-2", "Checkout Started", day: 5), AlertStore.track("u-2", "Product Viewed", day: 4)])
        let payloads = try await fixture.payloads()
        #expect(payloads.count == 2, "\(payloads)")
        #expect(payloads.allSatisfy { ($0["touchpoint"] as? [String: Any])?["id"] as? String == "product" && ($0["rule"] as? [String: Any])?["kind"] as? String == "at-risk" })
        await #expect(throws: WorkspaceStoreError.self) {
            _ = try await fixture.rule(.atRisk)
        }
    }

    @Test("a stage stay fires once per entry, counted from the event that entered the stage, and again after a new entry")
    func stageStay() async throws {
        var fixture = try await AlertStore()
        _ = try await fixture.rule(.stageStay, stage: "buy", days: 7)
        let base = Date(timeIntervalSince1970: Double(AlertStore.start) / 1000)
        try fixture.send([AlertStore.track("u-1", "Checkout Started", day: 0), AlertStore.track("u-1", "Checkout Started", day: 3)])
        // Day 6 after entry: not yet (a later event in the same stage does not restart the clock).
        #expect(try await fixture.store.enqueueStageStays(now: base.addingTimeInterval(6.9 * 86_400)) == 0)
        #expect(try await fixture.store.enqueueStageStays(now: base.addingTimeInterval(7.1 * 86_400)) == 1)
        #expect(try await fixture.store.enqueueStageStays(now: base.addingTimeInterval(20 * 86_400)) == 0)
        // Leaves and comes back on day 21: a new entry, measured from then.
        try fixture.send([AlertStore.track("u-1", "Order Delivered", day: 21), AlertStore.track("u-1", "Checkout Started", day: 22)])
        #expect(try await fixture.store.enqueueStageStays(now: base.addingTimeInterval(28 * 86_400)) == 0)
        #expect(try await fixture.store.enqueueStageStays(now: base.addingTimeInterval(29.5 * 86_400)) == 1)
        // An event older than the customer's latest moves no one.
        try fixture.send([AlertStore.track("u-1", "Order Delivered", day: 1)])
        let payloads = try await fixture.payloads()
        #expect(payloads.map { $0["days_in_stage"] as? Double } == [7.1, 7.5])
        #expect(payloads.map { ($0["event"] as? [String: Any])?["timestamp"] as? String } ==
                [Timestamp.iso8601(AlertStore.start), Timestamp.iso8601(AlertStore.start + 22 * AlertStore.day)])
    }

    @Test("a rule that cannot be evaluated costs no events: they are stored, its alerts are not, and the failure is counted")
    func unreadableMap() async throws {
        var fixture = try await AlertStore()
        _ = try await fixture.rule(.frictionTouchpoint, touchpoints: ["pay"])
        try await fixture.store.database.write { db in try db.execute(sql: "UPDATE journey_map_versions SET document = '{'") }
        try fixture.send([AlertStore.track("u-1", "Checkout Started")])
        #expect(try await fixture.store.data.counts().events == 1)
        #expect(try await fixture.store.alertDeliveries().isEmpty)
        #expect(fixture.importer.alertEvaluationFailures == 1)
        let positions = try await fixture.store.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_positions") }
        #expect(positions == 0)
    }

    @Test("forget erases a customer's alerts")
    func forget() async throws {
        var fixture = try await AlertStore()
        _ = try await fixture.rule(.frictionTouchpoint, touchpoints: ["pay"])
        try fixture.send([AlertStore.track("u-1", "Checkout Started"), AlertStore.track("u-2", "Checkout Started")])
        let customer = try #require(try fixture.store.data.findCustomer("u-1"))
        _ = try fixture.store.data.forget(customer)
        let left = try await fixture.payloads()
        #expect(left.count == 1)
        #expect(!left.contains { (($0["customer"] as? [String: Any])?["identifiers"] as? [String])?.contains("user:u-1") == true })
    }
}
