import CustomerData
import Foundation
import GRDB
import JourneyModel

/// An event just inserted by a commit, as the alert rules see it.
struct CommittedEvent {
    var id: Int64
    var customer: Int64
    var event: Event
    var feedback: Feedback?
}

/// Evaluates the alert rules on the events of one commit, inside that commit's transaction, and
/// enqueues deliveries in the outbox: an alert exists exactly when its events do.
///
/// Only the new events are classified, with the map's ``EventMatcher`` (the match rules' own
/// semantics: the first touchpoint in map order). Where each customer stands on a map with rules
/// (stage, touchpoint, when the stage was entered) is kept in `alert_positions`, which the
/// stage-stay check reads. Rules and maps are read again whenever a rule or a map version changes.
/// One evaluator serves one thread (the collection writer's).
final class AlertEvaluator {
    struct CompiledRule {
        var id: Int64
        var kind: AlertRule.Kind
        var name: String
        var touchpoints: Set<String>
        var afterEvent: Int64
    }

    struct CompiledMap {
        var rowID: Int64
        var workspace: String
        /// The workspace's row: the map's rules see only that workspace's events.
        var workspaceRow: Int64
        var map: JourneyMap
        var matcher: EventMatcher
        var touchpointIndex: [String: Int]
        var rules: [CompiledRule]
    }

    private var fingerprint: String?
    private var maps: [CompiledMap] = []

    /// Reloads rules and maps when they changed since the last commit.
    private func refresh(_ db: Database) throws {
        let current = try String.fetchOne(db, sql: """
            SELECT coalesce(group_concat(r.id || ':' || r.updated_at || ':' || m.current_version, ','), '')
            FROM alert_rules r JOIN journey_maps m ON m.id = r.map_id WHERE r.enabled
            """) ?? ""
        guard current != fingerprint else { return }
        fingerprint = current
        var byMap: [Int64: CompiledMap] = [:]
        var order: [Int64] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT r.id, r.kind, r.name, r.touchpoints, r.after_event, m.id, m.slug, m.current_version, v.document, w.slug, w.id
            FROM alert_rules r JOIN journey_maps m ON m.id = r.map_id
            JOIN journey_map_versions v ON v.map_id = m.id AND v.number = m.current_version
            JOIN workspaces w ON w.id = m.workspace_id
            WHERE r.enabled ORDER BY r.id
            """) {
            let mapRow: Int64 = row[5]
            if byMap[mapRow] == nil {
                let map = try StoredDocument.map(row[8], id: row[6], version: row[7])
                byMap[mapRow] = CompiledMap(rowID: mapRow, workspace: row[9], workspaceRow: row[10], map: map, matcher: EventMatcher(journey: map),
                                            touchpointIndex: Dictionary(map.touchpoints.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a }),
                                            rules: [])
                order.append(mapRow)
            }
            let ruleID: Int64 = row[0]
            let kind = try JourneyStore.storedKind(row[1], rule: ruleID)
            let touchpoints = try JourneyStore.storedTouchpoints(row[3], rule: ruleID)
            byMap[mapRow]!.rules.append(CompiledRule(id: ruleID, kind: kind, name: row[2], touchpoints: Set(touchpoints), afterEvent: row[4]))
        }
        maps = order.compactMap { byMap[$0] }
    }

    /// Classifies the committed events, all of the workspace with row `workspace`, against every
    /// map of that workspace with enabled rules, moves customers' positions, and enqueues the
    /// deliveries the event rules call for.
    func evaluate(_ events: [CommittedEvent], workspace: Int64, db: Database, root: (Int64) -> Int64) throws {
        try refresh(db)
        guard !maps.isEmpty, !events.isEmpty else { return }
        let now = StoreTime.now()
        let readPosition = try db.cachedStatement(sql: "SELECT stage, touchpoint, last_event_at FROM alert_positions WHERE map_id = ? AND customer_id = ?")
        let enter = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO alert_positions (map_id, customer_id, stage, touchpoint, entered_at, entry_event, last_event_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let move = try db.cachedStatement(sql: "UPDATE alert_positions SET touchpoint = ?, last_event_at = ? WHERE map_id = ? AND customer_id = ?")
        for map in maps where map.workspaceRow == workspace {
            for committed in events {
                let customer = root(committed.customer)
                let classified = map.matcher.classify(committed.event)
                // Only a classified event moves the customer, and only an answer needs where they stood.
                guard classified != nil || committed.feedback != nil else { continue }
                let position = try Row.fetchOne(readPosition, arguments: [map.rowID, customer])
                let previousTouchpoint: String? = position?[1]
                if let classified {
                    let touchpoint = map.map.touchpoints[classified]
                    let timestamp = committed.event.timestamp
                    if let position {
                        let stage: String = position[0]
                        let last: Int64 = position[2]
                        // An event older than the customer's latest is history: it moves no one.
                        if timestamp >= last {
                            if stage == touchpoint.stage {
                                try move.execute(arguments: [touchpoint.id, timestamp, map.rowID, customer])
                            } else {
                                try enter.execute(arguments: [map.rowID, customer, touchpoint.stage, touchpoint.id, timestamp, committed.id, timestamp])
                            }
                        }
                    } else {
                        try enter.execute(arguments: [map.rowID, customer, touchpoint.stage, touchpoint.id, timestamp, committed.id, timestamp])
                    }
                }
                for rule in map.rules where committed.id > rule.afterEvent {
                    switch rule.kind {
                    case .stageStay:
                        continue
                    case .frictionTouchpoint:
                        guard let classified, rule.touchpoints.contains(map.map.touchpoints[classified].id) else { continue }
                        try AlertPayload.enqueue(db, rule: rule, map: map, trigger: "r\(rule.id):e\(committed.id)", customer: customer,
                                                 touchpoint: map.map.touchpoints[classified], event: committed, feedback: nil, days: nil, now: now)
                    case .negativeFeedback:
                        guard let feedback = committed.feedback, let score = feedback.score, Self.isNegative(feedback.metric, score: score) else { continue }
                        // The touchpoint the answer names, else the one its own event is classified
                        // into, else where the customer stood before it.
                        let touchpointID = feedback.touchpoint.flatMap { map.touchpointIndex[$0] != nil ? $0 : nil }
                            ?? classified.map { map.map.touchpoints[$0].id } ?? previousTouchpoint
                        let touchpoint = touchpointID.flatMap { map.touchpointIndex[$0] }.map { map.map.touchpoints[$0] }
                        if !rule.touchpoints.isEmpty, !rule.touchpoints.contains(touchpoint?.id ?? "") { continue }
                        try AlertPayload.enqueue(db, rule: rule, map: map, trigger: "r\(rule.id):e\(committed.id)", customer: customer,
                                                 touchpoint: touchpoint, event: committed, feedback: feedback, days: nil, now: now)
                    }
                }
            }
        }
    }

    /// Whether a scored answer is negative, as the friction analysis counts it: NPS 0–6, CSAT 1–2
    /// (of 5), CES 5–7 (of 7, 7 the most effort); free text never is.
    static func isNegative(_ metric: Feedback.Metric, score: Double) -> Bool {
        switch metric {
        case .nps: score <= 6
        case .csat: score <= 2
        case .ces: score >= 5
        case .text: false
        }
    }
}
