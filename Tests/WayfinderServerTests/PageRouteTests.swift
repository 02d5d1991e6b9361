import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyModel
import JourneyStore
import NIOCore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The pages in the browser: sign-in by form with its own token, sessions, roles, share links.
@Suite("Page routes")
struct PageRouteTests {
    /// The sign-in form's token and cookie, as a browser gets them from GET /signin.
    static func form(_ client: any TestClientProtocol) async throws -> (token: String, cookie: String) {
        let answer = try await client.call(.get, "/signin?next=/w/shop", as: .none)
        #expect(answer.status == 200)
        #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true)
        let token = try #require(answer.text.range(of: "name=\"token\" value=\"").map { answer.text[$0.upperBound...].prefix { $0 != "\"" } })
        let cookie = try #require(answer.headers[.setCookie]).split(separator: ";")[0]
        #expect(cookie.hasPrefix("\(PageRoutes.formCookie)="))
        #expect(answer.text.contains("name=\"next\" value=\"/w/shop\""))
        return (String(token), String(cookie))
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ fields: [String: String], cookie: String?) async throws -> Answer {
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return Answer(try await client.executeRequest(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)))
    }

    @Test("signing in by form opens the page asked for; a wrong password or a forged form does not")
    func signIn() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let (token, cookie) = try await Self.form(client)
            let wrong = try await Self.post(client, "/signin", ["username": "viewer@example.com", "password": "not it", "next": "/w/shop", "token": token], cookie: cookie)
            #expect(wrong.status == 401 && wrong.text.contains("role=\"alert\"") && wrong.text.contains("email or password is wrong"))
            let forged = try await Self.post(client, "/signin", ["username": "viewer@example.com", "password": APIHarness.password, "next": "/", "token": token], cookie: nil)
            #expect(forged.status == 403, "a post without the form's cookie is refused")
            #expect(forged.headers[.setCookie]?.contains(Authenticator.cookieName + "=") != true)
            let right = try await Self.post(client, "/signin", ["username": "viewer@example.com", "password": APIHarness.password, "next": "/w/shop", "token": token], cookie: cookie)
            #expect(right.status == 303 && right.headers[.location] == "/w/shop")
            let session = try #require(right.headers[values: .setCookie].first { $0.hasPrefix(Authenticator.cookieName + "=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict"))
            let offSite = try await Self.post(client, "/signin", ["username": "viewer@example.com", "password": APIHarness.password, "next": "//evil.example/", "token": token], cookie: cookie)
            #expect(offSite.headers[.location] == "/", "only paths on this server")
        }
    }

    @Test("pages need a session and a role; viewers see the home, map, report and persona pages with the store's numbers")
    func rolesAndPages() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let none = try await client.call(.get, "/w/shop", as: .none)
            #expect(none.status == 303 && none.headers[.location] == "/signin?next=/w/shop")
            let outsider = try await client.signIn("outsider@example.com")
            #expect(try await client.call(.get, "/w/shop", as: outsider).status == 403)
            #expect(try await client.call(.get, "/w/shop/maps/\(harness.mapID)", as: outsider).status == 403)
            let viewer = try await client.signIn("viewer@example.com")
            #expect(try await client.call(.get, "/", as: viewer).headers[.location] == "/w/shop")
            let home = try await client.call(.get, "/w/shop", as: viewer)
            #expect(home.status == 200)
            let template = WorkspaceTemplate.retail.workspace
            for journey in template.journeys { #expect(home.text.contains(XMLText.escape(journey.title))) }
            #expect(home.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let map = try await client.call(.get, "/w/shop/maps/\(harness.mapID)", as: viewer)
            #expect(map.status == 200 && map.text.contains("<svg"))
            let report = try await client.call(.get, "/w/shop/maps/\(harness.mapID)/report", as: viewer)
            #expect(report.status == 200 && report.text.contains("<h2>Friction</h2>"))
            let persona = try await client.call(.get, "/w/shop/personas/\(harness.personaID)", as: viewer)
            #expect(persona.status == 200 && persona.text.contains(XMLText.escape(template.personas[0].name)))
            #expect(try await client.call(.get, "/w/shop/maps/no-such-map", as: viewer).status == 404)
        }
    }

    @Test("a share link shows only its map, read-only; a revoked one shows nothing")
    func shareLinks() async throws {
        let harness = try await APIHarness()
        let link = try await harness.store.createShareLink(workspace: "shop", map: harness.mapID, createdBy: "test", expires: nil)
        try await harness.test { client in
            let shared = try await client.call(.get, "/share/\(link.token)", as: .none)
            #expect(shared.status == 200 && shared.text.contains("read-only view") && shared.text.contains("<svg"))
            #expect(!shared.text.contains("/w/shop"), "no way into the workspace from a shared view")
            #expect(try await client.call(.get, "/share/\(link.token)/report", as: .none).status == 200)
            #expect(try await client.call(.get, "/w/shop", as: .none).status == 303, "the link opens no session")
            _ = try await harness.store.revokeShareLink(workspace: "shop", map: harness.mapID, id: link.link.id)
            #expect(try await client.call(.get, "/share/\(link.token)", as: .none).status == 404)
        }
    }

    @Test("signing out needs the session's token and ends the session")
    func signOut() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            guard case .session(let cookie, let csrf) = try await client.signIn("editor@example.com") else { return }
            let jar = "\(Authenticator.cookieName)=\(cookie)"
            #expect(try await Self.post(client, "/signout", ["csrf": "wrong"], cookie: jar).status == 403)
            #expect(try await client.call(.get, "/w/shop", as: .session(cookie: cookie, csrf: nil)).status == 200)
            let out = try await Self.post(client, "/signout", ["csrf": csrf ?? ""], cookie: jar)
            #expect(out.status == 303 && out.headers[.location] == "/signin")
            #expect(try await client.call(.get, "/w/shop", as: .session(cookie: cookie, csrf: nil)).status == 303, "the session is gone")
        }
    }

    @Test("a one-time password leads to the password form; it needs the session's token, the current password, the same new one twice and an acceptable one; then the old password no longer works and other sessions end")
    func changePassword() async throws {
        let harness = try await APIHarness()
        let oneTime = "one-time-passphrase-4412", chosen = "my own passphrase at last"
        let user = try await harness.store.createUser(email: "new@example.com", passwordHash: await Passwords.hash(oneTime, cost: 10), mustChangePassword: true)
        _ = try await harness.store.setMembership(workspace: "shop", user: user.id, role: .viewer)
        try await harness.test { client in
            let (token, formCookie) = try await Self.form(client)
            let signedIn = try await Self.post(client, "/signin", ["username": "new@example.com", "password": oneTime, "next": "/w/shop", "token": token], cookie: formCookie)
            #expect(signedIn.status == 303 && signedIn.headers[.location] == "/password", "a one-time password goes to the form first")
            let session = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix(Authenticator.cookieName + "=") }?.split(separator: ";")[0])
            let jar = String(session)
            let other = try await client.signIn("new@example.com", oneTime)
            #expect(try await client.call(.get, "/w/shop", as: .session(cookie: String(session.split(separator: "=")[1]), csrf: nil)).headers[.location] == "/password")

            let form = try await client.executeRequest(uri: "/password", method: .get, headers: [.cookie: jar], body: nil)
            let page = Answer(form)
            #expect(page.status == 200 && page.text.contains("one-time password") && page.text.contains("autocomplete=\"new-password\""))
            let csrf = try #require(page.text.range(of: "name=\"csrf\" value=\"").map { page.text[$0.upperBound...].prefix { $0 != "\"" } })
            let fields = ["csrf": String(csrf), "current": oneTime, "new": chosen, "confirm": chosen]

            let forged = try await Self.post(client, "/password", fields.merging(["csrf": "forged"]) { $1 }, cookie: jar)
            #expect(forged.status == 403 && forged.text.contains("role=\"alert\""))
            let wrongCurrent = try await Self.post(client, "/password", fields.merging(["current": "not it"]) { $1 }, cookie: jar)
            #expect(wrongCurrent.status == 403 && wrongCurrent.text.contains("not your current password"))
            let differ = try await Self.post(client, "/password", fields.merging(["confirm": chosen + "!"]) { $1 }, cookie: jar)
            #expect(differ.status == 400 && differ.text.contains("differ"))
            let short = try await Self.post(client, "/password", fields.merging(["new": "short", "confirm": "short"]) { $1 }, cookie: jar)
            #expect(short.status == 400 && short.text.contains("Use at least"))
            #expect(try await Self.post(client, "/password", fields, cookie: nil).headers[.location] == "/signin?next=/password")
            // Nothing was changed by the refused posts: the one-time password still signs in.
            #expect(try await client.call(.post, "/api/v1/session", json(["email": "new@example.com", "password": oneTime]), as: .none).status == 201)

            let changed = try await Self.post(client, "/password", fields, cookie: jar)
            #expect(changed.status == 303 && changed.headers[.location] == "/")
            let home = try await client.executeRequest(uri: "/", method: .get, headers: [.cookie: jar], body: nil)
            #expect(home.headers[.location] == "/w/shop", "this session stays and needs no new password now")
            #expect(try await client.call(.post, "/api/v1/session", json(["email": "new@example.com", "password": oneTime]), as: .none).status == 401)
            #expect(try await client.call(.post, "/api/v1/session", json(["email": "new@example.com", "password": chosen]), as: .none).status == 201)
            #expect(try await client.call(.get, "/api/v1/session", as: other).status == 401, "the other session ended")
        }
    }

    @Test("admins make and revoke keys on the keys page: the secret is shown once and works, a forged form or a non-admin changes nothing")
    func keysPage() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            guard case .session(let editorCookie, let editorCSRF) = try await client.signIn("editor@example.com"),
                  case .session(let adminCookie, let adminCSRF) = try await client.signIn("admin@localhost") else { return }
            let editor = "\(Authenticator.cookieName)=\(editorCookie)", admin = "\(Authenticator.cookieName)=\(adminCookie)"
            #expect(try await client.call(.get, "/keys", as: .none).headers[.location] == "/signin?next=/keys")
            let refused = Answer(try await client.executeRequest(uri: "/keys", method: .get, headers: [.cookie: editor], body: nil))
            #expect(refused.status == 403 && refused.text.contains("Keys are managed by admins"))
            let keysBefore = try await harness.store.apiKeys()
            #expect(try await Self.post(client, "/keys", ["csrf": editorCSRF ?? "", "kind": "write", "workspace": "shop"], cookie: editor).status == 403)

            let form = Answer(try await client.executeRequest(uri: "/keys", method: .get, headers: [.cookie: admin], body: nil))
            #expect(form.status == 200 && form.text.contains("<option value=\"shop\">") && form.text.contains("every workspace (server admins only)"))
            let forged = try await Self.post(client, "/keys", ["csrf": "forged", "kind": "write", "name": "site", "workspace": "shop"], cookie: admin)
            #expect(forged.status == 403 && forged.text.contains("role=\"alert\""))
            let badKind = try await Self.post(client, "/keys", ["csrf": adminCSRF ?? "", "kind": "admin", "workspace": "shop"], cookie: admin)
            #expect(badKind.status == 400)
            #expect(try await harness.store.apiKeys() == keysBefore, "refused forms make no key")

            let posted = try await Self.post(client, "/keys", ["csrf": adminCSRF ?? "", "kind": "write", "name": "site", "workspace": "shop"], cookie: admin)
            #expect(posted.status == 303 && posted.headers[.location] == "/keys", "\(posted)")
            let note = try #require(posted.headers[values: .setCookie].first { $0.hasPrefix(PageRoutes.newKeyCookie + "=") }?.split(separator: ";")[0])
            #expect(try await Self.post(client, "/keys", ["csrf": adminCSRF ?? "", "kind": "read", "workspace": "shop"], cookie: editor).status == 403)
            // The page the browser is sent to shows the secret, once.
            let made = Answer(try await client.executeRequest(uri: "/keys", method: .get, headers: [.cookie: "\(admin); \(note)"], body: nil))
            #expect(made.status == 200, "\(made)")
            let secret = try #require(made.text.range(of: #"wf_[A-Za-z0-9_-]{43}"#, options: .regularExpression).map { String(made.text[$0]) })
            let reloaded = Answer(try await client.executeRequest(uri: "/keys", method: .get, headers: [.cookie: "\(admin); \(note)"], body: nil))
            #expect(!reloaded.text.contains(secret), "the secret is shown once, even when the page is reloaded with the note")
            #expect(try await harness.store.apiKeys().filter { $0.name == "site" }.count == 1)
            let key = try #require(try await harness.store.apiKeys().first { $0.name == "site" })
            #expect(key.kind == .write && key.workspace == "shop" && secret.hasPrefix(key.prefix))
            let event = json(["userId": "keys-page", "event": "Signed Up", "timestamp": "2026-05-01T12:00:00Z"])
            #expect(try await client.post("/v1/track", event, key: .basic(secret)).status == 200)
            let listed = Answer(try await client.executeRequest(uri: "/keys", method: .get, headers: [.cookie: admin], body: nil))
            #expect(listed.text.contains(key.prefix) && !listed.text.contains(secret), "the secret is shown once")

            // An admin still on a one-time password changes nothing before choosing a password.
            _ = try await harness.store.createUser(email: "fresh-admin@example.com", passwordHash: await Passwords.hash("one-time-passphrase-88", cost: 10),
                                                   isAdmin: true, mustChangePassword: true)
            guard case .session(let freshCookie, let freshCSRF) = try await client.signIn("fresh-admin@example.com", "one-time-passphrase-88") else { return }
            let early = try await Self.post(client, "/keys/\(key.id)/revoke", ["csrf": freshCSRF ?? ""], cookie: "\(Authenticator.cookieName)=\(freshCookie)")
            #expect(early.status == 303 && early.headers[.location] == "/password")
            #expect(try await harness.store.apiKeys().first { $0.id == key.id }?.isActive == true)
            let notTheirs = try await Self.post(client, "/keys/\(key.id)/revoke", ["csrf": editorCSRF ?? ""], cookie: editor)
            #expect(notTheirs.status == 403 || notTheirs.status == 404)
            #expect(try await harness.store.apiKeys().first { $0.id == key.id }?.isActive == true)
            let revoked = try await Self.post(client, "/keys/\(key.id)/revoke", ["csrf": adminCSRF ?? ""], cookie: admin)
            #expect(revoked.status == 303 && revoked.headers[.location] == "/keys")
            #expect(try await harness.store.apiKeys().first { $0.id == key.id }?.isActive == false)
            #expect(try await client.post("/v1/track", event, key: .basic(secret)).status == 401)
        }
    }

    @Test("a new key's note is read once, by its own user, within a minute")
    func newKeyNotes() async {
        let notes = NewKeyNotes()
        let created = KeysView.Created(id: 1, secret: "wf_secret", collects: true, origin: "http://127.0.0.1:8080")
        let start = Date()
        let mine = await notes.keep(created, user: 7, now: start)
        #expect(await notes.take(mine, user: 7, now: start.addingTimeInterval(5))?.secret == "wf_secret")
        #expect(await notes.take(mine, user: 7, now: start.addingTimeInterval(6)) == nil, "once")
        let other = await notes.keep(created, user: 7, now: start)
        #expect(await notes.take(other, user: 8, now: start) == nil, "not another user's")
        let late = await notes.keep(created, user: 7, now: start)
        #expect(await notes.take(late, user: 7, now: start.addingTimeInterval(61)) == nil, "not after a minute")
        #expect(await notes.take("guessed", user: 7, now: start) == nil)
    }
}
