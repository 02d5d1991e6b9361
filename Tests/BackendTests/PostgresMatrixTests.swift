import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// An embedded store and its copy in a PostgreSQL schema of its own, dropped when released.
final class PostgresCopy {
    let directory: TemporaryDirectory
    let source: JourneyStore
    let target: PostgresTestStore
    let summary: PostgresStoreCopy.Summary

    /// `file` (NDJSON events or a scenario's CSV) imported into a new embedded store, which is
    /// then copied whole.
    init(base: String, directory: TemporaryDirectory, file: String) async throws {
        self.directory = directory
        source = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: source.data).importFile(file)
        target = try await PostgresTestStore(base)
        summary = try await PostgresStoreCopy(source: source, target: target.store).copy()
    }

    func drop() async { await target.drop() }

    var embedded: WorkspaceData { get throws { try source.data } }
    var remote: PostgresCustomerData { get throws { try PostgresCustomerData(url: target.url, workspace: "default") } }
}

/// Every analysis kind, with its options, on customer data copied to PostgreSQL against the same
/// analysis on the embedded store it was copied from: the in-process engine reads both through
/// ``CustomerDataReader``, and the JSON must be equal.
@Suite("Backend matrix: PostgreSQL", .serialized, .enabled(if: BackendURLs.postgres != nil, "scripts/cluster.sh up and export its URLs to run the backend matrix"))
struct PostgresMatrixTests {
    @Test("every analysis kind gives the same JSON on PostgreSQL as on the embedded store, on generated data and on edge cases")
    func matrix() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let template = WorkspaceTemplate.retail
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 400, seed: 11))
        let copy = try await PostgresCopy(base: base, directory: directory, file: directory.path("data/events.csv"))
        #expect(copy.summary.workspaces.map(\.digest.events) == [truth.events])
        #expect(copy.summary.rows.first { $0.table == "events" }?.count == truth.events)
        let journey = try #require(template.workspace.journey(truth.journey))
        try Self.compare(copy, workspace: template.workspace, journey: journey, queries: ClickHouseMatrixTests.queries(journey))
        await copy.drop()

        let edgeDirectory = try TemporaryDirectory()
        try EdgeCases.lines.joined(separator: "\n").write(toFile: edgeDirectory.path("edge.ndjson"), atomically: true, encoding: .utf8)
        let edges = try await PostgresCopy(base: base, directory: edgeDirectory, file: edgeDirectory.path("edge.ndjson"))
        let decoded = WorkspaceCodec.decode(EdgeCases.yaml, file: "edge.yaml")
        let edgeWorkspace = try #require(decoded.workspace, "\(decoded.diagnostics)")
        let edgeJourney = try #require(edgeWorkspace.journey("edge"))
        try Self.compare(edges, workspace: edgeWorkspace, journey: edgeJourney, queries: ClickHouseMatrixTests.forJourney(edgeJourney, EdgeCases.funnels))
        await edges.drop()
    }

    static func compare(_ copy: PostgresCopy, workspace: Workspace, journey: JourneyMap, queries texts: [String]) throws {
        let queries = try texts.map { try Analyzer.query(json: Data($0.utf8)) }
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: IndexRequest(queries: queries))
        let reference = try builder.build(from: try copy.embedded)
        let remote = try builder.build(from: try copy.remote)
        #expect(reference.summary.customersWithEvents > 1)
        for query in queries {
            let expected = ClickHouseMatrixTests.json(try Analyzer.run(query, on: reference))
            let measured = ClickHouseMatrixTests.json(try Analyzer.run(query, on: remote))
            let options = String(decoding: try JSONEncoder().encode(query.options), as: UTF8.self)
            #expect(measured == expected, "\(query.kind) \(options)")
        }
    }

    @Test("the whole store arrives: accounts, maps, keys and every row, and a second copy into it is refused")
    func wholeStore() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        try EdgeCases.lines.joined(separator: "\n").write(toFile: directory.path("edge.ndjson"), atomically: true, encoding: .utf8)
        let source = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: source.data).importFile(directory.path("edge.ndjson"))
        let user = try await source.createUser(email: "ana@example.com", name: "Ana", passwordHash: "hash", isAdmin: true)
        _ = try await source.importWorkspace("default", workspace: WorkspaceTemplate.saas.workspace, author: "ana")
        let key = try await source.createAPIKey(kind: .write, name: "site", workspace: "default")
        let session = try await source.createSession(user: user.id, lifetime: 3600)
        // Text and bytes that COPY's text format escapes arrive as they were.
        let saasMap = try #require(WorkspaceTemplate.saas.workspace.journeys.first).id
        let persona = try #require(WorkspaceTemplate.saas.workspace.personas.first).id
        _ = try await source.addComment(workspace: "default", map: saasMap, target: try CommentTarget(address: "map"), author: "a\\b",
                                        body: "tab\there\nnew line\\N not null\r\n\\x00 é ✓ 'quoted' \"double\"")
        let photo: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x5C, 0x09, 0x0A, 0x0D, 0x4E, 0x00, 0xFF]
        try await source.setPersonaPhoto(workspace: "default", persona: persona, mediaType: "image/png", bytes: photo)

        try await PostgresTestStore.with(base) { target in
        let summary = try await PostgresStoreCopy(source: source, target: target.store).copy()
        #expect(summary.rows.count == 26, "every table, and the quarantine files")
        #expect(summary.rows.first { $0.table == "events" }?.count == EdgeCases.lines.count)
        // What the team server reads of the copy is what the embedded store answered.
        #expect(try await target.store.apiKey(secret: key.secret) == key.key)
        #expect(try await target.store.session(token: session.token)?.user == user)
        #expect(try await target.store.maps(workspace: "default") == (try await source.maps(workspace: "default")))
        #expect(try await target.store.exportWorkspace("default") == (try await source.exportWorkspace("default")))
        #expect(try await target.store.commentThreads(workspace: "default", map: saasMap) == (try await source.commentThreads(workspace: "default", map: saasMap)))
        #expect(try await target.store.personaPhoto(workspace: "default", persona: persona)?.bytes == photo)
        // Numbers given after the copy follow the copied ones.
        let next = try await target.store.createUser(email: "ben@example.com", passwordHash: "h")
        #expect(next.id == user.id + 1)

        await #expect {
            _ = try await PostgresStoreCopy(source: source, target: target.store).copy()
        } throws: { error in
            (error as? WorkspaceStoreError)?.code == .alreadyExists
        }
        #expect(try await target.store.users().count == 2)

        // A table the copy does not know is refused, not left behind.
        let newer = try JourneyStore(path: directory.path("newer.db"))
        _ = try await newer.write { db in try db.execute(sql: "CREATE TABLE journey_notes (id INTEGER PRIMARY KEY, body TEXT)") }
        await #expect {
            _ = try await PostgresStoreCopy(source: newer, target: target.store).copy()
        } throws: { error in
            (error as? WorkspaceStoreError)?.code == .invalidInput && "\(error)".contains("'journey_notes'")
        }
        }
    }

    @Test("alert deliveries made by the embedded store read, retry and redeliver the same on the copy")
    func alertDeliveries() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let template = WorkspaceTemplate.saas
        _ = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 150, seed: 5))
        let source = try JourneyStore(path: directory.path("store.db"))
        _ = try await source.importWorkspace("default", workspace: template.workspace, author: "ana", createIfMissing: true)
        let map = try #require(template.workspace.journeys.first)
        let rule = try await source.addAlertRule(AlertRuleDraft(workspace: "default", map: map.id, kind: .negativeFeedback, url: "https://example.com/hook"))
        _ = try Importer(data: source.data).importFile(directory.path("data/events.csv"))
        // Deliveries as the server's collection enqueues them (alerts are evaluated on streams), planted here.
        let ruleID = rule.rule.id
        try await source.write { db in
            for number in 1...6 {
                try db.execute(sql: """
                    INSERT INTO alert_deliveries (rule_id, trigger, customer_id, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)
                    """, arguments: [ruleID, "r\(ruleID):e\(number)", Int64(number), "{\"customer\":\"cus_\(number)\",\"n\":\(number)}",
                                     Int64(1_790_000_000_000 + number), Int64(1_790_000_000_000)])
            }
        }
        try #require(try await source.alertDeliveries(limit: 10_000).count == 6)

        try await PostgresTestStore.with(base) { target in
            _ = try await PostgresStoreCopy(source: source, target: target.store).copy()
            let stores: [any SQLWorkspaceStore] = [source, target.store]
            var answers: [[String]] = []
            let now = Date(timeIntervalSinceNow: 3600)
            for store in stores {
                var lines: [String] = []
                lines.append("\(try await store.alertDeliveries(limit: 10_000))")
                let due = try await store.dueAlertDeliveries(now: now, limit: 5)
                lines.append("\(due.map { "\($0.id) \($0.rule) \($0.url) \($0.payload.count) \($0.attempts)" })")
                let first = try #require(due.first)
                let started = Date(timeIntervalSince1970: 1_800_000_000)
                lines.append("\(try await store.recordAlertAttempt(delivery: first.id, number: 1, startedAt: started, durationMilliseconds: 40, statusCode: 500, error: nil, retryAt: nil))")
                lines.append("\(try await store.recordAlertAttempt(delivery: due[1].id, number: 1, startedAt: started, durationMilliseconds: 12, statusCode: 204, error: nil, retryAt: nil))")
                lines.append("\(try await store.alertAttempts(deliveries: due.map(\.id)).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })")
                lines.append("\(try await store.alertDelivery(id: first.id).status) \(try await store.alertDelivery(id: due[1].id).status)")
                lines.append("\(try await store.redeliverAlert(id: first.id).status)")
                lines.append("\(try await store.alertDeliveries(status: .failed, limit: 10).count) failed")
                answers.append(lines.map(WorkspaceStoreContractTests.mask))
            }
            #expect(answers[0].count == 8)
            #expect(answers[0][5] == "failed delivered")
            for (index, (want, got)) in zip(answers[0], answers[1]).enumerated() where want != got {
                Issue.record("line \(index): SQLite answered\n\(want)\nPostgreSQL answered\n\(got)")
            }
        }
    }

    @Test("customers listed, found by identifier, shown with their time line and forgotten answer the same on the copy")
    func customers() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: .saas, customers: 120, seed: 3))
        let copy = try await PostgresCopy(base: base, directory: directory, file: directory.path("data/events.csv"))
        let embedded: any CustomerDirectory = try copy.embedded
        let remote: any CustomerDirectory = try copy.remote
        var answers: [[String]] = []
        for store in [embedded, remote] {
            var lines: [String] = []
            let page = try store.customers(limit: 40, offset: 30)
            lines.append("\(page.total) \(page.customers)")
            let someone = try #require(page.customers.first { !$0.identifiers.isEmpty })
            let identifier = try #require(someone.identifiers.first)
            let number = try #require(try store.findCustomer(identifier, phoneCountry: nil))
            lines.append("\(CustomerID.text(number)) \(try store.findCustomer(String(identifier.drop { $0 != ":" }.dropFirst()), phoneCountry: nil).map(CustomerID.text) ?? "-")")
            lines.append("\(try store.customer(number).map { "\($0)" } ?? "-")")
            lines.append("\(try store.timeline(of: number, limit: 1_000))")
            lines.append("\(try store.findCustomer("nobody@nowhere.example", phoneCountry: nil).map(CustomerID.text) ?? "none")")
            lines.append("\(try store.forget(number).map { "\($0)" } ?? "-")")
            lines.append("\(try store.customer(number).map { "\($0)" } ?? "gone") \(try store.findCustomer(identifier, phoneCountry: nil).map(CustomerID.text) ?? "not found")")
            lines.append("\(try store.customers(limit: 1, offset: 0).total) \(try store.forget(number).map { "\($0)" } ?? "nothing to forget")")
            answers.append(lines)
        }
        #expect(answers[0][7].hasPrefix("\(truth.customers - 1) ") || answers[0][7].contains("nothing to forget"))
        #expect(answers[0][6] == "gone not found")
        for (index, (want, got)) in zip(answers[0], answers[1]).enumerated() where want != got {
            Issue.record("line \(index): SQLite answered\n\(want.prefix(600))\nPostgreSQL answered\n\(got.prefix(600))")
        }
        // What the engine reads after the erasure is the same on both.
        #expect(try CustomerDataDigest.of(copy.embedded) == CustomerDataDigest.of(copy.remote))
        await copy.drop()
    }
}
