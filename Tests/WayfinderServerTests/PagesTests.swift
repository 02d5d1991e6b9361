import Foundation
import JourneyModel
import JourneyStore
import Testing
import WayfinderServer
import WayfinderTesting

/// The read-only pages: what they show comes from the store, and everything from a user or a
/// customer is escaped.
@Suite("Pages")
struct PagesTests {
    static let hostile = "<script>alert('x')</script> '; DROP TABLE events; --"

    @Test("every template compiles, and each page is a whole HTML document with its title")
    func documents() throws {
        let pages = try Pages()
        let frame = PageFrame(title: "Retail", workspace: "retail", user: "maya", csrf: "token-1")
        let template = WorkspaceTemplate.retail.workspace
        let map = try #require(template.journeys.first)
        let mapView = MapView(map: map, workspace: template, version: 3, updated: nil, reportLink: "/w/retail/maps/x/report", report: nil)
        for page in [pages.signIn(SignInView(), frame: frame), pages.map(mapView, frame: frame),
                     pages.persona(PersonaView(persona: template.personas[0], coverage: []), frame: frame),
                     pages.shared(SharedView(map: mapView, expires: "2026-12-31", reportLink: nil), frame: frame),
                     pages.error(ErrorView(heading: "Not found", message: "No such map."), frame: frame)] {
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            #expect(page.contains("<title>Retail · Wayfinder</title>"))
            #expect(page.hasSuffix("</html>\n"))
            #expect(page.contains("name=\"csrf\" value=\"token-1\""), "the sign-out form carries the CSRF token")
        }
        #expect(pages.map(mapView, frame: frame).contains("<svg"), "the map is drawn")
        #expect(pages.map(mapView, frame: frame).contains(">\(XMLText.escape(map.title))<"))
    }

    @Test("the sign-in form has the fields a password manager expects and keeps only local next paths")
    func signIn() throws {
        let page = try Pages().signIn(SignInView(error: "Wrong user name or password.", username: "maya", next: "//evil.example/x"), frame: PageFrame(title: "Sign in"))
        #expect(page.contains("autocomplete=\"username\"") && page.contains("type=\"password\"") && page.contains("autocomplete=\"current-password\""))
        #expect(page.contains("role=\"alert\">Wrong user name or password.<"))
        #expect(page.contains("name=\"next\" value=\"/\""), "an address off this server is not kept")
        #expect(!page.contains("name=\"csrf\""), "no user, no sign-out form")
    }

    @Test("hostile names from the store are escaped on every page")
    func escaping() async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        var workspace = WorkspaceTemplate.retail.workspace
        workspace.personas[0].name = Self.hostile
        workspace.journeys[0].title = Self.hostile
        _ = try await store.importWorkspace("retail", workspace: workspace, author: Self.hostile, createIfMissing: true)
        _ = try await store.updateWorkspace("retail", name: Self.hostile, description: Self.hostile)
        let pages = try Pages()
        let frame = PageFrame(title: Self.hostile, workspace: Self.hostile, user: Self.hostile, csrf: "\"><script>")
        let home = pages.home(try await HomeView.load(store, workspace: "retail", base: "/w/retail"), frame: frame)
        let stored = try await store.map(workspace: "retail", id: workspace.journeys[0].id, version: nil)
        let map = pages.map(MapView(map: stored.map, workspace: workspace, version: stored.version.number, updated: nil, reportLink: "r", report: nil), frame: frame)
        let persona = pages.persona(PersonaView(persona: workspace.personas[0], coverage: []), frame: frame)
        for page in [home, map, persona] {
            #expect(!page.contains("<script>"), "an unescaped script tag")
            #expect(!page.contains("'; DROP TABLE events") || page.contains("&#39;; DROP TABLE events") || page.contains("&#x27;; DROP TABLE events"))
        }
        #expect(home.contains("&lt;script&gt;alert("), "the hostile name is shown as text")
    }

    @Test("the home page counts what the store holds")
    func homeCounts() async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        let workspace = WorkspaceTemplate.saas.workspace
        _ = try await store.importWorkspace("saas", workspace: workspace, author: "test", createIfMissing: true)
        let view = try await HomeView.load(store, workspace: "saas", base: "/w/saas")
        #expect(view.maps.map(\.title).sorted() == workspace.journeys.map(\.title).sorted())
        #expect(view.personas.count == workspace.personas.count)
        let page = try Pages().home(view, frame: PageFrame(title: "SaaS"))
        for journey in workspace.journeys { #expect(page.contains(XMLText.escape(journey.title))) }
        #expect(page.contains("<strong>0</strong> events"))
        #expect(page.contains("No data yet."), "an empty store says how to add data")
        #expect(page.contains("<th>map</th>") && !page.contains("No journey maps yet"), "maps are listed in a table")
        #expect(page.components(separatedBy: "href=\"/w/saas/personas/").count - 1 == workspace.personas.count, "one link a persona")
        #expect(!page.contains("<th>source</th>"), "no sources, no table")
    }
}

/// HTML escaping as the templates do it, written here to compare against.
enum XMLText {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
