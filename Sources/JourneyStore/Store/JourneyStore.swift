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

    /// The file next to the database that collects records an import could not use.
    public var quarantinePath: String { path + ".quarantine.ndjson" }

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String) throws(Failure) {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 8192")
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            database = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw Failure(description: "\(path): cannot open the store (\(error.resultCode)); check that it is a Wayfinder database and the folder is writable")
        } catch {
            throw Failure(description: "\(path): cannot open the store (\(error.localizedDescription))")
        }
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

    /// The identity graph as stored, to continue stitching where the last import stopped.
    public func loadIdentityGraph(maximumClusterSize: Int) throws -> IdentityGraph {
        try database.read { db in
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
            return graph
        }
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
