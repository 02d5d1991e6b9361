import CustomerData
import Foundation
import JourneyModel
import JourneyStore
import PostgresStore
import Synchronization
import Testing
import WayfinderTesting

/// Two `wayfinder serve --store postgres://…` processes on one database, as behind a load
/// balancer: events of the same people arriving through both, one of them killed mid-stream.
@Suite("Team server on PostgreSQL", .serialized, .enabled(if: BackendURLs.postgres != nil, "scripts/cluster.sh up and export its URLs to run the backend matrix"))
struct PostgresServerTests {
    @Test("two servers collecting interleaved events of the same people give each planted person one customer; a server killed with SIGKILL lost nothing it acknowledged, and sending everything again adds no duplicate")
    func twoServers() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .ndjson).write(ScenarioGenerator(template: .saas, customers: 300, seed: 17))
        let messages = try String(contentsOfFile: directory.path("data/events.ndjson"), encoding: .utf8).split(separator: "\n").map(String.init)
        let batches = stride(from: 0, to: messages.count, by: 25).map { Array(messages[$0..<min(messages.count, $0 + 25)]) }
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let key = try await postgres.store.createAPIKey(kind: .write, name: "test", workspace: "default").secret
            let first = try Self.serve(postgres.url), second = try Self.serve(postgres.url)
            defer { _ = first.process.stop(SIGKILL); _ = second.process.stop(SIGKILL) }

            // Batches alternate between the servers, sent at once from two threads; the first
            // server is killed half way, and its batches from then on are not acknowledged.
            let acknowledged = Acknowledged()
            let killAfter = batches.count / 4
            // On threads of their own: the sends wait for answers, which the cooperative pool's
            // few threads must not.
            let done = DispatchGroup()
            for (index, server) in [first, second].enumerated() {
                done.enter()
                Thread.detachNewThread {
                    var sent = 0
                    for batch in stride(from: index, to: batches.count, by: 2).map({ batches[$0] }) {
                        if index == 0, sent == killAfter { _ = server.process.stop(SIGKILL, seconds: 10) }
                        sent += 1
                        if Self.send(batch, to: server.url, key: key) { acknowledged.add(batch) }
                    }
                    done.leave()
                }
            }
            await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
            let acked = acknowledged.ids
            #expect(acked.count > messages.count / 2 && acked.count < messages.count, "the killed server acknowledged part of its share")
            let stored = try await Self.messageIDs(postgres.store)
            #expect(acked.subtracting(stored).isEmpty, "every acknowledged event is stored: \(acked.subtracting(stored).count) missing")

            // Everything again, through the server that lives: each event once, each person one customer.
            let resent = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: batches.filter { Self.send($0, to: second.url, key: key) }.count) }
            }
            #expect(resent == batches.count)
            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            #expect(try remote.counts().events == truth.events)
            #expect(try await Self.messageIDs(postgres.store).count == truth.events)
            #expect(try remote.counts().customers == truth.customers, "as many customers after stitching as were planted")
            let identities: [String: Int64] = try await postgres.store.read { db in
                Dictionary(uniqueKeysWithValues: try db.rows(sql: "SELECT kind || ':' || value, customer_id FROM identities").map { (try $0[0], try $0[1]) })
            }
            let planted = try PlantedCustomers(file: directory.path("data/\(ScenarioWriter.identifiersFile)"))
            // Every planted person's identifiers on one customer, no two people merged, no identifier beyond the planted ones.
            let differences = planted.differences(from: identities)
            #expect(differences.isEmpty, "\(differences.prefix(10))")
            // The living server answers its health check and reads the customers the other stored.
            let health = try LoopbackHTTP.request("GET", second.url + "/health")
            #expect(health.status == 200 && health.body.contains(#""store":{"ok":true,"backend":"postgresql"}"#), "\(health)")
            let metrics = try LoopbackHTTP.request("GET", second.url + "/metrics")
            #expect(metrics.body.contains(#"wayfinder_store_up{backend="postgresql"} 1"#), "\(metrics.body.suffix(300))")
        }
    }

    @Test("alert deliveries due are claimed by one server process each, however many ask at once")
    func deliveriesClaimedOnce() async throws {
        let base = try #require(BackendURLs.postgres)
        try await PostgresTestStore.with(base) { postgres in
            let template = WorkspaceTemplate.saas
            _ = try await postgres.store.importWorkspace("default", workspace: template.workspace, author: "ana", createIfMissing: true)
            let map = try #require(template.workspace.journeys.first)
            let rule = try await postgres.store.addAlertRule(AlertRuleDraft(workspace: "default", map: map.id, kind: .negativeFeedback, url: "https://example.com/hook"))
            let ruleID = rule.rule.id
            try await postgres.store.write { db in
                for number in 1...40 {
                    try db.execute(sql: """
                        INSERT INTO alert_deliveries (rule_id, trigger, customer_id, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)
                        """, arguments: [ruleID, "r\(ruleID):e\(number)", Int64(number), "{}", Int64(1_790_000_000_000 + number), Int64(1_790_000_000_000)])
                }
            }
            // Four stores on the database, as four server processes, each claiming three at a time until none is due.
            var others: [PostgresWorkspaceStore] = []
            for _ in 0..<3 { others.append(try await PostgresWorkspaceStore.open(postgres.url)) }
            defer { for store in others { store.close() } }
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            // Each process claims a first batch, then they race for the rest: however the race
            // goes, no delivery may be claimed twice or left out.
            let stores = [postgres.store] + others
            var firsts: [[Int64]] = []
            for store in stores { firsts.append(try await store.dueAlertDeliveries(now: now, limit: 3).map(\.id)) }
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (store, first) in zip(stores, firsts) {
                    group.addTask {
                        var mine = first
                        while true {
                            let due = try await store.dueAlertDeliveries(now: now, limit: 3)
                            if due.isEmpty { return mine }
                            mine += due.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            let all = claimed.flatMap { $0 }
            #expect(all.count == 40 && Set(all).count == 40, "each delivery claimed once: \(claimed.map(\.count))")
            // Asking to send a claimed delivery again leaves it with the process that holds it.
            let claimedOne = try #require(all.first)
            #expect(try await postgres.store.redeliverAlert(id: claimedOne).status == .pending)
            #expect(try await postgres.store.dueAlertDeliveries(now: now, limit: 100).isEmpty)
            // Once its lease ends, a delivery no process finished is due again.
            #expect(try await postgres.store.dueAlertDeliveries(now: now.addingTimeInterval(3600), limit: 100).count == 40)
        }
    }

    /// A server on the store at `url`, listening on a free port.
    static func serve(_ url: PostgresURL) throws -> (process: RunningWayfinder, url: String) {
        let process = try RunningWayfinder(["serve", "--store", url.description, "--port", "0", "--log-format", "json"])
        guard process.waitFor("server listening", on: .error) else {
            throw Failure(description: "no 'server listening' line: \(process.text(.error))")
        }
        let line = process.text(.error).split(separator: "\n").first { $0.contains("server listening") } ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        guard let address = object?["url"] as? String else { throw Failure(description: "no url in \(line)") }
        return (process, address)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Posts one batch; whether the server acknowledged it.
    static func send(_ batch: [String], to url: String, key: String) -> Bool {
        let body = #"{"batch":["# + batch.joined(separator: ",") + "]}"
        let authorization = "Basic " + Data("\(key):".utf8).base64EncodedString()
        let answer = try? LoopbackHTTP.request("POST", url + "/v1/batch", headers: ["Content-Type": "application/json", "Authorization": authorization],
                                               body: body, timeout: 30)
        return answer?.status == 200
    }

    /// The message ids of the stored events.
    static func messageIDs(_ store: PostgresWorkspaceStore) async throws -> Set<String> {
        Set(try await store.read { db in try db.values(String.self, sql: "SELECT message_id FROM events") })
    }

    /// The message ids of the batches a server acknowledged, from several threads.
    final class Acknowledged: Sendable {
        private let state = Mutex<Set<String>>([])

        func add(_ batch: [String]) {
            let ids = batch.compactMap { line -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object["messageId"] as? String
            }
            state.withLock { $0.formUnion(ids) }
        }

        var ids: Set<String> { state.withLock { $0 } }
    }
}
