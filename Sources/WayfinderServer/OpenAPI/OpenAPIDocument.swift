import CustomerData
import JourneyStore

/// The OpenAPI 3.1 document served at `/openapi.json`, written as data here (not generated from
/// the router), so that a test can hold it against the routes the server really has.
public enum OpenAPIDocument {
    /// What a request body is.
    enum Body {
        case none
        case json(String)           // a schema name
        case document(String)       // a journey-as-code JSON object: Persona or Journey of the format's JSON Schema
        case workspaceText          // YAML or JSON text
        case file                   // an event file
        case form([String])         // an HTML form's fields
        case picture                // a PNG, JPEG or WebP picture
    }

    struct Operation {
        var method: String
        var path: String
        var summary: String
        var tag: String
        /// Who may call it: the one declaration of the route's access.
        var access: RouteAccess
        var query: [(name: String, type: String, description: String)] = []
        var body: Body = .none
        var status: Int = 200
        var response: String? = nil   // a schema name; nil for no body
        var responseType = "application/json"
        /// A page for the browser: HTML, a 303 to sign in when there is no session, errors as pages or JSON.
        var page = false
        /// A save that creates what is missing: 201 with the same body when it did, else `status`.
        var creates = false
        /// More media types the success may come in (a JSON one as an object, the rest as text).
        var alsoAs: [String] = []
    }

    static let ws = "/api/v1/workspaces/{workspace}"

    /// A page the browser gets as HTML.
    static func htmlPage(_ path: String, _ summary: String, access: RouteAccess, query: [(name: String, type: String, description: String)] = []) -> Operation {
        Operation(method: "get", path: path, summary: summary, tag: "pages", access: access, query: query, response: "Text", responseType: "text/html", page: true)
    }

    /// A form the browser posts, answered with a 303 onward (or the form again, with what to fix).
    static func formPost(_ path: String, _ summary: String, access: RouteAccess, _ fields: [String]) -> Operation {
        Operation(method: "post", path: path, summary: summary, tag: "pages", access: access, body: .form(fields), status: 303, page: true)
    }

    /// The pages (`PageRoutes`, `WorkspacePageRoutes`) and the files they load (`WebAssets`).
    static let pages: [Operation] = [
        htmlPage("/signin", "The sign-in page", access: .anyone, query: [("next", "string", "the path to open after signing in")]),
        formPost("/signin", "Sign in from the form; sets the session cookie and goes on (303)", access: .anyone, ["username", "password", "next", "token"]),
        htmlPage("/password", "The form that changes the signed-in user's password (303 to sign in without a session)", access: .signedIn),
        formPost("/password", "Change the password from the form: the current one, the new one twice and the session's csrf token (303 home)", access: .signedIn, ["csrf", "current", "new", "confirm"]),
        htmlPage("/keys", "The API keys a signed-in admin manages, with the form that makes one", access: .keyAdmin),
        formPost("/keys", "Make a key from the form (kind, name, workspace, csrf); 303 to the keys page, which shows its secret once", access: .keyAdmin, ["csrf", "kind", "name", "workspace"]),
        formPost("/keys/{key}/revoke", "Revoke a key from the form (303 to the keys page)", access: .keyAdmin, ["csrf"]),
        formPost("/signout", "Sign out from the form (303 to the sign-in page)", access: .anyone, ["csrf"]),
        Operation(method: "get", path: "/", summary: "The start: one's first workspace, or the sign-in page (303)", tag: "pages", access: .anyone, status: 303, page: true),
        htmlPage("/workspaces", "The workspaces one may open, by name, with the form for a new one (server admins)", access: .signedIn),
        formPost("/workspaces", "Make a workspace from the form (name, id, description); 303 to its home", access: .serverAdmin, ["csrf", "name", "id", "description"]),
        htmlPage("/w/{workspace}", "A workspace's home: maps, personas, data sources, event counts, and forms for a new map and persona", access: .signedInMember),
        formPost("/w/{workspace}/maps", "Make a map from the form: start blank, from a template (template:NAME) or as a copy (copy:MAP); 303 to its editor",
                 access: .signedInRole(.editor), ["csrf", "start", "title"]),
        formPost("/w/{workspace}/personas", "Make a persona from the form (name); 303 to its page", access: .signedInRole(.editor), ["csrf", "name"]),
        htmlPage("/w/{workspace}/members", "The workspace's people with their roles, and the form that invites a colleague (admins)", access: .signedInRole(.admin)),
        formPost("/w/{workspace}/members", "Invite a person by email with a role (csrf, email, name, role); a server admin's invitation makes a missing account, with a one-time password shown once on the page it answers",
                 access: .signedInRole(.admin), ["csrf", "email", "name", "role"]),
        formPost("/w/{workspace}/members/{user}", "Change a member's role (action=role, role) or remove them (action=remove); 303 to the people page",
                 access: .signedInRole(.admin), ["csrf", "action", "role"]),
        htmlPage("/w/{workspace}/maps/{map}/edit", "The map editor (read-only for viewers)", access: .signedInMember),
        htmlPage("/w/{workspace}/personas/{persona}/edit", "The persona editor (viewers are sent to the persona's page)", access: .signedInMember),
        Operation(method: "get", path: "/w/{workspace}/personas/{persona}/photo", summary: "A persona's photo", tag: "pages", access: .signedInMember,
                  response: "Text", responseType: "image/png", page: true),
        htmlPage("/w/{workspace}/maps/{map}", "A journey map with live numbers on each touchpoint", access: .signedInMember),
        htmlPage("/w/{workspace}/maps/{map}/report", "The measured report of a map", access: .signedInMember),
        htmlPage("/w/{workspace}/personas/{persona}", "A persona and how many customers it describes", access: .signedInMember),
        htmlPage("/share/{token}", "The map behind a share link, read-only", access: .shareLink),
        htmlPage("/share/{token}/report", "The report of the map behind a share link", access: .shareLink),
        Operation(method: "get", path: "/assets/{name}", summary: "A file the pages load (style sheet, icon)", tag: "pages", access: .anyone, response: "Text", responseType: "text/css"),
        Operation(method: "get", path: "/assets/{name}/{file}", summary: "A file of the editor (ES module or style sheet)", tag: "pages", access: .anyone, response: "Text",
                  responseType: "text/javascript"),
    ]

    static let operations: [Operation] = [
        Operation(method: "get", path: "/health", summary: "Whether the server and its store answer", tag: "service", access: .anyone, response: "Object"),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics", tag: "service", access: .anyone, response: "Text", responseType: "text/plain"),
        Operation(method: "get", path: "/openapi.json", summary: "This document", tag: "service", access: .anyone, response: "Object"),
        Operation(method: "get", path: "/survey.js", summary: "The embeddable survey snippet (posts answers to /v1/feedback)", tag: "collection", access: .anyone,
                  response: "Text", responseType: "text/javascript"),
        Operation(method: "get", path: "/survey/demo", summary: "A page that shows the survey snippet", tag: "collection", access: .anyone,
                  query: [("writeKey", "string", "the write key the snippet sends with"), ("metric", "string", "nps, csat or ces"),
                          ("touchpoint", "string", "the touchpoint asked about")], response: "Text", responseType: "text/html"),
    ] + pages + ["track", "identify", "page", "screen", "group", "alias", "feedback", "batch"].map {
        Operation(method: "post", path: "/v1/\($0)", summary: "Collect \($0 == "batch" ? "a batch of events" : "a \($0) event") (Segment-compatible)", tag: "collection",
                  access: .collectingKey, body: .json("CollectionBody"), response: "CollectionResult")
    } + [
        Operation(method: "post", path: "/api/v1/session", summary: "Sign in; sets the session cookie", tag: "session", access: .anyone, body: .json("SignIn"), status: 201, response: "Session"),
        Operation(method: "get", path: "/api/v1/session", summary: "The signed-in user, memberships and CSRF token", tag: "session", access: .signedIn, response: "Session"),
        Operation(method: "delete", path: "/api/v1/session", summary: "Sign out", tag: "session", access: .signedIn, status: 204),
        Operation(method: "put", path: "/api/v1/session/password", summary: "Change one's password", tag: "session", access: .signedIn, body: .json("PasswordChange"), status: 204),

        Operation(method: "get", path: "/api/v1/users", summary: "List users (server admin)", tag: "users", access: .serverAdmin, response: "UserList"),
        Operation(method: "post", path: "/api/v1/users", summary: "Create a user (server admin)", tag: "users", access: .serverAdmin, body: .json("NewUser"), status: 201, response: "User"),
        Operation(method: "get", path: "/api/v1/users/{user}", summary: "A user with memberships", tag: "users", access: .ownAccount, response: "User"),
        Operation(method: "patch", path: "/api/v1/users/{user}", summary: "Change a user's name, password, admin flag or disabled state", tag: "users", access: .serverAdmin, body: .json("UserChange"), response: "User"),
        Operation(method: "delete", path: "/api/v1/users/{user}", summary: "Delete a user", tag: "users", access: .serverAdmin, status: 204),
        Operation(method: "get", path: ws + "/members", summary: "Members of a workspace (its admins)", tag: "users", access: .member(.admin), response: "MemberList"),
        Operation(method: "put", path: ws + "/members/{user}", summary: "Set a user's role in a workspace", tag: "users", access: .member(.admin), body: .json("RoleChange"), response: "Membership"),
        Operation(method: "delete", path: ws + "/members/{user}", summary: "Remove a user from a workspace", tag: "users", access: .member(.admin), status: 204),

        Operation(method: "get", path: "/api/v1/keys", summary: "API keys one administers (never secrets)", tag: "keys", access: .keyAdmin, response: "KeyList"),
        Operation(method: "post", path: "/api/v1/keys", summary: "Create a key; the secret is in this answer only", tag: "keys", access: .keyAdmin, body: .json("NewKey"), status: 201, response: "APIKey"),
        Operation(method: "delete", path: "/api/v1/keys/{key}", summary: "Revoke a key", tag: "keys", access: .keyAdmin, response: "APIKey"),

        Operation(method: "get", path: "/api/v1/workspaces", summary: "Workspaces the caller has a role in", tag: "workspaces", access: .signedInOrKey, response: "WorkspaceList"),
        Operation(method: "post", path: "/api/v1/workspaces", summary: "Create a workspace (server admin)", tag: "workspaces", access: .serverAdmin, body: .json("NewWorkspace"), status: 201, response: "Workspace"),
        Operation(method: "get", path: ws, summary: "A workspace", tag: "workspaces", access: .member(.viewer), response: "Workspace"),
        Operation(method: "patch", path: ws, summary: "Rename or describe a workspace (admin)", tag: "workspaces", access: .member(.admin), body: .json("WorkspaceChange"), response: "Workspace"),
        Operation(method: "delete", path: ws, summary: "Delete a workspace with everything in it (admin)", tag: "workspaces", access: .member(.admin), status: 204),
        Operation(method: "post", path: ws + "/import", summary: "Import journey-as-code (YAML or JSON; Content-Type or ?format=)", tag: "workspaces",
                  access: .member(.editor), query: [("format", "string", "yaml or json"), ("message", "string", "recorded on new map versions")], body: .workspaceText, response: "ImportResult"),
        Operation(method: "get", path: ws + "/export", summary: "Export as journey-as-code (Accept or ?format=yaml|json)", tag: "workspaces",
                  access: .member(.viewer), query: [("format", "string", "yaml or json")], response: "Document"),

        Operation(method: "get", path: ws + "/personas", summary: "Personas", tag: "personas", access: .member(.viewer), response: "PersonaList"),
        Operation(method: "post", path: ws + "/personas", summary: "Create a persona from its journey-as-code JSON", tag: "personas", access: .member(.editor), body: .document("Persona"), status: 201, response: "Persona"),
        Operation(method: "post", path: ws + "/personas/preview", summary: "How many customers a persona's rule describes (the persona not saved)", tag: "personas",
                  access: .member(.editor), body: .document("Persona"), response: "PersonaPreview"),
        Operation(method: "put", path: ws + "/personas/{persona}/photo", summary: "Set a persona's photo: a PNG, JPEG or WebP picture of at most 2 MB as the body, with its media type",
                  tag: "personas", access: .member(.editor), body: .picture, response: "Object"),
        Operation(method: "get", path: ws + "/personas/{persona}", summary: "A persona", tag: "personas", access: .member(.viewer), response: "Persona"),
        Operation(method: "put", path: ws + "/personas/{persona}", summary: "Create or replace a persona (201 when it was created)", tag: "personas", access: .member(.editor), body: .document("Persona"), response: "Persona", creates: true),
        Operation(method: "delete", path: ws + "/personas/{persona}", summary: "Delete a persona", tag: "personas", access: .member(.editor), status: 204),

        Operation(method: "get", path: ws + "/maps", summary: "Journey maps", tag: "maps", access: .member(.viewer), response: "MapList"),
        Operation(method: "post", path: ws + "/maps", summary: "Create a map (version 1) from its journey-as-code JSON", tag: "maps",
                  access: .member(.editor), query: [("message", "string", "why")], body: .document("Journey"), status: 201, response: "SaveResult"),
        Operation(method: "get", path: ws + "/maps/{map}", summary: "A map in its current version", tag: "maps", access: .member(.viewer), response: "Map"),
        Operation(method: "put", path: ws + "/maps/{map}", summary: "Save a map as a new version (201 when it was created)", tag: "maps",
                  access: .member(.editor), query: [("message", "string", "why"), ("base_version", "integer", "the version the edit started from; 409 when it is not current")], body: .document("Journey"), response: "SaveResult", creates: true),
        Operation(method: "delete", path: ws + "/maps/{map}", summary: "Delete a map with its versions and comments", tag: "maps", access: .member(.editor), status: 204),
        Operation(method: "post", path: ws + "/maps/{map}/preview", summary: "The events a touchpoint's rule selects under a map being edited (not saved): counts and a sample",
                  tag: "maps", access: .member(.editor), query: [("touchpoint", "string", "the touchpoint to preview")], body: .document("Journey"), response: "TouchpointPreview"),
        Operation(method: "get", path: ws + "/maps/{map}/export", summary: "The map as wayfinder render --journey MAP --format FORMAT writes it (a download)", tag: "maps",
                  access: .member(.viewer), query: [("format", "string", "svg, html, md, csv, mermaid, json or yaml (default yaml)"),
                                                    ("version", "integer", "a version of the map (default the current one)"),
                                                    ("compare", "boolean", "for a future-state map in svg or html: the current-state map it improves beside it, as wayfinder render --compare draws them")],
                  response: "Text", responseType: "application/yaml",
                  alsoAs: ["application/json", "image/svg+xml", "text/html", "text/markdown", "text/csv", "text/vnd.mermaid"]),
        Operation(method: "get", path: ws + "/maps/{map}/versions", summary: "Versions of a map", tag: "maps", access: .member(.viewer), response: "VersionList"),
        Operation(method: "get", path: ws + "/maps/{map}/versions/{version}", summary: "A map in one version", tag: "maps", access: .member(.viewer), response: "Map"),
        Operation(method: "post", path: ws + "/maps/{map}/versions/{version}/restore", summary: "Restore a version as a new version", tag: "maps",
                  access: .member(.editor), query: [("message", "string", "why")], response: "SaveResult"),
        Operation(method: "get", path: ws + "/maps/{map}/diff", summary: "The diff of two versions, as wayfinder diff --format json", tag: "maps",
                  access: .member(.viewer), query: [("from", "integer", "the old version"), ("to", "integer", "the new version")], response: "Diff"),

        Operation(method: "get", path: ws + "/alerts", summary: "Alert rules of the workspace's maps (workspace admins; secrets are never listed)", tag: "alerts",
                  access: .member(.admin), query: [("map", "string", "only the rules of this map")], response: "AlertRuleList"),
        Operation(method: "post", path: ws + "/alerts", summary: "Add an alert rule to a map (admins): its signing secret is in this answer only", tag: "alerts", access: .member(.admin), body: .json("NewAlertRule"), status: 201, response: "AlertRule"),
        Operation(method: "get", path: ws + "/alerts/{rule}", summary: "One alert rule", tag: "alerts", access: .member(.admin), response: "AlertRule"),
        Operation(method: "patch", path: ws + "/alerts/{rule}", summary: "Pause or resume a rule (admins)", tag: "alerts", access: .member(.admin), body: .json("AlertRuleChange"), response: "AlertRule"),
        Operation(method: "delete", path: ws + "/alerts/{rule}", summary: "Remove a rule with its deliveries (admins)", tag: "alerts", access: .member(.admin), status: 204),
        Operation(method: "get", path: ws + "/alerts/{rule}/deliveries", summary: "The delivery log of a rule: each delivery with its payload and attempts, newest first", tag: "alerts",
                  access: .member(.admin), query: [("status", "string", "pending, delivered or failed"), ("limit", "integer", "at most this many (default 50, at most 500)")], response: "AlertDeliveryList"),
        Operation(method: "post", path: ws + "/alerts/{rule}/deliveries/{delivery}/redeliver", summary: "Send a delivery again, now (admins)", tag: "alerts", access: .member(.admin), response: "AlertDelivery"),
        Operation(method: "get", path: ws + "/maps/{map}/comments", summary: "Comment threads of a map", tag: "comments",
                  access: .member(.viewer), query: [("resolved", "boolean", "false leaves resolved threads out")], response: "ThreadList"),
        Operation(method: "post", path: ws + "/maps/{map}/comments/retarget", summary: "Move the threads of a renamed stage or touchpoint to its new id (kind, from, to), or of cards that moved in their lane (kind cards, moves)",
                  tag: "comments", access: .member(.editor), body: .json("Retarget"), response: "Moved"),
        Operation(method: "post", path: ws + "/maps/{map}/comments", summary: "Start a thread on the map, a stage, a touchpoint or a card", tag: "comments", access: .member(.editor), body: .json("NewComment"), status: 201, response: "Comment"),
        Operation(method: "post", path: ws + "/maps/{map}/comments/{comment}/replies", summary: "Reply to a thread", tag: "comments", access: .member(.editor), body: .json("Reply"), status: 201, response: "Comment"),
        Operation(method: "post", path: ws + "/maps/{map}/comments/{comment}/resolve", summary: "Resolve a thread", tag: "comments", access: .member(.editor), response: "Thread"),
        Operation(method: "post", path: ws + "/maps/{map}/comments/{comment}/reopen", summary: "Reopen a thread", tag: "comments", access: .member(.editor), response: "Thread"),
        Operation(method: "delete", path: ws + "/maps/{map}/comments/{comment}", summary: "Delete a comment (a thread's first comment deletes its replies)", tag: "comments", access: .member(.editor), response: "Deleted"),

        Operation(method: "get", path: ws + "/maps/{map}/shares", summary: "Share links of a map (editor)", tag: "shares", access: .member(.editor), response: "ShareList"),
        Operation(method: "post", path: ws + "/maps/{map}/shares", summary: "Create a read-only share link; the token is in this answer only", tag: "shares", access: .member(.editor), body: .json("NewShare"), status: 201, response: "ShareLink"),
        Operation(method: "delete", path: ws + "/maps/{map}/shares/{share}", summary: "Revoke a share link", tag: "shares", access: .member(.editor), response: "ShareLink"),
        Operation(method: "get", path: "/api/v1/shared/{token}", summary: "The map behind a share link", tag: "shares", access: .shareLink, response: "SharedMap"),
        Operation(method: "post", path: "/api/v1/shared/{token}/analyses", summary: "An analysis of the shared map (not customers or verbatims, which list customers: 403)", tag: "shares",
                  access: .shareLink, query: [("format", "string", "json (default) or csv")], body: .json("Query"), response: "Analysis", alsoAs: ["text/csv"]),

        Operation(method: "post", path: ws + "/analyses", summary: "Run an analysis: the query of wayfinder analyze --show-query, the JSON of --format json (or its CSV: ?format=csv or Accept: text/csv)", tag: "analyses",
                  access: .member(.viewer), query: [("format", "string", "json (default) or csv: the main table as wayfinder analyze --format csv writes it, as a download")],
                  body: .json("Query"), response: "Analysis", alsoAs: ["text/csv"]),

        Operation(method: "post", path: ws + "/uploads", summary: "Upload a CSV, NDJSON or Segment batch file (gzip too) into the store", tag: "uploads",
                  access: .member(.editor), query: [("format", "string", "csv, ndjson or segment"), ("name", "string", "the file's name"),
                          ("preset", "string", "auto (the default: an export recognised from its header or first record) or a preset: \(ImportPreset.all.map(\.name).joined(separator: ", "))"),
                          ("question", "string", "a survey export's column whose answers are the score (typeform, surveymonkey, qualtrics)"),
                          ("metric", "string", "the score's metric: nps (the default), csat or ces"),
                          ("comment", "string", "a survey export's free-text column, whose answers are feedback text")],
                  body: .file, status: 202, response: "Upload"),
        Operation(method: "get", path: ws + "/quarantine", summary: "The records imports and uploads set aside, with why (not their text), newest last", tag: "uploads",
                  access: .member(.editor), query: [("file", "string", "only those of this file"), ("limit", "integer", "the most returned, 1 to 1000 (100)")], response: "Object"),
        Operation(method: "get", path: ws + "/uploads", summary: "Uploads of this server run", tag: "uploads", access: .member(.viewer), response: "UploadList"),
        Operation(method: "get", path: ws + "/uploads/{upload}", summary: "An upload's progress", tag: "uploads", access: .member(.viewer), response: "Upload"),
    ]

    /// The document as JSON text.
    public static let json: String = {
        var bytes: [UInt8] = []
        document.write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }()

    /// Every documented (path, method).
    public static var routes: [(path: String, method: String)] { operations.map { ($0.path, $0.method.uppercased()) } }
}
