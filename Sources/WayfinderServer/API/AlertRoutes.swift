import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Alert rules of a workspace's maps and their delivery log, for the workspace's admins only:
/// a rule sends customer identifiers to another system, its URL often carries that system's
/// token, and the log holds the identifiers and answers it sent.
enum AlertRoutes {
    static func register(_ r: APIRegistrar, worker: AlertDeliveryWorker?) {
        let api = r.api
        let store = api.store
        let base = "/api/v1/workspaces/{workspace}/alerts"

        r.on(.get, base) { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            _ = try await storeCall { () async throws(WorkspaceStoreError) in try await store.workspace(workspace) }
            let map = request.uri.queryParameters.get("map").map { String($0) }
            let rules = try await storeCall { () async throws(WorkspaceStoreError) in try await store.alertRules(workspace: workspace, map: map) }
            return APIJSON.response(.object([("rules", APIJSON.value(rules))]))
        }
        r.on(.post, base) { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let draft = try AlertRuleDraft.read(body, workspace: workspace)
            try checkAddress(draft.url, api.configuration.alerts)
            let created = try await storeCall { () async throws(WorkspaceStoreError) in try await store.addAlertRule(draft) }
            var json = APIJSON.value(created.rule)
            if case .object(var entries) = json { entries.append(("secret", .string(created.secret))); json = .object(entries) }
            var response = APIJSON.response(json, status: .created)
            response.headers[.location] = "/api/v1/workspaces/\(workspace)/alerts/\(created.rule.id)"
            return response
        }
        r.on(.get, base + "/{rule}") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            return APIJSON.response(encoding: try await rule(store, workspace: workspace, id: try context.number("rule")))
        }
        r.on(.patch, base + "/{rule}") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let found = try await rule(store, workspace: workspace, id: try context.number("rule"))
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            guard let enabled = try APIJSON.bool(body, "enabled") else {
                throw APIError(.badRequest, .invalidRequest, "enabled: send true to evaluate the rule on new events, false to pause it",
                               problems: [.init(field: "enabled", message: "required")])
            }
            if enabled { try checkAddress(found.url, api.configuration.alerts) }
            let changed = try await storeCall { () async throws(WorkspaceStoreError) in try await store.setAlertRule(id: found.id, enabled: enabled) }
            return APIJSON.response(encoding: changed)
        }
        r.on(.delete, base + "/{rule}") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let found = try await rule(store, workspace: workspace, id: try context.number("rule"))
            try await storeCall { () async throws(WorkspaceStoreError) in try await store.removeAlertRule(id: found.id) }
            return APIJSON.noContent()
        }
        r.on(.get, base + "/{rule}/deliveries") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let found = try await rule(store, workspace: workspace, id: try context.number("rule"))
            var status: AlertDelivery.Status?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = AlertDelivery.Status(rawValue: String(text)) else {
                    throw APIError(.badRequest, .invalidRequest, "status: use \(AlertDelivery.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let limit = Int(min(try APIJSON.integer(request.uri.queryParameters.get("limit").map { String($0) }, "limit") ?? 50, 500))
            let deliveries = try await storeCall { () async throws(WorkspaceStoreError) in try await store.alertDeliveries(rule: found.id, status: status, limit: limit) }
            let attempts = try await storeCall { () async throws(WorkspaceStoreError) in try await store.alertAttempts(deliveries: deliveries.map(\.id)) }
            return APIJSON.response(.object([("deliveries", .array(deliveries.map { deliveryJSON($0, attempts: attempts[$0.id] ?? []) }))]))
        }
        r.on(.post, base + "/{rule}/deliveries/{delivery}/redeliver") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let found = try await rule(store, workspace: workspace, id: try context.number("rule"))
            let id = try context.number("delivery")
            let delivery = try await storeCall { () async throws(WorkspaceStoreError) in try await store.alertDelivery(id: id) }
            guard delivery.rule == found.id else {
                throw APIError(.notFound, .notFoundItem, "rule \(found.id) has no delivery \(id); list them with GET \(base.replacingOccurrences(of: "{workspace}", with: workspace))/\(found.id)/deliveries")
            }
            let queued = try await storeCall { () async throws(WorkspaceStoreError) in try await store.redeliverAlert(id: id) }
            worker?.wake()
            let attempts = try await storeCall { () async throws(WorkspaceStoreError) in try await store.alertAttempts(delivery: id) }
            return APIJSON.response(deliveryJSON(queued, attempts: attempts))
        }
    }

    /// Refuses (400, field `url`) a webhook that is not on the public internet, unless the
    /// server allows such addresses.
    static func checkAddress(_ url: String, _ options: AlertDeliveryOptions) throws {
        guard !options.allowPrivateAddresses, let refusal = WebhookAddress.refusal(url: url) else { return }
        throw APIError(.badRequest, .invalidRequest, refusal, problems: [.init(field: "url", message: "not a public address")])
    }

    /// A rule of `workspace`; 404 for a rule of another workspace, as for none.
    static func rule(_ store: any ServerStore, workspace: String, id: Int64) async throws -> AlertRule {
        let found = try await storeCall { () async throws(WorkspaceStoreError) in try await store.alertRule(id: id) }
        guard found.workspace == workspace else {
            throw APIError(.notFound, .notFoundItem, "workspace '\(workspace)' has no alert rule \(id); list them with GET /api/v1/workspaces/\(workspace)/alerts")
        }
        return found
    }

    /// A delivery with its attempts, the payload as JSON rather than as text.
    static func deliveryJSON(_ delivery: AlertDelivery, attempts: [AlertAttempt]) -> JSONValue {
        guard case .object(var entries) = APIJSON.value(delivery) else { return .null }
        if let index = entries.firstIndex(where: { $0.0 == "payload" }) { entries[index].1 = APIJSON.document(delivery.payload) }
        entries.append(("attempt_log", APIJSON.value(attempts)))
        return .object(entries)
    }
}

extension AlertRuleDraft {
    /// The rule that the JSON body of `POST …/alerts` describes, each field checked for its type;
    /// a missing or mistyped field is a 400 naming it. The rule's own checks come later.
    static func read(_ body: JSONValue, workspace: String) throws -> AlertRuleDraft {
        let kindText = try APIJSON.string(body, "kind", required: true) ?? ""
        guard let kind = AlertRule.Kind(rawValue: kindText) else {
            let kinds = AlertRule.Kind.allCases.map(\.rawValue)
            throw APIError(.badRequest, .invalidRequest, "kind: use \(kinds.joined(separator: ", "))", problems: [.init(field: "kind", message: "one of \(kinds.joined(separator: ", "))")])
        }
        var draft = AlertRuleDraft(workspace: workspace, map: try APIJSON.string(body, "map", required: true) ?? "", kind: kind,
                                   url: try APIJSON.string(body, "url", required: true) ?? "")
        draft.name = try APIJSON.string(body, "name") ?? ""
        draft.secret = try APIJSON.string(body, "secret")
        draft.stage = try APIJSON.string(body, "stage")
        draft.touchpoints = try APIJSON.strings(body, "touchpoints")
        draft.days = try APIJSON.number(body, "days")
        return draft
    }
}
