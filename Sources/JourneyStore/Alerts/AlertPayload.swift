import CustomerData
import JourneyModel

/// The JSON body of an alert, built when it is enqueued and posted byte for byte on every attempt.
///
/// ```json
/// {"type":"wayfinder.alert","rule":{"id":1,"kind":"negative-feedback","name":"detractors"},
///  "workspace":"shop","map":{"id":"first-purchase","title":"…"},
///  "stage":{"id":"decision","name":"Decision"},"touchpoint":{"id":"checkout","name":"Checkout"},
///  "customer":{"id":"cus_12","identifiers":["email:maya@example.com","user:u-42"]},
///  "event":{"id":981,"type":"feedback","name":"Feedback Given","timestamp":"2026-05-01T12:00:00.000Z"},
///  "feedback":{"metric":"nps","score":3,"text":"Too slow"},
///  "triggered_at":"2026-05-01T12:00:01.000Z"}
/// ```
///
/// `feedback` is present for negative-feedback rules; a stage-stay alert has `days_in_stage`
/// and its `event` is the one that entered the stage; `stage` and `touchpoint` are null when unknown.
enum AlertPayload {
    @discardableResult
    static func enqueue(_ db: any StoreTransaction, rule: AlertEvaluator.CompiledRule, map: AlertEvaluator.CompiledMap, trigger: String, customer: Int64,
                        touchpoint: Touchpoint?, event: CommittedEvent, feedback: Feedback?, days: Double?, now: Int64) throws -> Int {
        let stageID = touchpoint?.stage
        return try enqueue(db, ruleID: rule.id, kind: rule.kind, name: rule.name, workspace: map.workspace, map: map.map, trigger: trigger, customer: customer,
                    stage: stageID, touchpoint: touchpoint, event: (event.id, event.event.type.rawValue, event.event.name, event.event.timestamp),
                    feedback: feedback, days: days, now: now)
    }

    /// Adds the delivery unless its trigger was enqueued already; 1 when it was added, else 0.
    @discardableResult
    static func enqueue(_ db: any StoreTransaction, ruleID: Int64, kind: AlertRule.Kind, name: String, workspace: String, map: JourneyMap, trigger: String,
                        customer: Int64, stage stageID: String?, touchpoint: Touchpoint?, event: (id: Int64, type: String, name: String?, timestamp: Int64),
                        feedback: Feedback?, days: Double?, now: Int64) throws -> Int {
        let identifiers = try CustomerQuery.identifiers(db, of: customer)
        let stage = stageID.flatMap { id in map.stages.first { $0.id == id } }
        var body: [(String, JSONValue)] = [
            ("type", .string("wayfinder.alert")),
            ("rule", .object([("id", .number(Double(ruleID))), ("kind", .string(kind.rawValue)), ("name", .string(name))])),
            ("workspace", .string(workspace)),
            ("map", .object([("id", .string(map.id)), ("title", .string(map.title))])),
            ("stage", stage.map { .object([("id", .string($0.id)), ("name", .string($0.name))]) } ?? .null),
            ("touchpoint", touchpoint.map { .object([("id", .string($0.id)), ("name", .string($0.name))]) } ?? .null),
            ("customer", .object([("id", .string(CustomerID.text(customer))), ("identifiers", .array(identifiers.map(JSONValue.string)))])),
            ("event", .object([("id", .number(Double(event.id))), ("type", .string(event.type)), ("name", event.name.map(JSONValue.string) ?? .null),
                               ("timestamp", .string(Timestamp.iso8601(event.timestamp)))])),
        ]
        if let feedback {
            body.append(("feedback", .object([("metric", .string(feedback.metric.rawValue)), ("score", feedback.score.map(JSONValue.number) ?? .null),
                                              ("text", feedback.text.map(JSONValue.string) ?? .null)])))
        }
        if let days { body.append(("days_in_stage", .number((days * 100).rounded() / 100))) }
        body.append(("triggered_at", .string(Timestamp.iso8601(now))))
        // Due at once by the wall clock, whatever clock `now` (the trigger's time) was read from.
        let queued = StoreTime.now()
        return try db.execute(sql: """
            INSERT INTO alert_deliveries (rule_id, trigger, customer_id, payload, status, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING
            """, arguments: [ruleID, trigger, customer, JSONValue.object(body).json, queued, queued])
    }
}
