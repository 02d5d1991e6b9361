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
    /// server's event collection: one row of `sources` whose counts grow with every commit.
    ///
    /// While the stream is open, the write-ahead log is copied into the database on another
    /// thread and connection, as during a long import, so no commit waits for a checkpoint.
    ///
    /// With `alerts`, every commit of the stream also evaluates the alert rules on its new events
    /// and enqueues their deliveries in the same transaction (see ``AlertRule``).
    public func openStream(name: String, format: String, alerts: Bool = false) throws -> Int64 {
        if alerts, self.alerts == nil { self.alerts = AlertEvaluator() }
        let id = try store.database.write { db in
            try db.execute(sql: "INSERT INTO sources (path, format, started_at) VALUES (?, ?, ?)",
                           arguments: [name, format, Int64(Date().timeIntervalSince1970 * 1000)])
            return db.lastInsertedRowID
        }
        if streamCheckpointer == nil, let checkpointer = Checkpointer(path: store.path) {
            try store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            streamCheckpointer = checkpointer
        }
        return id
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
        let counts = try commit(groups, sourceID: stream)
        streamCheckpointer?.signal()
        return counts
    }

    /// Marks a stream finished and gives checkpoints back to the writing connection.
    public func closeStream(_ stream: Int64) throws {
        if let checkpointer = streamCheckpointer {
            checkpointer.stop()
            streamCheckpointer = nil
            try store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(JourneyStore.walCheckpointPages)") }
        }
        try store.database.write { db in
            try db.execute(sql: "UPDATE sources SET finished_at = ? WHERE id = ?", arguments: [Int64(Date().timeIntervalSince1970 * 1000), stream])
        }
    }
}
