import CustomerData
import Foundation
import GRDB
import JourneyStore
import Testing
import WayfinderTesting

/// One malformed record kind, the file that holds it, and what the quarantine must say.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var file: String
    var content: [UInt8]
    var quarantinedLines: [Int]
    var reason: String
    var imported: Int

    var testDescription: String { name }
}

@Suite("Import")
struct ImportTests {
    static let header = "timestamp,type,event,messageId,anonymousId,userId,email,channel\n"
    static func csv(_ rows: String) -> [UInt8] { Array((header + rows).utf8) }
    static let good = "2026-01-05T10:00:00Z,track,Product Viewed,g1,a1,,,web\n"

    static let malformed: [MalformedCase] = [
        MalformedCase(name: "bad timestamp", file: "bad-time.csv", content: csv(good + "yesterday,track,X,b1,a2,,,web\n2026-02-30T00:00:00Z,track,X,b2,a2,,,web\n"),
                      quarantinedLines: [3, 4], reason: "timestamp", imported: 1),
        MalformedCase(name: "missing ids", file: "no-ids.csv", content: csv(good + "2026-01-05T10:00:00Z,track,X,b1,,,,web\n2026-01-05T10:00:00Z,track,X,b2,undefined,null,,web\n"),
                      quarantinedLines: [3, 4], reason: "id", imported: 1),
        MalformedCase(name: "unbalanced quote", file: "quote.csv", content: csv("2026-01-05T10:00:00Z,track,\"Open quote,b1,a2,,,web\n" + good),
                      quarantinedLines: [2], reason: "never closed", imported: 1),
        MalformedCase(name: "invalid UTF-8", file: "utf8.csv", content: csv(good) + Array("2026-01-05T10:00:00Z,track,".utf8) + [0xC3, 0x28] + Array(",b1,a2,,,web\n".utf8),
                      quarantinedLines: [3], reason: "UTF-8", imported: 1),
        MalformedCase(name: "wrong column count", file: "columns.csv", content: csv(good + "2026-01-05T10:00:00Z,track,X,b1,a2\n"),
                      quarantinedLines: [3], reason: "5 fields; the header has 8", imported: 1),
        MalformedCase(name: "a 10 MB field", file: "huge.csv",
                      content: csv(good) + Array("2026-01-05T10:00:00Z,track,\"".utf8) + [UInt8](repeating: 0x78, count: 10 << 20) + Array("\",b1,a2,,,web\n".utf8) + Array(good.replacingOccurrences(of: "g1", with: "g2").utf8),
                      quarantinedLines: [3], reason: "an event may have at most", imported: 2),
        MalformedCase(name: "empty file", file: "empty.csv", content: [], quarantinedLines: [], reason: "", imported: 0),
        MalformedCase(name: "invalid NDJSON", file: "bad.ndjson",
                      content: Array(#"{"type":"track","event":"A","timestamp":"2026-01-05T10:00:00Z","anonymousId":"a1","messageId":"n1"}"#.utf8) + [0x0A] + Array(#"{"type":"track","event":"#.utf8) + [0x0A] + Array(#"{"type":"feedback","timestamp":"2026-01-05T10:00:00Z","anonymousId":"a1","properties":{"metric":"nps","score":11}}"#.utf8) + [0x0A],
                      quarantinedLines: [2, 3], reason: "", imported: 1),
    ]

    @Test("each malformed record kind is quarantined with file, line, reason and text", arguments: malformed)
    func quarantine(_ malformed: MalformedCase) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(malformed.content, to: malformed.file)
        let store = try JourneyStore(path: directory.path("store.db"))
        let importer = try Importer(data: store.data)
        let summary = try importer.importFile(path)
        #expect(summary.counts.imported == malformed.imported, "\(summary)")
        #expect(summary.counts.quarantined == malformed.quarantinedLines.count, "\(summary)")
        #expect(try store.data.counts().events == malformed.imported)
        let entries = try Self.quarantine(store)
        #expect(entries.map(\.line) == malformed.quarantinedLines)
        for entry in entries {
            #expect(entry.file == path)
            if !malformed.reason.isEmpty {
                #expect((entry.field + ": " + entry.reason).contains(malformed.reason), "\(entry.reason)")
            }
            #expect(!entry.text.isEmpty)
        }
        // Nothing is lost: every record is imported, a duplicate, or quarantined.
        #expect(summary.counts.records == summary.counts.imported + summary.counts.duplicates + summary.counts.quarantined)
    }

    struct QuarantineEntry {
        var file: String
        var line: Int
        var field: String
        var reason: String
        var text: String
    }

    static func quarantine(_ store: JourneyStore) throws -> [QuarantineEntry] {
        guard let data = FileManager.default.contents(atPath: try store.data.quarantinePath) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let value = try JSONParser.parse(String(line))
            return QuarantineEntry(file: value["file"]?.text ?? "", line: Int(value["line"]?.text ?? "") ?? -1,
                                   field: value["field"]?.text ?? "", reason: value["reason"]?.text ?? "", text: value["text"]?.text ?? "")
        }
    }

    @Test("importing the same data twice adds nothing, with or without messageId")
    func idempotent() throws {
        let directory = try TemporaryDirectory()
        let withIDs = try directory.write(Self.csv(Self.good + "2026-01-05T11:00:00Z,track,Added To Cart,g2,a1,,,web\n"), to: "a.csv")
        let withoutIDs = try directory.write(Array(("timestamp,event,anonymousId\n2026-01-05T12:00:00Z,Checkout,a1\n2026-01-05T12:00:00Z,Checkout,a1\n2026-01-05T12:01:00Z,Checkout,a1\n").utf8), to: "b.csv")
        let store = try JourneyStore(path: directory.path("store.db"))
        let first = try Importer(data: store.data)
        #expect(try first.importFile(withIDs).counts.imported == 2)
        let noIDs = try first.importFile(withoutIDs).counts
        #expect(noIDs.imported == 2 && noIDs.duplicates == 1, "identical content without messageId is one event")
        let second = try Importer(data: store.data)
        let again = try second.importFile(withIDs).counts
        #expect(again.imported == 0 && again.duplicates == 2)
        #expect(try second.importFile(withoutIDs).counts.imported == 0)
        #expect(try store.data.counts().events == 4)
    }

    @Test("CSV, NDJSON, Segment batch and gzip give the same store")
    func formats() throws {
        let directory = try TemporaryDirectory()
        var events: [Event] = []
        for index in 0..<50 {
            let identify = index % 10 == 0
            let properties: JSONValue = identify ? .object([]) : .object([("total", .number(Double(index)))])
            events.append(Event(type: identify ? .identify : .track, name: identify ? nil : "Step \(index % 7)", messageId: "id-\(index)",
                                timestamp: 1_767_600_000_000 + Int64(index) * 60_000, anonymousId: "anon-\(index % 5)",
                                userId: identify ? "user-\(index % 5)" : nil, context: .object([("channel", .string("web"))]),
                                properties: properties))
        }
        let ndjson = events.map(\.json.json).joined(separator: "\n") + "\n"
        let batch = JSONValue.object([("batch", .array(events.map(\.json)))]).json
        var csv = "timestamp,type,event,messageId,anonymousId,userId,channel,properties.total\n"
        for event in events {
            csv += [Timestamp.iso8601(event.timestamp), event.type.rawValue, event.name ?? "", event.messageId ?? "", event.anonymousId ?? "",
                    event.userId ?? "", "web", event.properties["total"]?.text ?? ""].joined(separator: ",") + "\n"
        }
        let files = [try directory.write(csv, to: "e.csv"), try directory.write(ndjson, to: "e.ndjson"), try directory.write(batch, to: "e.json")]
        var stores: [[String]] = []
        let gzipped = try files.map { try Self.gzip($0) }
        for (index, file) in (files + gzipped).enumerated() {
            let store = try JourneyStore(path: directory.path("s\(index).db"))
            let summary = try Importer(data: store.data).importFile(file)
            #expect(summary.counts.imported == events.count && summary.counts.quarantined == 0, "\(file): \(summary)")
            let counts = try store.data.counts()
            #expect(counts.customers == 5, "five anonymous ids, each later identified by its own user id")
            stores.append(try store.database.read { db in try String.fetchAll(db, sql: "SELECT message FROM events ORDER BY timestamp, message_id") })
        }
        for other in stores.dropFirst() { #expect(other == stores[0]) }
    }

    static func gzip(_ path: String) throws -> String {
        let run = try ChildProcess.run("/bin/gzip", ["-k", "-f", path])
        #expect(run.ending.status == 0 && !run.ending.signalled, "gzip: \(String(decoding: run.error, as: UTF8.self))")
        return path + ".gz"
    }

    @Test("erasing a customer removes its events, identifiers, feedback and quarantined records")
    func erasure() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(Array("""
            timestamp,type,event,messageId,anonymousId,userId,email,properties.metric,properties.score
            2026-01-05T10:00:00Z,track,Viewed,1,a1,,,,
            2026-01-05T10:01:00Z,identify,,2,a1,u1,maya@example.com,,
            2026-01-05T10:02:00Z,feedback,,3,,u1,,nps,9
            2026-01-05T10:03:00Z,track,Viewed,4,a2,,,,
            bad,track,Viewed,5,a1,,maya@example.com,,

            """.utf8), to: "e.csv")
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: store.data).importFile(file)
        #expect(try store.data.counts() == WorkspaceData.Counts(events: 4, customers: 2, identifiers: 4, feedback: 1))
        let maya = try #require(try store.data.findCustomer("Maya@Example.com "))
        #expect(try store.data.findCustomer("u1") == maya)
        #expect(try store.data.findCustomer(CustomerID.text(maya)) == maya)
        let erasure = try #require(try store.data.forget(maya))
        #expect(erasure.events == 3 && erasure.identifiers == 3 && erasure.feedback == 1 && erasure.quarantined == 1)
        #expect(try store.data.counts() == WorkspaceData.Counts(events: 1, customers: 1, identifiers: 1, feedback: 0))
        #expect(try store.data.findCustomer("maya@example.com") == nil)
        let raw = try String(contentsOfFile: directory.path("store.db"), encoding: .isoLatin1) + (try String(contentsOfFile: try store.data.quarantinePath, encoding: .utf8))
        #expect(!raw.contains("maya@example.com"), "no trace of the erased email in the database file or the quarantine")
    }

    @Test("a writer whose identity graph another process changed loads it again before writing: identifiers go to the customers the store has, never to a forgotten one")
    func writersInTwoProcesses() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.db")
        func file(_ name: String, _ rows: String) throws -> String {
            try directory.write(Array(("timestamp,type,event,messageId,anonymousId,userId\n" + rows).utf8), to: name)
        }
        // The server's importer: loaded on the empty store and kept open, on its own connection.
        let server = try Importer(data: try JourneyStore(path: path).data)
        // 'wayfinder import' beside it, on another connection.
        let other = try JourneyStore(path: path)
        _ = try Importer(data: other.data).importFile(try file("1.csv", """
            2026-01-05T10:00:00Z,identify,,1,a1,u1
            2026-01-05T10:01:00Z,track,Viewed,2,a2,

            """))
        let maya = try #require(try other.data.findCustomer("u1")), second = try #require(try other.data.findCustomer("a2"))

        // The server's graph predates both customers: a1 is Maya's, and a2 gains a user id.
        #expect(try server.importFile(try file("2.csv", """
            2026-01-05T11:00:00Z,track,Viewed,3,a1,
            2026-01-05T11:01:00Z,identify,,4,a2,u2

            """)).counts.imported == 2)
        #expect(try other.data.counts().customers == 2)
        #expect(try other.data.customer(maya)?.events == 2)
        #expect(try other.data.findCustomer("u2") == second)

        // Maya is forgotten elsewhere; her anonymous id comes back as a new customer, not as her.
        _ = try other.data.forget(maya)
        _ = try server.importFile(try file("3.csv", "2026-01-05T12:00:00Z,track,Viewed,5,a1,\n"))
        let returning = try #require(try other.data.findCustomer("a1"))
        #expect(returning != maya)
        #expect(try other.data.customer(returning)?.events == 1)
        #expect(try other.data.counts() == WorkspaceData.Counts(events: 3, customers: 2, identifiers: 3, feedback: 0))

        // And the other way round: an import loaded before the server stitched a new customer.
        let late = try Importer(data: other.data)
        _ = try server.importFile(try file("4.csv", "2026-01-05T13:00:00Z,identify,,6,a9,u9\n"))
        _ = try late.importFile(try file("5.csv", "2026-01-05T14:00:00Z,track,Viewed,7,,u9\n"))
        let ninth = try #require(try other.data.findCustomer("a9"))
        #expect(try other.data.findCustomer("u9") == ninth)
        #expect(try other.data.customer(ninth)?.events == 2)
        #expect(try other.data.counts().customers == 3)

        // The newest customer forgotten: its number is never given to someone else.
        _ = try other.data.forget(ninth)
        _ = try server.importFile(try file("6.csv", "2026-01-05T15:00:00Z,track,Viewed,8,a10,\n"))
        let tenth = try #require(try other.data.findCustomer("a10"))
        #expect(tenth > ninth, "cus_\(tenth) must be a new number, not the forgotten cus_\(ninth)")
        // And after a restart too.
        _ = try other.data.forget(tenth)
        _ = try Importer(data: try JourneyStore(path: path).data).importFile(try file("7.csv", "2026-01-05T16:00:00Z,track,Viewed,9,a11,\n"))
        #expect(try #require(try other.data.findCustomer("a11")) > tenth)
    }

    @Test("an empty store is bulk-loaded (indexes built at the end) unless a server collects into it")
    func bulkOnlyWithoutServer() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(Self.csv(Self.good), to: "e.csv")
        func indexedAtEnd(_ store: JourneyStore) throws -> Bool {
            var indexing = false
            _ = try Importer(data: store.data).importFile(file) { progress in if progress.indexing { indexing = true } }
            return indexing
        }
        #expect(try indexedAtEnd(try JourneyStore(path: directory.path("alone.db"))))
        let shared = try JourneyStore(path: directory.path("served.db"))
        let server = try Importer(data: shared.data)
        let stream = try server.openStream(name: "http collection", format: "http")
        #expect(try !indexedAtEnd(shared), "the server's writer needs the unique indexes")
        try server.closeStream(stream)
        #expect(try shared.data.counts().events == 1)
    }

    @Test("a folder, a missing file and broken gzip stop with a message, keeping what was committed")
    func unreadableInput() throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        let importer = try Importer(data: store.data)
        try FileManager.default.createDirectory(atPath: directory.path("folder"), withIntermediateDirectories: true)
        #expect(throws: ByteSource.Failure.self) { try importer.importFile(directory.path("folder")) }
        #expect(throws: ByteSource.Failure.self) { try importer.importFile(directory.path("missing.csv")) }
        let csv = try directory.write(Self.csv((0..<2_000).map { "2026-01-05T10:00:00Z,track,Viewed,m\($0),a\($0 % 50),,,web\n" }.joined()), to: "e.csv")
        let gzipped = try Data(contentsOf: URL(fileURLWithPath: Self.gzip(csv)))
        let truncated = try directory.write(Array(gzipped.prefix(gzipped.count / 2)), to: "cut.csv.gz")
        #expect(throws: ByteSource.Failure.self) { try importer.importFile(truncated) }
        let corrupt = try directory.write([0x1F, 0x8B] + Array("not deflate data at all".utf8), to: "bad.csv.gz")
        #expect(throws: ByteSource.Failure.self) { try importer.importFile(corrupt) }
        let committed = try store.data.counts().events
        #expect(committed < 2_000, "the truncated file ended before its last records")
        // Importing the whole file completes what the truncated one began, without duplicates.
        let completed = try importer.importFile(try Self.gzip(csv)).counts
        #expect(completed.imported == 2_000 - committed && completed.duplicates == committed)
        #expect(try store.data.counts().events == 2_000)
    }

    @Test("a phone country joins national and international numbers", arguments: [(String?.none, 2), ("44", 1)])
    func phoneCountry(country: String?, customers: Int) throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("timestamp,event,messageId,phone\n2026-01-05T10:00:00Z,Called,1,07700 900123\n2026-01-05T11:00:00Z,Called,2,+44 7700 900123\n", to: "p.csv")
        let store = try JourneyStore(path: directory.path("store.db"))
        var options = Importer.Options()
        options.phoneCountry = country
        _ = try Importer(data: store.data, options: options).importFile(file)
        #expect(try store.data.counts().customers == customers)
        // Looked up with the same country, the national form finds the customer of the international one.
        let international = try store.data.findCustomer("+447700900123")
        #expect(international != nil)
        #expect((try store.data.findCustomer("07700 900123", phoneCountry: country) == international) == (country != nil))
    }

    @Test("an identify sets the customer's traits from traits, or from context.traits when it has none (as RudderStack's SDKs send them)")
    func identifyTraits() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("""
            {"type":"identify","userId":"segment-style","traits":{"plan":"pro","email":"a@example.com"},"context":{"traits":{"plan":"ignored"}},"timestamp":"2026-01-05T10:00:00Z"}
            {"type":"identify","userId":"rudder-style","context":{"traits":{"plan":"team","email":"b@example.com"}},"timestamp":"2026-01-05T10:00:00Z"}
            {"type":"track","userId":"no-traits","event":"A","context":{"traits":{"plan":"not an identify"}},"timestamp":"2026-01-05T10:00:00Z"}

            """, to: "identify.ndjson")
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: store.data).importFile(file)
        func traits(_ id: String) throws -> String? { try store.data.findCustomer(id).flatMap { try store.data.customer($0)?.traits } }
        #expect(try traits("segment-style") == #"{"plan":"pro","email":"a@example.com"}"#)
        #expect(try traits("rudder-style") == #"{"plan":"team","email":"b@example.com"}"#)
        #expect(try traits("no-traits") == "{}")
        #expect(try store.data.findCustomer("b@example.com") == store.data.findCustomer("rudder-style"))
    }

    @Test("identities stitch across devices and channels, and junk never links")
    func stitching() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(Array("""
            timestamp,type,event,messageId,anonymousId,userId,email,phone,channel
            2026-01-05T10:00:00Z,track,A,1,phone-app,,,,mobile-app
            2026-01-05T10:00:00Z,track,A,2,laptop,,,,web
            2026-01-05T10:01:00Z,identify,,3,laptop,u1, Maya@Example.com ,,web
            2026-01-05T10:02:00Z,identify,,4,phone-app,u1,,+44 7700 900123,mobile-app
            2026-01-05T10:03:00Z,track,Called,5,,,,0044 7700 900123,phone
            2026-01-05T10:04:00Z,track,Clicked,6,,,maya@example.com,,email
            2026-01-05T10:05:00Z,track,A,7,other,undefined,,,web
            2026-01-05T10:06:00Z,track,A,8,another,undefined,,,web

            """.utf8), to: "e.csv")
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: store.data).importFile(file)
        let maya = try #require(try store.data.findCustomer("u1"))
        #expect(try store.data.customer(maya)?.identifiers == ["anonymous:laptop", "anonymous:phone-app", "email:maya@example.com", "phone:+447700900123", "user:u1"])
        #expect(try store.data.customer(maya)?.events == 6)
        #expect(try store.data.counts().customers == 3, "the two users of the junk user id stay apart")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
