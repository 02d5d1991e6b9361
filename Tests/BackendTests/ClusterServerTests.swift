import ClickHouseStore
import Foundation
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// `wayfinder serve --events`: the server collects into its store and analyses on the cluster.
@Suite("wayfinder serve --events", .serialized, .enabled(if: BackendURLs.clickHouseOne != nil, "scripts/cluster.sh up and export its URLs"))
struct ClusterServerTests {
    @Test("a server on the embedded store analysing on the cluster answers as the store's own engine does, before and after events collected through it; the copy holds every event of the store; health and metrics name the cluster")
    func analysesFollowCollection() async throws {
        let directory = try TemporaryDirectory()
        try await Self.serveAndCompare(in: directory, store: ["--db", "store.db"], workspace: "serve-events") {
            let data = try JourneyStore(path: directory.path("store.db")).resolveWorkspace("serve-events")
            let counts = try data.counts()
            return (counts.events, counts.customers, counts.feedback)
        }
    }

    @Test("a team server on PostgreSQL analysing on the cluster answers as the store's own engine does, before and after events collected through it")
    func postgresAnalysesFollowCollection() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        try await PostgresTestStore.with(base) { postgres in
            try await Self.serveAndCompare(in: directory, store: ["--store", postgres.url.description], workspace: "serve-events-pg") {
                let counts = try PostgresCustomerData(url: postgres.url, workspace: "serve-events-pg").counts()
                return (counts.events, counts.customers, counts.feedback)
            }
        }
    }

    /// Imports a generated scenario into the store `store` names, serves it with `--events`,
    /// and compares the server's answers with the CLI's on the store, before and after sending
    /// more events through the server; `held` counts the store's events, customers and answers.
    static func serveAndCompare(in directory: TemporaryDirectory, store: [String], workspace: String,
                                held: @escaping () throws -> (events: Int, customers: Int, feedback: Int)) async throws {
        let url = try #require(BackendURLs.clickHouseThree ?? BackendURLs.clickHouseOne)
        let folder = directory.path("")
        defer { _ = try? ClusterCleanup.delete(workspace: workspace, url: url) }
        _ = try? ClusterCleanup.delete(workspace: workspace, url: url)
        for step in [["init", "--template", "saas", "maps"], ["generate", "--scenario", "saas", "--customers", "200", "--out", "data"],
                     ["generate", "--scenario", "saas", "--customers", "120", "--seed", "5", "--format", "ndjson", "--out", "more"],
                     ["import", "data/events.csv"] + store + ["--workspace-id", workspace, "--create-workspace"]] {
            let output = try await WayfinderProcess.run(step, in: folder)
            try #require(output.status == 0, "\(step): \(output)")
        }
        func secret(_ kind: String) async throws -> String {
            let output = try await WayfinderProcess.run(["keys", "create"] + store + ["--kind", kind, "--workspace", workspace, "--format", "json"], in: folder)
            try #require(output.status == 0, "\(output)")
            return try #require((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["secret"] as? String)
        }
        let write = try await secret("write"), read = try await secret("read")
        let server = try RunningWayfinder(["serve"] + store + ["--workspace", "maps", "--workspace-id", workspace, "--events", url,
                                                               "--port", "0", "--log-format", "json"], in: folder,
                                          environment: ["WAYFINDER_ADMIN_PASSWORD": Self.adminPassword])
        defer { _ = server.stop(SIGKILL) }
        let base = try await Self.listening(server)

        // The queries as the CLI makes them, posted to the API, against the CLI on the store.
        let queries = [["funnel"], ["funnel", "--mode", "any-order"], ["paths", "--top", "5"], ["emotions"], ["touchpoints"]]
        func expectSameAnswers(_ label: String) async throws {
            for arguments in queries {
                let shown = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--show-query"], in: folder)
                try #require(shown.status == 0, "\(shown)")
                let local = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps"] + store + ["--workspace-id", workspace, "--format", "json"], in: folder)
                try #require(local.status == 0, "\(local)")
                let answer = try await Self.offPool {
                    try LoopbackHTTP.request("POST", base + "/api/v1/workspaces/\(workspace)/analyses",
                                             headers: ["Authorization": "Bearer \(read)", "Content-Type": "application/json"], body: shown.stdout)
                }
                #expect(answer.status == 200, "\(label) \(arguments): \(answer)")
                let (remote, embedded) = (try Self.canonical(answer.body), try Self.canonical(local.stdout))
                #expect(remote == embedded, "\(label) \(arguments)\n\(remote.prefix(1500))\n\(embedded.prefix(1500))")
            }
        }
        try await expectSameAnswers("imported")
        let cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
        #expect(try cluster.counts(workspace: workspace).events > 0, "the first analysis copied the workspace to the cluster")

        // Events collected through the server reach the next analysis.
        let lines = try String(contentsOfFile: directory.path("more/events.ndjson"), encoding: .utf8).split(separator: "\n").map(String.init)
        for start in stride(from: 0, to: lines.count, by: 200) {
            let body = #"{"batch":["# + lines[start..<min(lines.count, start + 200)].joined(separator: ",") + "]}"
            let sent = try await Self.offPool {
                try LoopbackHTTP.request("POST", base + "/v1/batch", headers: ["Authorization": "Basic " + Data("\(write):".utf8).base64EncodedString(),
                                                                               "Content-Type": "application/json"], body: body)
            }
            try #require(sent.status == 200, "\(sent)")
        }
        try await expectSameAnswers("collected")
        let (copied, stored) = (try cluster.counts(workspace: workspace), try held())
        // The cluster keeps a row for every customer, merged ones too; the store counts those merged into none.
        let unmerged = try cluster.client.value("SELECT count() FROM \(cluster.client.url.database).customers WHERE workspace = '\(workspace)' AND merged_into = 0")
        #expect(copied.events == stored.events && unmerged == String(stored.customers) && copied.feedback == stored.feedback,
                "the copy holds what the store holds: \(copied) (\(unmerged) merged into none) against \(stored)")
        #expect(server.text(.error).contains("cluster copy brought up to date"), "the server logs its updates")

        let health = try await Self.offPool { try LoopbackHTTP.request("GET", base + "/health") }
        #expect(health.status == 200 && health.body.contains(#""analytics":{"ok":true,"backend":"clickhouse"}"#), "\(health)")
        let metrics = try await Self.offPool { try LoopbackHTTP.request("GET", base + "/metrics") }
        #expect(metrics.body.contains(#"wayfinder_analytics_cluster_up{backend="clickhouse"} 1"#), "\(metrics.body.suffix(400))")

        // Deleting the workspace deletes its copy on the cluster too.
        let admin = try await Self.signIn(base)
        let deleted = try await Self.offPool { try LoopbackHTTP.request("DELETE", base + "/api/v1/workspaces/\(workspace)", headers: admin) }
        #expect(deleted.status == 204, "\(deleted)")
        let left = try cluster.counts(workspace: workspace)
        #expect(left.events == 0 && left.customers == 0 && left.feedback == 0, "the deleted workspace's copy is gone: \(left)")
        let gone = try await Self.offPool { try LoopbackHTTP.request("GET", base + "/api/v1/workspaces/\(workspace)", headers: admin) }
        #expect(gone.status == 404, "the store's workspace is gone: \(gone)")
    }

    static let adminPassword = "cluster-admin-password-2026"

    /// The headers of a request from the server admin's session (cookie and CSRF token).
    static func signIn(_ base: String) async throws -> [String: String] {
        let session = try await Self.offPool {
            try LoopbackHTTP.request("POST", base + "/api/v1/session", headers: ["Content-Type": "application/json"],
                                     body: #"{"email":"admin@localhost","password":"\#(Self.adminPassword)"}"#)
        }
        try #require(session.status == 201, "\(session)")
        let token = try #require(session.cookies["wayfinder_session"])
        let csrf = try #require((try JSONSerialization.jsonObject(with: Data(session.body.utf8)) as? [String: Any])?["csrf_token"] as? String)
        return ["Cookie": "wayfinder_session=\(token)", "X-CSRF-Token": csrf]
    }

    @Test("serve --events with a cluster that does not answer starts and collects; analyses answer 503 with Retry-After, health says the cluster is down; a URL without cluster= is a usage error")
    func clusterDown() async throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        try #"{"type":"track","event":"Signed Up","userId":"u-0","timestamp":"2026-06-01T00:00:00Z"}"#.write(toFile: directory.path("one.ndjson"), atomically: true, encoding: .utf8)
        for step in [["init", "--template", "saas", "maps"], ["import", "one.ndjson", "--db", "store.db", "--workspace-id", "maps", "--create-workspace"]] {
            let output = try await WayfinderProcess.run(step, in: folder)
            try #require(output.status == 0, "\(step): \(output)")
        }
        func secret(_ kind: String) async throws -> String {
            let output = try await WayfinderProcess.run(["keys", "create", "--db", "store.db", "--kind", kind, "--workspace", "maps", "--format", "json"], in: folder)
            try #require(output.status == 0, "\(output)")
            return try #require((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["secret"] as? String)
        }
        let write = try await secret("write"), read = try await secret("read")
        let server = try RunningWayfinder(["serve", "--db", "store.db", "--workspace", "maps", "--events", "clickhouse://127.0.0.1:9/wayfinder?cluster=one",
                                           "--port", "0", "--log-format", "json"], in: folder, environment: ["WAYFINDER_ADMIN_PASSWORD": Self.adminPassword])
        defer { _ = server.stop(SIGKILL) }
        let base = try await Self.listening(server)
        #expect(server.text(.error).contains("the analytics cluster does not answer"), "\(server.text(.error))")
        let sent = try await Self.offPool {
            try LoopbackHTTP.request("POST", base + "/v1/track", headers: ["Authorization": "Basic " + Data("\(write):".utf8).base64EncodedString(),
                                                                           "Content-Type": "application/json"],
                                     body: #"{"userId":"u-1","event":"Signed Up","timestamp":"2026-06-01T00:00:00Z"}"#)
        }
        #expect(sent.status == 200, "collection goes on: \(sent)")
        let shown = try await WayfinderProcess.run(["analyze", "funnel", "--workspace", "maps", "--show-query"], in: folder)
        let answer = try await Self.offPool {
            try LoopbackHTTP.request("POST", base + "/api/v1/workspaces/maps/analyses",
                                     headers: ["Authorization": "Bearer \(read)", "Content-Type": "application/json"], body: shown.stdout)
        }
        #expect(answer.status == 503 && answer.header("Retry-After") != nil && answer.body.contains("127.0.0.1:9"), "\(answer)")
        let health = try await Self.offPool { try LoopbackHTTP.request("GET", base + "/health") }
        #expect(health.status == 200 && health.body.contains(#""analytics":{"ok":false,"backend":"clickhouse"}"#), "\(health)")
        // A workspace is not deleted while its copy on the cluster cannot be.
        let admin = try await Self.signIn(base)
        let refused = try await Self.offPool { try LoopbackHTTP.request("DELETE", base + "/api/v1/workspaces/maps", headers: admin) }
        #expect(refused.status == 503 && refused.header("Retry-After") != nil && refused.body.contains("nothing was deleted"), "\(refused)")
        let still = try await Self.offPool { try LoopbackHTTP.request("GET", base + "/api/v1/workspaces/maps", headers: admin) }
        #expect(still.status == 200, "\(still)")

        let wrong = try await WayfinderProcess.run(["serve", "--db", "store.db", "--events", "clickhouse://127.0.0.1:8123/db"], in: folder)
        #expect(wrong.status == 2 && wrong.stderr.contains("cluster=NAME is missing"), "\(wrong)")
    }

    /// The server's address, once it listens.
    static func listening(_ server: RunningWayfinder) async throws -> String {
        let listening = await offPool { server.waitFor("server listening", on: .error) }
        try #require(listening, "\(server.text(.error))")
        let line = server.text(.error).split(separator: "\n").first { $0.contains("server listening") } ?? ""
        return try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["url"] as? String)
    }

    /// An answer as sorted JSON, so key order does not count, without the time the index took.
    static func canonical(_ text: String) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        if var index = object["index"] as? [String: Any] {
            index["seconds"] = nil
            object["index"] = index
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Runs `body`, which blocks, on a thread of its own rather than the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
