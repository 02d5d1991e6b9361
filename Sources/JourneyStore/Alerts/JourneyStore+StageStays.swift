import CustomerData
import Foundation
import JourneyModel

extension SQLWorkspaceStore {
    /// Enqueues a delivery for every customer who entered a stage more than a stage-stay rule's
    /// days before `now` and has not moved to another stage since; once per stage entry. Returns
    /// how many were enqueued. A position held by a customer since merged into another is skipped
    /// (the survivor's own events move it on). A stored rule whose days the store would no longer
    /// accept (``AlertRule/acceptsStageStay(days:)``, such as one saved before the limit) is skipped:
    /// no stay that long can be measured, so it never fires.
    @discardableResult
    public func enqueueStageStays(now: Date) async throws(WorkspaceStoreError) -> Int {
        let nowMilliseconds = StoreTime.milliseconds(now)
        return try await write { db in
            var enqueued = 0
            let rules = try db.rows(sql: """
                SELECT r.id, r.name, r.stage, r.days, r.after_event, m.id, m.slug, m.current_version, v.document, w.slug
                FROM alert_rules r JOIN journey_maps m ON m.id = r.map_id
                JOIN journey_map_versions v ON v.map_id = m.id AND v.number = m.current_version
                JOIN workspaces w ON w.id = m.workspace_id
                WHERE r.enabled <> 0 AND r.kind = 'stage-stay' ORDER BY r.id
                """)
            for rule in rules {
                let ruleID: Int64 = try rule[0]
                guard let days: Double = rule.readable(3), AlertRule.acceptsStageStay(days: days) else { continue }
                let map = try StoredDocument.map(rule[8], id: rule[6], version: rule[7])
                let cutoff = nowMilliseconds - Int64(days * 86_400_000)
                let stays = try db.rows(sql: """
                    SELECT p.customer_id, p.stage, p.touchpoint, p.entered_at, p.entry_event, e.type, e.name, e.timestamp
                    FROM alert_positions p JOIN events e ON e.id = p.entry_event
                    JOIN customers c ON c.id = p.customer_id AND c.merged_into IS NULL
                    WHERE p.map_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR p.stage = CAST(?2 AS TEXT)) AND p.entered_at <= ?3 AND p.entry_event > ?4
                      AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.trigger = 'r' || CAST(?5 AS TEXT) || ':s' || CAST(p.entry_event AS TEXT))
                    """, arguments: [rule[5] as Int64, rule[2] as String?, cutoff, rule[4] as Int64, ruleID])
                for stay in stays {
                    let enteredAt: Int64 = try stay[3]
                    let entry: Int64 = try stay[4]
                    let touchpointID: String = try stay[2]
                    enqueued += try AlertPayload.enqueue(db, ruleID: ruleID, kind: .stageStay, name: rule[1], workspace: rule[9], map: map, trigger: "r\(ruleID):s\(entry)",
                                             customer: stay[0], stage: stay[1], touchpoint: map.touchpoints.first { $0.id == touchpointID },
                                             event: (entry, stay[5], stay[6], stay[7]), feedback: nil,
                                             days: Double(nowMilliseconds - enteredAt) / 86_400_000, now: nowMilliseconds)
                }
            }
            return enqueued
        }
    }
}
