import CustomerData
import GRDB

/// What an analysis cache compares to know that the data an index was built from changed:
/// events arrived or were forgotten, customers were stitched or merged, or the workspace's
/// personas (which assign customers) were edited. The events and customers parts are read
/// through an index, so they cost the same on ten events as on ten million.
public struct IndexWatermark: Hashable, Sendable {
    /// The workspace's highest event id: new events raise it.
    public var lastEvent: Int64
    /// The identity generation: raised by every stitch, merge and erasure (`forget` also removes events).
    public var identityGeneration: Int64
    /// A 128-bit digest (hex) of the workspace's personas as stored, ids and documents, so that any edit changes it.
    public var personas: String
    /// The workspace's row in the store: a workspace deleted and created again under its id has another.
    public var workspace: Int64
    /// When the workspace was created: a store made again at the same path has other times.
    public var created: Int64

    /// A watermark as a store read it.
    public init(lastEvent: Int64, identityGeneration: Int64, personas: String, workspace: Int64, created: Int64) {
        self.lastEvent = lastEvent
        self.identityGeneration = identityGeneration
        self.personas = personas
        self.workspace = workspace
        self.created = created
    }
}

extension WorkspaceData {
    /// The watermark of the workspace's events, customers and personas.
    public func indexWatermark() async throws -> IndexWatermark {
        let rowID = rowID
        return try await database.read { db in try CustomerQuery.indexWatermark(SQLiteTransaction(db: db), workspace: rowID) }
    }

    /// The watermark, read on the calling thread (for commands, which own theirs).
    public func currentIndexWatermark() throws -> IndexWatermark {
        try database.read { db in try CustomerQuery.indexWatermark(SQLiteTransaction(db: db), workspace: rowID) }
    }

    /// The folder beside the store that keeps the workspace's analytics indexes.
    public var indexFolder: String { store.indexFolder(workspace: workspace) }
}

extension CustomerQuery {
    /// The watermark of a workspace's events, customers and personas, read in one transaction.
    public static func indexWatermark(_ db: any StoreTransaction, workspace: Int64) throws -> IndexWatermark {
        var personas = ""
        for row in try db.rows(sql: "SELECT slug, document FROM personas WHERE workspace_id = ? ORDER BY slug", arguments: [workspace]) {
            let slug: String = try row[0], document: String = try row[1]
            personas += "\(slug.utf8.count):\(slug)\(document.utf8.count):\(document)"
        }
        let digest = Digest.hash128(personas)
        return IndexWatermark(lastEvent: try db.value(Int64.self, sql: "SELECT max(id) FROM events WHERE workspace_id = ?", arguments: [workspace]) ?? 0,
                              identityGeneration: try db.value(Int64.self, sql: "SELECT identity_generation FROM workspaces WHERE id = ?", arguments: [workspace]) ?? 0,
                              personas: String(digest.0, radix: 16) + ":" + String(digest.1, radix: 16), workspace: workspace,
                              created: try db.value(Int64.self, sql: "SELECT created_at FROM workspaces WHERE id = ?", arguments: [workspace]) ?? 0)
    }
}
