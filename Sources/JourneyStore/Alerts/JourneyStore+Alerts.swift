import CustomerData
import Foundation
import JourneyModel

extension SQLWorkspaceStore {
    /// Adds a rule to a map; it applies to events stored from now on. Returns it with its secret
    /// (the one given, or a new random `whsec_…` one), which listings never show.
    public func addAlertRule(_ draft: AlertRuleDraft) async throws(WorkspaceStoreError) -> NewAlertRule {
        try draft.validate()
        let name = draft.name
        let secret = draft.secret ?? Self.newAlertSecret()
        let created = try await write { db -> Int64 in
            let state = try WorkspaceState.load(db, draft.workspace)
            guard let row = state.map(draft.map) else { throw try Self.missingMap(db, state.header, draft.map) }
            let known = Set(row.map.touchpoints.map(\.id))
            let unknown = draft.touchpoints.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw WorkspaceStoreError.invalid("touchpoints", "touchpoints: map '\(draft.map)' has no touchpoint \(unknown.quotedList()); use one of \(row.map.touchpoints.map(\.id).quotedList())")
            }
            if let stage = draft.stage, !row.map.stages.contains(where: { $0.id == stage }) {
                throw WorkspaceStoreError.invalid("stage", "stage: map '\(draft.map)' has no stage '\(stage)'; use one of \(row.map.stages.map(\.id).quotedList())")
            }
            let now = StoreTime.now()
            let after = try db.value(Int64.self, sql: "SELECT coalesce(max(id), 0) FROM events") ?? 0
            let touchpoints = String(decoding: try JSONEncoder().encode(draft.touchpoints), as: UTF8.self)
            return try db.insert(sql: """
                INSERT INTO alert_rules (map_id, kind, name, touchpoints, stage, days, url, secret, after_event, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [row.rowID, draft.kind.rawValue, name, touchpoints, draft.kind == .stageStay ? draft.stage : nil,
                                 draft.kind == .stageStay ? draft.days : nil, draft.url, secret, after, now, now])
        }
        return NewAlertRule(rule: try await alertRule(id: created), secret: secret)
    }

    /// The rules, of one workspace or one map when given, oldest first.
    public func alertRules(workspace: String? = nil, map: String? = nil) async throws(WorkspaceStoreError) -> [AlertRule] {
        try await read { db in
            try db.rows(sql: Self.ruleSelect + " WHERE (CAST(?1 AS TEXT) IS NULL OR w.slug = ?1) AND (CAST(?2 AS TEXT) IS NULL OR m.slug = ?2) ORDER BY r.id",
                             arguments: [workspace, map]).map(Self.rule)
        }
    }

    /// One rule.
    public func alertRule(id: Int64) async throws(WorkspaceStoreError) -> AlertRule {
        let rule = try await read { db in
            try db.row(sql: Self.ruleSelect + " WHERE r.id = ?", arguments: [id]).map(Self.rule)
        }
        guard let rule else { throw .notFound("id", "id: there is no alert rule \(id); list the rules to find its number") }
        return rule
    }

    /// Turns a rule on or off; a rule turned on again applies to events stored from then on.
    public func setAlertRule(id: Int64, enabled: Bool) async throws(WorkspaceStoreError) -> AlertRule {
        let found = try await write { db -> Bool in
            let after = try db.value(Int64.self, sql: "SELECT coalesce(max(id), 0) FROM events") ?? 0
            return try db.execute(sql: """
                UPDATE alert_rules SET enabled = ?1, updated_at = ?2, after_event = CASE WHEN ?1 = 1 AND enabled = 0 THEN ?3 ELSE after_event END WHERE id = ?4
                """, arguments: [enabled, StoreTime.now(), after, id]) > 0
        }
        guard found else { throw .notFound("id", "id: there is no alert rule \(id); list the rules to find its number") }
        return try await alertRule(id: id)
    }

    /// Removes a rule with its deliveries (pending ones are not sent) and their attempts.
    public func removeAlertRule(id: Int64) async throws(WorkspaceStoreError) {
        let found = try await write { db -> Bool in
            try db.execute(sql: "DELETE FROM alert_rules WHERE id = ?", arguments: [id]) > 0
        }
        guard found else { throw .notFound("id", "id: there is no alert rule \(id); list the rules to find its number") }
    }

    /// Deliveries, newest first: of one rule and in one status when given, at most `limit`.
    public func alertDeliveries(rule: Int64? = nil, status: AlertDelivery.Status? = nil, limit: Int = 100) async throws(WorkspaceStoreError) -> [AlertDelivery] {
        try await read { db in
            try db.rows(sql: Self.deliverySelect + " WHERE (CAST(?1 AS BIGINT) IS NULL OR rule_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR status = ?2) ORDER BY id DESC LIMIT ?3",
                             arguments: [rule, status?.rawValue, max(0, limit)]).map(Self.delivery)
        }
    }

    /// One delivery.
    public func alertDelivery(id: Int64) async throws(WorkspaceStoreError) -> AlertDelivery {
        let found = try await read { db in try db.row(sql: Self.deliverySelect + " WHERE id = ?", arguments: [id]).map(Self.delivery) }
        guard let found else { throw .notFound("id", "id: there is no alert delivery \(id); list the deliveries to find its number") }
        return found
    }

    /// The attempts of a delivery, first first.
    public func alertAttempts(delivery id: Int64) async throws(WorkspaceStoreError) -> [AlertAttempt] {
        _ = try await alertDelivery(id: id)
        return try await alertAttempts(deliveries: [id])[id] ?? []
    }

    /// The attempts of each of `deliveries` (first first), in one read; a delivery without attempts has none listed.
    public func alertAttempts(deliveries ids: [Int64]) async throws(WorkspaceStoreError) -> [Int64: [AlertAttempt]] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var attempts: [Int64: [AlertAttempt]] = [:]
            let rows = try db.rows(sql: """
                SELECT delivery_id, number, started_at, duration_ms, status_code, error FROM alert_attempts
                WHERE delivery_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", "))) ORDER BY delivery_id, number
                """, arguments: SQLArguments(ids))
            for row in rows {
                attempts[try row[0], default: []].append(AlertAttempt(number: try row[1], startedAt: Timestamp.iso8601(try row[2]), durationMilliseconds: try row[3],
                                                                  statusCode: try row[4], error: try row[5]))
            }
            return attempts
        }
    }

    /// Sends a delivery again (the same body): it becomes pending, due now, with a new round of attempts.
    public func redeliverAlert(id: Int64) async throws(WorkspaceStoreError) -> AlertDelivery {
        let found = try await write { db -> Bool in
            guard try db.value(Int64.self, sql: "SELECT id FROM alert_deliveries WHERE id = ?", arguments: [id]) != nil else { return false }
            // A pending delivery is due already, or being sent by a server process that claimed
            // it: it keeps its time, so that it is not sent twice.
            try db.execute(sql: """
                UPDATE alert_deliveries SET status = 'pending', round_start = attempts, next_attempt_at = ?, delivered_at = NULL WHERE id = ? AND status <> 'pending'
                """, arguments: [StoreTime.now(), id])
            return true
        }
        guard found else { throw .notFound("id", "id: there is no alert delivery \(id); list the deliveries to find its number") }
        return try await alertDelivery(id: id)
    }

    // MARK: For the delivery worker

    /// Pending deliveries due at `now`, earliest first, with their rule's URL and secret, each
    /// claimed for `lease`: it is due again only then, so that another server process on the
    /// same store does not send it too. Recording its attempt sets when it is due next; a process
    /// that dies mid-delivery leaves it to be sent again once the lease ends.
    public func dueAlertDeliveries(now: Date, limit: Int, lease: Duration = .seconds(120)) async throws(WorkspaceStoreError) -> [DueAlertDelivery] {
        let leaseEnd = StoreTime.milliseconds(now.addingTimeInterval(Double(lease.components.seconds)))
        return try await write { db in
            let due = try db.rows(sql: """
                SELECT d.id, d.rule_id, r.url, r.secret, d.payload, d.attempts, d.attempts - d.round_start FROM alert_deliveries d
                JOIN alert_rules r ON r.id = d.rule_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?
                """, arguments: [StoreTime.milliseconds(now), limit]).map { row in
                DueAlertDelivery(id: try row[0], rule: try row[1], url: try row[2], secret: try row[3], payload: try row[4], attempts: try row[5], attemptsThisRound: try row[6])
            }
            for delivery in due {
                try db.execute(sql: "UPDATE alert_deliveries SET next_attempt_at = ? WHERE id = ?", arguments: [leaseEnd, delivery.id])
            }
            return due
        }
    }

    /// When the earliest pending delivery is due; nil when none is pending.
    public func nextAlertDeliveryTime() async throws(WorkspaceStoreError) -> Date? {
        let next = try await read { db in
            try db.value(Int64.self, sql: "SELECT min(next_attempt_at) FROM alert_deliveries WHERE status = 'pending'")
        }
        return next.map(StoreTime.date)
    }

    /// Logs attempt `number` of a delivery (its answer's status code, or why there was none) and
    /// moves the delivery on: delivered after a 2xx, else due again at `retryAt`, or failed when
    /// `retryAt` is nil (its round is used up). Returns the attempt as stored.
    @discardableResult
    public func recordAlertAttempt(delivery id: Int64, number: Int, startedAt: Date, durationMilliseconds: Int, statusCode: Int?, error: String?,
                                   retryAt: Date?) async throws(WorkspaceStoreError) -> AlertAttempt {
        let started = StoreTime.milliseconds(startedAt)
        let attempt = AlertAttempt(number: number, startedAt: Timestamp.iso8601(started), durationMilliseconds: durationMilliseconds,
                                   statusCode: statusCode, error: error)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO alert_attempts (delivery_id, number, started_at, duration_ms, status_code, error) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, number, started, durationMilliseconds, statusCode, error])
            let now = StoreTime.now()
            if attempt.succeeded {
                try db.execute(sql: "UPDATE alert_deliveries SET attempts = ?, status = 'delivered', next_attempt_at = NULL, delivered_at = ? WHERE id = ?",
                               arguments: [attempt.number, now, id])
            } else if let retryAt {
                try db.execute(sql: "UPDATE alert_deliveries SET attempts = ?, next_attempt_at = ? WHERE id = ?",
                               arguments: [attempt.number, StoreTime.milliseconds(retryAt), id])
            } else {
                try db.execute(sql: "UPDATE alert_deliveries SET attempts = ?, status = 'failed', next_attempt_at = NULL WHERE id = ?",
                               arguments: [attempt.number, id])
            }
        }
        return attempt
    }

    // MARK: Rows

    static var ruleSelect: String { """
        SELECT r.id, w.slug, m.slug, r.kind, r.name, r.touchpoints, r.stage, r.days, r.url, r.enabled, r.created_at
        FROM alert_rules r JOIN journey_maps m ON m.id = r.map_id JOIN workspaces w ON w.id = m.workspace_id
        """ }

    static func rule(_ row: SQLRow) throws -> AlertRule {
        let id: Int64 = try row[0]
        return AlertRule(id: id, workspace: try row[1], map: try row[2], kind: try storedKind(row[3], rule: id), name: try row[4],
                         touchpoints: try storedTouchpoints(row[5], rule: id), stage: try row[6], days: row.readable(7) as Double?, url: try row[8], enabled: try row[9],
                         createdAt: Timestamp.iso8601(try row[10]))
    }

    /// A rule's stored kind; an error for a kind this version does not know, rather than another kind.
    static func storedKind(_ text: String, rule: Int64) throws(WorkspaceStoreError) -> AlertRule.Kind {
        guard let kind = AlertRule.Kind(rawValue: text) else {
            throw unreadableRule(rule, "its kind '\(text.prefix(40))' is not one of \(AlertRule.Kind.allCases.map(\.rawValue).quotedList())")
        }
        return kind
    }

    /// A rule's stored touchpoint list; an error when it cannot be read, since reading it as
    /// empty would widen a negative-feedback rule to every touchpoint.
    static func storedTouchpoints(_ text: String, rule: Int64) throws(WorkspaceStoreError) -> [String] {
        do { return try JSONDecoder().decode([String].self, from: Data(text.utf8)) } catch {
            throw unreadableRule(rule, "its touchpoint list is not a JSON list of touchpoint ids")
        }
    }

    static func unreadableRule(_ rule: Int64, _ reason: String) -> WorkspaceStoreError {
        WorkspaceStoreError(.storage, field: "id", "alert rule \(rule) cannot be read: \(reason); remove it ('wayfinder alerts remove \(rule)') and add it again")
    }

    static var deliverySelect: String { "SELECT id, rule_id, status, attempts, next_attempt_at, created_at, delivered_at, payload FROM alert_deliveries" }

    static func delivery(_ row: SQLRow) throws -> AlertDelivery {
        let id: Int64 = try row[0], text: String = try row[2]
        guard let status = AlertDelivery.Status(rawValue: text) else {
            throw WorkspaceStoreError(.storage, field: "id", "alert delivery \(id) cannot be read: its status '\(text.prefix(40))' is not one of \(AlertDelivery.Status.allCases.map(\.rawValue).quotedList())")
        }
        return AlertDelivery(id: id, rule: try row[1], status: status, attempts: try row[3],
                      nextAttemptAt: (try row[4] as Int64?).map(Timestamp.iso8601), createdAt: Timestamp.iso8601(try row[5]),
                      deliveredAt: (try row[6] as Int64?).map(Timestamp.iso8601), payload: try row[7])
    }

    static func checkURL(_ text: String) throws(WorkspaceStoreError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, text.count <= 2000 else {
            throw .invalid("url", "url: give the http or https address that receives the alerts, such as https://example.com/hooks/wayfinder")
        }
    }

    static func newAlertSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
