import CustomerData
import Foundation
import JourneyModel

/// An event just inserted by a commit, as the alert rules see it.
public struct CommittedEvent {
    var id: Int64
    var customer: Int64
    var event: Event
    var feedback: Feedback?

    /// Event `id`, stored for customer number `customer` (before stitching), with its answer.
    public init(id: Int64, customer: Int64, event: Event, feedback: Feedback?) {
        self.id = id
        self.customer = customer
        self.event = event
        self.feedback = feedback
    }
}

/// Evaluates the alert rules on the events of one commit, inside that commit's transaction, and
/// enqueues deliveries in the outbox: an alert exists exactly when its events do.
///
/// Only the new events are classified, with the map's ``EventMatcher`` (the match rules' own
/// semantics: the first touchpoint in map order). Where each customer stands on a map with rules
/// (stage, touchpoint, when the stage was entered) is kept in `alert_positions`, which the
/// stage-stay check reads. Rules and maps are read again whenever a rule or a map version changes.
/// One evaluator serves one thread (the collection writer's). It runs on every store's
/// transactions: the embedded store's and PostgreSQL's.
public final class AlertEvaluator {
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

    /// An evaluator that reads the rules with the first commit.
    public init() {}

    /// Whether the rules last read hold any enabled rule; false before the first read.
    public var hasRules: Bool { !maps.isEmpty }

    /// Reloads rules and maps when they changed since the last commit.
    public func refresh(_ db: any StoreTransaction) throws {
        let current = try db.rows(sql: """
            SELECT r.id, r.updated_at, m.current_version FROM alert_rules r JOIN journey_maps m ON m.id = r.map_id WHERE r.enabled <> 0 ORDER BY r.id
            """).map { "\(try $0[0] as Int64):\(try $0[1] as Int64):\(try $0[2] as Int64)" }.joined(separator: ",")
        guard current != fingerprint else { return }
        fingerprint = current
        var byMap: [Int64: CompiledMap] = [:]
        var order: [Int64] = []
        for row in try db.rows(sql: """
            SELECT r.id, r.kind, r.name, r.touchpoints, r.after_event, m.id, m.slug, m.current_version, v.document, w.slug, w.id
            FROM alert_rules r JOIN journey_maps m ON m.id = r.map_id
            JOIN journey_map_versions v ON v.map_id = m.id AND v.number = m.current_version
            JOIN workspaces w ON w.id = m.workspace_id
            WHERE r.enabled <> 0 ORDER BY r.id
            """) {
            let mapRow: Int64 = try row[5]
            if byMap[mapRow] == nil {
                let map = try StoredDocument.map(row[8], id: row[6], version: row[7])
                byMap[mapRow] = CompiledMap(rowID: mapRow, workspace: try row[9], workspaceRow: try row[10], map: map, matcher: EventMatcher(journey: map),
                                            touchpointIndex: Dictionary(map.touchpoints.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a }),
                                            rules: [])
                order.append(mapRow)
            }
            let ruleID: Int64 = try row[0]
            let kind = try JourneyStore.storedKind(row[1], rule: ruleID)
            let touchpoints = try JourneyStore.storedTouchpoints(row[3], rule: ruleID)
            byMap[mapRow]!.rules.append(CompiledRule(id: ruleID, kind: kind, name: try row[2], touchpoints: Set(touchpoints), afterEvent: try row[4]))
        }
        maps = order.compactMap { byMap[$0] }
    }

    /// Classifies the committed events, all of the workspace with row `workspace`, against every
    /// map of that workspace with enabled rules, moves customers' positions, and enqueues the
    /// deliveries the event rules call for. With `rulesRead`, the rules are those of the last
    /// ``refresh(_:)`` (a writer that reads them before its turn to write).
    public func evaluate(_ events: [CommittedEvent], workspace: Int64, db: any StoreTransaction, rulesRead: Bool = false,
                         root: (Int64) -> Int64) throws {
        if !rulesRead { try refresh(db) }
        guard !maps.isEmpty, !events.isEmpty else { return }
        let now = StoreTime.now()
        func readPosition(_ arguments: SQLArguments) throws -> SQLRow? {
            try db.row(sql: "SELECT stage, touchpoint, last_event_at FROM alert_positions WHERE map_id = ? AND customer_id = ?", arguments: arguments)
        }
        func enter(_ arguments: SQLArguments) throws {
            try db.execute(sql: """
                INSERT INTO alert_positions (map_id, customer_id, stage, touchpoint, entered_at, entry_event, last_event_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (map_id, customer_id) DO UPDATE SET stage = excluded.stage, touchpoint = excluded.touchpoint, entered_at = excluded.entered_at,
                    entry_event = excluded.entry_event, last_event_at = excluded.last_event_at
                """, arguments: arguments)
        }
        func move(_ arguments: SQLArguments) throws {
            try db.execute(sql: "UPDATE alert_positions SET touchpoint = ?, last_event_at = ? WHERE map_id = ? AND customer_id = ?", arguments: arguments)
        }
        for map in maps where map.workspaceRow == workspace {
            for committed in events {
                let customer = root(committed.customer)
                let classified = map.matcher.classify(committed.event)
                // Only a classified event moves the customer, and only an answer needs where they stood.
                guard classified != nil || committed.feedback != nil else { continue }
                let position = try readPosition([map.rowID, customer])
                let previousTouchpoint: String? = try position.map { try $0[1] }
                // Whether the event moved the customer (an event older than their latest moves no one).
                var moved = false
                if let classified {
                    let touchpoint = map.map.touchpoints[classified]
                    let timestamp = committed.event.timestamp
                    if let position {
                        let stage: String = try position[0]
                        let last: Int64 = try position[2]
                        // An event older than the customer's latest is history: it moves no one.
                        if timestamp >= last {
                            moved = true
                            if stage == touchpoint.stage {
                                try move([touchpoint.id, timestamp, map.rowID, customer])
                            } else {
                                try enter([map.rowID, customer, touchpoint.stage, touchpoint.id, timestamp, committed.id, timestamp])
                            }
                        }
                    } else {
                        moved = true
                        try enter([map.rowID, customer, touchpoint.stage, touchpoint.id, timestamp, committed.id, timestamp])
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
                    case .atRisk:
                        // Once when the customer comes to an at-risk touchpoint from outside them.
                        guard moved, let classified, rule.touchpoints.contains(map.map.touchpoints[classified].id),
                              !rule.touchpoints.contains(previousTouchpoint ?? "") else { continue }
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
