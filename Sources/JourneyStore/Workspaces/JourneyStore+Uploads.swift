import CustomerData
import Foundation

/// A file uploaded into a workspace through the server, as the store keeps it: what it was,
/// how it ended, and the counts of its `sources` row. It outlives the server process that
/// stored it, so a client polling after a restart learns how its upload ended.
public struct UploadRecord: Sendable, Equatable {
    public var id: String
    public var workspace: String
    public var file: String
    public var format: String
    public var bytes: Int64
    /// `running`, `done` or `failed` as last recorded; `running` after a restart means the
    /// server stopped during the upload.
    public var status: String
    public var error: String?
    /// Milliseconds since 1970.
    public var startedAt: Int64
    public var finishedAt: Int64?
    /// The upload's row of `sources`, which counts its records.
    public var source: Int64
    public var records = 0
    public var imported = 0
    public var duplicates = 0
    public var quarantined = 0

    public init(id: String, workspace: String, file: String, format: String, bytes: Int64, status: String, error: String? = nil,
                startedAt: Int64, finishedAt: Int64? = nil, source: Int64) {
        self.id = id
        self.workspace = workspace
        self.file = file
        self.format = format
        self.bytes = bytes
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.source = source
    }
}

extension SQLWorkspaceStore {
    /// Records an upload that starts now, with its own `sources` row; returns it with that row.
    public func startUpload(id: String, workspace: String, file: String, format: String, bytes: Int64) async throws(WorkspaceStoreError) -> UploadRecord {
        try await write { db in
            guard let workspaceID = try db.value(Int64.self, sql: "SELECT id FROM workspaces WHERE slug = ?", arguments: [workspace]) else {
                throw WorkspaceStoreError(.notFound, field: "workspace", "there is no workspace '\(workspace)'")
            }
            let now = StoreTime.now()
            let source = try db.insert(sql: "INSERT INTO sources (workspace_id, path, format, started_at) VALUES (?, ?, ?, ?)",
                                       arguments: [workspaceID, "upload \(file)", format, now])
            try db.execute(sql: """
                INSERT INTO uploads (id, workspace_id, source_id, file, format, bytes, status, started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)
                """, arguments: [id, workspaceID, source, file, format, bytes, now])
            return UploadRecord(id: id, workspace: workspace, file: file, format: format, bytes: bytes, status: "running", startedAt: now, source: source)
        }
    }

    /// Records how an upload ended (`done` or `failed`, with what to do); a done upload's source is finished too.
    public func finishUpload(id: String, status: String, error: String?) async throws(WorkspaceStoreError) {
        try await write { db in
            let now = StoreTime.now()
            try db.execute(sql: "UPDATE uploads SET status = ?, error = ?, finished_at = ? WHERE id = ?", arguments: [status, error, now, id])
            if status == "done" {
                try db.execute(sql: "UPDATE sources SET finished_at = ? WHERE id = (SELECT source_id FROM uploads WHERE id = ?)", arguments: [now, id])
            }
        }
    }

    /// An upload of `workspace`, or nil.
    public func upload(id: String, workspace: String) async throws(WorkspaceStoreError) -> UploadRecord? {
        try await read { db in try Self.uploads(db, workspace: workspace, id: id, limit: 1).first }
    }

    /// The latest uploads of `workspace`, newest first.
    public func uploads(workspace: String, limit: Int = 200) async throws(WorkspaceStoreError) -> [UploadRecord] {
        try await read { db in try Self.uploads(db, workspace: workspace, id: nil, limit: limit) }
    }

    private static func uploads(_ db: any StoreTransaction, workspace: String, id: String?, limit: Int) throws -> [UploadRecord] {
        try db.rows(sql: """
            SELECT u.id, u.file, u.format, u.bytes, u.status, u.error, u.started_at, u.finished_at, u.source_id,
                   s.records, s.imported, s.duplicates, s.quarantined
            FROM uploads u JOIN workspaces w ON w.id = u.workspace_id JOIN sources s ON s.id = u.source_id
            WHERE w.slug = ?1 AND (CAST(?2 AS TEXT) IS NULL OR u.id = ?2)
            ORDER BY u.started_at DESC, u.source_id DESC LIMIT ?3
            """, arguments: [workspace, id, limit]).map { row in
            var record = UploadRecord(id: try row[0], workspace: workspace, file: try row[1], format: try row[2], bytes: try row[3], status: try row[4], error: try row[5],
                                      startedAt: try row[6], finishedAt: try row[7], source: try row[8])
            (record.records, record.imported, record.duplicates, record.quarantined) = (try row[9], try row[10], try row[11], try row[12])
            return record
        }
    }
}
