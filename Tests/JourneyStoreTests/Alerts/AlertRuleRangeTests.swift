import CustomerData
import Foundation
import GRDB
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Alert rule ranges")
struct AlertRuleRangeTests {
    @Test("a stage-stay rule takes more than 0 and at most 3650 days; anything else is refused naming days and the range",
          arguments: [1e300, 1e308, -1e308, .nan, .infinity, -.infinity, -0.0, 0, 9_223_372_036_854_775_808, 3650.001, -7])
    func refused(_ days: Double) async throws {
        let fixture = try await AlertStore()
        let draft = AlertRuleDraft(workspace: "shop", map: "checkout", kind: .stageStay, url: "https://hooks.example.com/h", stage: "buy", days: days)
        let error = try #require(throws: WorkspaceStoreError.self) { try draft.validate() }
        #expect(error.field == "days" && error.message.contains("more than 0 and at most 3650"), "\(error)")
        await #expect(throws: WorkspaceStoreError.self) { _ = try await fixture.store.addAlertRule(draft) }
        #expect(try await fixture.store.alertRules().isEmpty)
    }

    @Test("the ends of the range and a fraction of a day are accepted", arguments: [3650, 0.5, 1e-6])
    func accepted(_ days: Double) async throws {
        let fixture = try await AlertStore()
        let rule = try await fixture.rule(.stageStay, stage: "buy", days: days)
        #expect(try await fixture.store.alertRule(id: rule).days == days)
    }

    @Test("a rule stored with days out of range (before the range was checked, or by hand) is skipped: evaluation goes on, the other rules fire",
          arguments: ["1e300", "9e999", "-9e999", "9223372036854775808", "-1", "0", "NULL", "'seven'"])
    func storedOutOfRange(_ days: String) async throws {
        var fixture = try await AlertStore()
        let bad = try await fixture.rule(.stageStay, stage: "buy", days: 1)
        let good = try await fixture.rule(.stageStay, stage: "buy", days: 2)
        try await fixture.store.database.write { db in try db.execute(sql: "UPDATE alert_rules SET days = \(days) WHERE id = ?", arguments: [bad]) }
        try fixture.send([AlertStore.track("u-1", "Checkout Started")])
        let later = Date(timeIntervalSince1970: Double(AlertStore.start) / 1000).addingTimeInterval(10 * 86_400)
        #expect(try await fixture.store.enqueueStageStays(now: later) == 1)
        #expect(try await fixture.store.alertDeliveries().map(\.rule) == [good])
        #expect(try await fixture.store.alertRules().count == 2, "the listing reads the stored rule too")
    }
}
