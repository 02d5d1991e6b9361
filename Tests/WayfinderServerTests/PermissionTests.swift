import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import JourneyModel
import JourneyStore
import WayfinderTesting
import Testing
@testable import WayfinderServer

/// Who may call what: every route class refuses a missing or wrong credential (401) and a role
/// too weak (403); a viewer changes nothing; cookie changes need the CSRF token.
@Suite("Permissions")
struct PermissionTests {
    /// One API route with concrete ids, and the least a caller needs.
    struct Route: Sendable, CustomStringConvertible {
        enum Needs: Sendable { case viewer, editor, admin, serverAdmin }
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var needs: Needs
        var contentType = "application/json"
        var description: String { "\(method) \(path)" }
        var changes: Bool { method != .get && !path.hasSuffix("/analyses") }
    }

    /// Every workspace-scoped and admin route of the API, with ids that exist in the harness.
    static func routes(map: String, persona: String, comment: Int64, share: Int64, user: Int64, key: Int64, rule: Int64) -> [Route] {
        let ws = "/api/v1/workspaces/shop"
        let m = "\(ws)/maps/\(map)"
        return [
            Route(method: .get, path: "/api/v1/users", needs: .serverAdmin),
            Route(method: .post, path: "/api/v1/users", body: json(["email": "new@example.com", "password": "a long enough password"]), needs: .serverAdmin),
            Route(method: .patch, path: "/api/v1/users/\(user)", body: json(["name": "Renamed"]), needs: .serverAdmin),
            Route(method: .delete, path: "/api/v1/users/\(user)", needs: .serverAdmin),
            Route(method: .get, path: "\(ws)/members", needs: .admin),
            Route(method: .put, path: "\(ws)/members/\(user)", body: json(["role": "admin"]), needs: .admin),
            Route(method: .delete, path: "\(ws)/members/\(user)", needs: .admin),
            Route(method: .get, path: "/api/v1/keys", needs: .admin),
            Route(method: .post, path: "/api/v1/keys", body: json(["kind": "read-write", "workspace": "shop"]), needs: .admin),
            Route(method: .delete, path: "/api/v1/keys/\(key)", needs: .admin),
            Route(method: .post, path: "/api/v1/workspaces", body: json(["id": "other", "name": "Other"]), needs: .serverAdmin),
            Route(method: .get, path: ws, needs: .viewer),
            Route(method: .patch, path: ws, body: json(["name": "Renamed"]), needs: .admin),
            Route(method: .delete, path: ws, needs: .admin),
            Route(method: .post, path: "\(ws)/import?format=yaml", body: "version: 1\nname: Imported\n", needs: .editor, contentType: "application/yaml"),
            Route(method: .get, path: "\(ws)/export?format=json", needs: .viewer),
            Route(method: .get, path: "\(ws)/personas", needs: .viewer),
            Route(method: .post, path: "\(ws)/personas", body: json(["id": "newbie", "name": "Newbie"]), needs: .editor),
            Route(method: .get, path: "\(ws)/personas/\(persona)", needs: .viewer),
            Route(method: .put, path: "\(ws)/personas/\(persona)", body: json(["id": persona, "name": "Changed"]), needs: .editor),
            Route(method: .delete, path: "\(ws)/personas/newbie", needs: .editor),
            Route(method: .get, path: "\(ws)/maps", needs: .viewer),
            Route(method: .post, path: "\(ws)/maps", body: json(["id": "x"]), needs: .editor),
            Route(method: .get, path: m, needs: .viewer),
            Route(method: .put, path: m, body: json(["id": map]), needs: .editor),
            Route(method: .delete, path: m, needs: .editor),
            Route(method: .get, path: "\(m)/versions", needs: .viewer),
            Route(method: .get, path: "\(m)/versions/1", needs: .viewer),
            Route(method: .post, path: "\(m)/versions/1/restore", needs: .editor),
            Route(method: .get, path: "\(m)/diff?from=1&to=1", needs: .viewer),
            Route(method: .get, path: "\(m)/comments", needs: .viewer),
            Route(method: .post, path: "\(m)/comments", body: json(["body": "hello"]), needs: .editor),
            Route(method: .post, path: "\(m)/comments/\(comment)/replies", body: json(["body": "hi"]), needs: .editor),
            Route(method: .post, path: "\(m)/comments/\(comment)/resolve", needs: .editor),
            Route(method: .post, path: "\(m)/comments/\(comment)/reopen", needs: .editor),
            Route(method: .delete, path: "\(m)/comments/\(comment)", needs: .editor),
            Route(method: .get, path: "\(m)/shares", needs: .editor),
            Route(method: .post, path: "\(m)/shares", body: "{}", needs: .editor),
            Route(method: .delete, path: "\(m)/shares/\(share)", needs: .editor),
            Route(method: .post, path: "\(ws)/analyses", body: json(["kind": "funnel", "journey": map]), needs: .viewer),
            Route(method: .post, path: "\(ws)/uploads?format=ndjson", body: "{}\n", needs: .editor, contentType: "application/x-ndjson"),
            Route(method: .get, path: "\(ws)/uploads", needs: .viewer),
            Route(method: .get, path: "\(ws)/uploads/upl_none", needs: .viewer),
            Route(method: .get, path: "\(ws)/alerts", needs: .admin),
            Route(method: .post, path: "\(ws)/alerts", body: json(["map": map, "kind": "negative-feedback", "url": "https://hooks.example.com/b"]), needs: .admin),
            Route(method: .get, path: "\(ws)/alerts/\(rule)", needs: .admin),
            Route(method: .patch, path: "\(ws)/alerts/\(rule)", body: json(["enabled": false]), needs: .admin),
            Route(method: .get, path: "\(ws)/alerts/\(rule)/deliveries", needs: .admin),
            Route(method: .post, path: "\(ws)/alerts/\(rule)/deliveries/1/redeliver", needs: .admin),
            Route(method: .delete, path: "\(ws)/alerts/\(rule)", needs: .admin),
        ]
    }

    static func fixture(_ harness: APIHarness) async throws -> [Route] {
        let comment = try await harness.store.addComment(workspace: "shop", map: harness.mapID, target: .map, author: "test", body: "first")
        let share = try await harness.store.createShareLink(workspace: "shop", map: harness.mapID, createdBy: "test", expires: nil)
        let user = try await harness.store.users().first { $0.email == "outsider@example.com" }!
        let key = try await harness.store.createAPIKey(kind: .read, name: "shop-reader", workspace: "shop")
        let rule = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: harness.mapID, kind: .negativeFeedback, url: "https://hooks.example.com/a"))
        return routes(map: harness.mapID, persona: harness.personaID, comment: comment.id, share: share.link.id, user: user.id, key: key.key.id, rule: rule.rule.id)
    }

    /// What the store holds that any route could change.
    static func state(_ harness: APIHarness) async throws -> String {
        let export = WorkspaceCodec.json(try await harness.store.exportWorkspace("shop"))
        let threads = try await harness.store.commentThreads(workspace: "shop", map: harness.mapID)
        let shares = try await harness.store.shareLinks(workspace: "shop", map: harness.mapID)
        let versions = try await harness.store.mapVersions(workspace: "shop", id: harness.mapID)
        return [export, "\(threads)", "\(shares)", "\(try await harness.store.users())", "\(try await harness.store.members(workspace: "shop"))",
                "\(try await harness.store.apiKeys())", "\(versions.count)", "\(try await harness.store.workspaces().map(\.id))",
                "\(try harness.store.data.counts())", "\(try await harness.store.alertRules())", "\(try await harness.store.alertDeliveries())"].joined(separator: "\n")
    }

    @Test("every route refuses no credential, an unknown key, a revoked key and a garbage cookie with 401")
    func unauthenticated() async throws {
        let harness = try await APIHarness()
        let routes = try await Self.fixture(harness) + [
            Route(method: .get, path: "/api/v1/session", needs: .viewer),
            Route(method: .delete, path: "/api/v1/session", needs: .viewer),
            Route(method: .put, path: "/api/v1/session/password", body: json(["current_password": "x", "new_password": "a long new password"]), needs: .viewer),
            Route(method: .get, path: "/api/v1/workspaces", needs: .viewer),
            Route(method: .get, path: "/api/v1/users/1", needs: .serverAdmin),
        ]
        let revoked = harness.base.revoked
        try await harness.test { client in
            for route in routes {
                for credential in [Credential.none, .key("wf_not-a-key"), .key(revoked), .session(cookie: "wss_forged", csrf: "x")] {
                    let answer = try await client.call(route.method, route.path, route.body, as: credential, contentType: route.contentType)
                    #expect(answer.status == 401, "\(route) as \(credential): \(answer)")
                    #expect(answer.errorMessage?.isEmpty == false)
                    #expect(answer.headers[.wwwAuthenticate] != nil)
                }
            }
        }
    }

    @Test("a role too weak is refused with 403, and nothing changes")
    func tooWeak() async throws {
        let harness = try await APIHarness()
        let routes = try await Self.fixture(harness)
        let before = try await Self.state(harness)
        let read = harness.base.read, readWrite = harness.base.readWrite, write = harness.base.write
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let editor = try await client.signIn("editor@example.com")
            let outsider = try await client.signIn("outsider@example.com")
            for route in routes {
                var refused: [(String, Credential)] = [("write key", .key(write)), ("outsider", outsider)]
                switch route.needs {
                case .viewer: break
                case .editor: refused += [("viewer", viewer), ("read key", .key(read))]
                case .admin: refused += [("viewer", viewer), ("editor", editor), ("read key", .key(read)), ("read-write key", .key(readWrite))]
                case .serverAdmin: refused += [("viewer", viewer), ("editor", editor), ("read key", .key(read)), ("read-write key", .key(readWrite))]
                }
                for (name, credential) in refused {
                    let answer = try await client.call(route.method, route.path, route.body, as: credential, contentType: route.contentType)
                    #expect(answer.status == 403, "\(route) as \(name): \(answer)")
                    #expect(answer.errorCode == "forbidden", "\(route) as \(name): \(answer)")
                }
            }
        }
        #expect(try await Self.state(harness) == before)
    }

    @Test("a viewer cannot change anything: every mutating route is refused and the store is unchanged")
    func viewerChangesNothing() async throws {
        let harness = try await APIHarness()
        let routes = try await Self.fixture(harness)
        let before = try await Self.state(harness)
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            for route in routes where route.changes {
                let answer = try await client.call(route.method, route.path, route.body, as: viewer, contentType: route.contentType)
                #expect(answer.status == 403, "\(route): \(answer)")
            }
        }
        #expect(try await Self.state(harness) == before)
    }

    @Test("the roles that suffice are let through")
    func enoughRole() async throws {
        let harness = try await APIHarness()
        let routes = try await Self.fixture(harness)
        let read = harness.base.read, readWrite = harness.base.readWrite
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let editor = try await client.signIn("editor@example.com")
            // Reading routes and changing ones are tried in an order where nothing is deleted before it is used.
            for route in routes where !route.changes {
                for (name, credential) in [("viewer", viewer), ("read key", Credential.key(read))] where route.needs == .viewer {
                    let answer = try await client.call(route.method, route.path, route.body, as: credential, contentType: route.contentType)
                    #expect(answer.status != 401 && answer.status != 403, "\(route) as \(name): \(answer)")
                }
            }
            let comment = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments", json(["body": "ok"]), as: editor)
            #expect(comment.status == 201, "\(comment)")
            let keyComment = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments", json(["body": "ok"]), as: .key(readWrite))
            #expect(keyComment.status == 201, "API keys need no CSRF token: \(keyComment)")
        }
    }

    @Test("a key limited to one workspace reaches no other")
    func scopedKey() async throws {
        let harness = try await APIHarness()
        _ = try await harness.store.createWorkspace(id: "other", name: "Other")
        let scoped = try await harness.store.createAPIKey(kind: .readWrite, workspace: "shop").secret
        try await harness.test { client in
            #expect(try await client.call(.get, "/api/v1/workspaces/shop", as: .key(scoped)).status == 200)
            #expect(try await client.call(.get, "/api/v1/workspaces/other", as: .key(scoped)).status == 403)
            let list = try await client.call(.get, "/api/v1/workspaces", as: .key(scoped))
            #expect((list["workspaces"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["shop"])
        }
    }

    @Test("a write key only sends events: listing workspaces with it is refused, as every other API route is")
    func writeKeyListsNothing() async throws {
        let harness = try await APIHarness()
        let write = harness.base.write, read = harness.base.read
        try await harness.test { client in
            let answer = try await client.call(.get, "/api/v1/workspaces", as: .key(write))
            #expect(answer.status == 403, "\(answer)")
            #expect(answer.errorCode == "forbidden" && answer.errorMessage?.contains("/v1/") == true, "\(answer)")
            let list = try await client.call(.get, "/api/v1/workspaces", as: .key(read))
            #expect(list.status == 200 && (list["workspaces"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["shop"], "\(list)")
        }
    }

    @Test("a change made with the session cookie needs the CSRF token; reads do not")
    func csrf() async throws {
        let harness = try await APIHarness()
        let path = "/api/v1/workspaces/shop/maps/\(harness.mapID)/comments"
        try await harness.test { client in
            guard case .session(let cookie, let token) = try await client.signIn("editor@example.com") else { return }
            for csrf in [nil, "", "wrong-token", String(token!.dropLast())] {
                let answer = try await client.call(.post, path, json(["body": "forged"]), as: .session(cookie: cookie, csrf: csrf))
                #expect(answer.status == 403, "\(csrf ?? "nil"): \(answer)")
                #expect(answer.errorCode == "csrf_failed")
                #expect(answer.errorMessage?.contains("X-CSRF-Token") == true)
            }
            #expect(try await client.call(.delete, "/api/v1/session", as: .session(cookie: cookie, csrf: nil)).status == 403)
            #expect(try await client.call(.get, path, as: .session(cookie: cookie, csrf: nil)).status == 200)
            #expect(try await client.call(.post, path, json(["body": "real"]), as: .session(cookie: cookie, csrf: token)).status == 201)
        }
        let threads = try await harness.store.commentThreads(workspace: "shop", map: harness.mapID)
        #expect(threads.map(\.comment.body) == ["real"])
    }

    @Test("the session cookie is HttpOnly, SameSite=Strict and Secure unless turned off; sign-out ends the session")
    func cookie() async throws {
        for secure in [true, false] {
            let harness = try await APIHarness { $0.accounts.secureCookies = secure }
            try await harness.test { client in
                let answer = try await client.call(.post, "/api/v1/session", json(["email": "viewer@example.com", "password": APIHarness.password]), as: .none)
                let header = try #require(answer.headers[.setCookie])
                #expect(header.contains("HttpOnly"))
                #expect(header.contains("SameSite=Strict"))
                #expect(header.contains("Secure") == secure)
                let session = try await client.signIn("viewer@example.com")
                #expect(try await client.call(.get, "/api/v1/session", as: session).status == 200)
                #expect(try await client.call(.delete, "/api/v1/session", as: session).status == 204)
                #expect(try await client.call(.get, "/api/v1/session", as: session).status == 401)
            }
        }
    }

    @Test("sign-in needs JSON, so a cross-site form cannot sign anyone in")
    func signInNeedsJSON() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let form = try await client.call(.post, "/api/v1/session", "email=viewer%40example.com&password=x", as: .none, contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
        }
    }

    @Test("a first start creates an admin with a one-time password that must be replaced before anything else")
    func firstAdmin() async throws {
        let base = try await ServerHarness { $0.accounts.passwordCost = 10; $0.accounts.secureCookies = false }
        let created = try #require(try await base.server.bootstrapAdmin(password: nil))
        let oneTime = try #require(created.oneTimePassword)
        #expect(oneTime.count >= 20)
        #expect(try await base.server.bootstrapAdmin(password: nil) == nil, "only the first start creates an admin")
        #expect(!base.logs.lines.joined(separator: "\n").contains(oneTime), "the password is never logged")
        try await base.test { client in
            let session = try await client.signIn(created.email, oneTime)
            let blocked = try await client.call(.get, "/api/v1/workspaces", as: session)
            #expect(blocked.status == 403)
            #expect(blocked.errorCode == "password_change_required")
            let change = try await client.call(.put, "/api/v1/session/password",
                                               json(["current_password": oneTime, "new_password": "a much better passphrase"]), as: session)
            #expect(change.status == 204, "\(change)")
            #expect(try await client.call(.get, "/api/v1/workspaces", as: session).status == 200)
        }
    }

    @Test("a share link reaches its map and its analyses only, and nothing once revoked")
    func shareLink() async throws {
        let harness = try await APIHarness()
        var other = try await harness.store.map(workspace: "shop", id: harness.mapID).map
        other.id = "other-map"
        _ = try await harness.store.saveMap(workspace: "shop", id: "other-map", map: other, author: "test")
        let map = harness.mapID
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let created = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(map)/shares", json(["expires": "2099-01-01T00:00:00Z"]), as: editor)
            #expect(created.status == 201, "\(created)")
            let token = try #require(created["token"] as? String)
            #expect(token.count >= 40, "at least 128 bits")
            let shared = try await client.call(.get, "/api/v1/shared/\(token)", as: .none)
            #expect(shared.status == 200)
            #expect(((shared["map"] as? [String: Any])?["id"] as? String) == map)
            #expect(try await client.call(.post, "/api/v1/shared/\(token)/analyses", json(["kind": "funnel", "journey": map]), as: .none).status == 200)
            let otherAnalysis = try await client.call(.post, "/api/v1/shared/\(token)/analyses", json(["kind": "funnel", "journey": "other-map"]), as: .none)
            #expect(otherAnalysis.status == 403)
            // The token is no API credential.
            for path in ["/api/v1/workspaces/shop/maps/other-map", "/api/v1/workspaces/shop/maps/\(map)", "/api/v1/workspaces"] {
                #expect(try await client.call(.get, path, as: .key(token)).status == 401, "\(path)")
            }
            #expect(try await client.call(.get, "/api/v1/shared/ws_guessed\(token.dropFirst(10))", as: .none).status == 401)
            let past = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(map)/shares", json(["expires": "2001-01-01T00:00:00Z"]), as: editor)
            #expect(past.status == 400)
            let id = try #require(created["id"] as? Int)
            #expect(try await client.call(.delete, "/api/v1/workspaces/shop/maps/\(map)/shares/\(id)", as: editor).status == 200)
            #expect(try await client.call(.get, "/api/v1/shared/\(token)", as: .none).status == 401)
        }
    }

    @Test("a share link stops at its expiry, and with its map")
    func shareLinkExpiry() async throws {
        let harness = try await APIHarness()
        let created = try await harness.store.createShareLink(workspace: "shop", map: harness.mapID, createdBy: "test", expires: Date().addingTimeInterval(3600))
        let token = created.token, store = harness.store
        try await harness.test { client in
            #expect(try await client.call(.get, "/api/v1/shared/\(token)", as: .none).status == 200)
            // The hour passes.
            try await store.database.write { db in
                try db.execute(sql: "UPDATE share_links SET expires_at = ? WHERE id = ?", arguments: [Int64(Date().timeIntervalSince1970 * 1000) - 1, created.link.id])
            }
            let expired = try await client.call(.get, "/api/v1/shared/\(token)", as: .none)
            #expect(expired.status == 401)
            #expect(expired.errorMessage?.contains("expired") == true)
        }
        let second = try await harness.store.createShareLink(workspace: "shop", map: "first-purchase-future", createdBy: "test", expires: nil)
        try await harness.store.deleteMap(workspace: "shop", id: "first-purchase-future")
        #expect(try await harness.store.shareLink(token: second.token) == nil)
    }
}
