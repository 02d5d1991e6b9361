import CustomerData
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import JourneyAnalytics
import JourneyModel
import JourneyStore
import NIOCore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// Two workspaces on one server: workspace `shop` (A) holds customers, and `beta` (B) is
/// created beside it. Every route and page, called for B with B's credentials, shows none of
/// A's customers, identifiers, names or data; B shows no data until data is sent to it.
@Suite("Workspaces on one server")
struct TenancyRouteTests {
    /// Text that exists in workspace A only.
    static let markers = ["Alpha Secret Corp", "alpha-uid-7", "alpha.person@alpha-secret.example", "alpha-anon-7", "alpha-trait-value",
                          "alpha-prop-value", "AlphaOnlyEvent", "alpha-feedback-text", "alpha-comment-marker", "alpha-rule-marker",
                          "alpha-upload-marker", "alpha-key-marker", "alpha-share-marker"]

    /// The server, A's data, B's workspace with its own objects, and B's admin signed in.
    struct Setup {
        let harness: APIHarness
        let betaMap: String
        let betaPersona: String
        let betaAdmin: Int64
        let betaKey: NewAPIKey
        let betaWrite: NewAPIKey
        let betaShare: NewShareLink
        let betaComment: Int64
        let betaRule: Int64
        /// Every identifier value of A, as its store holds them.
        let alphaIdentifiers: [String]
    }

    static func setUp() async throws -> Setup {
        let harness = try await APIHarness()
        let store = harness.store
        _ = try await store.updateWorkspace("shop", name: "Alpha Secret Corp", description: nil)
        let template = WorkspaceTemplate.retail
        // A's customers: generated retail journeys, and one customer with marked values. (The
        // server runs once, in the test itself, so the data is imported here.)
        let directory = try TemporaryDirectory()
        _ = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 150, seed: 3))
        let alpha = try Importer(data: try await store.workspaceData("shop"))
        _ = try alpha.importFile(directory.path("data/events.csv"))
        let marked = [
            ["type": "identify", "userId": "alpha-uid-7", "anonymousId": "alpha-anon-7",
             "traits": ["email": "alpha.person@alpha-secret.example", "alpha_trait": "alpha-trait-value"], "timestamp": "2026-02-01T10:00:00Z"],
            ["type": "track", "event": "AlphaOnlyEvent", "userId": "alpha-uid-7", "properties": ["alpha_prop": "alpha-prop-value"], "timestamp": "2026-02-01T10:01:00Z"],
            ["type": "track", "event": "Product Viewed", "userId": "alpha-uid-7", "properties": ["alpha_prop": "alpha-prop-value", "url": "/p/1"],
             "timestamp": "2026-02-01T10:02:00Z"],
            ["type": "feedback", "userId": "alpha-uid-7", "properties": ["metric": "nps", "score": 2, "text": "alpha-feedback-text"],
             "timestamp": "2026-02-01T10:03:00Z"],
        ].map(json).joined(separator: "\n")
            // The most frequent event outside the map, so that a report would name it.
            + (0..<400).map { "\n" + json(["type": "track", "event": "AlphaOnlyEvent", "userId": "alpha-uid-7", "messageId": "alpha-\($0)",
                                            "timestamp": "2026-02-01T11:00:00Z"]) }.joined()
        _ = try alpha.importFile(try directory.write(marked + "\n", to: "marked.ndjson"))
        let alphaMap = template.workspace.journeys[0].id
        _ = try await store.addComment(workspace: "shop", map: alphaMap, target: .map, author: "test", body: "alpha-comment-marker")
        _ = try await store.addAlertRule(AlertRuleDraft(workspace: "shop", map: alphaMap, kind: .negativeFeedback, url: "https://hooks.example.com/a",
                                                         name: "alpha-rule-marker"))
        _ = try await store.createShareLink(workspace: "shop", map: alphaMap, createdBy: "alpha-share-marker", expires: nil)
        _ = try await store.createAPIKey(kind: .read, name: "alpha-key-marker", workspace: "shop")
        let upload = try await store.startUpload(id: "upl_alpha", workspace: "shop", file: "alpha-upload-marker.csv", format: "csv", bytes: 10)
        try await store.finishUpload(id: upload.id, status: "done", error: nil)

        // B: the same template, no customer data, its own admin, keys, comment, rule and share link.
        _ = try await store.importWorkspace("beta", workspace: template.workspace, author: "test", createIfMissing: true)
        let admin = try await store.createUser(email: "beta-admin@example.com", passwordHash: await Passwords.hash(APIHarness.password, cost: 10))
        _ = try await store.setMembership(workspace: "beta", user: admin.id, role: .admin)
        let betaMap = template.workspace.journeys[0].id
        let comment = try await store.addComment(workspace: "beta", map: betaMap, target: .map, author: "beta-admin@example.com", body: "beta comment")
        let rule = try await store.addAlertRule(AlertRuleDraft(workspace: "beta", map: betaMap, kind: .negativeFeedback, url: "https://hooks.example.com/b"))
        let identifiers = try await store.database.read { db in
            try String.fetchAll(db, sql: "SELECT value FROM identities WHERE workspace_id = (SELECT id FROM workspaces WHERE slug = 'shop')")
        }
        return Setup(harness: harness, betaMap: betaMap, betaPersona: template.workspace.personas[0].id, betaAdmin: admin.id,
                     betaKey: try await store.createAPIKey(kind: .readWrite, name: "beta", workspace: "beta"),
                     betaWrite: try await store.createAPIKey(kind: .write, name: "beta-web", workspace: "beta"),
                     betaShare: try await store.createShareLink(workspace: "beta", map: betaMap, createdBy: "beta-admin@example.com", expires: nil),
                     betaComment: comment.id, betaRule: rule.rule.id, alphaIdentifiers: identifiers)
    }

    /// What of A's a response body shows, if anything: a marker anywhere, or one of A's
    /// identifiers as a word (letters, digits and `@._+-`).
    static func leaks(_ text: String, _ setup: Setup) -> [String] {
        let words = Set(text.unicodeScalars.split { !(CharacterSet.alphanumerics.contains($0) || "@._+-".unicodeScalars.contains($0)) }
            .map { String(String.UnicodeScalarView($0)) })
        return markers.filter { text.contains($0) || text.contains(XMLText.escape($0)) } + setup.alphaIdentifiers.filter(words.contains)
    }

    /// The analyses a caller of B asks for: every kind, with every breakdown.
    static func queries(_ map: String) -> [String] {
        AnalysisQuery.Kind.allCases.flatMap { kind in
            let breakdowns: [[String: String]?] = [nil, ["kind": "persona"], ["kind": "first_channel"], ["kind": "trait", "path": "alpha_trait"],
                                                   ["kind": "property", "path": "alpha_prop"]]
            return breakdowns.map { breakdown -> String in
                var query: [String: Any] = ["kind": kind.rawValue, "journey": map]
                if let breakdown { query["breakdown"] = breakdown }
                return json(query)
            }
        }
    }

    @Test("every route and page, called for workspace B with B's admin session and B's key, holds none of A's customers, names or data")
    func everyRouteIsolated() async throws {
        let setup = try await Self.setUp()
        let routes = setup.harness.server.registeredRoutes()
        let values = [
            "workspace": "beta", "map": setup.betaMap, "persona": setup.betaPersona, "user": "\(setup.betaAdmin)", "key": "\(setup.betaKey.key.id)",
            "token": setup.betaShare.token, "upload": "upl_none", "comment": "\(setup.betaComment)", "share": "\(setup.betaShare.link.id)",
            "version": "1", "rule": "\(setup.betaRule)", "delivery": "1", "name": "editor", "file": "main.js",
        ]
        let called = try await setup.harness.test { client -> Set<String> in
            var called: Set<String> = []
            let session = try await client.signIn("beta-admin@example.com")
            let credentials: [Credential] = [session, .key(setup.betaKey.secret)]
            // Reads first, then changes, and what ends the session or the workspace last.
            let order: [String: Int] = ["GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4]
            func rank(_ route: (path: String, method: String)) -> (Int, Int, String) {
                let ending = route.path.hasSuffix("{workspace}") || route.path.contains("session") ? 1 : 0
                return (order[route.method] ?? 5, ending, route.path)
            }
            let sorted = routes.sorted { rank($0) < rank($1) }
            for (pass, credential) in credentials.enumerated() {
                for route in sorted {
                    var path = route.path
                    for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                    try #require(!path.contains("{"), "a route parameter without a value: \(route.path)")
                    let method = HTTPRequest.Method(rawValue: route.method)!
                    let bodies: [String?] = route.path.hasSuffix("/analyses") ? Self.queries(setup.betaMap) : [Self.body(for: route, setup)]
                    for body in bodies {
                        // The session is ended and the workspace deleted by the last calls of the last pass only.
                        if pass == 0, method == .delete, route.path == "/api/v1/workspaces/{workspace}" || route.path == "/api/v1/session" { continue }
                        let answer = try await client.call(method, path, body, as: credential,
                                                           contentType: route.path.hasSuffix("/import") ? "application/yaml" : "application/json")
                        called.insert("\(route.method) \(route.path)")
                        #expect(answer.status < 500, "\(route.method) \(path): \(answer.status)")
                        #expect(Self.leaks(answer.text, setup) == [], "\(route.method) \(path) with \(body ?? "no body") shows A's data")
                    }
                }
            }
            // Pages also reached with B's session, beside the route table's own.
            for page in ["/w/beta", "/w/beta/maps/\(setup.betaMap)", "/w/beta/maps/\(setup.betaMap)/report", "/keys", "/share/\(setup.betaShare.token)"] {
                let answer = try await client.call(.get, page, as: try await client.signIn("beta-admin@example.com"))
                #expect(Self.leaks(answer.text, setup) == [], "\(page) shows A's data")
            }
            return called
        }
        #expect(Set(routes.map { "\($0.method) \($0.path)" }).subtracting(called) == [], "every route is called")
    }

    /// A body that the route takes, for B.
    static func body(for route: (path: String, method: String), _ setup: Setup) -> String? {
        switch (route.method, route.path) {
        case ("POST", "/api/v1/session"): json(["email": "beta-admin@example.com", "password": APIHarness.password])
        case ("POST", "/api/v1/keys"): json(["kind": "read", "workspace": "beta"])
        case ("POST", "/api/v1/workspaces"): json(["id": "gamma", "name": "Gamma"])
        case ("POST", "/api/v1/workspaces/{workspace}/import"): "version: 1\nname: Beta\n"
        case ("POST", "/api/v1/workspaces/{workspace}/alerts"): json(["map": setup.betaMap, "kind": "negative-feedback", "url": "https://hooks.example.com/c"])
        case (_, let path) where path.hasSuffix("/comments") || path.hasSuffix("/replies"): json(["body": "beta reply"])
        case ("POST", _), ("PUT", _), ("PATCH", _): "{}"
        default: nil
        }
    }

    @Test("workspace B shows no data until data is sent to it, and a write key of A never writes into B")
    func emptyUntilSent() async throws {
        let setup = try await Self.setUp()
        let store = setup.harness.store
        let beta = try await store.workspaceData("beta")
        let alphaBefore = try await store.workspaceData("shop").counts()
        try await setup.harness.test { client in
            let session = try await client.signIn("beta-admin@example.com")
            let home = try await client.call(.get, "/w/beta", as: session)
            #expect(home.status == 200)
            for query in [json(["kind": "funnel", "journey": setup.betaMap]), json(["kind": "personas", "journey": setup.betaMap])] {
                let answer = try await client.call(.post, "/api/v1/workspaces/beta/analyses", query, as: session)
                #expect(answer.status == 200, "\(answer)")
                let index = try #require(answer.json["index"] as? [String: any Sendable])
                #expect(index["events"] as? Int == 0 && index["customers"] as? Int == 0)
            }
            // A's write key: the events go to A, whatever the body says.
            let event = json(["userId": "someone", "event": "Product Viewed", "workspace": "beta", "timestamp": "2026-03-01T10:00:00Z"])
            #expect(try await client.post("/v1/track", event, key: .basic(setup.harness.base.write)).status == 200)
            #expect(try beta.counts() == WorkspaceData.Counts(events: 0, customers: 0, identifiers: 0, feedback: 0))
            #expect(try await store.workspaceData("shop").counts().events == alphaBefore.events + 1)
            // B's write key: B has the event, as its only customer; A is unchanged.
            #expect(try await client.post("/v1/track", event, key: .basic(setup.betaWrite.secret)).status == 200)
            #expect(try beta.counts() == WorkspaceData.Counts(events: 1, customers: 1, identifiers: 1, feedback: 0))
            #expect(try await store.workspaceData("shop").counts().events == alphaBefore.events + 1)
            let after = try await client.call(.post, "/api/v1/workspaces/beta/analyses", json(["kind": "funnel", "journey": setup.betaMap]), as: session)
            #expect((after.json["index"] as? [String: any Sendable])?["customers"] as? Int == 1)
        }
    }

    /// What a share link must never show: the customers' identifiers, trait and property values,
    /// answers' text, and the names of events no touchpoint describes.
    static func shareLeaks(_ text: String, _ setup: Setup) -> [String] {
        let customerIDs = text.ranges(of: /cus_[0-9]+/).map { String(text[$0]) }
        return customerIDs + leaks(text, setup).filter { !["Alpha Secret Corp", "alpha-comment-marker", "alpha-rule-marker", "alpha-upload-marker", "alpha-key-marker",
                                      "alpha-share-marker"].contains($0) }
    }

    @Test("a share link shows the map and its analyses without customers' values: no trait or property breakdowns or filters, no identifiers")
    func shareLinkShowsNoValues() async throws {
        let setup = try await Self.setUp()
        let map = WorkspaceTemplate.retail.workspace.journeys[0].id
        let link = try await setup.harness.store.createShareLink(workspace: "shop", map: map, createdBy: "test", expires: nil)
        try await setup.harness.test { client in
            for path in ["/api/v1/shared/\(link.token)", "/share/\(link.token)", "/share/\(link.token)/report"] {
                let shared = try await client.call(.get, path, as: .none)
                #expect(shared.status == 200)
                #expect(Self.shareLeaks(shared.text, setup) == [], "\(path)")
            }
            // Every kind but the lists of customers one by one, which are refused below.
            for kind in AnalysisQuery.Kind.allCases where !kind.listsCustomers {
                for breakdown in [nil, "persona", "first_channel"] {
                    var query: [String: Any] = ["kind": kind.rawValue, "journey": map]
                    if let breakdown { query["breakdown"] = ["kind": breakdown] }
                    if kind == .compare {
                        query["options"] = ["before": ["label": "January", "range": ["to": "2026-02-01"]],
                                            "after": ["label": "February", "range": ["from": "2026-02-01"]]]
                    }
                    let answer = try await client.call(.post, "/api/v1/shared/\(link.token)/analyses", json(query), as: .none)
                    #expect(answer.status == 200, "\(kind) by \(breakdown ?? "nothing"): \(answer)")
                    #expect(Self.shareLeaks(answer.text, setup) == [], "\(kind) by \(breakdown ?? "nothing")")
                }
            }
            let refused: [(String, [String: Any])] = [
                ("options.value", ["kind": "attribution", "journey": map, "options": ["value": "alpha_prop"]]),
                ("breakdown", ["kind": "funnel", "journey": map, "breakdown": ["kind": "trait", "path": "alpha_trait"]]),
                ("breakdown", ["kind": "paths", "journey": map, "breakdown": ["kind": "property", "path": "alpha_prop"]]),
                ("filters.traits", ["kind": "funnel", "journey": map, "filters": ["traits": [["path": "alpha_trait", "values": ["alpha-trait-value"]]]]]),
                ("filters.properties", ["kind": "friction", "journey": map, "filters": ["properties": [["path": "alpha_prop", "values": ["*"]]]]]),
                // The sides of a comparison filter as a query does.
                ("options.before.filters.traits", ["kind": "compare", "journey": map, "options": [
                    "before": ["label": "them", "filters": ["traits": [["path": "alpha_trait", "values": ["alpha-trait-value"]]]]], "after": ["label": "all"]]]),
                ("options.after.filters.properties", ["kind": "compare", "journey": map, "options": [
                    "before": ["label": "all"], "after": ["label": "them", "filters": ["properties": [["path": "alpha_prop", "values": ["alpha-prop-value"]]]]]]]),
                // Customers one by one: their list, their verbatims, and a comparison of either.
                ("kind", ["kind": "customers", "journey": map, "options": ["touchpoint": "product-page-sizing"]]),
                ("kind", ["kind": "verbatims", "journey": map, "options": ["touchpoint": "product-page-sizing"]]),
                ("options.compare_kind", ["kind": "compare", "journey": map, "options": [
                    "compare_kind": "verbatims", "touchpoint": "product-page-sizing", "before": ["label": "all"], "after": ["label": "them"]]]),
            ]
            for (field, query) in refused {
                let answer = try await client.call(.post, "/api/v1/shared/\(link.token)/analyses", json(query), as: .none)
                #expect(answer.status == 403 && answer.errorMessage?.hasPrefix(field + ":") == true, "\(answer)")
                #expect(Self.shareLeaks(answer.text, setup) == [])
            }
            // The same queries signed in to the workspace are answered: only share links are limited.
            let admin = try await client.signIn("admin@localhost")
            let full = try await client.call(.post, "/api/v1/workspaces/shop/analyses", json(refused[0].1), as: admin)
            #expect(full.status == 200, "\(full)")
        }
    }

    @Test("a new share link answers with the page a person opens and the API path beside it")
    func shareLinkURL() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let created = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(harness.mapID)/shares", "{}", as: editor)
            #expect(created.status == 201)
            let token = try #require(created.json["token"] as? String)
            #expect(created.json["url"] as? String == "/share/\(token)")
            #expect(created.json["api_path"] as? String == "/api/v1/shared/\(token)")
            let page = try await client.call(.get, try #require(created.json["url"] as? String), as: .none)
            #expect(page.status == 200 && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await client.call(.get, try #require(created.json["api_path"] as? String), as: .none).status == 200)
        }
    }
}
