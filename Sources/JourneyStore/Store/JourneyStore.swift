import CustomerData
import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL) with events, identities, customers, feedback and imports.
///
/// Every write happens in a transaction, so the file is consistent after a kill at any moment,
/// and what a transaction committed is kept.
public final class JourneyStore: Sendable {
    /// Why the store cannot be used.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong and what to do; never customer data.
        public var description: String

        /// A failure saying what went wrong and what to do.
        public init(description: String) { self.description = description }
    }

    /// The database file.
    public let path: String
    /// The connection pool (one writer, concurrent readers).
    public let database: DatabasePool

    /// The page cache: 128 MB (negative: in KiB).
    static let cachePages = -131_072

    /// Write-ahead log pages after which a commit checkpoints (32 MB).
    static let walCheckpointPages = 8192

    /// The file next to the database that collects the records an import into workspace
    /// `workspace` could not use.
    public func quarantinePath(workspace: String) -> String { path + ".quarantine." + workspace + ".ndjson" }

    /// The folder next to the database that keeps the analytics indexes of workspace `workspace`
    /// (what they hold comes from the store, so erasing a customer or deleting the workspace removes it).
    public func indexFolder(workspace: String) -> String { path + ".index." + workspace }

    /// Removes the analytics indexes kept of a workspace; true when none is left.
    @discardableResult
    public func removeIndexes(workspace: String) -> Bool {
        let folder = indexFolder(workspace: workspace)
        guard FileManager.default.fileExists(atPath: folder) else { return true }
        return (try? FileManager.default.removeItem(atPath: folder)) != nil
    }

    /// Why the indexes an interrupted bulk load left missing could not be built when the store
    /// was opened, or nil when the store is whole. Reads work either way; imports and collection
    /// refuse to start until opening the store again builds them.
    public let indexProblem: String?

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// Every commit survives a killed process. With `durableCommits`, each commit also waits
    /// until the disk has it (`synchronous = FULL`), so it survives a power cut too: for a server
    /// that acknowledges events, whose commits are few and large (group commit).
    ///
    /// Indexes that an interrupted bulk load left missing are built here; when that fails the
    /// store still opens, with ``indexProblem`` saying why.
    public convenience init(path: String, durableCommits: Bool = false) throws(Failure) {
        try self.init(path: path, durableCommits: durableCommits, migrator: Schema.migrator)
    }

    /// Opens the store with `migrator` (the schema's, or in tests one with a migration that fails).
    init(path: String, durableCommits: Bool = false, migrator: DatabaseMigrator) throws(Failure) {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        let synchronous = durableCommits ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous); PRAGMA cache_size = \(Self.cachePages); PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = \(Self.walCheckpointPages)")
        }
        let pool: DatabasePool
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.upgrade(pool, path: path, migrator: migrator)
        } catch let failure as Failure {
            throw failure
        } catch let error as DatabaseError {
            throw Failure(description: "\(path): cannot open the store (\(error.resultCode)); check that it is a Wayfinder database and the folder is writable")
        } catch {
            throw Failure(description: "\(path): cannot open the store (\(error.localizedDescription))")
        }
        database = pool
        var problem: String?
        do {
            if try !Self.missingIndexes(pool).isEmpty { try Self.completeBulkLoad(pool) }
        } catch {
            problem = "\(path): the indexes of an interrupted import could not be built (\(Self.reason(error))); the store can be read, "
                + "and opening it again (any wayfinder command on it) retries"
        }
        indexProblem = problem
        try moveLegacyQuarantine()
    }

    /// Brings the schema up to date. A store that already holds a schema is copied beside itself
    /// first (`PATH.before-upgrade`, SQLite's backup API, readable by its owner only), because
    /// each migration commits on its own: when one fails, the copy is put back in one
    /// transaction, so the store is exactly as the earlier release left it, and the failure names
    /// the migration. The copy is removed once every migration has committed. A copy that an
    /// interrupted upgrade left is whole (it takes its name only when complete) and is the
    /// store before that upgrade began: it is kept, not made again from the half-migrated store.
    static func upgrade(_ pool: DatabasePool, path: String, migrator: DatabaseMigrator) throws {
        let (applied, complete) = try pool.read { db in (try migrator.appliedMigrations(db), try migrator.hasCompletedMigrations(db)) }
        let copy = path + ".before-upgrade"
        func remove(_ file: String) { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } }
        // An upgrade stopped after its last migration committed leaves its copy: no longer needed.
        guard !complete else { return FileManager.default.fileExists(atPath: copy) ? remove(copy) : () }
        guard !applied.isEmpty else { return try migrator.migrate(pool) }  // a new store: nothing to keep
        if !FileManager.default.fileExists(atPath: copy) {
            let partial = copy + ".partial"
            remove(partial)
            do {
                guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw Failure(description: "\(partial): cannot be created; check that the store's folder is writable")
                }
                let saved = try DatabaseQueue(path: partial)
                try pool.backup(to: saved)
                try saved.close()
                guard rename(partial, copy) == 0 else { throw Failure(description: "\(copy): cannot be put in place (errno \(errno))") }
            } catch {
                remove(partial)
                let full = isDiskFull(error) ? "the disk is full: free at least the store's size beside it, then start again" : reason(error)
                throw Failure(description: "\(path): this release must upgrade the store's schema, and first copies it beside itself, which failed (\(full)); the store is unchanged")
            }
        }
        var failed: String?
        do {
            for identifier in migrator.migrations where !applied.contains(identifier) {
                failed = identifier
                try migrator.migrate(pool, upTo: identifier)
            }
        } catch {
            do {
                let saved = try DatabaseQueue(path: copy)
                try saved.backup(to: pool)
                try saved.close()
                remove(copy)
            } catch {
                throw Failure(description: "\(path): the schema upgrade failed at migration '\(failed ?? "?")' and the store could not be put back (\(reason(error))); "
                    + "\(copy) holds it as it was: stop every wayfinder using it and copy that file over it")
            }
            throw Failure(description: "\(path): the schema upgrade to this release failed at migration '\(failed ?? "?")' (\(reason(error))); "
                + "the store is as the earlier release left it. Keep using that release, and report the problem with this message")
        }
        remove(copy)
    }

    /// The deferred indexes the store lacks.
    static func missingIndexes(_ database: DatabasePool) throws -> [String] {
        let present = try database.read { db in
            try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
        }
        return Schema.deferredIndexes.map(\.name).filter { !present.contains($0) }
    }

    /// Whether `error` says that the disk (or the file system's quota) is full.
    public static func isDiskFull(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_FULL
    }

    /// A database error's code and message, or the error's type: never statement arguments.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "SQLite \(error.resultCode): \(error.message ?? "no message")" }
        return "\(type(of: error))"
    }

    /// Moves the quarantine file of a store written before customer data belonged to a
    /// workspace to the file of the workspace its data went to (the owner of the oldest source).
    private func moveLegacyQuarantine() throws(Failure) {
        let legacy = path + ".quarantine.ndjson"
        guard FileManager.default.fileExists(atPath: legacy) else { return }
        do {
            let owner = try database.read { db in
                try String.fetchOne(db, sql: "SELECT w.slug FROM sources s JOIN workspaces w ON w.id = s.workspace_id ORDER BY s.id LIMIT 1")
                    ?? String.fetchOne(db, sql: "SELECT slug FROM workspaces WHERE slug = ?", arguments: [Schema.defaultWorkspace])
            }
            guard let owner else { return }
            let target = quarantinePath(workspace: owner)
            if FileManager.default.fileExists(atPath: target) {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: try Data(contentsOf: URL(fileURLWithPath: legacy)))
                try FileManager.default.removeItem(atPath: legacy)
            } else {
                try FileManager.default.moveItem(atPath: legacy, toPath: target)
            }
        } catch {
            throw Failure(description: "\(legacy): cannot move the quarantine file to its workspace's (\(error.localizedDescription)); check that the folder is writable")
        }
    }

    /// Completes a bulk load in one transaction: repoints feedback and identifiers of merged
    /// customers at the customer they were merged into, builds the deferred indexes that are
    /// missing, then runs `finish` (which sets first and last seen). Without `finish`, as after an
    /// interrupted load, first and last seen are computed again from all events.
    ///
    /// When a unique index cannot be built because rows repeat a key (a store written by a
    /// release that cut text at a NUL character could hold such rows), the repeats are removed,
    /// keeping the first row of each key, and the indexes are built again.
    func completeBulkLoad(_ finish: ((Database) throws -> Void)? = nil) throws {
        try Self.completeBulkLoad(database, finish)
    }

    static func completeBulkLoad(_ database: DatabasePool, _ finish: ((Database) throws -> Void)? = nil) throws {
        do {
            try buildDeferredIndexes(database, finish)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            try database.write { db in
                try db.execute(sql: """
                    DELETE FROM events WHERE id NOT IN (SELECT min(id) FROM events GROUP BY workspace_id, dedupe);
                    DELETE FROM identities WHERE id NOT IN (SELECT min(id) FROM identities GROUP BY workspace_id, kind, value);
                    UPDATE workspaces SET identity_generation = identity_generation + 1;
                    """)
            }
            // Saved analytics indexes may hold the removed events.
            let folder = URL(fileURLWithPath: database.path).deletingLastPathComponent().path
            let prefix = URL(fileURLWithPath: database.path).lastPathComponent + ".index."
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
                try? FileManager.default.removeItem(atPath: folder + "/" + name)
            }
            try buildDeferredIndexes(database, finish)
        }
    }

    private static func buildDeferredIndexes(_ database: DatabasePool, _ finish: ((Database) throws -> Void)?) throws {
        try database.writeWithoutTransaction { db in
            // Sorting runs go to temporary files, not memory, so building indexes over millions of
            // rows keeps resident memory flat.
            try db.execute(sql: "PRAGMA threads = 2; PRAGMA temp_store = FILE")
            defer { try? db.execute(sql: "PRAGMA temp_store = MEMORY") }
            try db.inTransaction {
                for table in ["feedback", "identities"] {
                    try db.execute(sql: """
                        UPDATE \(table) SET customer_id = (SELECT merged_into FROM customers WHERE id = \(table).customer_id)
                        WHERE customer_id IN (SELECT id FROM customers WHERE merged_into IS NOT NULL)
                        """)
                }
                for index in Schema.deferredIndexes { try db.execute(sql: index.sql) }
                if let finish {
                    try finish(db)
                } else {
                    try db.execute(sql: """
                        UPDATE customers SET first_seen = seen.first, last_seen = seen.last
                        FROM (SELECT coalesce(c.merged_into, c.id) AS root, min(e.timestamp) AS first, max(e.timestamp) AS last
                              FROM events e JOIN customers c ON c.id = e.customer_id GROUP BY root) AS seen
                        WHERE customers.id = seen.root
                        """)
                }
                return .commit
            }
        }
    }

    /// Drops the deferred indexes before a bulk load into an empty store.
    static func dropDeferredIndexes(_ db: Database) throws {
        for index in Schema.deferredIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
    }

    /// The identity generation of a workspace: raised by every transaction that creates, merges or
    /// erases its customers or adds identifiers, whichever process runs it.
    static func identityGeneration(_ db: Database, workspace: Int64) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT identity_generation FROM workspaces WHERE id = ?", arguments: [workspace]) ?? 0
    }

    /// Raises a workspace's identity generation inside the caller's write transaction, keeps the
    /// highest customer number given in the store, and returns the new generation.
    static func raiseIdentityGeneration(_ db: Database, workspace: Int64) throws -> Int64 {
        try db.execute(sql: """
            UPDATE identity_generation SET last_customer = max(last_customer, coalesce((SELECT max(id) FROM customers), 0)) WHERE id = 1;
            UPDATE workspaces SET identity_generation = identity_generation + 1 WHERE id = ?;
            """, arguments: [workspace])
        return try identityGeneration(db, workspace: workspace)
    }

    /// The highest customer number ever given in the store, to any workspace: numbers are unique
    /// in the whole store, and a forgotten customer's number is never given again.
    static func lastCustomer(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(coalesce((SELECT max(id) FROM customers), 0), coalesce((SELECT last_customer FROM identity_generation WHERE id = 1), 0))") ?? 0
    }
}

/// Customer ids as people see them: `cus_42`.
public enum CustomerID {
    /// The display form of a customer number.
    public static func text(_ number: Int64) -> String { "cus_\(number)" }

    /// The customer number of a display id, or nil when the text is not one.
    public static func number(_ text: String) -> Int64? {
        guard text.hasPrefix("cus_"), let number = Int64(text.dropFirst(4)), number > 0 else { return nil }
        return number
    }
}

extension JourneyStore {
    /// Whether the store answers a read now (for health checks); never throws.
    public func isReadable() async -> Bool {
        do {
            _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM api_keys") }
            return true
        } catch {
            return false
        }
    }
}
