import ClickHouseStore
import Foundation
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// `wayfinder migrate` and `--events` as a user runs them.
@Suite("wayfinder migrate and --events", .enabled(if: BackendURLs.clickHouseOne != nil, "scripts/cluster.sh up and export its URLs"))
struct MigrateCommandTests {
    @Test("a store copied to the cluster gives the same analyses through --events; a second copy needs --replace; a wrong URL is a usage error")
    func migrateAndAnalyze() async throws {
        let url = try #require(BackendURLs.clickHouseOne)
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        try await Self.prepare(folder, workspace: "cli-migrate")
        // The test owns this workspace on the cluster: it deletes it before and after.
        let workspace = "cli-migrate"
        defer { _ = try? ClusterCleanup.delete(workspace: workspace, url: url) }
        _ = try? ClusterCleanup.delete(workspace: workspace, url: url)

        let copied = try await WayfinderProcess.run(["migrate", "--from", "sqlite:store.db", "--to", url], in: folder)
        #expect(copied.status == 0, "\(copied)")
        #expect(copied.stdout.contains("cli-migrate: ") && copied.stdout.contains("copied to") && copied.stdout.contains("checked"), "\(copied)")
        let again = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", url], in: folder)
        #expect(again.status == 1 && again.stderr.contains("--replace"), "\(again)")
        let replaced = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", url, "--replace"], in: folder)
        #expect(replaced.status == 0, "\(replaced)")

        for arguments in [["funnel", "--no-step-times"], ["funnel", "--no-step-times", "--mode", "strict"], ["funnel"], ["paths", "--top", "5"]] {
            let local = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--db", "store.db", "--format", "csv"], in: folder)
            let remote = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--events", url, "--workspace-id", workspace, "--format", "csv"], in: folder)
            #expect(local.status == 0 && remote.status == 0, "\(local) \(remote)")
            #expect(remote.stdout == local.stdout, "\(arguments)")
        }

        let wrong = try await WayfinderProcess.run(["analyze", "funnel", "--workspace", "maps", "--events", "clickhouse://127.0.0.1:8123/db"], in: folder)
        #expect(wrong.status == 2 && wrong.stderr.contains("cluster=NAME is missing"), "\(wrong)")
        let missing = try await WayfinderProcess.run(["analyze", "funnel", "--workspace", "maps", "--events", url, "--workspace-id", "not-there"], in: folder)
        #expect(missing.status == 1 && missing.stderr.contains("wayfinder migrate"), "\(missing)")
        let postgres = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", "postgres://localhost/db"], in: folder)
        #expect(postgres.status == 2 && postgres.stderr.contains("names no user"), "\(postgres)")
    }

    @Test("forget --events erases the customer and those merged into it on every shard, then in the store; the cluster then analyses as the store does; a cluster that fails erases nothing")
    func forgetOnCluster() async throws {
        let url = try #require(BackendURLs.clickHouseThree ?? BackendURLs.clickHouseOne)
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        let workspace = "cli-forget"
        try await Self.prepare(folder, workspace: workspace)
        defer { _ = try? ClusterCleanup.delete(workspace: workspace, url: url) }
        _ = try? ClusterCleanup.delete(workspace: workspace, url: url)
        let copied = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", url], in: folder)
        try #require(copied.status == 0, "\(copied)")

        // The customer with the most identifiers: the one most likely stitched from several.
        let listed = try await WayfinderProcess.run(["customers", "--db", "store.db", "--limit", "1000", "--format", "json"], in: folder)
        struct Page: Decodable { var customers: [CustomerRecord] }
        let customers = try JSONDecoder().decode(Page.self, from: Data(listed.stdout.utf8)).customers
        let chosen = try #require(customers.max { ($0.identifiers.count, $0.events) < ($1.identifiers.count, $1.events) })
        let other = try #require(customers.first { $0.id != chosen.id && $0.events > 0 })
        let cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
        let before = try cluster.counts(workspace: workspace)

        let erased = try await WayfinderProcess.run(["forget", chosen.id, "--db", "store.db", "--events", url, "--format", "json"], in: folder)
        try #require(erased.status == 0, "\(erased)")
        struct Erased: Decodable {
            struct Cluster: Decodable { var events: Int; var feedback: Int; var customers: Int }
            var events: Int
            var feedback: Int
            var customers: Int
            var cluster: Cluster
        }
        let erasure = try JSONDecoder().decode(Erased.self, from: Data(erased.stdout.utf8))
        #expect(erasure.events == chosen.events && erasure.cluster.events == chosen.events, "\(erased.stdout)")
        #expect(erasure.cluster.feedback == erasure.feedback)
        // The stitched customer and those merged into it, as many as the store erased.
        #expect(erasure.cluster.customers == erasure.customers && erasure.customers >= 2, "\(erased.stdout)")
        let after = try cluster.counts(workspace: workspace)
        #expect(after.events == before.events - chosen.events && after.customers == before.customers - erasure.cluster.customers)
        #expect(after.feedback == before.feedback - erasure.feedback)
        // The cluster and the store hold the same customer data again: every analysis agrees.
        for arguments in [["funnel"], ["paths", "--top", "5"], ["emotions"]] {
            let local = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--db", "store.db", "--format", "json"], in: folder)
            let remote = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--events", url, "--workspace-id", workspace, "--format", "json"], in: folder)
            #expect(local.status == 0 && remote.status == 0, "\(local) \(remote)")
            // All but how long the index build took.
            func answer(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.contains(#""seconds" :"#) } }
            #expect(answer(remote.stdout) == answer(local.stdout), "\(arguments)")
        }
        let again = try await WayfinderProcess.run(["forget", chosen.id, "--db", "store.db", "--events", url], in: folder)
        #expect(again.status == 1 && again.stderr.contains("nothing was erased"), "\(again)")

        // A cluster that does not answer: the store keeps the customer, so the command can run again.
        let down = try await WayfinderProcess.run(["forget", other.id, "--db", "store.db", "--events", "clickhouse://127.0.0.1:1/wayfinder?cluster=one"], in: folder)
        #expect(down.status == 1 && down.stderr.contains("nothing was erased from the store"), "\(down)")
        let kept = try await WayfinderProcess.run(["customers", other.id, "--db", "store.db"], in: folder)
        #expect(kept.status == 0, "\(kept)")
        let text = try await WayfinderProcess.run(["forget", other.id, "--db", "store.db", "--events", url], in: folder)
        #expect(text.status == 0 && text.stdout.contains("Erased on the cluster: \(other.events) event"), "\(text)")

        // After an erasure the next update compares every customer (the store erases after the
        // cluster, and may not have); the one after it reads only what arrived.
        struct Summary: Decodable { struct Cluster: Decodable { var copied_whole: Bool; var compared_every_customer: Bool }; var cluster: Cluster }
        var updates: [Summary.Cluster] = []
        for (index, user) in ["after-1", "after-2"].enumerated() {
            try #"{"type":"track","event":"Later","userId":"\#(user)","timestamp":"2026-06-0\#(index + 1)T00:00:00Z"}"#.write(toFile: directory.path("\(user).ndjson"), atomically: true, encoding: .utf8)
            let output = try await WayfinderProcess.run(["import", "\(user).ndjson", "--db", "store.db", "--workspace-id", workspace, "--events", url, "--format", "json"], in: folder)
            try #require(output.status == 0, "\(output)")
            updates.append(try JSONDecoder().decode(Summary.self, from: Data(output.stdout.utf8)).cluster)
        }
        #expect(updates.map(\.copied_whole) == [false, false] && updates.map(\.compared_every_customer) == [true, false], "\(updates)")
        let wrong = try await WayfinderProcess.run(["forget", other.id, "--db", "store.db", "--events", "clickhouse://127.0.0.1:8123/db"], in: folder)
        #expect(wrong.status == 2 && wrong.stderr.contains("cluster=NAME is missing"), "\(wrong)")
    }

    @Test("import --events brings the cluster's copy up to date: new events, two customers already there merged (their rows move shard), a customer erased in the store only, rows lost on a shard; each time the cluster analyses as the store does")
    func importUpdatesCluster() async throws {
        let url = try #require(BackendURLs.clickHouseThree ?? BackendURLs.clickHouseOne)
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        let workspace = "cli-update"
        defer { _ = try? ClusterCleanup.delete(workspace: workspace, url: url) }
        _ = try? ClusterCleanup.delete(workspace: workspace, url: url)
        for step in [["init", "--template", "saas", "maps"], ["generate", "--scenario", "saas", "--customers", "200", "--out", "data"],
                     ["generate", "--scenario", "saas", "--customers", "200", "--seed", "2", "--out", "more"]] {
            let output = try await WayfinderProcess.run(step, in: folder)
            try #require(output.status == 0, "\(step): \(output)")
        }
        struct Cluster: Decodable { var written: Int; var rewritten_customers: Int; var copied_whole: Bool; var compared_every_customer: Bool }
        struct Summary: Decodable { var imported: Int; var cluster: Cluster }
        func importing(_ file: String) async throws -> Cluster {
            let output = try await WayfinderProcess.run(["import", file, "--db", "store.db", "--workspace-id", workspace, "--create-workspace", "--events", url, "--format", "json"], in: folder)
            try #require(output.status == 0, "\(output)")
            return try JSONDecoder().decode(Summary.self, from: Data(output.stdout.utf8)).cluster
        }
        func expectSameAnalyses(_ label: String) async throws {
            for arguments in [["funnel"], ["funnel", "--mode", "strict"], ["paths", "--top", "5"], ["emotions"]] {
                let local = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--db", "store.db", "--format", "csv"], in: folder)
                let remote = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--events", url, "--workspace-id", workspace, "--format", "csv"], in: folder)
                #expect(local.status == 0 && remote.status == 0, "\(label): \(local) \(remote)")
                #expect(remote.stdout == local.stdout, "\(label): \(arguments)")
            }
        }
        let cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
        func rows(_ condition: String) throws -> Int {
            Int(try cluster.client.value("SELECT count() FROM \(cluster.client.url.database).events WHERE workspace = '\(workspace)' AND \(condition)")) ?? -1
        }

        let first = try await importing("data/events.csv")
        #expect(first.copied_whole, "the cluster held nothing of the workspace: a whole copy")
        let second = try await importing("more/events.csv")
        #expect(!second.copied_whole && second.written > 0)
        #expect(!second.compared_every_customer, "the whole copy was checked: the update reads only what arrived since")
        try await expectSameAnalyses("new events")

        // One event naming an anonymous id of one customer and the user id of another: the store merges them.
        let listed = try await WayfinderProcess.run(["customers", "--db", "store.db", "--workspace-id", workspace, "--limit", "1000", "--format", "json"], in: folder)
        struct Page: Decodable { var customers: [CustomerRecord] }
        let customers = try JSONDecoder().decode(Page.self, from: Data(listed.stdout.utf8)).customers
        let anonymous = try #require(customers.first { $0.events > 2 && $0.identifiers.count == 1 && $0.identifiers[0].hasPrefix("anonymous:") })
        let known = try #require(customers.first { $0.id != anonymous.id && $0.events > 2 && $0.identifiers.contains { $0.hasPrefix("user:") } })
        let anonymousID = String(anonymous.identifiers[0].dropFirst("anonymous:".count))
        let userID = String(try #require(known.identifiers.first { $0.hasPrefix("user:") }).dropFirst("user:".count))
        try #"{"type":"track","event":"Linked","anonymousId":"\#(anonymousID)","userId":"\#(userID)","timestamp":"2026-06-01T00:00:00Z"}"#
            .write(toFile: directory.path("link.ndjson"), atomically: true, encoding: .utf8)
        let numbers = [anonymous.id, known.id].map { Int64($0.dropFirst("cus_".count))! }
        let merged = try await importing("link.ndjson")
        #expect(!merged.copied_whole && merged.written > 1 && merged.rewritten_customers >= 1, "\(merged)")
        #expect(!merged.compared_every_customer, "a merge since the last check is seen in the customer rows")
        // Every event of the two now carries one stitched customer: the copy moved the merged one's rows.
        let roots = try cluster.client.value("SELECT uniqExact(root) FROM \(cluster.client.url.database).events WHERE workspace = '\(workspace)' AND customer IN (\(numbers[0]), \(numbers[1]))")
        #expect(roots == "1")
        try await expectSameAnalyses("merge")

        // Erased in the store without --events, then rows lost on a shard (an update cut short):
        // the next import --events repairs both.
        let erased = try await WayfinderProcess.run(["forget", known.id, "--db", "store.db", "--workspace-id", workspace], in: folder)
        try #require(erased.status == 0, "\(erased)")
        let victim = try #require(customers.first { $0.events > 3 && $0.id != anonymous.id && $0.id != known.id })
        let victimNumber = Int64(victim.id.dropFirst("cus_".count))!
        try cluster.client.executeOnEveryHost("ALTER TABLE \(cluster.client.url.database).events_local DELETE WHERE workspace = '\(workspace)' AND customer = \(victimNumber) AND seq % 2 = 0")
        try cluster.waitForMutations()
        #expect(try rows("customer IN (\(numbers[0]), \(numbers[1]))") > 0)
        // customers --events shows the copy of the customer short of the store's.
        let lost = try rows("root = \(victimNumber)")
        let shown = try await WayfinderProcess.run(["customers", victim.id, "--db", "store.db", "--workspace-id", workspace, "--events", url], in: folder)
        #expect(shown.status == 0 && shown.stdout.contains("On the cluster: \(lost) event") && shown.stdout.contains("not the events of the store"), "\(shown)")
        try #"{"type":"track","event":"Late","userId":"late-1","timestamp":"2026-06-02T00:00:00Z"}"#.write(toFile: directory.path("late.ndjson"), atomically: true, encoding: .utf8)
        let repaired = try await importing("late.ndjson")
        #expect(!repaired.copied_whole && repaired.written >= 1 + victim.events && repaired.rewritten_customers >= 2, "\(repaired)")
        #expect(repaired.compared_every_customer, "rows lost on a shard since the last check: every customer compared")
        #expect(try rows("customer IN (\(numbers[0]), \(numbers[1]))") == 0, "the erased customer's rows are gone from the cluster")
        #expect(try rows("root = \(victimNumber)") == victim.events)
        try await expectSameAnalyses("repair")
        // Every customer of the store as the copy holds it: the same events, first and last seen.
        struct Shown: Decodable {
            struct Copy: Decodable { var events: Int; var feedback: Int; var first_seen: String?; var last_seen: String? }
            var id: String; var events: Int; var first_seen: String?; var last_seen: String?; var cluster: Copy
        }
        struct ShownPage: Decodable { var total: Int; var customers: [Shown] }
        let all = try await WayfinderProcess.run(["customers", "--db", "store.db", "--workspace-id", workspace, "--events", url, "--limit", "5000", "--format", "json"], in: folder)
        try #require(all.status == 0, "\(all)")
        let page = try JSONDecoder().decode(ShownPage.self, from: Data(all.stdout.utf8))
        #expect(page.customers.count == page.total && page.total > 300)
        let differing = page.customers.filter { $0.cluster.events != $0.events || $0.cluster.first_seen != $0.first_seen || $0.cluster.last_seen != $0.last_seen }
        #expect(differing.isEmpty, "\(differing.prefix(3))")
        #expect(page.customers.contains { $0.id == victim.id && $0.cluster.events == victim.events })
        // The survey answers shown for the copy, against the store's counted by stitched customer here.
        let data = try JourneyStore(path: directory.path("store.db")).resolveWorkspace(workspace)
        let links = try data.customerLinks()
        var answers: [String: Int] = [:]
        try data.scanFeedback { row in
            let position = links.rootPosition[Int(row.customer)]
            if position >= 0 { answers[CustomerID.text(links.roots[Int(position)]), default: 0] += 1 }
        }
        #expect(answers.values.reduce(0, +) > 0)
        let wrongAnswers = page.customers.filter { $0.cluster.feedback != answers[$0.id, default: 0] }
        #expect(wrongAnswers.isEmpty, "\(wrongAnswers.prefix(3).map(\.id))")

        // A customer row written twice (two updates at once) is written again, once.
        try cluster.client.execute("INSERT INTO \(cluster.client.url.database).customers (workspace, id, merged_into, traits) VALUES ('\(workspace)', \(victimNumber), 0, '{}')",
                                   settings: ["insert_distributed_sync": "1"])
        try #"{"type":"track","event":"Late","userId":"late-2","timestamp":"2026-06-03T00:00:00Z"}"#.write(toFile: directory.path("late2.ndjson"), atomically: true, encoding: .utf8)
        let duplicated = try await importing("late2.ndjson")
        #expect(!duplicated.copied_whole, "\(duplicated)")
        #expect(try cluster.client.value("SELECT count() FROM \(cluster.client.url.database).customers WHERE workspace = '\(workspace)' AND id = \(victimNumber)") == "1")
        try await expectSameAnalyses("duplicate customer row")

        // While another holds the lock of the cluster's copy, an update waits for it, and says so:
        // the lock is let go once the kernel lists the command as waiting for it (/proc/locks).
        let lockPath = directory.path("store.db.cluster-lock")
        let lock = open(lockPath, O_RDWR | O_CREAT, 0o644)
        try #require(lock >= 0 && flock(lock, LOCK_EX) == 0)
        var status = stat()
        try #require(fstat(lock, &status) == 0)
        try #"{"type":"track","event":"Late","userId":"late-3","timestamp":"2026-06-04T00:00:00Z"}"#.write(toFile: directory.path("late3.ndjson"), atomically: true, encoding: .utf8)
        async let late = WayfinderProcess.run(["import", "late3.ndjson", "--db", "store.db", "--workspace-id", workspace, "--events", url], in: folder)
        var blocked = false
        for _ in 0..<600 where !blocked {
            // A waiter's line: "N: -> FLOCK ADVISORY WRITE PID MAJOR:MINOR:INODE 0 EOF".
            let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
            blocked = locks.split(separator: "\n").contains { $0.contains("->") && $0.contains(":\(status.st_ino) ") }
            if !blocked { try await Task.sleep(for: .milliseconds(100)) }
        }
        flock(lock, LOCK_UN)
        close(lock)
        let waited = try await late
        #expect(blocked, "the command never waited for the lock")
        #expect(waited.status == 0 && waited.stderr.contains("waiting for another update or erasure"), "\(waited)")
        try await expectSameAnalyses("after waiting for the lock")
    }

    @Test("a store made again under the same workspace, its events numbered alike, is not taken for the one the cluster's copy was checked against: the update compares every customer, and the cluster then analyses as the new store does")
    func storeMadeAgain() async throws {
        let url = try #require(BackendURLs.clickHouseThree ?? BackendURLs.clickHouseOne)
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        let workspace = "cli-made-again"
        defer { _ = try? ClusterCleanup.delete(workspace: workspace, url: url) }
        _ = try? ClusterCleanup.delete(workspace: workspace, url: url)
        try #"{"type":"track","event":"Later","userId":"later-1","timestamp":"2026-06-01T00:00:00Z"}"#.write(toFile: directory.path("later.ndjson"), atomically: true, encoding: .utf8)
        for step in [["init", "--template", "saas", "maps"], ["generate", "--scenario", "saas", "--customers", "150", "--out", "first"],
                     ["generate", "--scenario", "saas", "--customers", "150", "--seed", "3", "--out", "second"],
                     ["import", "first/events.csv", "--db", "one.db", "--workspace-id", workspace, "--create-workspace", "--events", url],
                     ["import", "second/events.csv", "--db", "two.db", "--workspace-id", workspace, "--create-workspace"]] {
            let output = try await WayfinderProcess.run(step, in: folder)
            try #require(output.status == 0, "\(step): \(output)")
        }
        let output = try await WayfinderProcess.run(["import", "later.ndjson", "--db", "two.db", "--workspace-id", workspace, "--events", url, "--format", "json"], in: folder)
        try #require(output.status == 0, "\(output)")
        struct Summary: Decodable { struct Cluster: Decodable { var compared_every_customer: Bool }; var cluster: Cluster }
        #expect(try JSONDecoder().decode(Summary.self, from: Data(output.stdout.utf8)).cluster.compared_every_customer, "\(output.stdout)")
        for arguments in [["funnel"], ["paths", "--top", "5"], ["emotions"]] {
            let local = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--db", "two.db", "--format", "csv"], in: folder)
            let remote = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--events", url, "--workspace-id", workspace, "--format", "csv"], in: folder)
            #expect(local.status == 0 && remote.status == 0 && remote.stdout == local.stdout, "\(arguments)")
        }
    }

    @Test("import --events from a PostgreSQL store waits while another process holds the lock of the cluster's copy, then brings it up to date")
    func postgresClusterLock() async throws {
        let url = try #require(BackendURLs.clickHouseThree ?? BackendURLs.clickHouseOne)
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        let workspace = "cli-pg-lock"
        defer { _ = try? ClusterCleanup.delete(workspace: workspace, url: url) }
        _ = try? ClusterCleanup.delete(workspace: workspace, url: url)
        try #"{"type":"track","event":"First","userId":"u-1","timestamp":"2026-06-01T00:00:00Z"}"#.write(toFile: directory.path("one.ndjson"), atomically: true, encoding: .utf8)
        try #"{"type":"track","event":"Second","userId":"u-2","timestamp":"2026-06-02T00:00:00Z"}"#.write(toFile: directory.path("two.ndjson"), atomically: true, encoding: .utf8)
        try await PostgresTestStore.with(base) { postgres in
            let store = postgres.url.description
            let first = try await WayfinderProcess.run(["import", "one.ndjson", "--store", store, "--workspace-id", workspace, "--create-workspace", "--events", url], in: folder)
            try #require(first.status == 0, "\(first)")
            // Another process's lock, held on a thread of its own until the command waits for it.
            let data = try PostgresCustomerData(url: postgres.url, workspace: workspace)
            let acquired = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                _ = try? data.holdingClusterCopyLock(waiting: {}) {
                    acquired.signal()
                    _ = release.wait(timeout: .now() + 120)
                }
            }
            await withCheckedContinuation { continuation in DispatchQueue.global().async { acquired.wait(); continuation.resume() } }
            async let second = WayfinderProcess.run(["import", "two.ndjson", "--store", store, "--workspace-id", workspace, "--events", url], in: folder)
            let key = data.clusterCopyLockKey
            let (classID, objectID) = (UInt32(truncatingIfNeeded: key >> 32), UInt32(truncatingIfNeeded: key))
            var waited = false
            for _ in 0..<600 where !waited {
                waited = try await postgres.store.read { db in
                    try db.value(Int64.self, sql: "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = \(classID) AND objid = \(objectID)") ?? 0
                } > 0
                if !waited { try await Task.sleep(for: .milliseconds(100)) }
            }
            release.signal()
            let output = try await second
            #expect(waited, "the command never waited for the lock")
            #expect(output.status == 0 && output.stderr.contains("waiting for another update or erasure") && output.stdout.contains("Brought the copy"), "\(output)")
            let cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
            #expect(try cluster.counts(workspace: workspace).events == 2)
        }
    }

    @Test("a store copied to PostgreSQL gives the same analyses through --store; a second copy into it is refused; mistakes say what to do")
    func migrateToPostgres() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let folder = directory.path("")
        try await Self.prepare(folder, workspace: "cli-pg")
        try await PostgresTestStore.with(base) { target in
            let url = target.url.description
            let copied = try await WayfinderProcess.run(["migrate", "--from", "sqlite:store.db", "--to", url], in: folder)
            #expect(copied.status == 0, "\(copied)")
            #expect(copied.stdout.contains("counted on both sides") && copied.stdout.contains("cli-pg: ") && copied.stdout.contains("read back and checked"), "\(copied)")
            // The numbers it prints: every row of the embedded store, counted here on its own, and
            // the events the generator planted.
            let embedded = try JourneyStore(path: directory.path("store.db"))
            let counts = try embedded.readNow { db in
                try db.values(String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
                    .map { try db.value(Int.self, sql: "SELECT count(*) FROM \($0)") ?? 0 }
            }
            #expect(copied.stdout.contains(": \(counts.reduce(0, +)) rows in \(counts.filter { $0 > 0 }.count) tables"), "\(copied.stdout)")
            let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path("data/truth.json")))) as? [String: Any]
            let planted = try #require(truth?["events"] as? Int)
            #expect(copied.stdout.contains("cli-pg: \(planted) events, "), "\(copied.stdout)")
            let again = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", url], in: folder)
            #expect(again.status == 1 && again.stderr.contains("empty database"), "\(again)")

            for arguments in [["funnel"], ["funnel", "--mode", "any-order"], ["paths", "--top", "5"], ["friction"], ["touchpoints"]] {
                let local = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--db", "store.db", "--format", "csv"], in: folder)
                let remote = try await WayfinderProcess.run(["analyze"] + arguments + ["--workspace", "maps", "--store", url, "--workspace-id", "cli-pg", "--format", "csv"], in: folder)
                #expect(local.status == 0 && remote.status == 0, "\(local) \(remote)")
                #expect(remote.stdout == local.stdout, "\(arguments)")
            }
            let missing = try await WayfinderProcess.run(["analyze", "funnel", "--workspace", "maps", "--store", url, "--workspace-id", "not-there"], in: folder)
            #expect(missing.status == 1 && missing.stderr.contains("its workspaces are cli-pg"), "\(missing)")

            // Customers and erasure, as on the embedded store.
            for arguments in [["customers", "--limit", "5", "--offset", "3"], ["customers", "--format", "json", "--limit", "3"]] {
                let local = try await WayfinderProcess.run(arguments + ["--db", "store.db", "--workspace-id", "cli-pg"], in: folder)
                let remote = try await WayfinderProcess.run(arguments + ["--store", url, "--workspace-id", "cli-pg"], in: folder)
                #expect(local.status == 0 && remote.stdout == local.stdout, "\(arguments): \(local) \(remote)")
            }
            let first = try await WayfinderProcess.run(["customers", "--limit", "1", "--store", url, "--workspace-id", "cli-pg"], in: folder)
            let customer = try #require(first.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
            let shown = try await WayfinderProcess.run(["customers", customer, "--store", url, "--workspace-id", "cli-pg"], in: folder)
            let shownLocally = try await WayfinderProcess.run(["customers", customer, "--db", "store.db", "--workspace-id", "cli-pg"], in: folder)
            #expect(shown.status == 0 && shown.stdout == shownLocally.stdout && shown.stdout.contains("Time line:"), "\(shown)")
            let forgotten = try await WayfinderProcess.run(["forget", customer, "--store", url, "--workspace-id", "cli-pg"], in: folder)
            #expect(forgotten.status == 0 && forgotten.stdout.hasPrefix("Erased \(customer): "), "\(forgotten)")
            let gone = try await WayfinderProcess.run(["customers", customer, "--store", url, "--workspace-id", "cli-pg"], in: folder)
            #expect(gone.status == 1 && gone.stderr.contains("--store"), "\(gone)")
            let stillLocal = try await WayfinderProcess.run(["customers", customer, "--db", "store.db", "--workspace-id", "cli-pg"], in: folder)
            #expect(stillLocal.status == 0, "the embedded store is not touched: \(stillLocal)")
        }
        let partial = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", base, "--workspace-id", "cli-pg"], in: folder)
        #expect(partial.status == 2 && partial.stderr.contains("whole store"), "\(partial)")
        let both = try await WayfinderProcess.run(["analyze", "funnel", "--workspace", "maps", "--store", base, "--events", "clickhouse://127.0.0.1:8123/db?cluster=one"], in: folder)
        #expect(both.status == 2 && both.stderr.contains("give one"), "\(both)")
        let down = try await WayfinderProcess.run(["migrate", "--from", "store.db", "--to", "postgres://wayfinder@127.0.0.1:1/wayfinder"], in: folder)
        #expect(down.status == 1 && down.stderr.contains("no PostgreSQL server answers"), "\(down)")
    }

    /// A SaaS workspace folder (`maps`), 300 generated customers (`data`) and their events
    /// imported into `store.db` under `workspace`, as a user makes them.
    static func prepare(_ folder: String, workspace: String) async throws {
        for step in [["init", "--template", "saas", "maps"], ["generate", "--scenario", "saas", "--customers", "300", "--out", "data"],
                     ["import", "data/events.csv", "--db", "store.db", "--workspace-id", workspace, "--create-workspace"]] {
            let output = try await WayfinderProcess.run(step, in: folder)
            try #require(output.status == 0, "\(step): \(output)")
        }
    }
}
