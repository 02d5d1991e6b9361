import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyModel
import JourneyRender
import JourneyStore
import Testing
@testable import WayfinderServer

/// The pages where maps are made and edited: the forms of the workspace home and the workspace
/// list, the editor page and the files it loads, and the map export the editor downloads.
@Suite("Editor pages")
struct EditorPageTests {
    /// The session of `email` as a cookie header, with its CSRF token.
    static func session(_ client: any TestClientProtocol, _ email: String) async throws -> (cookie: String, csrf: String) {
        guard case .session(let cookie, let csrf) = try await client.signIn(email) else { throw CancellationError() }
        return ("\(Authenticator.cookieName)=\(cookie)", csrf ?? "")
    }

    @Test("a new map from each template, blank, or as a copy is stored as its first version and opens in the editor")
    func newMaps() async throws {
        let harness = try await APIHarness()
        let store = harness.store
        try await harness.test { client in
            let (cookie, csrf) = try await Self.session(client, "editor@example.com")
            let before = Set(try await store.maps(workspace: "shop").map(\.id))
            for template in WorkspaceTemplate.allCases {
                let made = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "template:\(template.rawValue)", "title": ""], cookie: cookie)
                #expect(made.status == 303, "\(template): \(made)")
                let location = try #require(made.headers[.location])
                let id = try #require(location.split(separator: "/").dropLast().last.map(String.init))
                #expect(location == "/w/shop/maps/\(id)/edit")
                let stored = try await store.map(workspace: "shop", id: id)
                let expected = try #require(template.workspace.journeys.first { $0.state == .current })
                #expect(stored.map.title == expected.title && stored.map.touchpoints.map(\.id) == expected.touchpoints.map(\.id), "\(template)")
                #expect(stored.currentVersion == 1)
                // The template's personas that the map names are in the workspace now.
                let personas = Set(try await store.personas(workspace: "shop").map(\.id))
                #expect(Set(expected.personas).isSubset(of: personas), "\(template)")
                let page = try await client.call(.get, location, as: .session(cookie: String(cookie.split(separator: "=")[1]), csrf: nil))
                #expect(page.status == 200 && page.text.contains("data-map=\"\(id)\"") && page.text.contains("data-can-edit=\"true\""))
            }
            let blank = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "blank", "title": "Onboarding — Q3 workshop"], cookie: cookie)
            #expect(blank.headers[.location] == "/w/shop/maps/onboarding-q3-workshop/edit", "\(blank)")
            let made = try await store.map(workspace: "shop", id: "onboarding-q3-workshop").map
            #expect(made.stages.map(\.id) == Stage.defaults.map(\.id) && made.touchpoints.isEmpty)
            let copy = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "copy:onboarding-q3-workshop", "title": ""], cookie: cookie)
            #expect(copy.headers[.location] == "/w/shop/maps/onboarding-q3-workshop-copy/edit", "\(copy)")
            #expect(try await store.map(workspace: "shop", id: "onboarding-q3-workshop-copy").map.title == "Onboarding — Q3 workshop (copy)")
            // The same title again gets the next free id.
            let again = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "blank", "title": "Onboarding — Q3 workshop"], cookie: cookie)
            #expect(again.headers[.location] == "/w/shop/maps/onboarding-q3-workshop-2/edit", "\(again)")
            #expect(Set(try await store.maps(workspace: "shop").map(\.id)).subtracting(before).count == WorkspaceTemplate.allCases.count + 3)
        }
    }

    @Test("forms that cannot be carried out say why on the home page and change nothing")
    func refusedForms() async throws {
        let harness = try await APIHarness()
        let store = harness.store
        try await harness.test { client in
            let count = try await store.maps(workspace: "shop").count
            let (viewer, viewerCSRF) = try await Self.session(client, "viewer@example.com")
            let refused = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": viewerCSRF, "start": "blank", "title": "Mine"], cookie: viewer)
            #expect(refused.status == 403 && refused.text.contains("Viewers cannot change this workspace"), "\(refused.status)")
            let (editor, csrf) = try await Self.session(client, "editor@example.com")
            let forged = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": "not-the-token", "start": "blank", "title": "Mine"], cookie: editor)
            #expect(forged.status == 403 && forged.text.contains("did not carry this session"))
            let untitled = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "blank", "title": "  "], cookie: editor)
            #expect(untitled.status == 400 && untitled.text.contains("Give the new map a title"), "\(untitled.status)")
            let unknown = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "template:nope"], cookie: editor)
            #expect(unknown.status == 400 && unknown.text.contains("retail, saas"), "\(unknown.status)")
            let missing = try await PageRouteTests.post(client, "/w/shop/maps", ["csrf": csrf, "start": "copy:no-such-map"], cookie: editor)
            #expect(missing.status == 404, "\(missing.status)")
            #expect(try await store.maps(workspace: "shop").count == count)
            let persona = try await PageRouteTests.post(client, "/w/shop/personas", ["csrf": csrf, "name": "Priya, procurement lead"], cookie: editor)
            #expect(persona.headers[.location] == "/w/shop/personas/priya-procurement-lead")
            #expect(try await store.persona(workspace: "shop", id: "priya-procurement-lead").persona.name == "Priya, procurement lead")
            let workspace = try await PageRouteTests.post(client, "/workspaces", ["csrf": csrf, "name": "Second team"], cookie: editor)
            #expect(workspace.status == 403 && workspace.text.contains("Only a server admin"))
        }
    }

    @Test("a server admin makes a workspace from the list; the list names the workspaces, with one the start page opens it")
    func workspaces() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let (admin, csrf) = try await Self.session(client, "admin@localhost")
            let made = try await PageRouteTests.post(client, "/workspaces", ["csrf": csrf, "name": "Field Service <Team>", "id": ""], cookie: admin)
            #expect(made.headers[.location] == "/w/field-service-team", "\(made)")
            #expect(try await harness.store.workspace("field-service-team").name == "Field Service <Team>")
            let token = String(admin.split(separator: "=")[1])
            let list = try await client.call(.get, "/workspaces", as: .session(cookie: token, csrf: nil))
            let shop = try await harness.store.workspace("shop").name
            #expect(list.text.contains(">Field Service &lt;Team&gt;</a>") && list.text.contains(">\(shop)</a>"), "\(list.text)")
            let start = try await client.call(.get, "/", as: .session(cookie: token, csrf: nil))
            #expect(start.status == 200 && start.text.contains("<h1>Workspaces</h1>"), "several workspaces: the list")
            let (editor, _) = try await Self.session(client, "editor@example.com")
            let only = try await client.call(.get, "/", as: .session(cookie: String(editor.split(separator: "=")[1]), csrf: nil))
            #expect(only.status == 303 && only.headers[.location] == "/w/shop", "one workspace: its home")
        }
    }

    @Test("pages allow only this server's scripts; every module the editor imports is served as JavaScript, and a second request revalidates")
    func assets() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let (cookie, _) = try await Self.session(client, "viewer@example.com")
            let page = try await client.call(.get, "/w/shop/maps/\(harness.mapID)/edit", as: .session(cookie: String(cookie.split(separator: "=")[1]), csrf: nil))
            #expect(page.status == 200 && page.text.contains("data-can-edit=\"false\""), "a viewer gets the editor read-only")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'") && !policy.contains("unsafe-eval") && !policy.contains("script-src 'self' 'unsafe-inline'"))
            #expect(!page.text.contains("<script>") && page.text.contains("<script type=\"module\" src=\"/assets/editor/main.js\">"))
            // Every relative import of every module resolves to a file the server has.
            var pending = ["editor/main.js"], seen = Set<String>()
            while let path = pending.popLast() {
                guard seen.insert(path).inserted else { continue }
                let answer = try await client.call(.get, "/assets/\(path)", as: .none)
                #expect(answer.status == 200 && answer.headers[.contentType] == "text/javascript; charset=utf-8", "\(path): \(answer.status)")
                let imports = answer.text.matches(of: /from '\.\/([a-z-]+\.js)'/).map { "editor/" + $0.output.1 }
                pending += imports
            }
            #expect(seen.isSuperset(of: ["editor/operations.js", "editor/history.js", "editor/canvas.js", "editor/inspector.js", "editor/api.js"]), "\(seen)")
            let css = try await client.call(.get, "/assets/pages.css", as: .none)
            let etag = try #require(css.headers[.eTag])
            #expect(css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains(".bar nav"))
            let again = try await client.call(.get, "/assets/pages.css", as: .none, headers: [.ifNoneMatch: etag])
            #expect(again.status == 304 && again.text.isEmpty)
            #expect(try await client.call(.get, "/assets/editor/nothing.js", as: .none).status == 404)
            #expect(try await client.call(.get, "/assets/..%2Fetc%2Fpasswd", as: .none).status != 200)
        }
    }

    @Test("the map export is the text wayfinder render writes, for every format and for an older version")
    func export() async throws {
        let harness = try await APIHarness()
        let store = harness.store, map = harness.mapID
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let workspace = try await store.exportWorkspace("shop")
            let current = try await store.map(workspace: "shop", id: map).map
            for format in MapExport.Format.allCases {
                let answer = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(map)/export?format=\(format.rawValue)", as: editor)
                #expect(answer.status == 200 && answer.headers[.contentType] == format.mediaType, "\(format)")
                #expect(answer.headers[.contentDisposition] == "attachment; filename=\"\(map).\(format.fileExtension)\"")
                #expect(answer.text == MapExport.text(current, in: workspace, format: format), "\(format)")
            }
            // The YAML reads back as the stored map.
            let yaml = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(map)/export", as: editor)
            let decoded = WorkspaceCodec.decode(Array(yaml.text.utf8), file: "map.yaml", syntax: .yaml)
            #expect(!decoded.diagnostics.hasErrors && decoded.workspace?.journeys == [current])
            var changed = current
            changed.title = "Retitled"
            _ = try await store.saveMap(workspace: "shop", id: map, map: changed, author: "test")
            let old = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(map)/export?format=yaml&version=1", as: editor)
            #expect(old.text == MapExport.text(current, in: workspace, format: .yaml) && old.headers[.contentDisposition]?.contains("-v1.yaml") == true)
            #expect(try await client.call(.get, "/api/v1/workspaces/shop/maps/\(map)/export?format=pdf", as: editor).status == 400)
            #expect(try await client.call(.get, "/api/v1/workspaces/shop/maps/\(map)/export?version=99", as: editor).status == 404)
        }
    }

    @Test("a future-state map is exported beside the current-state map it improves, as wayfinder render --compare draws them; other asks are refused")
    func exportCompared() async throws {
        let harness = try await APIHarness()
        let store = harness.store
        let workspace = try await store.exportWorkspace("shop")
        let future = try #require(workspace.journeys.first { $0.state == .future && $0.improves != nil })
        let current = try #require(workspace.journeys.first { $0.id == future.improves })
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            for format in [MapExport.Format.svg, .html] {
                let answer = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(future.id)/export?format=\(format.rawValue)&compare=true", as: viewer)
                #expect(answer.status == 200 && answer.text == MapExport.text(current, in: workspace, format: format, compareWith: future), "\(format)")
                #expect(answer.headers[.contentDisposition] == "attachment; filename=\"\(future.id)-compared.\(format.fileExtension)\"")
                #expect(answer.text.contains(future.title) && answer.text.contains(current.title))
            }
            let plain = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(future.id)/export?format=svg&compare=false", as: viewer)
            #expect(plain.text == MapExport.text(future, in: workspace, format: .svg))
            for (query, status, words) in [
                ("format=yaml&compare=true", 400, "in svg or html"),
                ("format=svg&compare=yes", 400, "is not true or false"),
            ] {
                let refused = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(future.id)/export?\(query)", as: viewer)
                #expect(refused.status == status && refused.errorMessage?.contains(words) == true, "\(query): \(refused)")
            }
            let notFuture = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(current.id)/export?format=svg&compare=true", as: viewer)
            #expect(notFuture.status == 400 && notFuture.errorMessage?.contains("is not a future-state map") == true)
        }
    }
}
