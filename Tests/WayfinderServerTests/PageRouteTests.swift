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
}
