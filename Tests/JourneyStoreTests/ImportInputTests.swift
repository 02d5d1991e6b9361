import CustomerData
import Foundation
import GRDB
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Import of damaged input")
struct ImportInputTests {
    static func sources(_ store: JourneyStore) throws -> Int {
        try store.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sources") ?? -1 }
    }

    @Test("a CSV header that cannot be used stops the file before anything is recorded: no source, no event, no quarantine",
          arguments: [Array("timestamp,".utf8) + [0xC3, 0x28] + Array("vent,anonymousId\n".utf8), Array("name,age\n".utf8)])
    func badHeader(_ header: [UInt8]) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(header + Array("2026-01-05T10:00:00Z,Viewed,a1\n2026-01-05T11:00:00Z,Bought,a2\n".utf8), to: "events.csv")
        let store = try JourneyStore(path: directory.path("store.db"))
        let failure = try #require(throws: ByteSource.Failure.self) { _ = try Importer(data: store.data).importFile(path) }
        #expect(failure.description.hasPrefix("line 1 (the header)"), "\(failure)")
        #expect(try store.data.counts().events == 0)
        #expect(try Self.sources(store) == 0, "nothing of the file is acknowledged")
        #expect(!FileManager.default.fileExists(atPath: try store.data.quarantinePath))
    }

    @Test("a Segment batch with one message holding 1e309 imports the others and quarantines that one at its position")
    func batchNumber() throws {
        let directory = try TemporaryDirectory()
        let messages = (0..<3).map { number in
            #"{"type": "track", "event": "Viewed", "anonymousId": "a\#(number)", "timestamp": "2026-01-05T10:00:00Z", "properties": {"total": \#(number == 1 ? "1e309" : "12")}}"#
        }
        let path = try directory.write(#"{"batch": [\#(messages.joined(separator: ",\n"))]}"#, to: "batch.json")
        let store = try JourneyStore(path: directory.path("store.db"))
        let counts = try Importer(data: store.data).importFile(path).counts
        #expect(counts.records == 3 && counts.imported == 2 && counts.quarantined == 1, "\(counts)")
        let entries = try ImportTests.quarantine(store)
        #expect(entries.map(\.line) == [2])
        #expect(entries.first?.reason.contains("1e309 is out of range") == true, "\(entries)")
    }

    #if os(Linux)
    @Test("a file whose reading fails stops the import naming the error, and records nothing")
    func readError() throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        let failure = try #require(throws: ByteSource.Failure.self) { _ = try Importer(data: store.data).importFile("/proc/self/mem", format: .ndjson) }
        #expect(failure.description.contains("Input/output error"), "\(failure)")
        #expect(try Self.sources(store) == 0)
    }
    #endif

    @Test("a file that stops half way through a bulk load leaves the store as a rerun needs it: importing it whole adds each record once")
    func failedBulkLoad() throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        var options = Importer.Options()
        options.batchSize = 100
        let importer = try Importer(data: store.data, options: options)
        let rows = (0..<2_000).map { "2026-01-05T10:00:00Z,track,Viewed,m\($0),a\($0 % 50),,,web\n" }.joined()
        let whole = TestCompression.compress(ImportTests.csv(rows))
        let cut = try directory.write(Array(whole.prefix(whole.count * 3 / 4)), to: "cut.csv.gz")
        #expect(throws: ByteSource.Failure.self) { _ = try importer.importFile(cut) }
        let committed = try store.data.counts().events
        try #require(committed > 0 && committed < 2_000, "the cut file ends after some batches were committed")
        let completed = try importer.importFile(try directory.write(whole, to: "whole.csv.gz")).counts
        #expect(completed.duplicates == committed && completed.imported == 2_000 - committed, "\(completed)")
        #expect(try store.data.counts().events == 2_000)
    }
}
