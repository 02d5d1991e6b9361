import CustomerData
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The JSON API against the library calls it wraps.
@Suite("JSON API")
struct APITests {
    static let hostile = #"<script>alert("x")</script>'; DROP TABLE users; -- "quoted" & <b>"#

    @Test("names carrying <script> and SQL fragments are stored as text and returned verbatim")
    func verbatim() async throws {
        let harness = try await APIHarness()
        let persona = harness.personaID, map = harness.mapID
        let hostile = Self.hostile
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            let workspace = try await client.call(.post, "/api/v1/workspaces", json(["id": "evil", "name": hostile, "description": hostile]), as: admin)
            #expect(workspace.status == 201, "\(workspace)")
            #expect(workspace["name"] as? String == hostile)
            let editor = try await client.signIn("editor@example.com")
            var document = try #require(try await client.call(.get, "/api/v1/workspaces/shop/personas/\(persona)", as: editor)["persona"] as? [String: Any])
            document["name"] = hostile
            document["quote"] = hostile
            let saved = try await client.call(.put, "/api/v1/workspaces/shop/personas/\(persona)", String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self), as: editor)
            #expect(saved.status == 200, "\(saved)")
            let read = try await client.call(.get, "/api/v1/workspaces/shop/personas/\(persona)", as: editor)
            #expect((read["persona"] as? [String: Any])?["name"] as? String == hostile)
            #expect((read["persona"] as? [String: Any])?["quote"] as? String == hostile)
            let comment = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(map)/comments", json(["body": hostile]), as: editor)
            #expect(comment["body"] as? String == hostile)
            let threads = try await client.call(.get, "/api/v1/workspaces/shop/maps/\(map)/comments", as: editor)
            #expect((((threads["threads"] as? [[String: Any]])?.first?["comment"]) as? [String: Any])?["body"] as? String == hostile)
            #expect(threads.headers[.contentType]?.hasPrefix("application/json") == true)
        }
        #expect(try await harness.store.workspace("evil").name == hostile)
        #expect(try await harness.store.persona(workspace: "shop", id: persona).persona.name == hostile)
        #expect(try await harness.store.users().count == 4, "the users table is still there")
    }

    @Test("map versions, diff and restore through HTTP equal the store's")
    func versions() async throws {
        let harness = try await APIHarness()
        let map = harness.mapID, store = harness.store
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let path = "/api/v1/workspaces/shop/maps/\(map)"
            var document = try #require(try await client.call(.get, path, as: editor)["map"] as? [String: Any])
            document["title"] = "A new title"
            document["objective"] = "Lift conversion"
            let body = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            let stale = try await client.call(.put, path + "?base_version=7", body, as: editor)
            #expect(stale.status == 409, "a save over a version the edit did not start from: \(stale)")
            let saved = try await client.call(.put, path + "?base_version=1&message=retitle", body, as: editor)
            #expect(saved.status == 200, "\(saved)")
            #expect(saved["outcome"] as? String == "updated")
            #expect((saved["version"] as? [String: Any])?["number"] as? Int == 2)
            let unchanged = try await client.call(.put, path, body, as: editor)
            #expect(unchanged["outcome"] as? String == "unchanged")

            let versions = try await client.call(.get, path + "/versions", as: editor)
            let expected = APIJSON.value(try await store.mapVersions(workspace: "shop", id: map))
            #expect(try JSONParser.parse(versions.text)["versions"] == expected)

            let one = try await client.call(.get, path + "/versions/1", as: editor)
            #expect(try JSONParser.parse(one.text) == MapRoutes.mapJSON(try await store.map(workspace: "shop", id: map, version: 1)))

            let diff = try await client.call(.get, path + "/diff?from=1&to=2", as: editor)
            let storeDiff = try await store.diffMap(workspace: "shop", id: map, from: 1, to: 2)
            #expect(!storeDiff.isEmpty)
            #expect(try JSONParser.parse(diff.text) == MapRoutes.diffJSON(storeDiff, old: "version 1", new: "version 2"))
            #expect((diff["summary"] as? [String: Int])?["edited"] == storeDiff.counts[.edited] ?? 0)

            let restored = try await client.call(.post, path + "/versions/1/restore", as: editor)
            #expect(restored.status == 200, "\(restored)")
            #expect((restored["version"] as? [String: Any])?["restoredFrom"] as? Int == 1)
            #expect(try await store.map(workspace: "shop", id: map).map == (try await store.map(workspace: "shop", id: map, version: 1)).map)
            #expect(try await store.map(workspace: "shop", id: map).currentVersion == 3)
            #expect(try await client.call(.get, path + "/versions/9", as: editor).status == 404)
        }
    }

    @Test("import and export a workspace as YAML and JSON round-trip")
    func importExport() async throws {
        let harness = try await APIHarness()
        let store = harness.store
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let yaml = try await client.call(.get, "/api/v1/workspaces/shop/export", as: editor, headers: [.accept: "application/yaml"])
            #expect(yaml.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(yaml.text == WorkspaceCodec.yaml(try await store.exportWorkspace("shop")))
            let json = try await client.call(.get, "/api/v1/workspaces/shop/export?format=json", as: editor)
            #expect(json.text == WorkspaceCodec.json(try await store.exportWorkspace("shop")))
            let again = try await client.call(.post, "/api/v1/workspaces/shop/import", yaml.text, as: editor, contentType: "application/yaml")
            #expect(again.status == 200, "\(again)")
            #expect(((again["maps"] as? [[String: Any]])?.allSatisfy { $0["outcome"] as? String == "unchanged" }) == true)
            let broken = try await client.call(.post, "/api/v1/workspaces/shop/import?format=yaml", "version: 1\njourneys:\n  - id: BAD ID\n", as: editor)
            #expect(broken.status == 422, "\(broken)")
            #expect(!broken.problems.isEmpty)
        }
    }

    /// Generated retail events as NDJSON text.
    static func events(customers: Int = 150) throws -> String {
        let directory = try TemporaryDirectory(prefix: "wayfinder-api-events")
        _ = try ScenarioWriter(directory: directory.path("data"), format: .ndjson).write(ScenarioGenerator(template: .retail, customers: customers, seed: 3))
        return try String(contentsOfFile: directory.path("data/events.ndjson"), encoding: .utf8)
    }

    @Test("an analysis over HTTP equals Analyzer.run on the same index; the index is built once until events arrive")
    func analysis() async throws {
        let harness = try await APIHarness()
        let events = try Self.events()
        let store = harness.store, map = harness.mapID, write = harness.base.write
        let exported = try await store.exportWorkspace("shop")
        let journey = try await store.map(workspace: "shop", id: map).map
        let read = harness.base.read, readWrite = harness.base.readWrite, uploads = harness.server.uploads
        try await harness.test { client in
            // Events go in through the server's writer, as any upload does.
            let upload = try await client.call(.post, "/api/v1/workspaces/shop/uploads?format=ndjson", events, as: .key(readWrite))
            let job = try #require(upload["id"] as? String, "\(upload)")
            #expect(await uploads.finished(job)?.status == "done")
            for kind in [AnalysisQuery.Kind.funnel, .paths, .friction, .conformance, .emotions] {
                let query = AnalysisQuery(kind: kind, journey: map)
                let index = try IndexBuilder(workspace: exported, journey: journey, request: IndexRequest(queries: [query])).build(from: store.data)
                let expected = Analyzer.json(try Analyzer.run(query, on: index))
                let answer = try await client.call(.post, "/api/v1/workspaces/shop/analyses", Analyzer.json(query), as: .key(read))
                #expect(answer.status == 200, "\(answer)")
                #expect(Self.withoutTiming(answer.text) == Self.withoutTiming(expected), "\(kind)")
                #expect(answer.text.contains("\"customers\" : 150"), "\(kind) read the events")
            }
            #expect(await harness.server.analyses.buildCount() == 1, "five kinds over one index")
            let event = json(["userId": "new-customer", "event": "Order Completed", "timestamp": "2026-05-01T12:00:00Z"])
            let tracked = try await client.post("/v1/track", event, key: .basic(write))
            #expect(tracked.status == 200, "\(tracked)")
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/analyses", Analyzer.json(AnalysisQuery(kind: .funnel, journey: map)), as: .key(read))
            #expect(answer.status == 200)
            #expect(await harness.server.analyses.buildCount() == 2, "new events build a new index")
            // As many events as before, but not the same: one customer forgotten, another arrived.
            let countBefore = try store.data.counts().events
            _ = try store.data.forget(try #require(try store.data.findCustomer("new-customer")))
            let other = json(["userId": "other-customer", "event": "Order Completed", "timestamp": "2026-05-02T12:00:00Z"])
            #expect(try await client.post("/v1/track", other, key: .basic(write)).status == 200)
            #expect(try await store.data.counts().events == countBefore)
            let personas = AnalysisQuery(kind: .personas, journey: map)
            func coverage() async throws -> String {
                let answer = try await client.call(.post, "/api/v1/workspaces/shop/analyses", Analyzer.json(personas), as: .key(read))
                #expect(answer.status == 200, "\(answer)")
                return Self.withoutTiming(answer.text)
            }
            func reference() async throws -> String {
                let exported = try await store.exportWorkspace("shop")
                let index = try IndexBuilder(workspace: exported, journey: journey, request: IndexRequest(queries: [personas])).build(from: store.data)
                return Self.withoutTiming(Analyzer.json(try Analyzer.run(personas, on: index)))
            }
            #expect(try await coverage() == (try await reference()))
            #expect(await harness.server.analyses.buildCount() == 3, "the same count of other events builds a new index")
            // A persona without its match rule no longer takes its customers.
            let beforeEdit = try await coverage()
            var persona = exported.personas[0]
            persona.match = nil
            _ = try await store.savePersona(workspace: "shop", id: persona.id, persona: persona)
            let afterEdit = try await coverage()
            #expect(afterEdit == (try await reference()))
            #expect(afterEdit != beforeEdit, "the edited persona changes the coverage")
            #expect(await harness.server.analyses.buildCount() == 4, "an edited persona builds a new index")
            // An event of a known customer stitches nothing: only the highest event id moves.
            let generation = try await store.workspaceData("shop").indexWatermark().identityGeneration
            let again = json(["userId": "other-customer", "event": "Order Completed", "timestamp": "2026-05-03T12:00:00Z"])
            #expect(try await client.post("/v1/track", again, key: .basic(write)).status == 200)
            #expect(try await store.workspaceData("shop").indexWatermark().identityGeneration == generation)
            #expect(try await coverage() == (try await reference()))
            #expect(await harness.server.analyses.buildCount() == 5, "a new event of a known customer builds a new index")
            let bad = try await client.call(.post, "/api/v1/workspaces/shop/analyses", #"{"kind": "funnel"}"#, as: .key(read))
            #expect(bad.status == 400)
            #expect(bad.errorMessage?.contains("journey") == true)
            let missing = try await client.call(.post, "/api/v1/workspaces/shop/analyses", json(["kind": "funnel", "journey": "no-such-map"]), as: .key(read))
            #expect(missing.status == 404)
        }
    }

    /// Analysis JSON without the time the index took to build, which differs between two builds.
    static func withoutTiming(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("\"seconds\" :") }.joined(separator: "\n")
    }

    /// Events as stored, by content, with customers resolved through merges.
    static func events(_ store: JourneyStore) throws -> [String] {
        try store.database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT coalesce(c.merged_into, c.id), e.timestamp, e.type, e.name, e.channel, e.message_id, e.message, hex(e.dedupe)
                FROM events e JOIN customers c ON c.id = e.customer_id
                """).map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }.sorted()
        }
    }

    @Test("an upload stores the same events as wayfinder import of the same file, quarantine included", arguments: [ScenarioWriter.Format.csv, .ndjson])
    func upload(format: ScenarioWriter.Format) async throws {
        let directory = try TemporaryDirectory(prefix: "wayfinder-upload")
        _ = try ScenarioWriter(directory: directory.path("data"), format: format).write(ScenarioGenerator(template: .retail, customers: 120, seed: 9))
        let name = format == .csv ? "events.csv" : "events.ndjson"
        var text = try String(contentsOfFile: directory.path("data/\(name)"), encoding: .utf8)
        text += format == .csv ? "not-a-time,track,Broken,,,\n" : "{\"type\": \"track\", \"timestamp\": \"yesterday\"}\n"
        let file = try directory.write(text, to: name)

        let reference = try JourneyStore(path: directory.path("reference.db"))
        let summary = try Importer(data: reference.data).importFile(file)
        #expect(summary.counts.quarantined >= 1)

        let harness = try await APIHarness()
        let body = text
        let uploads = harness.server.uploads, read = harness.base.read
        let finished = try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/uploads?name=\(name)", body, as: editor,
                                               contentType: format == .csv ? "text/csv" : "application/x-ndjson")
            #expect(answer.status == 202, "\(answer)")
            #expect(answer["status"] as? String == "running" && (answer["error"] == nil || answer["error"] is NSNull), "a running upload has no error: \(answer)")
            #expect(answer.headers[.location] != nil)
            let job = try #require(answer["id"] as? String)
            // The writer runs while the application does, so the upload is awaited inside it.
            let finished = try #require(await uploads.finished(job))
            let polled = try await client.call(.get, "/api/v1/workspaces/shop/uploads/\(job)", as: .key(read))
            #expect(polled["status"] as? String == "done")
            #expect(polled["imported"] as? Int == finished.imported)
            return finished
        }
        #expect(finished.status == "done", "\(finished)")
        #expect(finished.imported == summary.counts.imported)
        #expect(finished.quarantined == summary.counts.quarantined)
        #expect(finished.duplicates == summary.counts.duplicates)
        #expect(try Self.events(harness.store) == (try Self.events(reference)))
        let source = try #require(try harness.store.data.sources().first { $0.path == "upload \(name)" }, "the upload has its own source")
        #expect(source.imported == summary.counts.imported && source.quarantined == summary.counts.quarantined && source.finishedAt != nil)
        #expect(source.format == (format == .csv ? "csv" : "ndjson"))

        // After a restart (a new process, no jobs in memory) the store answers: how the upload
        // ended, and an upload the server stopped during as interrupted.
        let restarted = UploadJobs()
        let again = try #require(try await restarted.job(finished.id, workspace: "shop", store: harness.store))
        #expect(again.status == "done" && again.imported == finished.imported && again.quarantined == finished.quarantined && again.records == finished.records)
        #expect(again.bytesRead == again.bytes && again.finished != nil)
        #expect(try await restarted.job(finished.id, workspace: "elsewhere", store: harness.store) == nil)
        let stopped = try await harness.store.startUpload(id: "upl_stopped", workspace: "shop", file: "half.csv", format: "csv", bytes: 10)
        let interrupted = try #require(try await restarted.job(stopped.id, workspace: "shop", store: harness.store))
        #expect(interrupted.status == "interrupted" && interrupted.error?.contains("uploading the file again") == true)
        #expect(try await restarted.list(workspace: "shop", store: harness.store).map(\.id) == ["upl_stopped", finished.id])
    }

    @Test("the OpenAPI document describes every route the router has, and nothing else")
    func openAPI() async throws {
        let harness = try await APIHarness()
        let routed = Set(harness.server.registeredRoutes().map { "\($0.method) \($0.path)" })
        let documented = Set(OpenAPIDocument.routes.map { "\($0.method) \($0.path)" })
        #expect(routed.subtracting(documented).sorted() == [], "routed but not documented")
        #expect(documented.subtracting(routed).sorted() == [], "documented but not routed")
        try await harness.test { client in
            let answer = try await client.get("/openapi.json")
            #expect(answer.status == 200)
            #expect(answer["openapi"] as? String == "3.1.0")
            let paths = try #require(answer["paths"] as? [String: [String: Any]])
            let served = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(served == routed)
        }
    }

    @Test("errors have the one JSON shape and say what to do")
    func errors() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            for (answer, status) in [
                (try await client.call(.get, "/api/v1/workspaces/shop/maps/nope", as: editor), 404),
                (try await client.call(.post, "/api/v1/workspaces/shop/maps", "{not json", as: editor), 400),
                (try await client.call(.patch, "/api/v1/workspaces/shop/maps", "{}", as: editor), 405),
                (try await client.call(.get, "/api/v1/nothing-here", as: editor), 404),
            ] {
                #expect(answer.status == status, "\(answer)")
                #expect(answer.errorCode != nil && answer.errorMessage?.isEmpty == false, "\(answer)")
                #expect(!answer.text.contains("Error("), "\(answer)")
            }
        }
    }
}
