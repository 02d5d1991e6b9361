import CustomerData
import Foundation
import GRDB
@testable import JourneyStore
import Testing
import WayfinderTesting

/// Customer data belongs to one workspace: stitching, deduplication, lookups, erasure and
/// quarantine never cross workspaces, and a store written before workspaces owned their data
/// migrates without loss.
@Suite("Workspaces own their customer data")
struct TenancyTests {
    /// Events that overlap between two workspaces: the same people (same e-mail, same user id),
    /// the same messages, and one record each that cannot be used.
    static let shared = """
        timestamp,type,event,messageId,userId,anonymousId,email,properties.metric,properties.score
        2026-01-05T10:00:00Z,track,Product Viewed,m1,u1,a1,maya@example.com,,
        2026-01-05T10:05:00Z,track,Order Completed,m2,u1,,,,
        2026-01-05T10:06:00Z,feedback,Feedback Given,m3,u1,,,nps,3
        2026-01-06T09:00:00Z,track,Product Viewed,m4,u2,a2,sam@example.com,,
        not-a-time,track,Broken,m5,u3,,,,

        """

    static func store(_ directory: TemporaryDirectory) async throws -> (JourneyStore, WorkspaceData, WorkspaceData) {
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try await store.createWorkspace(id: "alpha", name: "Alpha")
        _ = try await store.createWorkspace(id: "beta", name: "Beta")
        return (store, try await store.workspaceData("alpha"), try await store.workspaceData("beta"))
    }

    @Test("the same people and messages in two workspaces are two sets of customers, each stored once per workspace")
    func overlappingData() async throws {
        let directory = try TemporaryDirectory()
        let (store, alpha, beta) = try await Self.store(directory)
        let file = try directory.write(Self.shared, to: "events.csv")
        let first = try Importer(data: alpha).importFile(file)
        #expect(first.counts.imported == 4 && first.counts.quarantined == 1)
        // The same file into beta: nothing is a duplicate there, and the same e-mail is a new customer.
        let second = try Importer(data: beta).importFile(file)
        #expect(second.counts.imported == 4 && second.counts.duplicates == 0 && second.counts.quarantined == 1)
        // Again into beta: now everything is a duplicate, in beta only.
        #expect(try Importer(data: beta).importFile(file).counts.duplicates == 4)
        let expected = WorkspaceData.Counts(events: 4, customers: 2, identifiers: 6, feedback: 1)
        #expect(try await alpha.counts() == expected)
        #expect(try await beta.counts() == expected)
        let mayaAlpha = try #require(try alpha.findCustomer("maya@example.com"))
        let mayaBeta = try #require(try beta.findCustomer("maya@example.com"))
        #expect(mayaAlpha != mayaBeta, "stitching never crosses workspaces")
        // A customer id of one workspace is unknown in the other.
        #expect(try beta.findCustomer(CustomerID.text(mayaAlpha)) == nil)
        #expect(try beta.customer(mayaAlpha) == nil)
        #expect(try beta.timeline(of: mayaAlpha).isEmpty)
        #expect(try alpha.customers(limit: 10).customers.map(\.id).sorted() != (try beta.customers(limit: 10).customers.map(\.id).sorted()))
        // Sources and quarantine files are the workspace's own.
        #expect(try alpha.sources().count == 1 && (try beta.sources().count) == 2)
        #expect(alpha.quarantinePath != beta.quarantinePath)
        #expect(try Self.lines(alpha.quarantinePath).count == 1 && (try Self.lines(beta.quarantinePath).count) == 1)
        // The analytics scans read the workspace's rows only.
        let alphaLinks = try alpha.customerLinks()
        #expect(alphaLinks.roots.sorted() == [mayaAlpha, try #require(try alpha.findCustomer("sam@example.com"))].sorted())
        var customers: Set<Int64> = []
        try alpha.scanEvents(ids: try #require(try await store.workspaceData("alpha").eventIDRange())) { customers.insert($0.customer) }
        #expect(customers == Set(alphaLinks.roots))
        var answers = 0
        try beta.scanFeedback { answer in
            answers += 1
            #expect(answer.customer == mayaBeta)
        }
        #expect(answers == 1)
    }

    @Test("forgetting a customer of one workspace leaves the other workspace's same person untouched")
    func forgetStaysInItsWorkspace() async throws {
        let directory = try TemporaryDirectory()
        let (_, alpha, beta) = try await Self.store(directory)
        let file = try directory.write(Self.shared, to: "events.csv")
        _ = try Importer(data: alpha).importFile(file)
        _ = try Importer(data: beta).importFile(file)
        let betaBefore = try beta.counts()
        let betaMaya = try #require(try beta.findCustomer("maya@example.com"))
        let betaTimeline = try beta.timeline(of: betaMaya)
        // Beta's customer number is not alpha's to forget.
        #expect(try alpha.forget(betaMaya) == nil)
        let alphaMaya = try #require(try alpha.findCustomer("maya@example.com"))
        let erased = try #require(try alpha.forget(alphaMaya))
        #expect(erased.events == 3 && erased.feedback == 1)
        #expect(try alpha.findCustomer("maya@example.com") == nil)
        #expect(try await beta.counts() == betaBefore)
        #expect(try beta.findCustomer("maya@example.com") == betaMaya)
        #expect(try beta.timeline(of: betaMaya) == betaTimeline)
    }

    @Test("deleting a workspace deletes its customer data and quarantine, and nothing of another workspace")
    func deleteWorkspace() async throws {
        let directory = try TemporaryDirectory()
        let (store, alpha, beta) = try await Self.store(directory)
        let file = try directory.write(Self.shared, to: "events.csv")
        _ = try Importer(data: alpha).importFile(file)
        _ = try Importer(data: beta).importFile(file)
        let betaBefore = try beta.counts()
        try await store.deleteWorkspace("alpha")
        #expect(!FileManager.default.fileExists(atPath: alpha.quarantinePath))
        #expect(FileManager.default.fileExists(atPath: beta.quarantinePath))
        let left = try await store.database.read { db in
            try ["events", "customers", "identities", "feedback", "sources", "quarantined", "identity_refusals"].map { table in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE workspace_id = ?", arguments: [alpha.rowID]) ?? 0
            }
        }
        #expect(left == [0, 0, 0, 0, 0, 0, 0])
        #expect(try beta.counts() == betaBefore)
        // A workspace made again under the same id starts empty.
        _ = try await store.createWorkspace(id: "alpha", name: "Alpha again")
        #expect(try await store.workspaceData("alpha").counts() == WorkspaceData.Counts(events: 0, customers: 0, identifiers: 0, feedback: 0))
    }

    @Test("customer numbers stay unique in the store while two workspaces stitch in turn")
    func numbersAreTheStores() async throws {
        let directory = try TemporaryDirectory()
        let (store, alpha, beta) = try await Self.store(directory)
        // Two importers loaded at once, each writing new customers in turn.
        let first = try Importer(data: alpha), second = try Importer(data: beta)
        for round in 0..<4 {
            _ = try first.importFile(try directory.write("timestamp,event,userId\n2026-01-0\(round + 1)T10:00:00Z,Viewed,a\(round)\n", to: "a\(round).csv"))
            _ = try second.importFile(try directory.write("timestamp,event,userId\n2026-01-0\(round + 1)T10:00:00Z,Viewed,b\(round)\n", to: "b\(round).csv"))
        }
        let owners = try store.database.read { db in try Row.fetchAll(db, sql: "SELECT id, workspace_id FROM customers") }
        #expect(owners.count == 8)
        #expect(Set(owners.map { $0[0] as Int64 }).count == 8)
        #expect(try alpha.counts().customers == 4 && (try beta.counts().customers) == 4)
    }

    @Test("identifiers that differ only after a NUL character are different customers, by collection and by bulk import, and the store opens again")
    func nulInIdentifiers() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.db")
        // A bulk load (the store is empty) of an NDJSON file with both identifiers.
        let file = try directory.write("""
            {"type":"track","event":"Viewed","userId":"abc\\u0000","messageId":"n1","timestamp":"2026-01-05T10:00:00Z"}
            {"type":"track","event":"Viewed","userId":"abc","messageId":"n2","timestamp":"2026-01-05T10:01:00Z"}
            {"type":"track","event":"Viewed\\u0000hidden","userId":"x\\u0000y","messageId":"n3","timestamp":"2026-01-05T10:02:00Z"}

            """, to: "nul.ndjson")
        do {
            let store = try JourneyStore(path: path)
            let summary = try Importer(data: store.data).importFile(file, format: .ndjson)
            #expect(summary.counts.imported == 3)
        }
        let store = try JourneyStore(path: path)
        #expect(store.indexProblem == nil)
        let data = try store.data
        #expect(try await data.counts().customers == 3)
        let withNUL = try #require(try data.findCustomer("user:abc\u{0}"))
        let plain = try #require(try data.findCustomer("user:abc"))
        #expect(withNUL != plain)
        #expect(try data.customer(withNUL)?.identifiers == ["user:abc\u{0}"])
        // Collection (the store now has events: no bulk load) keeps them apart too.
        let importer = try Importer(data: data)
        let stream = try importer.openStream(name: "test", format: "http")
        let records = ["x\u{0}y", "x"].enumerated().map { index, user in
            InputRecord(line: index + 1, location: "", text: "",
                        result: .success(Event(type: .track, name: "Signed Up", messageId: "c\(index)", timestamp: 1_767_607_200_000,
                                               payload: .object([("userId", .string(user))]))))
        }
        _ = try importer.store([RecordGroup(origin: "test", records: records)], stream: stream)
        let split = try #require(try data.findCustomer("user:x\u{0}y"))
        let short = try #require(try data.findCustomer("user:x"))
        #expect(split != short)
        #expect(try data.timeline(of: split).map(\.name) == ["Signed Up", "Viewed\u{0}hidden"])
    }

    @Test("a store whose unique indexes cannot be built because rows repeat a key still opens, is repaired, and works")
    func repeatedKeysAreRepaired() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.db")
        do {
            let store = try JourneyStore(path: path)
            _ = try Importer(data: store.data).importFile(try directory.write(Self.shared, to: "events.csv"))
            // What a release that cut identifiers at a NUL could leave after a bulk load: the
            // indexes missing and an identifier twice.
            try await store.database.write { db in
                try JourneyStore.dropDeferredIndexes(db)
                try db.execute(sql: "INSERT INTO identities (workspace_id, kind, value, customer_id, first_seen) SELECT workspace_id, kind, value, customer_id, first_seen FROM identities WHERE kind = 'user' LIMIT 1")
                try db.execute(sql: "INSERT INTO events (workspace_id, customer_id, timestamp, type, message, dedupe) SELECT workspace_id, customer_id, timestamp, type, message, dedupe FROM events LIMIT 1")
            }
        }
        let store = try JourneyStore(path: path)
        #expect(store.indexProblem == nil)
        #expect(try JourneyStore.missingIndexes(store.database).isEmpty)
        #expect(try await store.data.counts() == WorkspaceData.Counts(events: 4, customers: 2, identifiers: 6, feedback: 1))
        #expect(try Importer(data: store.data).importFile(try directory.write(Self.shared, to: "again.csv")).counts.duplicates == 4)
    }

    @Test("a store written by the previous release migrates without loss: its data, key and quarantine go to its only workspace, or to 'default'",
          arguments: [("with-workspace", "retail", 3), ("without-workspace", "default", 2)])
    func previousRelease(_ fixture: String, owner: String, sources: Int) async throws {
        let directory = try TemporaryDirectory()
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/previous-release", withExtension: nil))
        let path = directory.path("store.db")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("\(fixture).db"), to: URL(fileURLWithPath: path))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("\(fixture).db.quarantine.ndjson"),
                                        to: URL(fileURLWithPath: path + ".quarantine.ndjson"))
        let store = try JourneyStore(path: path)
        #expect(try await store.workspaces().map(\.id) == [owner])
        let data = try store.data
        #expect(data.workspace == owner)
        #expect(try await data.counts() == WorkspaceData.Counts(events: 172, customers: 26, identifiers: 96, feedback: 23))
        #expect(try await data.sources().count == sources)
        #expect(try await store.apiKeys().map(\.workspace) == [owner], "the write key collects into the workspace its data went to")
        #expect(!FileManager.default.fileExists(atPath: path + ".quarantine.ndjson"))
        #expect(try Self.lines(data.quarantinePath).count == 1)
        // Stitching goes on where it stopped: a known e-mail finds its customer, and the store's
        // identity generation carried over.
        let customer = try #require(try data.findCustomer("legacy@example.com"))
        #expect(try data.customer(customer)?.events == 1)
        #expect(try await store.database.read { db in try JourneyStore.identityGeneration(db, workspace: data.rowID) } == 2)
        let again = try directory.write("""
            timestamp,type,event,user_id,anonymous_id,email
            2026-01-05T10:00:00Z,track,Product Viewed,legacy-user,,legacy@example.com
            2026-01-06T10:00:00Z,track,Product Viewed,legacy-user,,legacy@example.com

            """, to: "extra.csv")
        let summary = try Importer(data: data).importFile(again)
        #expect(summary.counts.duplicates == 1 && summary.counts.imported == 1)
        #expect(try data.findCustomer("legacy-user") == customer)
        #expect(try await data.counts().customers == 26)
    }

    static func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    }
}
