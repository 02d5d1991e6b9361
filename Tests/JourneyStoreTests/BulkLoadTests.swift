import CustomerData
import Foundation
import GRDB
import JourneyModel
@testable import JourneyStore
import Testing
import WayfinderTesting

/// A first import into an empty store is a bulk load (indexes built at the end, duplicates found
/// in memory, merges resolved in one pass); later imports maintain the indexes record by record.
/// Both paths must leave the same store.
@Suite("Bulk load")
struct BulkLoadTests {
    /// Generated retail data with some records repeated, cut into `parts` files of whole lines.
    static func data(in directory: TemporaryDirectory, parts: Int) throws -> (whole: String, parts: [String]) {
        let generator = ScenarioGenerator(template: .retail, customers: 300, seed: 5)
        _ = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(generator)
        let text = try String(contentsOfFile: directory.path("data/events.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = lines.removeFirst()
        // Repeats: a run early in the file again in the middle, and a few records twice in a row.
        lines.insert(contentsOf: lines[10..<40], at: lines.count / 2)
        for index in stride(from: 100, to: 400, by: 37) { lines.insert(lines[index], at: index + 1) }
        let whole = try directory.write(([header] + lines).joined(separator: "\n") + "\n", to: "whole.csv")
        let size = lines.count / parts + 1
        var files: [String] = []
        for part in 0..<parts {
            let slice = lines[min(part * size, lines.count)..<min((part + 1) * size, lines.count)]
            files.append(try directory.write(([header] + slice).joined(separator: "\n") + "\n", to: "part\(part).csv"))
        }
        return (whole, files)
    }

    /// Everything a store holds, with events named by content and customers resolved through merges.
    static func snapshot(_ store: JourneyStore) throws -> [String: [String]] {
        try store.database.read { db in
            func rows(_ sql: String) throws -> [String] {
                try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }.sorted()
            }
            return [
                // A merged customer's own row is history; what counts is the customer it joined.
                "customers": try rows("""
                    SELECT id, merged_into, iif(merged_into IS NULL, first_seen, NULL), iif(merged_into IS NULL, last_seen, NULL),
                        iif(merged_into IS NULL, traits, NULL) FROM customers
                    """),
                "identities": try rows("SELECT kind, value, customer_id FROM identities"),
                "events": try rows("""
                    SELECT coalesce(c.merged_into, c.id), e.timestamp, e.type, e.name, e.channel, e.message_id, e.message, hex(e.dedupe)
                    FROM events e JOIN customers c ON c.id = e.customer_id
                    """),
                "feedback": try rows("""
                    SELECT coalesce(c.merged_into, c.id), f.timestamp, f.metric, f.score, f.text, f.touchpoint
                    FROM feedback f JOIN customers c ON c.id = f.customer_id
                    """),
            ]
        }
    }

    /// Equal row lists, reporting a few differing rows rather than both lists.
    static func expectSame(_ left: [String], _ right: [String], _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let onlyLeft = left.filter { !Set(right).contains($0) }.prefix(3), onlyRight = right.filter { !Set(left).contains($0) }.prefix(3)
        #expect(left.count == right.count && onlyLeft.isEmpty && onlyRight.isEmpty,
                "\(what): \(left.count) against \(right.count) rows; only left \(Array(onlyLeft)); only right \(Array(onlyRight))",
                sourceLocation: sourceLocation)
    }

    static func indexes(_ store: JourneyStore) throws -> Set<String> {
        try store.database.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'")) }
    }

    @Test("one bulk load and an import in three parts give the same store, duplicates included")
    func sameStore() throws {
        let directory = try TemporaryDirectory()
        let (whole, parts) = try Self.data(in: directory, parts: 3)

        let bulk = try JourneyStore(path: directory.path("bulk.db"))
        let bulkCounts = try Importer(data: bulk.data).importFile(whole).counts

        let stepwise = try JourneyStore(path: directory.path("stepwise.db"))
        let importer = try Importer(data: stepwise.data)
        var stepCounts = Importer.Counts()
        for part in parts {
            let counts = try importer.importFile(part).counts
            stepCounts.records += counts.records
            stepCounts.imported += counts.imported
            stepCounts.duplicates += counts.duplicates
        }
        // 30 repeated records in the middle and 9 repeated in a row.
        #expect(bulkCounts.duplicates == 39)
        #expect(bulkCounts.imported == stepCounts.imported && bulkCounts.duplicates == stepCounts.duplicates)
        #expect(importer.summary().customersMerged > 0, "the data stitches anonymous visitors into known customers")

        let left = try Self.snapshot(bulk), right = try Self.snapshot(stepwise)
        for table in left.keys.sorted() {
            Self.expectSame(left[table] ?? [], right[table] ?? [], "\(table): bulk load against stepwise import")
        }
        let deferred = Set(Schema.deferredIndexes.map(\.name))
        #expect(try Self.indexes(bulk).isSuperset(of: deferred))
        #expect(try Self.indexes(stepwise).isSuperset(of: deferred))

        // Importing the whole file again into the bulk-loaded store adds nothing.
        let again = try Importer(data: bulk.data).importFile(whole).counts
        #expect(again.imported == 0 && again.duplicates == again.records)
    }

    @Test("a bulk load cut short is completed when the store next opens")
    func interrupted() throws {
        let directory = try TemporaryDirectory()
        let (whole, _) = try Self.data(in: directory, parts: 1)
        let path = directory.path("store.db")
        let expected: [String: [String]]
        do {
            let store = try JourneyStore(path: path)
            _ = try Importer(data: store.data).importFile(whole)
            expected = try Self.snapshot(store)
            // What a load killed before its end leaves: no deferred indexes, identifiers and
            // feedback still on merged customers, first and last seen not yet set.
            try store.database.write { db in
                try JourneyStore.dropDeferredIndexes(db)
                try db.execute(sql: "UPDATE customers SET first_seen = NULL, last_seen = NULL")
                let merged = try Row.fetchAll(db, sql: "SELECT id, merged_into FROM customers WHERE merged_into IS NOT NULL")
                #expect(!merged.isEmpty)
                for row in merged {
                    let old: Int64 = row[0], into: Int64 = row[1]
                    // Hand one identifier of the survivor back to the merged customer.
                    try db.execute(sql: "UPDATE identities SET customer_id = ? WHERE rowid = (SELECT min(rowid) FROM identities WHERE customer_id = ?)",
                                   arguments: [old, into])
                }
            }
        }
        let reopened = try JourneyStore(path: path)
        #expect(try Self.indexes(reopened).isSuperset(of: Set(Schema.deferredIndexes.map(\.name))))
        let repaired = try Self.snapshot(reopened)
        for table in expected.keys.sorted() {
            Self.expectSame(repaired[table] ?? [], expected[table] ?? [], "\(table) after the repair")
        }
    }

    @Test("the digest set agrees with Swift's Set on random, colliding and zero digests")
    func digestSet() {
        var random = SplitMix64(seed: 42)
        var set = DigestSet(capacity: 4)
        var reference = Set<[UInt64]>()
        // A pool of 20,000 digests drawn again and again forces repeats; every tenth shares its
        // low word (the slot) with the one before, forcing probes past occupied slots.
        var pool: [(UInt64, UInt64)] = []
        for index in 0..<20_000 { pool.append((random.next(), index % 10 == 0 && index > 0 ? pool[index - 1].1 : random.next())) }
        var disagreements: [Int] = []
        for step in 0..<60_000 {
            if step == 30_000 { set.reserve(200_000) }
            let digest = step % 997 == 0 ? (UInt64(0), UInt64(0)) : pool[Int(random.next() % 20_000)]
            if set.insert(digest) != reference.insert([digest.0, digest.1]).inserted { disagreements.append(step) }
        }
        #expect(disagreements.isEmpty, "steps where the digest set and Set disagree: \(disagreements.prefix(5))")
        #expect(set.count == reference.count - (reference.contains([0, 0]) ? 1 : 0))
    }
}
