import Foundation
import GRDB

/// Online backup and restore of the embedded store, with SQLite's backup API.
///
/// A backup copies the store as it was at one moment (the snapshot of one read transaction)
/// while a server goes on writing: every event acknowledged before the backup began is in it,
/// nothing half-written is. The copy is made beside the destination, checked with
/// `PRAGMA integrity_check`, made durable and only then renamed into place, so a failed or
/// interrupted backup never leaves a partial file under the destination's name.
///
/// A restore checks the backup the same way, copies it into the store in one transaction (a
/// store a server has open sees the old contents or the new, never a mix), brings its schema
/// up to date with the current release's migrations and removes the analytics indexes kept
/// beside the store, which were built from the data it replaces.
public enum StoreBackup {
    /// What a backup or a restore copied.
    public struct Summary: Sendable, Equatable {
        /// The size of the copied database in bytes.
        public var bytes: Int64
        /// Workspaces, events, customers (merged ones counted once) and survey answers in the copy.
        public var workspaces: Int
        public var events: Int
        public var customers: Int
        public var answers: Int
        /// The schema migrations the copy had, and the ones a restore added.
        public var migrations: Int
        public var migrated: Int
    }

    /// How far a copy is, in database pages.
    public typealias Progress = (_ copied: Int, _ total: Int) -> Void

    /// The pages copied between two progress reports: 16 MB of 4 KB pages.
    public static let pagesPerStep: Int32 = 4096

    /// Copies the store at `path` into a new file `destination` while others may write to it.
    /// An existing `destination` is replaced only with `replace`.
    ///
    /// The backup file is readable by its owner only (it holds customer data); its folder is
    /// made when missing. `pagesPerStep` is how many pages each step of the copy takes (tests
    /// take one, so that writes land between steps).
    public static func backup(store path: String, to destination: String, replace: Bool = false, pagesPerStep: Int32 = pagesPerStep,
                              progress: Progress = { _, _ in }) throws(JourneyStore.Failure) -> Summary {
        let source = try openExisting(path, role: "the store", readOnly: false)
        if sameFile(destination, path) {
            throw JourneyStore.Failure(description: "\(destination): this is the store itself; name a file elsewhere")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder) {
            if isFolder.boolValue {
                throw JourneyStore.Failure(description: "\(destination): a folder; name the backup file in it, such as \((destination as NSString).appendingPathComponent("wayfinder.db"))")
            }
            if !replace { throw JourneyStore.Failure(description: "\(destination): a file is already there; name another, or pass --replace to overwrite it") }
        }
        let partial = destination + ".partial"
        removeDatabaseFiles(partial)
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: destination).deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw JourneyStore.Failure(description: "\(destination): cannot create the backup file beside it; check that the folder is writable")
            }
            let target = try DatabaseQueue(path: partial)
            try withoutActuallyEscaping(progress) { progress in
                try source.backup(to: target, pagesPerStep: pagesPerStep) { step in
                    progress(step.totalPageCount - step.remainingPageCount, step.totalPageCount)
                }
            }
            // One self-contained file: the copy keeps no write-ahead log.
            try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try check(target, path: partial, role: "the backup")
            var summary = try summarize(target)
            try target.close()
            try sync(partial)
            // rename(2) replaces an earlier backup in one step: either file is whole at any moment.
            guard rename(partial, destination) == 0 else {
                throw JourneyStore.Failure(description: "\(destination): cannot put the backup in place (errno \(errno)); nothing was written there")
            }
            try sync(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
            summary.bytes = size(of: destination)
            return summary
        } catch let failure as JourneyStore.Failure {
            removeDatabaseFiles(partial)
            throw failure
        } catch {
            removeDatabaseFiles(partial)
            throw JourneyStore.Failure(description: "\(destination): the backup failed (\(reason(error))); nothing was written there\(hint(error))")
        }
    }

    /// Puts the backup `file` back as the store at `path`. A store that holds workspaces or
    /// events is replaced only with `replace`.
    public static func restore(_ file: String, to path: String, replace: Bool = false, progress: Progress = { _, _ in }) throws(JourneyStore.Failure) -> Summary {
        if sameFile(file, path) { throw JourneyStore.Failure(description: "\(path): this is the backup itself; name the store to restore into") }
        let backup = try openExisting(file, role: "the backup", readOnly: true)
        var summary: Summary
        do {
            try check(backup, path: file, role: "the backup")
            try migrationsKnown(backup, path: file)
            summary = try summarize(backup)
        } catch let failure as JourneyStore.Failure {
            throw failure
        } catch {
            throw JourneyStore.Failure(description: "\(file): cannot read the backup (\(reason(error)))")
        }
        if isServed(path) {
            throw JourneyStore.Failure(description: "\(path): a wayfinder server is running on this store; stop it, restore, then start it again (a running server keeps customers it has read in memory, which the restore would contradict)")
        }
        if FileManager.default.fileExists(atPath: path) {
            let held: Summary
            do { held = try summarize(try openExisting(path, role: "the store", readOnly: false)) } catch let failure as JourneyStore.Failure {
                throw failure
            } catch { throw JourneyStore.Failure(description: "\(path): cannot read the store to restore into (\(reason(error)))") }
            if !replace, held.workspaces > 0 || held.events > 0 {
                throw JourneyStore.Failure(description: "\(path): the store holds \(held.workspaces == 1 ? "1 workspace" : "\(held.workspaces) workspaces") and \(held.events == 1 ? "1 event" : "\(held.events) events"); pass --replace to put the backup in their place (back it up first), or restore into a new file")
            }
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            let target = try DatabasePool(path: path, configuration: configuration)
            // One step, so one transaction of the target: its readers see the old store or the new.
            progress(0, 1)
            try backup.backup(to: target)
            progress(1, 1)
            try target.close()
        } catch {
            throw JourneyStore.Failure(description: "\(path): the restore failed (\(reason(error))); the store is as it was\(hint(error))")
        }
        // The analytics indexes were built from the data the restore replaced.
        let location = URL(fileURLWithPath: path)
        let folder = location.deletingLastPathComponent()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(location.lastPathComponent + ".index.") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        let before = summary.migrations
        let store = try JourneyStore(path: path)
        do {
            summary.migrations = try store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0 }
        } catch {
            throw JourneyStore.Failure(description: "\(path): restored, but its schema cannot be read (\(reason(error)))")
        }
        summary.migrated = summary.migrations - before
        summary.bytes = size(of: path)
        return summary
    }

    /// The file whose shared lock marks a store a server runs on: beside the store, since
    /// closing any descriptor of the database file itself would drop SQLite's own locks.
    static func servedMark(_ path: String) -> String { path + ".lock" }

    /// Marks the store at `path` as served until this process ends (a shared `flock`, which the
    /// system releases when the process exits, however it ends).
    public static func markServed(_ path: String) throws(JourneyStore.Failure) {
        let descriptor = open(servedMark(path), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw JourneyStore.Failure(description: "\(servedMark(path)): cannot mark the store as served (errno \(errno)); check that its folder is writable, and that no restore runs on it")
        }
        // The descriptor stays open, and the lock held, for the life of the process.
    }

    /// Whether a running server has the store at `path` open.
    static func isServed(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: servedMark(path)) else { return false }
        let descriptor = open(servedMark(path), O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // The exclusive lock is granted only when no process holds the shared one.
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { flock(descriptor, LOCK_UN); return false }
        return true
    }

    /// Opens a file that must already be a Wayfinder store: a store in use as a pool (its readers
    /// share the write-ahead log with a running server), a backup read only, so that reading it
    /// changes nothing in it.
    private static func openExisting(_ path: String, role: String, readOnly: Bool) throws(JourneyStore.Failure) -> any DatabaseReader {
        guard FileManager.default.fileExists(atPath: path) else {
            throw JourneyStore.Failure(description: "\(path): no such file; name \(role) (a file 'wayfinder import', 'serve' or 'backup' wrote)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw JourneyStore.Failure(description: "\(path): cannot be read; check its permissions")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\0".utf8) else {
            throw JourneyStore.Failure(description: "\(path): not a SQLite database, so not \(role); name the file 'wayfinder import', 'serve' or 'backup' wrote")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        do {
            let pool: any DatabaseReader = readOnly ? try DatabaseQueue(path: path, configuration: configuration) : try DatabasePool(path: path, configuration: configuration)
            let wayfinder = try pool.read { db in try db.tableExists("grdb_migrations") && db.tableExists("events") }
            guard wayfinder else {
                throw JourneyStore.Failure(description: "\(path): a SQLite database, but not a Wayfinder store (it has no events table); name \(role) 'wayfinder' wrote")
            }
            return pool
        } catch let failure as JourneyStore.Failure {
            throw failure
        } catch {
            throw JourneyStore.Failure(description: "\(path): cannot open \(role) (\(reason(error)))")
        }
    }

    /// Refuses a store whose schema has migrations this release does not know (a newer release wrote it).
    private static func migrationsKnown(_ database: any DatabaseReader, path: String) throws {
        let applied = try database.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        let known = Set(Schema.migrator.migrations)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw JourneyStore.Failure(description: "\(path): written by a newer Wayfinder (its schema has migration '\(unknown)', which this release does not know); use that release or a newer one")
        }
    }

    private static func check(_ database: some DatabaseReader, path: String, role: String) throws {
        let result = try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        guard result == ["ok"] else {
            throw JourneyStore.Failure(description: "\(path): \(role) is damaged (integrity check: \(result.prefix(3).joined(separator: "; "))); use another backup")
        }
    }

    private static func summarize(_ database: some DatabaseReader) throws -> Summary {
        try database.read { db in
            func count(_ table: String, _ condition: String = "") throws -> Int {
                try db.tableExists(table) ? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)\(condition)") ?? 0 : 0
            }
            return Summary(bytes: 0, workspaces: try count("workspaces"), events: try count("events"), customers: try count("customers", " WHERE merged_into IS NULL"),
                           answers: try count("feedback"), migrations: try count("grdb_migrations"), migrated: 0)
        }
    }

    private static func sameFile(_ one: String, _ other: String) -> Bool {
        URL(fileURLWithPath: one).resolvingSymlinksInPath().standardizedFileURL.path == URL(fileURLWithPath: other).resolvingSymlinksInPath().standardizedFileURL.path
    }

    private static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Flushes a file or folder to the disk.
    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw JourneyStore.Failure(description: "\(path): cannot open to flush it to the disk (errno \(errno))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw JourneyStore.Failure(description: "\(path): cannot flush to the disk (errno \(errno)); check the disk") }
    }

    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func reason(_ error: any Error) -> String {
        if let failure = error as? JourneyStore.Failure { return failure.description }
        return JourneyStore.reason(error)
    }

    private static func hint(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "" }
        switch error.resultCode {
        case .SQLITE_FULL: return "; the disk is full: free space and run it again"
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM: return "; check that the folder exists and is writable"
        default: return ""
        }
    }
}
