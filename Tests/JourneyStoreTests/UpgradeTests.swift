import Foundation
import GRDB
@testable import JourneyStore
import Testing
import WayfinderTesting

/// Opening a store of an earlier release with this one: every row's content is kept, and a
/// migration that fails leaves the store exactly as the earlier release wrote it.
@Suite("Schema upgrades")
struct UpgradeTests {
    /// The columns every schema version has, read with plain SQL, independently of the store's code.
    static let content = [
        "SELECT id, customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_line FROM events ORDER BY id",
        "SELECT id, kind, value, customer_id FROM identities ORDER BY id",
        "SELECT event_id, customer_id, timestamp, metric, score, text, touchpoint FROM feedback ORDER BY event_id",
        "SELECT id, merged_into, first_seen, last_seen, traits FROM customers ORDER BY id",
    ]

    /// The rows of `queries` as text (each value with its storage type), compared whole, and the rows per query.
    static func digest(_ path: String, _ queries: [String] = content) throws -> (digest: [String], rows: [Int]) {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try queue.read { db in
            var text: [String] = []
            var rows: [Int] = []
            for query in queries {
                var count = 0
                for row in try Row.fetchAll(db, sql: query) {
                    count += 1
                    text.append(row.databaseValues.map { "\($0.storage)" }.joined(separator: "\u{1F}"))
                }
                rows.append(count)
            }
            return (text, rows)
        }
    }

    static func migrations(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
    }

    static func fixture(_ name: String, into directory: TemporaryDirectory) throws -> String {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/previous-release", withExtension: nil))
        let path = directory.path("store.db")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("\(name).db"), to: URL(fileURLWithPath: path))
        return path
    }

    @Test("each released fixture store migrates to this release keeping every event, identifier, answer and customer as it was",
          arguments: ["with-workspace", "without-workspace"])
    func upgradeKeepsContent(_ fixture: String) throws {
        let directory = try TemporaryDirectory()
        let path = try Self.fixture(fixture, into: directory)
        let before = try Self.digest(path)
        // As the fixtures' README describes them: 172 events, 96 identifiers, 23 answers, 26 customers and 4 merged into them.
        #expect(before.rows == [172, 96, 23, 30], "\(before.rows)")
        _ = try JourneyStore(path: path)
        #expect(try Self.migrations(path) == Schema.migrator.migrations)
        let after = try Self.digest(path)
        #expect(after.rows == before.rows)
        #expect(after.digest == before.digest, "a migration changed the content of a row")
        #expect(!FileManager.default.fileExists(atPath: path + ".before-upgrade"), "the copy kept during the upgrade is removed")
    }

    @Test("a migration that fails part-way leaves the store exactly as the earlier release wrote it, and says which migration failed")
    func failedUpgradeLeavesStoreUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.fixture("with-workspace", into: directory)
        let tables = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        let before = try Self.digest(path, Self.content + [tables])
        let applied = try Self.migrations(path)
        // This release's migrations, then one that deletes data and then fails.
        var migrator = Schema.migrator
        migrator.registerMigration("fails-on-purpose") { db in
            try db.execute(sql: "DELETE FROM events")
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "a migration that fails on purpose")
        }
        #expect { try JourneyStore(path: path, migrator: migrator) } throws: { error in
            let text = "\(error)"
            return text.contains("migration 'fails-on-purpose'") && text.contains("the store is as the earlier release left it")
        }
        #expect(try Self.migrations(path) == applied, "no migration of this release stays applied")
        let after = try Self.digest(path, Self.content + [tables])
        #expect(after.rows == before.rows && after.digest == before.digest, "the schema and every row are as they were")
        #expect(!FileManager.default.fileExists(atPath: path + ".before-upgrade"))
        // The earlier release's store still opens and upgrades with the real migrations.
        let store = try JourneyStore(path: path)
        #expect(try store.data.counts().events == 172)
    }

    @Test("an upgrade interrupted after some migrations keeps the copy it made of the earlier store, and a failure then puts that copy back, not the half-migrated store")
    func interruptedUpgrade() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.fixture("with-workspace", into: directory)
        let original = try Self.digest(path)
        let applied = try Self.migrations(path)
        // As a killed upgrade leaves it: the whole copy beside the store, and some migrations committed.
        try FileManager.default.copyItem(atPath: path, toPath: path + ".before-upgrade")
        let next = try #require(Schema.migrator.migrations.first { !applied.contains($0) })
        let pool = try DatabasePool(path: path)
        try Schema.migrator.migrate(pool, upTo: next)
        try pool.close()
        #expect(try Self.migrations(path).count == applied.count + 1)
        var migrator = Schema.migrator
        migrator.registerMigration("fails-on-purpose") { _ in throw DatabaseError(resultCode: .SQLITE_ERROR, message: "fails on purpose") }
        #expect(throws: JourneyStore.Failure.self) { try JourneyStore(path: path, migrator: migrator) }
        #expect(try Self.migrations(path) == applied, "the store is the earlier release's again")
        #expect(try Self.digest(path).digest == original.digest)
        // And an upgrade that completes removes the copy.
        try FileManager.default.copyItem(atPath: path, toPath: path + ".before-upgrade")
        _ = try JourneyStore(path: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".before-upgrade"))
    }
}
