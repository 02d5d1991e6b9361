import CustomerData
import Foundation
import GRDB
import JourneyStore
import Synchronization
import Testing
import WayfinderTesting

@Suite("Backup and restore")
struct BackupTests {
    /// A CSV batch of `count` events with message ids `batch-N-I`, of 20 visitors.
    static func batch(_ number: Int, count: Int = 200) -> String {
        "timestamp,type,event,messageId,anonymousId,channel\n" + (0..<count).map { event in
            "2026-05-01T12:\(String(format: "%02d", event % 60)):00Z,track,Product Viewed,batch-\(number)-\(event),visitor-\(event % 20),web"
        }.joined(separator: "\n") + "\n"
    }

    static func messageIDs(_ path: String) throws -> Set<String> {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try queue.read { db in try Set(String.fetchAll(db, sql: "SELECT message_id FROM events")) }
    }

    /// A store in `directory` holding batch 1 (200 events of 20 visitors), and its path.
    static func storeWithOneBatch(in directory: TemporaryDirectory) throws -> (store: JourneyStore, importer: Importer, path: String) {
        let path = directory.path("store.db")
        let store = try JourneyStore(path: path)
        let importer = try Importer(data: store.data)
        _ = try importer.importFile(try directory.write(batch(1), to: "b1.csv"))
        return (store, importer, path)
    }

    @Test("a backup taken while another thread imports holds every batch committed before it began, whole batches only, and passes the integrity check")
    func backupUnderLoad() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.db")
        let store = try JourneyStore(path: path)
        let importer = try Importer(data: store.data)
        for number in 0..<3 { _ = try importer.importFile(try directory.write(Self.batch(number), to: "b\(number).csv")) }

        // The writer imports batch after batch on its own thread until told to stop.
        let committed = Mutex(3)
        let stop = Atomic(false)
        let writer = Thread {
            guard let importer = try? Importer(data: store.data) else { return }
            var number = 3
            while !stop.load(ordering: .relaxed) {
                guard let file = try? directory.write(Self.batch(number), to: "b\(number).csv"), (try? importer.importFile(file)) != nil else { return }
                committed.withLock { $0 = number + 1 }
                number += 1
            }
        }
        writer.start()
        while committed.withLock({ $0 }) < 6 { Thread.sleep(forTimeInterval: 0.01) }
        let before = committed.withLock { $0 }
        // One page a step, so that the writer commits between the steps of the copy.
        let summary = try StoreBackup.backup(store: path, to: directory.path("backup.db"), pagesPerStep: 1)
        stop.store(true, ordering: .relaxed)
        while committed.withLock({ $0 }) == before, !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }

        let saved = try Self.messageIDs(directory.path("backup.db"))
        for number in 0..<before {
            #expect(saved.contains("batch-\(number)-0") && saved.contains("batch-\(number)-199"), "batch \(number), committed before the backup began, is missing")
        }
        #expect(saved.count % 200 == 0, "a batch was copied in part: \(saved.count) events")
        #expect(summary.events == saved.count)
        let check = try DatabaseQueue(path: directory.path("backup.db")).read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        #expect(!FileManager.default.fileExists(atPath: directory.path("backup.db.partial")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("backup.db-wal")), "the backup is one file")
        #expect(committed.withLock { $0 } > before, "the writer went on committing during the backup")
        let mode = try FileManager.default.attributesOfItem(atPath: directory.path("backup.db"))[.posixPermissions] as? Int
        #expect(mode == 0o600, "customer data is readable by its owner only: \(String(mode ?? 0, radix: 8))")
    }

    @Test("a backup into a folder that does not exist makes it; a folder as --out is refused, and nothing in it is touched, with --replace too")
    func backupDestinations() throws {
        let directory = try TemporaryDirectory()
        let (_, _, path) = try Self.storeWithOneBatch(in: directory)
        #expect(try StoreBackup.backup(store: path, to: directory.path("backups/2026/nightly.db")).events == 200)
        try directory.write("an earlier backup", to: "kept/old.db")
        for replace in [false, true] {
            #expect { try StoreBackup.backup(store: path, to: directory.path("kept"), replace: replace) } throws: { error in
                "\(error)".contains("a folder; name the backup file in it")
            }
        }
        #expect(try String(contentsOfFile: directory.path("kept/old.db"), encoding: .utf8) == "an earlier backup")
        // --replace swaps the file in one rename: an earlier backup is whole until the new one is.
        _ = try StoreBackup.backup(store: path, to: directory.path("backups/2026/nightly.db"), replace: true)
        #expect(try Self.messageIDs(directory.path("backups/2026/nightly.db")).count == 200)
    }

    @Test("a restore is refused while a server runs on the store, and goes through once it has stopped")
    func restoreRefusedUnderServer() throws {
        let directory = try TemporaryDirectory()
        let (_, _, path) = try Self.storeWithOneBatch(in: directory)
        _ = try StoreBackup.backup(store: path, to: directory.path("backup.db"))
        // A server in another process holds the mark; here flock(1) holds the same lock (-o: its
        // command does not inherit it, so the lock ends with flock itself).
        let holder = try ChildProcess("/usr/bin/flock", ["--shared", "-o", path + ".lock", "sleep", "20"], environment: ProcessInfo.processInfo.environment)
        // flock waits for its command whatever signal it gets but SIGKILL.
        defer { if holder.isRunning { holder.send(SIGKILL) } }
        var waited = 0
        while waited < 200, !FileManager.default.fileExists(atPath: path + ".lock") {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect { try StoreBackup.restore(directory.path("backup.db"), to: path, replace: true) } throws: { error in
            "\(error)".contains("a wayfinder server is running on this store; stop it")
        }
        holder.send(SIGKILL)
        _ = holder.wait()
        #expect(try StoreBackup.restore(directory.path("backup.db"), to: path, replace: true).events == 200)
    }

    @Test("a restore puts back exactly what was backed up, refuses to overwrite a store with data unless asked, and refuses what is not a sound Wayfinder backup")
    func restore() throws {
        let directory = try TemporaryDirectory()
        let (_, importer, path) = try Self.storeWithOneBatch(in: directory)
        let backup = try StoreBackup.backup(store: path, to: directory.path("backup.db"))
        #expect(backup.events == 200 && backup.customers == 20 && backup.workspaces == 1, "\(backup)")

        // A second backup under the same name is refused; the first stays.
        #expect(throws: JourneyStore.Failure.self) { try StoreBackup.backup(store: path, to: directory.path("backup.db")) }
        #expect(try Self.messageIDs(directory.path("backup.db")).count == 200)

        let restored = try StoreBackup.restore(directory.path("backup.db"), to: directory.path("restored.db"))
        #expect(restored.events == 200 && restored.customers == 20 && restored.migrated == 0, "\(restored)")
        #expect(try Self.messageIDs(directory.path("restored.db")) == Self.messageIDs(path))
        let reopened = try JourneyStore(path: directory.path("restored.db"))
        #expect(try reopened.data.counts().events == 200)

        // The live store now has more; restoring over it needs --replace, and then it is as backed up.
        _ = try importer.importFile(try directory.write(Self.batch(2), to: "b2.csv"))
        #expect { try StoreBackup.restore(directory.path("backup.db"), to: path) } throws: { error in
            "\(error)".contains("--replace") && "\(error)".contains("400 events")
        }
        #expect(try Self.messageIDs(path).count == 400, "a refused restore changes nothing")
        _ = try StoreBackup.restore(directory.path("backup.db"), to: path, replace: true)
        #expect(try Self.messageIDs(path).count == 200)

        // What is not a sound backup is refused, saying what it is.
        let cases: [(name: String, bytes: [UInt8], says: String)] = [
            ("text.db", Array("timestamp,type\n".utf8), "not a SQLite database"),
            ("empty.db", [], "not a SQLite database"),
            ("cut.db", Array(try Data(contentsOf: URL(fileURLWithPath: directory.path("backup.db"))).prefix(8192)), "backup"),
        ]
        for (name, bytes, says) in cases {
            try directory.write(bytes, to: name)
            #expect { try StoreBackup.restore(directory.path(name), to: directory.path("new-\(name)")) } throws: { error in
                "\(error)".contains(says) && "\(error)".contains(name)
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path("new-\(name)")), "\(name): nothing written")
        }
        let other = try DatabaseQueue(path: directory.path("other.db"))
        try other.write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
        try other.close()
        #expect { try StoreBackup.restore(directory.path("other.db"), to: directory.path("new-other.db")) } throws: { error in
            "\(error)".contains("not a Wayfinder store")
        }
        #expect { try StoreBackup.backup(store: directory.path("missing.db"), to: directory.path("x.db")) } throws: { error in
            "\(error)".contains("no such file")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("missing.db")), "backing up a missing store creates none")
    }

    @Test("a backup made by a newer release, whose schema has a migration this one does not know, is refused")
    func newerBackup() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.db")
        _ = try JourneyStore(path: path)
        _ = try StoreBackup.backup(store: path, to: directory.path("backup.db"))
        let queue = try DatabaseQueue(path: directory.path("backup.db"))
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('from-the-future-v9')") }
        try queue.close()
        #expect { try StoreBackup.restore(directory.path("backup.db"), to: directory.path("restored.db")) } throws: { error in
            "\(error)".contains("newer Wayfinder") && "\(error)".contains("from-the-future-v9")
        }
    }
}
