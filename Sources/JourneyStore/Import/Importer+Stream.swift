import CustomerData
import Foundation
import GRDB

/// Records from one origin, such as one HTTP request, stored in one transaction with others.
public struct RecordGroup: Sendable {
    /// Where the records came from, as the quarantine file names it (`POST /v1/batch`).
    public var origin: String
    /// The records, best prepared already (``InputRecord/prepare(junk:phoneCountry:)``) so the writer only writes.
    public var records: [InputRecord]

    /// Creates a group.
    public init(origin: String, records: [InputRecord]) {
        self.origin = origin
        self.records = records
    }
}

extension Importer {
    /// Opens a source whose records arrive over time rather than from a file, such as the
    /// server's event collection into this workspace: one row of `sources` whose counts grow
    /// with every commit.
    ///
    /// With `alerts`, every commit of the stream also evaluates the workspace's alert rules on
    /// its new events and enqueues their deliveries in the same transaction (see ``AlertRule``).
    /// A long-running writer keeps a ``StreamCheckpoints`` beside its streams.
    public func openStream(name: String, format: String, alerts: Bool = false) throws -> Int64 {
        if alerts, self.alerts == nil { self.alerts = AlertEvaluator() }
        return try store.database.write { db in
            try ExactStatement(db, "INSERT INTO sources (workspace_id, path, format, started_at) VALUES (?, ?, ?, ?)")
                .execute([.integer(data.rowID), .text(name), .text(format), .integer(Int64(Date().timeIntervalSince1970 * 1000))])
            return db.lastInsertedRowID
        }
    }

    /// Stores several groups of records in one transaction (group commit), with the rules of a
    /// file import: stitching, deduplication on `messageId` (or content), and quarantine of
    /// records that cannot be used. Returns the counts of each group, in order.
    ///
    /// When it throws, nothing of the groups is stored, and the identity graph is reloaded from
    /// the store before the next commit, so it never runs ahead of what was committed.
    ///
    /// Without `evaluatingAlerts` (an uploaded file, like a file of `wayfinder import`), the
    /// alert rules of a stream opened with alerts are not evaluated on these groups.
    public func store(_ groups: [RecordGroup], stream: Int64, evaluatingAlerts: Bool = true) throws -> [Counts] {
        let evaluator = alerts
        if !evaluatingAlerts { alerts = nil }
        defer { alerts = evaluator }
        return try commit(groups, sourceID: stream)
    }

    /// Marks a stream finished.
    public func closeStream(_ stream: Int64) throws {
        try store.database.write { db in
            try db.execute(sql: "UPDATE sources SET finished_at = ? WHERE id = ?", arguments: [Int64(Date().timeIntervalSince1970 * 1000), stream])
        }
    }
}

/// Copies the write-ahead log into the database on another thread and connection while records
/// stream into the store (the server's collection), as during a long import, so no commit
/// waits for a checkpoint. Signal it after each commit; stop it when the streams end.
///
/// One writer thread uses it: it sets the store's writing connection to leave checkpoints to it.
public final class StreamCheckpoints {
    private let store: JourneyStore
    private var checkpointer: Checkpointer?

    /// Starts checkpointing `store` beside its writer; without a second connection the writer
    /// keeps checkpointing by itself.
    public init(store: JourneyStore) throws {
        self.store = store
        if let checkpointer = Checkpointer(path: store.path) {
            try store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            self.checkpointer = checkpointer
        }
    }

    /// Asks for a checkpoint after a commit.
    public func committed() { checkpointer?.signal() }

    /// Stops checkpointing and gives checkpoints back to the writing connection.
    public func stop() throws {
        guard let checkpointer else { return }
        checkpointer.stop()
        self.checkpointer = nil
        try store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(JourneyStore.walCheckpointPages)") }
    }
}
