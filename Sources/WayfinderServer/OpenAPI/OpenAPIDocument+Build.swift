import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore

extension OpenAPIDocument {
    static func s(_ text: String) -> JSONValue { .string(text) }
    static func obj(_ entries: (String, JSONValue)...) -> JSONValue { .object(entries) }
    static func ref(_ name: String) -> JSONValue { obj(("$ref", s("#/components/schemas/\(name)"))) }
    static let string = obj(("type", s("string")))
    static let nullableString = obj(("type", .array([s("string"), s("null")])))
    static let integer = obj(("type", s("integer")))
    static let number = obj(("type", s("number")))
    static let boolean = obj(("type", s("boolean")))
    static let anyObject = obj(("type", s("object")))
    static func array(_ items: JSONValue) -> JSONValue { obj(("type", s("array")), ("items", items)) }
    static func object(_ required: [String], _ properties: [(String, JSONValue)]) -> JSONValue {
        var entries: [(String, JSONValue)] = [("type", s("object"))]
        if !required.isEmpty { entries.append(("required", .array(required.map(s)))) }
        entries.append(("properties", .object(properties)))
        return .object(entries)
    }
    static func list(_ key: String, _ item: String) -> JSONValue { object([key], [(key, array(ref(item)))]) }
    /// A number with its bounds: `minimum` (or `exclusiveMinimum`) and `maximum`.
    static func bounded(integer: Bool, lower: Double, includesLower: Bool, upper: Double) -> JSONValue {
        obj(("type", s(integer ? "integer" : "number")), (includesLower ? "minimum" : "exclusiveMinimum", .number(lower)), ("maximum", .number(upper)))
    }
    /// A query's numeric options, each with the range the query model checks (``Options/numericRanges``).
    static let queryOptions = object([], Options.numericRanges.map { range in
        (range.key, bounded(integer: range.integer, lower: range.lower, includesLower: range.includesLower, upper: range.upper))
    })

    /// What the query's options hold beyond the numbers.
    static let queryDescription = "The query of wayfinder analyze --show-query. Beyond the numeric options listed: customers and verbatims need options.touchpoint (a touchpoint id of the map) and page with limit and offset (customers may name options.step, a funnel step, instead, with options.dropped for those who dropped before it); customers orders by options.order (last_visit, first_visit, visits, goal_at, name or customer) with options.descending (default true); attribution takes options.model (first_touch, last_touch, linear, time_decay, position, markov or shapley), options.by (channel or touchpoint) and options.value (a property path); next_best takes options.customer (a customer id) and pages its customers at risk with limit and offset; retention takes options.cohort (month or week) and options.returning_to (a stage or touchpoint id); a funnel takes options.exclusions, a list of {touchpoint, from, to} (step ids), and steps may join touchpoint ids with '|', options.step_windows_days maps a step id to its own window in days from the step before it, and options.count_repeats counts every pass; segments takes options.traits (trait paths), options.segment_by (both, traits or journeys) and options.assignments (each customer's group). See docs/analytics.md."

    static let schemas: [(String, JSONValue)] = [
        ("Error", object(["error"], [("error", object(["status", "code", "message"], [
            ("status", integer), ("code", string), ("message", string),
            ("problems", array(object(["field", "message"], [("field", string), ("message", string)]))),
        ]))])),
        ("Object", anyObject),
        ("Text", string),
        ("Document", anyObject),
        ("CollectionBody", anyObject),
        ("CollectionResult", object(["success"], [("success", boolean), ("quarantined", integer)])),
        ("SignIn", object(["email", "password"], [("email", string), ("password", string)])),
        ("PasswordChange", object(["current_password", "new_password"], [("current_password", string), ("new_password", string)])),
        ("User", object(["id", "email", "name", "is_admin", "must_change_password", "created", "disabled"], [
            ("id", integer), ("email", string), ("name", string), ("is_admin", boolean), ("must_change_password", boolean),
            ("created", string), ("disabled", boolean), ("memberships", array(ref("Membership"))),
        ])),
        ("UserList", list("users", "User")),
        ("NewUser", object(["email", "password"], [("email", string), ("password", string), ("name", string), ("is_admin", boolean)])),
        ("UserChange", object([], [("name", string), ("password", string), ("is_admin", boolean), ("disabled", boolean)])),
        ("Membership", object(["workspace", "user_id", "email", "role"], [
            ("workspace", string), ("user_id", integer), ("email", string), ("role", obj(("enum", .array([s("admin"), s("editor"), s("viewer")])))),
        ])),
        ("MemberList", list("members", "Membership")),
        ("RoleChange", object(["role"], [("role", obj(("type", s("string")), ("enum", .array([s("admin"), s("editor"), s("viewer")]))))])),
        ("Session", object(["user", "memberships", "csrf_token", "expires"], [
            ("user", ref("User")), ("memberships", array(ref("Membership"))), ("csrf_token", string), ("expires", string),
        ])),
        ("APIKey", object(["id", "kind", "name", "prefix", "created_at"], [
            ("id", integer), ("kind", obj(("enum", .array([s("write"), s("read"), s("read-write")])))), ("name", string), ("prefix", string),
            ("created_at", string), ("revoked_at", nullableString), ("workspace", nullableString), ("secret", string),
        ])),
        ("KeyList", list("keys", "APIKey")),
        ("NewKey", object(["kind"], [("kind", obj(("type", s("string")), ("enum", .array([s("write"), s("read"), s("read-write")])))), ("name", string), ("workspace", string)])),
        ("Workspace", object(["id", "name", "created", "updated", "personas", "maps"], [
            ("id", string), ("name", string), ("description", nullableString), ("created", string), ("updated", string), ("personas", integer), ("maps", integer),
        ])),
        ("WorkspaceList", list("workspaces", "Workspace")),
        ("NewWorkspace", object(["id"], [("id", string), ("name", string), ("description", string)])),
        ("WorkspaceChange", object([], [("name", string), ("description", nullableString)])),
        ("ImportResult", object(["workspace", "workspace_outcome", "personas", "maps", "warnings"], [
            ("workspace", string), ("workspace_outcome", string), ("personas", array(anyObject)), ("maps", array(anyObject)), ("warnings", array(anyObject)),
        ])),
        ("Persona", object(["id", "persona", "created", "updated"], [
            ("id", string), ("persona", anyObject), ("created", string), ("updated", string), ("outcome", string), ("warnings", array(anyObject)),
        ])),
        ("PersonaList", list("personas", "Persona")),
        ("MapVersion", object(["number", "author", "created", "changes"], [
            ("number", integer), ("author", string), ("message", nullableString), ("created", string), ("restoredFrom", obj(("type", .array([s("integer"), s("null")])))),
            ("changes", object(["added", "removed", "moved", "edited"], [("added", integer), ("removed", integer), ("moved", integer), ("edited", integer)])),
        ])),
        ("VersionList", list("versions", "MapVersion")),
        ("MapSummary", object(["id", "title", "state", "currentVersion"], [("id", string), ("title", string), ("state", string), ("currentVersion", integer)])),
        ("MapList", list("maps", "MapSummary")),
        ("Map", object(["id", "current_version", "created", "version", "map"], [
            ("id", string), ("current_version", integer), ("created", string), ("version", ref("MapVersion")), ("map", anyObject),
        ])),
        ("SaveResult", object(["id", "outcome", "version", "changes", "warnings"], [
            ("id", string), ("outcome", obj(("enum", .array([s("created"), s("updated"), s("unchanged")])))), ("version", ref("MapVersion")),
            ("changes", array(anyObject)), ("warnings", array(anyObject)),
        ])),
        ("Diff", object(["old", "new", "summary", "changes"], [("old", string), ("new", string), ("summary", anyObject), ("changes", array(anyObject))])),
        ("Comment", object(["id", "target", "author", "body", "created", "mapVersion"], [
            ("id", integer), ("parent", obj(("type", .array([s("integer"), s("null")])))), ("target", string), ("author", string), ("body", string),
            ("created", string), ("mapVersion", integer),
        ])),
        ("Thread", object(["comment", "replies", "targetExists"], [("comment", ref("Comment")), ("replies", array(ref("Comment"))), ("targetExists", boolean)])),
        ("ThreadList", list("threads", "Thread")),
        ("NewComment", object(["body"], [("body", string), ("target", string)])),
        ("Retarget", object(["kind"], [("kind", obj(("type", s("string")), ("enum", .array([s("stage"), s("touchpoint"), s("cards")])))),
                                       ("from", string), ("to", string),
                                       ("moves", obj(("type", s("array")), ("maxItems", .number(1000)),
                                                     ("items", object(["from", "to"], [("from", string), ("to", string)]))))])),
        ("Moved", object(["moved"], [("moved", integer)])),
        ("TouchpointPreview", object(["touchpoint", "events", "customers", "matching_alone", "claimed_earlier", "stored_events", "sample"], [
            ("touchpoint", string), ("events", integer), ("customers", integer), ("matching_alone", integer), ("claimed_earlier", integer),
            ("stored_events", integer), ("sample", obj(("type", s("array")), ("items", obj(("type", s("object")))))),
        ])),
        ("PersonaPreview", object(["persona", "customers", "of"], [("persona", string), ("customers", integer), ("of", integer)])),
        ("Reply", object(["body"], [("body", string)])),
        ("Deleted", object(["deleted"], [("deleted", integer)])),
        ("ShareLink", object(["id", "workspace", "map", "prefix", "created_by", "created"], [
            ("id", integer), ("workspace", string), ("map", string), ("prefix", string), ("created_by", string), ("created", string),
            ("expires", nullableString), ("revoked", nullableString), ("token", string), ("url", string), ("api_path", string),
        ])),
        ("ShareList", list("shares", "ShareLink")),
        ("NewShare", object([], [("expires", string)])),
        ("SharedMap", object(["workspace", "map"], [("workspace", string), ("expires", nullableString), ("map", ref("Map"))])),
        ("Query", obj(("type", s("object")), ("required", .array([s("kind"), s("journey")])), ("description", s(queryDescription)), ("properties", .object([
            ("kind", obj(("type", s("string")), ("enum", .array(AnalysisQuery.Kind.allCases.map { s($0.rawValue) })))), ("journey", string),
            ("options", queryOptions),
        ])))),
        ("Analysis", object(["query", "index"], [("query", anyObject), ("index", anyObject), ("customers", ref("CustomerList")), ("verbatims", ref("Verbatims")), ("attribution", ref("Attribution")), ("next_best", ref("NextBest")), ("retention", ref("Retention")), ("segments", ref("Segments"))])),
        ("Segments", object(["k", "suggested", "candidates", "gamma", "cost", "features", "customers", "converted", "groups", "personas", "offered"], [
            ("k", integer), ("suggested", boolean), ("gamma", number), ("cost", number), ("customers", integer), ("converted", integer),
            ("candidates", array(object(["k", "cost"], [("k", integer), ("cost", number), ("silhouette", number)]))),
            ("features", array(object(["name", "source", "kind"], [
                ("name", string), ("source", obj(("enum", .array([s("trait"), s("journey")])))), ("kind", obj(("enum", .array([s("number"), s("category")])))),
            ]))),
            ("groups", array(object(["id", "customers", "share", "converted", "answers", "traits", "stages", "channels", "personas"], [
                ("id", string), ("customers", integer), ("share", number), ("converted", integer), ("conversion", number), ("emotion", number),
                ("answers", integer), ("traits", array(ref("SegmentTrait"))), ("stages", array(ref("SegmentStage"))), ("typical_path", ref("SegmentPath")),
                ("channels", array(object(["id", "share"], [("id", string), ("share", number)]))), ("personas", obj(("type", s("object")), ("additionalProperties", integer))),
            ]))),
            ("personas", array(object(["id", "customers", "groups", "stages", "differences", "on_map"], [
                ("id", string), ("customers", integer), ("group", string), ("fit", number), ("groups", obj(("type", s("object")), ("additionalProperties", integer))),
                ("conversion", number), ("in_map_order", number), ("stages", array(ref("SegmentStage"))),
                ("differences", array(object(["stage", "reached", "overall"], [("stage", string), ("reached", number), ("overall", number)]))),
                ("typical_path", ref("SegmentPath")), ("on_map", boolean),
            ]))),
            ("offered", array(object(["group", "persona", "name", "document"], [("group", string), ("persona", string), ("name", string), ("document", string)]))),
            ("assignments", array(object(["customer", "group"], [("customer", string), ("group", string)]))), ("offset", integer), ("limit", integer),
        ])),
        ("SegmentTrait", object(["path"], [
            ("path", string), ("value", string), ("share", number), ("overall_share", number), ("mean", number), ("overall_mean", number),
        ])),
        ("SegmentStage", object(["stage", "reached"], [("stage", string), ("reached", number), ("touchpoint", string), ("touchpoint_share", number)])),
        ("SegmentPath", object(["touchpoints", "customers", "share"], [("touchpoints", array(string)), ("customers", integer), ("share", number)])),
        ("Retention", object(["period", "returning_to", "target_kind", "periods", "customers", "cohorts"], [
            ("period", obj(("enum", .array(Options.CohortPeriod.allCases.map { s($0.rawValue) })))), ("returning_to", string),
            ("target_kind", obj(("enum", .array([s("stage"), s("touchpoint")])))), ("periods", integer), ("customers", integer),
            ("cohorts", array(object(["start", "label", "customers", "returned", "shares"], [
                ("start", string), ("label", string), ("customers", integer), ("returned", array(integer)), ("shares", array(number)),
            ]))),
        ])),
        ("NextBest", object(["goal", "conversion_probability", "risk_below", "minimum_transitions", "touchpoints", "at_risk", "offset", "customers"], [
            ("goal", string), ("conversion_probability", number), ("risk_below", number), ("minimum_transitions", integer), ("as_of", string),
            ("touchpoints", array(object(["id", "name", "stage", "odds", "waiting"], [
                ("id", string), ("name", string), ("stage", string), ("odds", number), ("waiting", integer), ("next", ref("NextTouchpoint")),
            ]))),
            ("at_risk", integer), ("offset", integer), ("limit", integer),
            ("customers", array(object(["id", "touchpoint", "stage", "odds", "in_stage_since", "days_in_stage", "reasons", "at_risk"], [
                ("id", string), ("name", string), ("persona", string), ("touchpoint", string), ("stage", string), ("odds", number),
                ("in_stage_since", string), ("days_in_stage", number), ("reasons", array(string)), ("at_risk", boolean), ("next", ref("NextTouchpoint")),
            ]))),
        ])),
        ("NextTouchpoint", object(["id", "name", "odds", "lift", "transitions"], [
            ("id", string), ("name", string), ("odds", number), ("lift", number), ("transitions", integer),
        ])),
        ("Attribution", object(["model", "by", "goal", "journeys", "conversions", "left_out", "rows"], [
            ("model", obj(("enum", .array(AttributionModel.allCases.map { s($0.rawValue) })))),
            ("by", obj(("enum", .array(Options.AttributionUnit.allCases.map { s($0.rawValue) })))), ("goal", string),
            ("journeys", integer), ("conversions", integer), ("value", number), ("value_path", string), ("markov_order", integer),
            ("half_life_days", number), ("lookback_days", number), ("left_out", integer), ("conversion_probability", number),
            ("rows", array(object(["id", "name", "credit", "share"], [
                ("id", string), ("name", string), ("credit", number), ("share", number), ("value", number), ("removal_effect", number),
            ]))),
        ])),
        ("CustomerList", object(["total", "converted", "offset", "order", "descending", "customers"], [
            ("touchpoint", string), ("step", string), ("dropped", boolean), ("total", integer), ("converted", integer), ("offset", integer), ("limit", integer),
            ("order", obj(("enum", .array(Options.CustomerOrder.allCases.map { s($0.rawValue) })))), ("descending", boolean),
            ("customers", array(object(["id", "first_visit", "last_visit", "visits", "reached_goal"], [
                ("id", string), ("name", string), ("persona", string), ("first_visit", string), ("last_visit", string), ("visits", integer),
                ("reached_goal", boolean), ("goal_at", string),
            ]))),
        ])),
        ("Verbatims", object(["touchpoint", "total", "answers", "offset", "verbatims"], [
            ("touchpoint", string), ("total", integer), ("answers", integer), ("offset", integer), ("limit", integer),
            ("verbatims", array(object(["time", "customer", "metric", "text", "sentiment", "polarity", "named"], [
                ("time", string), ("customer", string), ("name", string), ("persona", string), ("metric", string), ("score", number), ("text", string),
                ("sentiment", number), ("polarity", obj(("enum", .array([s("positive"), s("negative"), s("neutral")])))), ("named", boolean),
            ]))),
        ])),
        ("Upload", object(["id", "workspace", "file", "format", "status", "bytes", "bytes_read", "records", "imported", "duplicates", "quarantined", "started"], [
            ("id", string), ("workspace", string), ("file", string), ("format", string), ("status", obj(("enum", .array([s("running"), s("done"), s("failed"), s("interrupted")])))),
            ("bytes", integer), ("bytes_read", integer), ("records", integer), ("imported", integer), ("duplicates", integer), ("quarantined", integer),
            ("error", nullableString), ("started", string), ("finished", nullableString),
        ])),
        ("UploadList", list("uploads", "Upload")),
        ("AlertRule", object(["id", "workspace", "map", "kind", "name", "touchpoints", "url", "enabled", "created_at"], [
            ("id", integer), ("workspace", string), ("map", string),
            ("kind", obj(("enum", .array(AlertRule.Kind.allCases.map { s($0.rawValue) })))), ("name", string),
            ("touchpoints", array(string)), ("stage", nullableString), ("days", obj(("type", .array([s("number"), s("null")])))),
            ("url", string), ("enabled", boolean), ("created_at", string), ("secret", string),
        ])),
        ("AlertRuleList", list("rules", "AlertRule")),
        ("NewAlertRule", object(["map", "kind", "url"], [
            ("map", string), ("kind", obj(("type", s("string")), ("enum", .array(AlertRule.Kind.allCases.map { s($0.rawValue) })))),
            ("url", string), ("name", string), ("secret", string), ("stage", string),
            ("days", bounded(integer: false, lower: 0, includesLower: false, upper: AlertRule.maximumStageStayDays)), ("touchpoints", array(string)),
        ])),
        ("AlertRuleChange", object(["enabled"], [("enabled", boolean)])),
        ("AlertDelivery", object(["id", "rule", "status", "attempts", "created_at", "payload", "attempt_log"], [
            ("id", integer), ("rule", integer), ("status", string), ("attempts", integer), ("next_attempt_at", nullableString),
            ("created_at", string), ("delivered_at", nullableString), ("payload", anyObject), ("attempt_log", array(anyObject)),
        ])),
        ("AlertDeliveryList", list("deliveries", "AlertDelivery")),
    ]

    /// Component names of the journey-as-code format's definitions.
    static let formatPrefix = "Format"

    /// The definitions of the journey-as-code JSON Schema (`wayfinder schema`), as components
    /// named `Format…`, so that persona and map bodies are described as exactly as files are.
    static let formatSchemas: [(String, JSONValue)] = {
        guard case .object(let root)? = try? JSONParser.parse(JSONSchemaGenerator.json()),
              case .object(let definitions)? = root.first(where: { $0.0 == "$defs" })?.1 else { return [] }
        func rewrite(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let entries):
                return .object(entries.map { key, item in
                    if key == "$ref", case .string(let target) = item, target.hasPrefix("#/$defs/") {
                        return (key, .string("#/components/schemas/" + formatPrefix + target.dropFirst("#/$defs/".count)))
                    }
                    return (key, rewrite(item))
                })
            case .array(let items): return .array(items.map(rewrite))
            default: return value
            }
        }
        return definitions.map { (formatPrefix + $0.0, rewrite($0.1)) }
    }()

    static func operation(_ op: Operation) -> JSONValue {
        var parameters: [JSONValue] = []
        for segment in op.path.split(separator: "/") where segment.hasPrefix("{") {
            let name = String(segment.dropFirst().dropLast())
            let numeric = ["user", "key", "version", "comment", "share", "rule", "delivery"].contains(name)
            parameters.append(obj(("name", s(name)), ("in", s("path")), ("required", .bool(true)), ("schema", numeric ? obj(("type", s("integer")), ("minimum", .number(0))) : string)))
        }
        for item in op.query {
            parameters.append(obj(("name", s(item.name)), ("in", s("query")), ("required", .bool(false)), ("description", s(item.description)),
                                  ("schema", item.type == "integer" ? obj(("type", s("integer")), ("minimum", .number(0))) : obj(("type", s(item.type))))))
        }
        var entries: [(String, JSONValue)] = [
            ("operationId", s(op.method + op.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_"))),
            ("summary", s(op.summary)), ("tags", .array([s(op.tag)])), ("x-wayfinder-access", s(op.access.summary)),
        ]
        if !parameters.isEmpty { entries.append(("parameters", .array(parameters))) }
        func body(_ content: [(String, JSONValue)]) -> JSONValue {
            .object([("required", .bool(true)), ("content", .object(content.map { ($0.0, JSONValue.object([("schema", $0.1)])) }))])
        }
        switch op.body {
        case .none: break
        case .json(let name): entries.append(("requestBody", body([("application/json", ref(name))])))
        case .document(let name): entries.append(("requestBody", body([("application/json", ref(formatPrefix + name))])))
        case .workspaceText: entries.append(("requestBody", body([("application/yaml", string), ("application/json", anyObject)])))
        case .file: entries.append(("requestBody", body([("text/csv", string), ("application/x-ndjson", string), ("application/json", anyObject)])))
        case .form(let fields): entries.append(("requestBody", body([("application/x-www-form-urlencoded", object([], fields.map { ($0, string) }))])))
        case .picture:
            let binary = obj(("type", s("string")), ("format", s("binary")))
            entries.append(("requestBody", body([("image/png", binary), ("image/jpeg", binary), ("image/webp", binary)])))
        }
        if op.page {
            // A page is HTML; a picture a page shows (a persona's photo) comes in any of the picture types.
            let binary = obj(("type", s("string")), ("format", s("binary")))
            let html = op.responseType.hasPrefix("image/")
                ? obj(("description", s("a picture")), ("content", obj(("image/png", obj(("schema", binary))), ("image/jpeg", obj(("schema", binary))),
                                                                      ("image/webp", obj(("schema", binary))))))
                : obj(("description", s("a page")), ("content", obj(("text/html", obj(("schema", ref("Text")))))))
            let either = obj(("description", s("a page that says what to do, or the error JSON")),
                             ("content", obj(("text/html", obj(("schema", ref("Text")))), ("application/json", obj(("schema", ref("Error")))))))
            // Every page may answer with a page (200) or send the browser on (303: to sign in, or where it asked).
            var responses: [(String, JSONValue)] = [("200", html), ("303", obj(("description", s("go on to the Location header"))))]
            for code in [400, 401, 403, 404, 405, 413, 415, 422, 429, 503] { responses.append((String(code), either)) }
            entries.append(("responses", .object(responses)))
            entries.append(("security", .array([])))
            return .object(entries)
        }
        var responses: [(String, JSONValue)] = []
        let success: JSONValue = op.response.map { name in
            // A file in one of several formats: any text, or a JSON document.
            guard !op.alsoAs.isEmpty else { return obj(("description", s("success")), ("content", obj((op.responseType, obj(("schema", ref(name))))))) }
            let types = [op.responseType] + op.alsoAs
            return obj(("description", s("success")), ("content", .object(types.map { ($0, obj(("schema", obj()))) })))
        } ?? obj(("description", s("success, no content")))
        responses.append((String(op.status), success))
        if op.creates { responses.append(("201", success)) }
        let error = obj(("description", s("an error: the message says what to do")), ("content", obj(("application/json", obj(("schema", ref("Error")))))))
        var codes = [400, 404, 405, 413, 415, 422, 503]
        if op.access != .anyone { codes += [401, 403, 409, 429] }
        if op.access == .anyone && op.path == "/api/v1/session" { codes += [401, 429] }
        for code in Set(codes).sorted() { responses.append((String(code), error)) }
        entries.append(("responses", .object(responses)))
        let cookie = obj(("cookie", .array([])), ("csrf", .array([])))
        switch op.access {
        case .anyone, .shareLink: entries.append(("security", .array([])))
        case .collectingKey: entries.append(("security", .array([obj(("writeKey", .array([])))])))
        case let access where access.takesBearerKeys: entries.append(("security", .array([obj(("bearer", .array([]))), cookie])))
        default: entries.append(("security", .array([cookie])))
        }
        return .object(entries)
    }

    static var document: JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for op in operations {
            if let index = paths.firstIndex(where: { $0.0 == op.path }) {
                paths[index].1.append((op.method, operation(op)))
            } else {
                paths.append((op.path, [(op.method, operation(op))]))
            }
        }
        let description = "Journey maps, personas, analyses and event collection. Authenticate with 'Authorization: Bearer KEY' (a read or read-write API key) or the session cookie from POST /api/v1/session; a change made with the cookie must send the session's CSRF token in X-CSRF-Token. Every error has the shape {\"error\": {\"status\", \"code\", \"message\"}}."
        let info: JSONValue = .object([("title", s("Wayfinder")), ("version", s("1")), ("description", s(description))])
        let security: JSONValue = .object([
            ("bearer", .object([("type", s("http")), ("scheme", s("bearer")), ("description", s("a read or read-write API key"))])),
            ("cookie", .object([("type", s("apiKey")), ("in", s("cookie")), ("name", s("wayfinder_session"))])),
            ("csrf", .object([("type", s("apiKey")), ("in", s("header")), ("name", s("X-CSRF-Token")), ("description", s("the session's CSRF token, on every change made with the cookie"))])),
            ("writeKey", .object([("type", s("http")), ("scheme", s("basic")), ("description", s("the write key as user name, empty password"))])),
        ])
        return .object([
            ("openapi", s("3.1.0")),
            ("info", info),
            ("paths", .object(paths.map { ($0.0, JSONValue.object($0.1)) })),
            ("components", .object([("schemas", .object(schemas + formatSchemas)), ("securitySchemes", security)])),
        ])
    }
}
