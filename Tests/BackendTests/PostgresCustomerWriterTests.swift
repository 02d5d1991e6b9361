import CustomerData
import Foundation
import JourneyModel
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// Customer data written into PostgreSQL directly (import, and the writer a server's collection
/// uses) against the embedded importer on the same files, and two processes writing the same
/// people at once against the truth the generator planted.
@Suite("Customer data written to PostgreSQL", .serialized, .enabled(if: BackendURLs.postgres != nil, "scripts/cluster.sh up and export its URLs to run the backend matrix"))
struct PostgresCustomerWriterTests {
    @Test("an import into PostgreSQL stores the customers, traits, events and feedback the embedded importer stores, and a second import adds nothing")
    func sameAsEmbedded() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: .saas, customers: 300, seed: 7))
        try EdgeCases.lines.joined(separator: "\n").write(toFile: directory.path("edge.ndjson"), atomically: true, encoding: .utf8)
        let files = [directory.path("data/events.csv"), directory.path("edge.ndjson")]
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let embedded = try JourneyStore(path: directory.path("store.db"))
            var options = Importer.Options()
            options.batchSize = 700  // several commits, with customers merged across them
            let importer = try Importer(data: embedded.data, options: options)
            let writer = try PostgresCustomerWriter(url: postgres.url, workspace: "default", options: options)
            for file in files {
                let want = try importer.importFile(file)
                let got = try writer.importFile(file)
                #expect(got.counts == want.counts, "\(file)")
            }
            #expect(importer.summary().imported == truth.events + EdgeCases.lines.count)
            for (label, value) in [("created", \Importer.Summary.customersCreated), ("merged", \.customersMerged), ("refused", \.mergesRefused)] {
                #expect(writer.summary()[keyPath: value] == importer.summary()[keyPath: value], "customers \(label)")
            }
            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            let local = try embedded.data
            #expect(try remote.counts() == local.counts())
            // Every customer as listed: number, first and last seen, events, identifiers and traits.
            #expect(try remote.customers(limit: 10_000, offset: 0).customers == local.customers(limit: 10_000, offset: 0).customers)
            // What the engine reads: events, customers and their merges, traits and feedback.
            #expect(try CustomerDataDigest.of(remote) == CustomerDataDigest.of(local))

            let again = try writer.importFile(files[0])
            #expect(again.counts == Importer.Counts(records: truth.events, imported: 0, duplicates: truth.events, quarantined: 0))
            #expect(try remote.counts() == local.counts())
        }
    }

    @Test("commits of events without traits or merges extend first and last seen in one statement, as the embedded importer does, earlier and later events alike")
    func timesOnlyCommits() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        func line(_ fields: String, _ day: String) -> String { "{\(fields),\"timestamp\":\"2026-\(day)T10:00:00Z\"}" }
        // Two records a commit: traits first (customers read), then events alone, some before a
        // customer's first seen, some after its last, some within, one customer new in a later commit.
        let lines = [
            line(#""type":"identify","userId":"u1","traits":{"plan":"pro"}"#, "01-05"),
            line(#""type":"identify","userId":"u2","traits":{"plan":"free"}"#, "01-05"),
            line(#""type":"track","event":"Viewed","userId":"u1""#, "01-01"),
            line(#""type":"track","event":"Viewed","userId":"u2""#, "01-05"),
            line(#""type":"track","event":"Viewed","anonymousId":"a3""#, "03-01"),
            line(#""type":"track","event":"Viewed","anonymousId":"a3""#, "02-01"),
            line(#""type":"track","event":"Viewed","anonymousId":"a3""#, "01-15"),
            line(#""type":"track","event":"Viewed","userId":"u1""#, "02-01"),
            line(#""type":"track","event":"Viewed","userId":"u2""#, "01-03"),
            line(#""type":"track","event":"Viewed","userId":"u2""#, "03-10"),
        ]
        try lines.joined(separator: "\n").write(toFile: directory.path("events.ndjson"), atomically: true, encoding: .utf8)
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let embedded = try JourneyStore(path: directory.path("store.db"))
            var options = Importer.Options()
            options.batchSize = 2
            _ = try Importer(data: embedded.data, options: options).importFile(directory.path("events.ndjson"))
            let writer = try PostgresCustomerWriter(url: postgres.url, workspace: "default", options: options)
            _ = try writer.importFile(directory.path("events.ndjson"))
            #expect(writer.timesOnlyUpdates == 4)
            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            let customers = try remote.customers(limit: 100, offset: 0).customers
            #expect(customers == (try embedded.data.customers(limit: 100, offset: 0).customers))
            #expect(customers.count == 3)
            #expect(try CustomerDataDigest.of(remote) == CustomerDataDigest.of(embedded.data))
        }
    }

    @Test("records that cannot be used are set aside in the quarantine table with file, line and reason, each once over two imports")
    func quarantine() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let lines = [
            EdgeCases.line(1, "ana", "Ad Clicked", at: EdgeCases.start),
            "{not json",
            EdgeCases.line(2, "unknown", "Ad Clicked", at: EdgeCases.start),  // a junk identifier only
            #"{"type":"track","event":"Ad Clicked","userId":"nul\u0000inside","timestamp":"2026-01-05T00:00:00Z","messageId":"n1"}"#,
            EdgeCases.line(3, "ana", "Product Viewed", at: EdgeCases.start + 1),
        ]
        let file = directory.path("mixed.ndjson")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let writer = try PostgresCustomerWriter(url: postgres.url, workspace: "default")
            let first = try writer.importFile(file)
            #expect(first.counts == Importer.Counts(records: 5, imported: 2, duplicates: 0, quarantined: 3))
            let second = try writer.importFile(file)
            #expect(second.counts == Importer.Counts(records: 5, imported: 0, duplicates: 2, quarantined: 3))
            let rows = try await postgres.store.read { db in
                try db.rows(sql: "SELECT file, line, field, reason, text FROM quarantine_records ORDER BY line").map { row -> String in
                    let text: [UInt8] = try row[4]
                    return "\(try row[1] as Int64) \(try row[2] as String) \((try row[3] as String).prefix(40)) \(text.count)"
                }
            }
            #expect(rows.count == 3, "each record once, though imported twice: \(rows)")
            #expect(rows.first?.hasPrefix("2 ") == true, "\(rows)")
            #expect(rows.contains { $0.hasPrefix("3 userId every identifier of the record is a junk") }, "\(rows)")
            #expect(rows.contains { $0.hasPrefix("4 userId holds a NUL character") }, "\(rows)")
            // The quarantined text is kept byte for byte, the NUL character too.
            let nul = try await postgres.store.read { db in try db.value([UInt8].self, sql: "SELECT text FROM quarantine_records WHERE line = 4") }
            #expect(nul.map { String(decoding: $0, as: UTF8.self) } == lines[3])
        }
    }

    @Test("two processes importing interleaved events of the same people at once give each planted person exactly one customer")
    func twoProcesses() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .ndjson).write(ScenarioGenerator(template: .saas, customers: 500, seed: 13))
        let events = try String(contentsOfFile: directory.path("data/events.ndjson"), encoding: .utf8).split(separator: "\n")
        // Every other event to each process: each person's events arrive through both, in small commits.
        for half in 0..<2 {
            let part = events.enumerated().filter { $0.offset % 2 == half }.map(\.element).joined(separator: "\n")
            try part.write(toFile: directory.path("half\(half).ndjson"), atomically: true, encoding: .utf8)
        }
        try await PostgresTestStore.with(base) { postgres in
            let url = postgres.url.description
            async let one = WayfinderProcess.run(["import", "half0.ndjson", "--store", url, "--batch-size", "40"], in: directory.path)
            async let two = WayfinderProcess.run(["import", "half1.ndjson", "--store", url, "--batch-size", "40"], in: directory.path)
            let outputs = try await [one, two]
            for output in outputs { #expect(output.status == 0, "\(output)") }

            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            #expect(try remote.counts().events == truth.events)
            #expect(try remote.counts().customers == truth.customers, "as many customers after stitching as were planted")
            let stored: [String: Int64] = try await postgres.store.read { db in
                Dictionary(uniqueKeysWithValues: try db.rows(sql: "SELECT kind || ':' || value, customer_id FROM identities").map { (try $0[0], try $0[1]) })
            }
            let planted = try PlantedCustomers(file: directory.path("data/\(ScenarioWriter.identifiersFile)"))
            #expect(planted.identifiers.count == truth.customers)
            // Every planted person's identifiers on one customer, no two people merged, no identifier beyond the planted ones.
            let differences = planted.differences(from: stored)
            #expect(differences.isEmpty, "\(differences.prefix(10))")
            // Every event belongs to a customer that exists, and feedback to the customer that survived.
            let orphans = try await postgres.store.read { db in
                try db.value(Int64.self, sql: """
                    SELECT (SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = e.customer_id))
                         + (SELECT count(*) FROM feedback f JOIN customers c ON c.id = f.customer_id WHERE c.merged_into IS NOT NULL)
                    """)
            }
            #expect(orphans == 0)
        }
    }

    @Test("alert rules of every kind evaluated in the commits of a collection stream enqueue the same deliveries on PostgreSQL as on the embedded store, and so do stage stays")
    func alertsInCommits() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let template = WorkspaceTemplate.saas
        _ = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 200, seed: 5))
        let records = try Self.records(directory.path("data/events.csv"))
        let map = try #require(template.workspace.journeys.first)
        let drafts = [
            AlertRuleDraft(workspace: "default", map: map.id, kind: .negativeFeedback, url: "https://example.com/hook"),
            AlertRuleDraft(workspace: "default", map: map.id, kind: .frictionTouchpoint, url: "https://example.com/hook", touchpoints: [try #require(map.touchpoints.last?.id)]),
            AlertRuleDraft(workspace: "default", map: map.id, kind: .stageStay, url: "https://example.com/hook", stage: try #require(map.stages.first?.id), days: 3),
            AlertRuleDraft(workspace: "default", map: map.id, kind: .atRisk, url: "https://example.com/hook", touchpoints: map.touchpoints.prefix(2).map(\.id)),
        ]
        try await PostgresTestStore.with(base) { postgres in
            let embedded = try JourneyStore(path: directory.path("store.db"))
            var answers: [[String]] = []
            for store in [embedded, postgres.store] as [any ServerStore] {
                _ = try await store.importWorkspace("default", workspace: template.workspace, author: "ana", createIfMissing: true)
                for draft in drafts { _ = try await store.addAlertRule(draft) }
                let writer = try await store.customerData("default").writer(options: Importer.Options())
                let stream = try writer.openStream(name: "http collection", format: "http", alerts: true)
                for start in stride(from: 0, to: records.count, by: 300) {
                    _ = try writer.store([RecordGroup(origin: "POST /v1/batch", records: Array(records[start..<min(records.count, start + 300)]))], stream: stream,
                                         evaluatingAlerts: true)
                }
                #expect(writer.alertEvaluationFailures == 0)
                var lines = try await store.alertDeliveries(limit: 100_000).map { "\($0.rule) \($0.status) \($0.payload)" }.sorted()
                let stays = try await store.enqueueStageStays(now: Date(timeIntervalSince1970: 1_900_000_000))
                lines.append("\(stays) stage stays")
                lines += try await store.alertDeliveries(limit: 100_000).map { "\($0.rule) \($0.status) \($0.payload)" }.sorted()
                answers.append(lines.map(WorkspaceStoreContractTests.mask))
            }
            let kinds = answers[0].map { $0.split(separator: " ").first.map(String.init) ?? "" }
            #expect(Set(kinds).isSuperset(of: ["1", "2", "3", "4"]), "every rule fired: \(Set(kinds))")
            #expect(answers[0].count > 10)
            #expect(answers[0].count == answers[1].count)
            for (index, (want, got)) in zip(answers[0], answers[1]).enumerated() where want != got {
                Issue.record("line \(index): SQLite\n\(want.prefix(400))\nPostgreSQL\n\(got.prefix(400))")
                break
            }
        }
    }

    @Test("writers taking turns replay each other's identity changes from the log instead of reading the graph again, and read it whole after an erasure")
    func identityLog() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: .saas, customers: 250, seed: 23))
        let records = try Self.records(directory.path("data/events.csv"))
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let writers = try (0..<2).map { _ in try PostgresCustomerWriter(url: postgres.url, workspace: "default") }
            let streams = try writers.map { try $0.openStream(name: "http collection", format: "http") }
            // Every other slice of 50 events to each writer, as two processes would take them.
            for (turn, start) in stride(from: 0, to: records.count, by: 50).enumerated() {
                _ = try writers[turn % 2].store([RecordGroup(origin: "POST /v1/batch", records: Array(records[start..<min(records.count, start + 50)]))],
                                                 source: streams[turn % 2])
            }
            #expect(writers.map(\.graphReads) == [1, 1], "each read the graph once, at its first commit")
            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            #expect(try remote.counts().customers == truth.customers)
            #expect(try remote.counts().events == truth.events)

            // An erasure leaves no log entry: the next commit reads the graph whole, and the
            // forgotten customer's identifiers make a new customer.
            let someone = try #require(try remote.customers(limit: 1, offset: 0).customers.first)
            let number = try #require(CustomerID.number(someone.id))
            _ = try #require(try remote.forget(number))
            let again = records.filter { record in
                guard case .success(let event) = record.result else { return false }
                return someone.identifiers.contains("user:" + (event.userId ?? "")) || someone.identifiers.contains("anonymous:" + (event.anonymousId ?? ""))
            }
            try #require(!again.isEmpty)
            let counts = try writers[0].store([RecordGroup(origin: "POST /v1/batch", records: again)], source: streams[0])
            #expect(writers[0].graphReads == 2)
            #expect(counts[0].imported == again.count, "the erased events are stored again, as new")
            #expect(try remote.counts().customers == truth.customers, "one new customer for the forgotten one")
            #expect(try remote.findCustomer(try #require(someone.identifiers.first)) != number)
        }
    }

    @Test("an alias naming the id it carries stores; forgetting a customer removes what the identity log and the quarantine hold of it; deleting the workspace removes the rest")
    func erasureReachesLogAndQuarantine() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let lines = [
            // First of its person, so its identifiers are new: the anonymous id twice, as itself and as previousId.
            #"{"type":"alias","userId":"maya","anonymousId":"dev-9","previousId":"dev-9","timestamp":"2026-01-05T00:00:01Z","messageId":"al1"}"#,
            EdgeCases.line(1, "maya", "Ad Clicked", at: EdgeCases.start, extra: #","anonymousId":"dev-9""#),
            #"{"type":"track","event":"Broken","userId":"maya","timestamp":"not a time","messageId":"b1"}"#,
            EdgeCases.line(2, "other", "Ad Clicked", at: EdgeCases.start + 5),
        ]
        let file = directory.path("few.ndjson")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            let writer = try PostgresCustomerWriter(url: postgres.url, workspace: "default")
            let counts = try writer.importFile(file).counts
            #expect(counts == Importer.Counts(records: 4, imported: 3, duplicates: 0, quarantined: 1), "\(counts)")
            func count(_ sql: String) async throws -> Int64 { try await postgres.store.read { db in try db.value(Int64.self, sql: sql) ?? -1 } }
            #expect(try await count("SELECT count(*) FROM identity_log WHERE value = 'maya'") == 1)
            #expect(try await count("SELECT count(*) FROM quarantine_records") == 1)
            let data = try PostgresCustomerData(url: postgres.url, workspace: "default")
            let maya = try #require(try data.findCustomer("maya"))
            let erasure = try #require(try data.forget(maya))
            #expect(erasure.events == 2 && erasure.quarantined == 1, "\(erasure)")
            #expect(try await count("SELECT count(*) FROM identity_log WHERE value IN ('maya', 'dev-9')") == 0)
            #expect(try await count("SELECT count(*) FROM quarantine_records") == 0)
            #expect(try await count("SELECT count(*) FROM identity_log") > 0, "the other customer's entries stay")
            try await postgres.store.deleteWorkspace("default")
            #expect(try await count("SELECT count(*) FROM identity_log") == 0)
        }
    }

    @Test("migrate brings the embedded store's quarantine files into the quarantine table, listed as the embedded store lists them")
    func migrateQuarantine() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        let file = directory.path("mixed.ndjson")
        try [EdgeCases.line(1, "ana", "Ad Clicked", at: EdgeCases.start), "{not json", #"{"type":"track","event":"X","userId":"bo","timestamp":"later"}"#]
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let embedded = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: embedded.data).importFile(file)
        try await PostgresTestStore.with(base) { postgres in
            let summary = try await PostgresStoreCopy(source: embedded, target: postgres.store).copy()
            #expect(summary.rows.first { $0.table == "quarantine_records" }?.count == 2)
            let local = try embedded.data.quarantinedRecords(file: nil, limit: 10)
            let remote = try await PostgresCustomerData(url: postgres.url, workspace: "default").quarantinedRecords(file: nil, limit: 10)
            #expect(local.total == 2 && remote.total == local.total)
            #expect(remote.records == local.records)
        }
    }

    @Test("import --store says what is wrong: a server that does not answer, a workspace the store lacks, and creates it when asked")
    func importCommandRefusals() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        try [EdgeCases.line(1, "ana", "Ad Clicked", at: EdgeCases.start)].joined(separator: "\n").write(toFile: directory.path("one.ndjson"), atomically: true, encoding: .utf8)
        let down = try await WayfinderProcess.run(["import", "one.ndjson", "--store", "postgres://wayfinder@127.0.0.1:1/wayfinder"], in: directory.path)
        #expect(down.status == 1 && down.stderr.contains("no PostgreSQL server answers at 127.0.0.1:1"), "\(down)")
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "retail", name: "Retail")
            let url = postgres.url.description
            let missing = try await WayfinderProcess.run(["import", "one.ndjson", "--store", url, "--workspace-id", "shop"], in: directory.path)
            #expect(missing.status == 1 && missing.stderr.contains("no workspace 'shop'") && missing.stderr.contains("retail")
                    && missing.stderr.contains("--create-workspace"), "\(missing)")
            let created = try await WayfinderProcess.run(["import", "one.ndjson", "--store", url, "--workspace-id", "shop", "--create-workspace", "--format", "json"],
                                                         in: directory.path)
            #expect(created.status == 0, "\(created)")
            #expect(created.stdout.contains(#""imported" : 1"#), "\(created.stdout)")
            #expect(try PostgresCustomerData(url: postgres.url, workspace: "shop").counts().events == 1)

            // A reader that has gone (`| head -1`): the PostgreSQL client ignores SIGPIPE, so
            // the command meets a closed pipe as an error, and ends quietly on it.
            let wayfinder = try WayfinderProcess.executableURL().path
            let text = try await Shell.run("'\(wayfinder)' customers --store '\(url)' --workspace-id shop 2>err.txt | true; echo \"status ${PIPESTATUS[0]}\"", in: directory.path)
            let errors = directory.read("err.txt") ?? ""
            #expect(text.contains("status 141") && !errors.contains("crashed"), "\(text) \(errors.prefix(300))")
        }
    }

    /// Every record of a file, as an import reads them.
    static func records(_ path: String) throws -> [InputRecord] {
        let reader = try RecordReader(path: path, format: nil, mapping: .standard)
        var records: [InputRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }
}
