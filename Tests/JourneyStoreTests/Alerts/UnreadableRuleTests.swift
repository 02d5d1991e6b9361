import CustomerData
import Foundation
import GRDB
import JourneyStore
import Testing
import WayfinderTesting

/// A rule whose stored fields cannot be read is an error, never a default: a touchpoint list
/// read as empty would widen a negative-feedback rule to every touchpoint of the map, and an
/// unknown kind read as another kind would fire on the wrong events.
@Suite("Unreadable alert rules")
struct UnreadableRuleTests {
    static func corrupt(_ fixture: AlertStore, rule: Int64, column: String, value: String) throws {
        let queue = try DatabaseQueue(path: fixture.directory.path("store.db"))
        try queue.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE alert_rules SET \(column) = ?, updated_at = updated_at + 1 WHERE id = ?", arguments: [value, rule])
        }
    }

    @Test("reading a rule with an unreadable field fails, naming the rule", arguments: [("touchpoints", "not json"), ("touchpoints", "{\"a\": 1}"), ("kind", "page-view")])
    func listing(_ column: String, _ value: String) async throws {
        let fixture = try await AlertStore()
        let id = try await fixture.rule(.negativeFeedback, touchpoints: ["pay"])
        try Self.corrupt(fixture, rule: id, column: column, value: value)
        let store = fixture.store
        for read in [{ _ = try await store.alertRules() }, { _ = try await store.alertRule(id: id) }] as [@Sendable () async throws -> Void] {
            do {
                try await read()
                Issue.record("the unreadable rule was read as a rule")
            } catch let error as WorkspaceStoreError {
                #expect(error.message.contains("alert rule \(id) cannot be read"), "\(error)")
            }
        }
    }

    @Test("an unreadable touchpoint list does not widen a negative-feedback rule to every touchpoint; the events are stored all the same")
    func evaluation() async throws {
        var fixture = try await AlertStore()
        let id = try await fixture.rule(.negativeFeedback, touchpoints: ["pay"])
        try Self.corrupt(fixture, rule: id, column: "touchpoints", value: "not json")
        try fixture.send([AlertStore.feedback("u1", "nps", 2, touchpoint: "delivered")])
        #expect(try await fixture.store.alertDeliveries().isEmpty, "no alert for a touchpoint the rule does not name")
        #expect(fixture.importer.alertEvaluationFailures == 1, "the evaluation failed and was counted")
        let events = try await DatabaseQueue(path: fixture.directory.path("store.db")).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") }
        #expect(events == 1, "the event is stored")
    }
}
