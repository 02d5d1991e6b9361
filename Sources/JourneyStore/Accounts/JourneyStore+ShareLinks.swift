import Foundation

extension SQLWorkspaceStore {
    /// Creates a read-only link to one map; the token (256 bits) is returned once and stored as its digest.
    public func createShareLink(workspace: String, map: String, createdBy: String, expires: Date?) async throws(WorkspaceStoreError) -> NewShareLink {
        if let expires, expires <= Date() {
            throw WorkspaceStoreError.invalid("expires", "expires: the time is in the past; give a future time, or none for a link that does not expire")
        }
        let token = StoreSecrets.random(prefix: "ws_")
        let digest = StoreSecrets.digest(token)
        let link = try await write { db in
            let header = try WorkspaceState.header(db, workspace)
            let row = try Self.mapHeader(db, header, map)
            let id = try db.insert(sql: "INSERT INTO share_links (map_id, token_hash, prefix, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                                   arguments: [row.rowID, digest, String(token.prefix(StoreSecrets.prefixLength)), createdBy, StoreTime.now(), expires.map(StoreTime.milliseconds)])
            return try Self.shareLinks(db, "s.id = ?", [id])[0]
        }
        return NewShareLink(link: link, token: token)
    }

    /// The share links of a map, revoked and expired ones too.
    public func shareLinks(workspace: String, map: String) async throws(WorkspaceStoreError) -> [ShareLink] {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            let row = try Self.mapHeader(db, header, map)
            return try Self.shareLinks(db, "s.map_id = ?", [row.rowID])
        }
    }

    /// Revokes a share link of a map.
    public func revokeShareLink(workspace: String, map: String, id: Int64) async throws(WorkspaceStoreError) -> ShareLink {
        try await write { db in
            let header = try WorkspaceState.header(db, workspace)
            let row = try Self.mapHeader(db, header, map)
            try db.execute(sql: "UPDATE share_links SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND map_id = ?",
                           arguments: [StoreTime.now(), id, row.rowID])
            guard let link = try Self.shareLinks(db, "s.id = ? AND s.map_id = ?", [id, row.rowID]).first else {
                throw WorkspaceStoreError.notFound("id", "map '\(map)' has no share link \(id); list them with GET /api/v1/workspaces/\(workspace)/maps/\(map)/shares")
            }
            return link
        }
    }

    /// The link of a token when it works now (not revoked, not expired); nil otherwise.
    public func shareLink(token: String) async throws(WorkspaceStoreError) -> ShareLink? {
        guard token.utf8.count <= 128 else { return nil }
        let digest = StoreSecrets.digest(token)
        let link = try await read { db in try Self.shareLinks(db, "s.token_hash = ?", [digest]).first }
        return link.flatMap { $0.isActive() ? $0 : nil }
    }

    static func shareLinks(_ db: any StoreTransaction, _ condition: String, _ arguments: SQLArguments) throws -> [ShareLink] {
        try db.rows(sql: """
            SELECT s.id, w.slug, m.slug, s.prefix, s.created_by, s.created_at, s.expires_at, s.revoked_at
            FROM share_links s JOIN journey_maps m ON m.id = s.map_id JOIN workspaces w ON w.id = m.workspace_id
            WHERE \(condition) ORDER BY s.id
            """, arguments: arguments).map { row in
            ShareLink(id: try row[0], workspace: try row[1], map: try row[2], prefix: try row[3], createdBy: try row[4], created: StoreTime.date(try row[5]),
                      expires: (try row[6] as Int64?).map(StoreTime.date), revoked: (try row[7] as Int64?).map(StoreTime.date))
        }
    }
}
