import CustomerData
import Foundation
import GRDB
import GRDBSQLite

/// A customer as the store knows it.
public struct CustomerRecord: Sendable, Codable, Equatable {
    /// `cus_42`.
    public var id: String
    /// First and last event, ISO 8601.
    public var firstSeen: String?
    /// Last event, ISO 8601.
    public var lastSeen: String?
    /// Number of events.
    public var events: Int
    /// Identifiers as `kind:value`, sorted.
    public var identifiers: [String]
    /// Merged traits from identify events, as JSON text.
    public var traits: String

    enum CodingKeys: String, CodingKey {
        case id, events, identifiers, traits
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

/// One event of a customer's time line.
public struct TimelineEntry: Sendable, Codable, Equatable {
    /// ISO 8601.
    public var timestamp: String
    /// Event type.
    public var type: String
    /// Event or page name.
    public var name: String?
    /// Channel.
    public var channel: String?
    /// The whole Segment message.
    public var message: String
}

extension WorkspaceData {
    /// Counts of what the workspace's customer data holds.
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

    /// What the workspace holds.
    public func counts() throws -> Counts {
        try database.read { db in try counts(db) }
    }

    /// What the workspace holds and where it came from, read without blocking a thread of the caller's.
    public func overview() async throws -> (counts: Counts, sources: [SourceRecord]) {
        try await database.read { db in (try counts(db), try sources(db)) }
    }

    /// How many events, and survey answers of events, the workspace holds with sequence numbers up to `lastEvent`.
    public func rowCounts(through lastEvent: Int64) throws -> (events: Int, feedback: Int) {
        try database.read { db in try CustomerQuery.rowCounts(SQLiteTransaction(db: db), workspace: rowID, through: lastEvent) }
    }

    /// The workspace's row and creation time, which a store made again does not share.
    public func storeIdentity() throws -> String? {
        try database.read { db in try CustomerQuery.storeIdentity(SQLiteTransaction(db: db), workspace: rowID) }
    }

    func counts(_ db: Database) throws -> Counts {
        try CustomerQuery.counts(SQLiteTransaction(db: db), workspace: rowID)
    }

    /// The customer number for a customer id (`cus_42`) or any identifier (`maya@example.com`,
    /// `email:maya@example.com`, a user or anonymous id) in this workspace, following merges;
    /// nil when the workspace has no such customer.
    ///
    /// `phoneCountry` places a national phone number as the import did (`--phone-country`).
    public func findCustomer(_ text: String, phoneCountry: String? = nil) throws -> Int64? {
        try database.read { db in try CustomerQuery.find(SQLiteTransaction(db: db), workspace: rowID, text, phoneCountry: phoneCountry) }
    }

    /// A page of the workspace's customers, most recently seen first, and the total.
    public func customers(limit: Int, offset: Int = 0) throws -> (total: Int, customers: [CustomerRecord]) {
        try database.read { db in try CustomerQuery.page(SQLiteTransaction(db: db), workspace: rowID, limit: limit, offset: offset) }
    }

    /// One customer of the workspace with identifiers and traits; nil when the workspace has no such customer.
    public func customer(_ number: Int64) throws -> CustomerRecord? {
        try database.read { db in try CustomerQuery.customer(SQLiteTransaction(db: db), workspace: rowID, number) }
    }

    /// A customer's events in time order (then arrival order); empty for a customer of another workspace.
    public func timeline(of number: Int64, limit: Int = 1_000) throws -> [TimelineEntry] {
        try database.read { db in try CustomerQuery.timeline(SQLiteTransaction(db: db), workspace: rowID, of: number, limit: limit) }
    }

    /// What erasing a customer removed.
    public typealias Erasure = CustomerErasure
}

/// What erasing a customer removed.
public struct CustomerErasure: Sendable, Codable, Equatable {
    /// The customer id erased.
    public var customer: String
    /// Events deleted.
    public var events: Int
    /// Identifiers deleted.
    public var identifiers: Int
    /// Feedback answers deleted.
    public var feedback: Int
    /// Customer rows deleted (the customer and those merged into it).
    public var customers: Int
    /// Quarantined records that named one of its identifiers, removed from the quarantine file.
    public var quarantined: Int
}

extension WorkspaceData {
    /// Erases a customer of this workspace completely: events, feedback, identifiers, alerts about
    /// it (with their attempts) and its positions on maps, the customer rows merged into it, and
    /// the workspace's quarantined records that mention one of its identifiers. Nil when the
    /// workspace has no such customer (another workspace's customer is never touched).
    public func forget(_ number: Int64) throws -> Erasure? {
        let erased = try database.write { db in try CustomerQuery.erase(SQLiteTransaction(db: db), workspace: rowID, number) }
        guard let (erasure, values) = erased else { return nil }
        var result = erasure
        result.quarantined = try scrubQuarantine(values: values)
        // The saved analytics indexes hold the customer's events, traits and answers: they go, and are built again.
        guard store.removeIndexes(workspace: workspace) else {
            throw WorkspaceStoreError(.storage, "the customer is erased from the store, but the saved analytics indexes in \(indexFolder) that hold its events could not be removed; remove that folder by hand")
        }
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return result
    }

    /// Removes the workspace's quarantined records whose text holds any of the values; returns how many.
    func scrubQuarantine(values: [String]) throws -> Int {
        guard !values.isEmpty, let data = FileManager.default.contents(atPath: quarantinePath) else { return 0 }
        var kept = "", removed = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let lower = line.lowercased()
            if values.contains(where: { !$0.isEmpty && lower.contains($0.lowercased()) }) { removed += 1 } else { kept += line + "\n" }
        }
        if removed > 0 { try Data(kept.utf8).write(to: URL(fileURLWithPath: quarantinePath), options: .atomic) }
        return removed
    }
}
