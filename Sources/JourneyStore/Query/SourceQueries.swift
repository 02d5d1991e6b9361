import CustomerData
import Foundation
import GRDB

/// Where stored events came from: an imported file, or the server's collection stream.
public struct SourceRecord: Sendable, Codable, Equatable {
    /// The source's number.
    public var id: Int64
    /// The file's path as given, or the stream's name (`http collection`).
    public var path: String
    /// `csv`, `ndjson`, `segment` or `http`.
    public var format: String
    /// When reading began, ISO 8601.
    public var startedAt: String
    /// When it ended, ISO 8601; nil while a stream is open or after an interrupted import.
    public var finishedAt: String?
    /// Records read.
    public var records: Int
    /// Events stored.
    public var imported: Int
    /// Records already in the store.
    public var duplicates: Int
    /// Records quarantined.
    public var quarantined: Int

    enum CodingKeys: String, CodingKey {
        case id, path, format, records, imported, duplicates, quarantined
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

extension WorkspaceData {
    /// Every source of the workspace, oldest first.
    public func sources() throws -> [SourceRecord] {
        try database.read { db in try sources(db) }
    }

    func sources(_ db: Database) throws -> [SourceRecord] {
        try CustomerQuery.sources(SQLiteTransaction(db: db), workspace: rowID)
    }
}

extension CustomerQuery {
    /// Where a workspace's events came from, oldest first.
    public static func sources(_ db: any StoreTransaction, workspace: Int64) throws -> [SourceRecord] {
        try db.rows(sql: """
            SELECT id, path, format, started_at, finished_at, records, imported, duplicates, quarantined FROM sources
            WHERE workspace_id = ? ORDER BY id
            """, arguments: [workspace]).map { row in
            SourceRecord(id: try row[0], path: try row[1], format: try row[2], startedAt: Timestamp.iso8601(try row[3]), finishedAt: (try row[4] as Int64?).map(Timestamp.iso8601),
                         records: try row[5], imported: try row[6], duplicates: try row[7], quarantined: try row[8])
        }
    }
}
