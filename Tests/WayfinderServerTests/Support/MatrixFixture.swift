import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import Testing
@testable import WayfinderServer

/// The server of the matrix test: workspace `shop` with a viewer, an editor and an admin, the
/// server admin, the harness's keys, and one of everything a route's path names; the request
/// each route gets from each kind of caller.
struct MatrixFixture {
    /// How a column's caller proves who it is.
    enum Caller: Sendable {
        case none
        /// A share link's token.
        case token(String)
        /// An API key's secret.
        case key(String)
        /// A signed-in user's cookie and CSRF token.
        case session(email: String, cookie: String, csrf: String)
    }

    let harness: APIHarness
    /// A value for each path parameter, ids that exist.
    let values: [String: String]
    /// The token of a share link of the map, and of one revoked.
    let token: String, revokedToken: String
    /// User ids by email.
    let users: [String: Int64]

    init() async throws {
        harness = try await APIHarness()
        let store = harness.store, map = harness.mapID
        let admin = try await store.createUser(email: "wsadmin@example.com", passwordHash: await Passwords.hash(APIHarness.password, cost: 10))
        _ = try await store.setMembership(workspace: "shop", user: admin.id, role: .admin)
        let comment = try await store.addComment(workspace: "shop", map: map, target: .map, author: "test", body: "first")
        let share = try await store.createShareLink(workspace: "shop", map: map, createdBy: "test", expires: nil)
        token = try await store.createShareLink(workspace: "shop", map: map, createdBy: "test", expires: nil).token
        let revoked = try await store.createShareLink(workspace: "shop", map: map, createdBy: "test", expires: nil)
        _ = try await store.revokeShareLink(workspace: "shop", map: map, id: revoked.link.id)
        revokedToken = revoked.token
        let spare = try await store.createAPIKey(kind: .read, name: "spare", workspace: "shop")
        let rule = try await store.addAlertRule(AlertRuleDraft(workspace: "shop", map: map, kind: .negativeFeedback, url: "https://hooks.example.com/a"))
        users = Dictionary(uniqueKeysWithValues: try await store.users().map { ($0.email, $0.id) })
        values = [
            "workspace": "shop", "map": map, "persona": harness.personaID, "version": "1", "comment": "\(comment.id)", "share": "\(share.link.id)",
            "rule": "\(rule.rule.id)", "delivery": "1", "upload": "upl_none", "key": "\(spare.key.id)", "user": "\(users["outsider@example.com"]!)",
            "name": "editor", "file": "main.js",
        ]
    }

    /// The caller of a column, signed in when it is a user.
    func caller(_ column: SecurityMatrix.Column, _ client: any TestClientProtocol) async throws -> Caller {
        let email: String
        switch column {
        case .anonymous: return .none
        case .shareLink: return .token(token)
        case .writeKey: return .key(harness.base.write)
        case .readKey: return .key(harness.base.read)
        case .readWriteKey: return .key(harness.base.readWrite)
        case .viewer: email = "viewer@example.com"
        case .editor: email = "editor@example.com"
        case .workspaceAdmin: email = "wsadmin@example.com"
        case .serverAdmin: email = "admin@localhost"
        }
        guard case .session(let cookie, let csrf?) = try await client.signIn(email) else { throw SignInFailed() }
        return .session(email: email, cookie: cookie, csrf: csrf)
    }

    struct SignInFailed: Error {}

    /// Reads first, then changes, then deletions, and last what ends the workspace or the session.
    static func order(_ route: (path: String, method: String)) -> (Int, String, String) {
        let ending = ["DELETE /api/v1/workspaces/{workspace}": 4, "DELETE /api/v1/session": 5, "POST /signout": 6]
        if let last = ending["\(route.method) \(route.path)"] { return (last, route.path, route.method) }
        return (route.method == "GET" ? 0 : route.method == "DELETE" ? 2 : 1, route.path, route.method)
    }

    /// Whether an answer refuses the caller: 401 or 403; for a page also a 303 that sends the
    /// browser to sign in and back, and for a share page the 404 of a link that does not work.
    static func refused(_ answer: Answer, _ row: SecurityMatrix.Row) -> Bool {
        if answer.status == 401 || answer.status == 403 { return true }
        guard row.page else { return false }
        if answer.status == 303, answer.headers[.location]?.hasPrefix("/signin?next=") == true { return true }
        return row.access == .shareLink && answer.status == 404
    }

    /// The requests a route gets from a caller: its credential presented the ways the route could
    /// take it, and for a route of one's own account, another user's account too (refused).
    func attempts(_ row: SecurityMatrix.Row, _ column: SecurityMatrix.Column, _ caller: Caller) -> [MatrixAttempt] {
        var values = self.values
        // Other credentials come with a link that does not work: they must not stand in for one.
        values["token"] = column == .shareLink ? token : revokedToken
        var extra: [MatrixAttempt] = []
        if row.access == .ownAccount, case .session(let email, _, _) = caller {
            if column != .serverAdmin { extra = request(row, caller, values, allowed: false, note: " (another user's account)") }
            values["user"] = "\(users[email]!)"
        }
        return request(row, caller, values, allowed: nil, note: "") + extra
    }

    private func request(_ row: SecurityMatrix.Row, _ caller: Caller, _ values: [String: String], allowed: Bool?, note: String) -> [MatrixAttempt] {
        var path = row.path
        for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
        let (suffix, body, type) = Self.content(row, values: values, caller: caller)
        let method = HTTPRequest.Method(rawValue: row.method)!
        // The form cookie that the sign-in form pairs with its token.
        var cookies = "\(row.method) \(row.path)" == "POST /signin" ? ["\(PageRoutes.formCookie)=matrix-form"] : []
        var base: HTTPFields = [:]
        if let type { base[.contentType] = type }
        func attempt(_ headers: HTTPFields, _ how: String = "") -> MatrixAttempt {
            var headers = headers
            if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
            return MatrixAttempt(method: method, path: path + suffix, headers: headers, body: body, allowed: allowed, note: note + how)
        }
        func authorization(_ secret: String) -> HTTPFields {
            var headers = base
            headers[.authorization] = row.path.hasPrefix("/v1/") ? "Basic " + Data("\(secret):".utf8).base64EncodedString() : "Bearer \(secret)"
            return headers
        }
        switch caller {
        case .none:
            return [attempt(base)]
        case .token where row.access == .shareLink:
            return [attempt(base)]  // the token is in the path
        case .token(let token):
            // The token as a key, then as a session cookie: neither opens anything.
            let asKey = attempt(authorization(token), " (the token as a key)")
            cookies.append("\(Authenticator.cookieName)=\(token)")
            return [asKey, attempt(base, " (the token as a session cookie)")]
        case .key(let secret):
            return [attempt(authorization(secret))]
        case .session(_, let cookie, let csrf):
            cookies.append("\(Authenticator.cookieName)=\(cookie)")
            var headers = base
            headers[Authenticator.csrfHeader] = csrf
            return [attempt(headers)]
        }
    }

    /// A query suffix, a body and its type that the route takes from `caller`.
    static func content(_ row: SecurityMatrix.Row, values: [String: String], caller: Caller) -> (String, String?, String?) {
        let password = APIHarness.password
        var csrf = ""
        if case .session(_, _, let token) = caller { csrf = token }
        func form(_ fields: [(String, String)]) -> (String, String?, String?) {
            let allowed = CharacterSet.alphanumerics
            let text = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
            return ("", text, "application/x-www-form-urlencoded")
        }
        func body(_ object: [String: Any]) -> (String, String?, String?) { ("", json(object), "application/json") }
        let ws = "/api/v1/workspaces/{workspace}"
        switch "\(row.method) \(row.path)" {
        case "POST /signin": return form([("username", "viewer@example.com"), ("password", password), ("next", "/"), ("token", "matrix-form")])
        case "POST /password": return form([("csrf", csrf), ("current", password), ("new", password), ("confirm", password)])
        case "POST /keys": return form([("csrf", csrf), ("kind", "read"), ("name", "matrix"), ("workspace", "shop")])
        case "POST /keys/{key}/revoke", "POST /signout": return form([("csrf", csrf)])
        case "POST /workspaces": return form([("csrf", csrf), ("name", "Matrix team")])
        case "POST /w/{workspace}/maps": return form([("csrf", csrf), ("start", "blank"), ("title", "Matrix map")])
        case "POST /w/{workspace}/personas": return form([("csrf", csrf), ("name", "Matrix persona")])
        case "POST /w/{workspace}/members": return form([("csrf", csrf), ("email", "invited@example.com"), ("name", "Invited"), ("role", "viewer")])
        case "POST /w/{workspace}/members/{user}": return form([("csrf", csrf), ("action", "role"), ("role", "viewer")])
        case "POST /api/v1/session": return body(["email": "viewer@example.com", "password": password])
        case "PUT /api/v1/session/password": return body(["current_password": password, "new_password": password])
        case "POST /api/v1/users": return body(["email": "new@example.com", "password": "a long enough password"])
        case "PATCH /api/v1/users/{user}", "PATCH \(ws)": return body(["name": "Renamed"])
        case "PUT \(ws)/members/{user}": return body(["role": "viewer"])
        case "POST /api/v1/keys": return body(["kind": "read", "workspace": "shop"])
        case "POST /api/v1/workspaces": return body(["id": "other", "name": "Other"])
        case "POST \(ws)/import": return ("", "version: 1\nname: Shop\n", "application/yaml")
        case "GET \(ws)/export": return ("?format=json", nil, nil)
        case "POST \(ws)/personas": return body(["id": "newbie", "name": "Newbie"])
        case "PUT \(ws)/personas/{persona}": return body(["id": values["persona"]!, "name": "Changed"])
        case "GET \(ws)/maps/{map}/diff": return ("?from=1&to=1", nil, nil)
        case "POST \(ws)/alerts": return body(["map": values["map"]!, "kind": "negative-feedback", "url": "https://hooks.example.com/b"])
        case "PATCH \(ws)/alerts/{rule}": return body(["enabled": false])
        case "POST \(ws)/maps/{map}/comments", "POST \(ws)/maps/{map}/comments/{comment}/replies": return body(["body": "hello"])
        case "PUT \(ws)/personas/{persona}/photo": return ("", "\u{89}PNG\r\n\u{1A}\n", "image/png")
        case "POST \(ws)/personas/preview": return body(["id": "preview", "name": "Preview", "match": ["traits": ["plan": "pro"]]])
        case "POST \(ws)/maps/{map}/preview": return ("?touchpoint=nothing", json(["id": values["map"]!, "title": "T", "state": "current", "stages": [["id": "s", "name": "S"]], "touchpoints": [] as [Any]]), "application/json")
        case "POST \(ws)/maps/{map}/comments/retarget": return body(["kind": "touchpoint", "from": "nothing-here", "to": "still-nothing"])
        case "POST \(ws)/analyses", "POST /api/v1/shared/{token}/analyses": return body(["kind": "funnel", "journey": values["map"]!])
        case "POST \(ws)/uploads": return ("?format=ndjson", "{}\n", "application/x-ndjson")
        default: break
        }
        if row.path.hasPrefix("/v1/") {
            let event: [String: Any] = ["type": "track", "userId": "matrix-user", "event": "Product Viewed", "name": "Home", "groupId": "g1", "previousId": "matrix-anon",
                                        "properties": ["metric": "nps", "score": 9], "timestamp": "2026-03-01T10:00:00Z"]
            return body(row.path == "/v1/batch" ? ["batch": [event]] : event)
        }
        return ["POST", "PUT", "PATCH"].contains(row.method) ? body([:]) : ("", nil, nil)
    }
}
