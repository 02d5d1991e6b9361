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
    }

    /// The database file.
    public let path: String
    /// The connection pool (one writer, concurrent readers).
    public let database: DatabasePool

    /// The page cache: 128 MB (negative: in KiB).
    static let cachePages = -131_072

    /// Write-ahead log pages after which a commit checkpoints (32 MB).
    static let walCheckpointPages = 8192

    /// The file next to the database that collects records an import could not use.
    public var quarantinePath: String { path + ".quarantine.ndjson" }

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// Every commit survives a killed process. With `durableCommits`, each commit also waits
    /// until the disk has it (`synchronous = FULL`), so it survives a power cut too: for a server
    /// that acknowledges events, whose commits are few and large (group commit).
    public init(path: String, durableCommits: Bool = false) throws(Failure) {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        let synchronous = durableCommits ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous); PRAGMA cache_size = \(Self.cachePages); PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = \(Self.walCheckpointPages)")
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            database = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(database)
            let present = try database.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (\(Schema.deferredIndexes.map { "'\($0.name)'" }.joined(separator: ",")))") ?? 0
            }
            if present < Schema.deferredIndexes.count {
                try completeBulkLoad()
            }
        } catch let error as DatabaseError {
            throw Failure(description: "\(path): cannot open the store (\(error.resultCode)); check that it is a Wayfinder database and the folder is writable")
        } catch {
            throw Failure(description: "\(path): cannot open the store (\(error.localizedDescription))")
        }
    }

    /// Completes a bulk load in one transaction: repoints feedback and identifiers of merged
    /// customers at the customer they were merged into, builds the deferred indexes that are
    /// missing, then runs `finish` (which sets first and last seen). Without `finish`, as after an
    /// interrupted load, first and last seen are computed again from all events.
    func completeBulkLoad(_ finish: ((Database) throws -> Void)? = nil) throws {
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

    /// Counts of what the store holds.
    public struct Counts: Sendable, Equatable, Codable {
        /// Events stored.
        public var events: Int
        /// Customers after stitching (merged customers are not counted).
        public var customers: Int
        /// Distinct identifiers.
        public var identifiers: Int
        /// Feedback answers.
        public var feedback: Int

        /// Creates counts.
        public init(events: Int, customers: Int, identifiers: Int, feedback: Int) {
            self.events = events
            self.customers = customers
            self.identifiers = identifiers
            self.feedback = feedback
        }
    }

    /// What the store holds.
    public func counts() throws -> Counts {
        try database.read { db in
            Counts(
                events: try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0,
                customers: try Int.fetchOne(db, sql: "SELECT count(*) FROM customers WHERE merged_into IS NULL") ?? 0,
                identifiers: try Int.fetchOne(db, sql: "SELECT count(*) FROM identities") ?? 0,
                feedback: try Int.fetchOne(db, sql: "SELECT count(*) FROM feedback") ?? 0)
        }
    }

    /// The identity graph as stored, to continue stitching where the last import stopped, with
    /// the identity generation it reflects (read in the same transaction).
    public func loadIdentityGraph(maximumClusterSize: Int) throws -> (graph: IdentityGraph, generation: Int64) {
        try database.read { db in try Self.identityGraph(db, maximumClusterSize: maximumClusterSize) }
    }

    /// The identity graph and its generation as `db` sees them; no customer number ever given,
    /// even to a customer since forgotten, is given again.
    static func identityGraph(_ db: Database, maximumClusterSize: Int) throws -> (graph: IdentityGraph, generation: Int64) {
        var graph = IdentityGraph(maximumClusterSize: maximumClusterSize)
        let rows = try Row.fetchCursor(db, sql: "SELECT kind, value, customer_id FROM identities")
        while let row = try rows.next() {
            guard let kind = Identifier.Kind(rawValue: row[0]) else { continue }
            graph.restore(Identifier(kind: kind, value: row[1]), customer: row[2])
        }
        let customers = try Row.fetchCursor(db, sql: "SELECT id, merged_into FROM customers")
        while let row = try customers.next() {
            let id: Int64 = row[0]
            if let into: Int64 = row[1] { graph.restoreMerge(id, into: into) } else { graph.reserve(id) }
        }
        let state = try Row.fetchOne(db, sql: "SELECT value, last_customer FROM identity_generation WHERE id = 1")
        if let last: Int64 = state?[1] { graph.reserve(last) }
        return (graph, state?[0] ?? 0)
    }

    /// The identity generation: raised by every transaction that creates, merges or erases
    /// customers or adds identifiers, whichever process runs it.
    static func identityGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM identity_generation WHERE id = 1") ?? 0
    }

    /// Raises the identity generation inside the caller's write transaction, keeps the highest
    /// customer number given, and returns the new generation.
    static func raiseIdentityGeneration(_ db: Database) throws -> Int64 {
        try db.execute(sql: """
            UPDATE identity_generation SET value = value + 1, last_customer = max(last_customer, coalesce((SELECT max(id) FROM customers), 0))
            WHERE id = 1
            """)
        return try identityGeneration(db)
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
