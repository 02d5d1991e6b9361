import JourneyModel

extension SQLWorkspaceStore {
    /// A map in its current version, or in `version`.
    public func map(workspace: String, id: String, version: Int? = nil) async throws(WorkspaceStoreError) -> StoredMap {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            let map = try Self.mapHeader(db, header, id)
            let number = version ?? map.currentVersion
            let document = try Self.versionDocument(db, map.rowID, id: id, version: number, current: map.currentVersion)
            return StoredMap(id: id, map: try StoredDocument.map(document, id: id, version: number), version: try Self.version(db, map.rowID, number),
                             currentVersion: map.currentVersion, created: StoreTime.date(map.created))
        }
    }

    /// Every map of a workspace, in the order they were first saved.
    public func maps(workspace: String) async throws(WorkspaceStoreError) -> [MapSummary] {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            return try db.rows(sql: """
                SELECT m.slug, m.title, m.state, m.current_version, m.created_at, m.updated_at, v.author
                FROM journey_maps m JOIN journey_map_versions v ON v.map_id = m.id AND v.number = m.current_version
                WHERE m.workspace_id = ? ORDER BY m.id
                """, arguments: [header.rowID]).map { row in
                MapSummary(id: try row[0], title: try row[1], state: try row[2], currentVersion: try row[3], created: StoreTime.date(try row[4]),
                           updated: StoreTime.date(try row[5]), updatedBy: try row[6])
            }
        }
    }

    /// Every version of a map, oldest first.
    public func mapVersions(workspace: String, id: String) async throws(WorkspaceStoreError) -> [MapVersion] {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            let map = try Self.mapHeader(db, header, id)
            return try db.rows(sql: Self.versionQuery + " WHERE map_id = ? ORDER BY number", arguments: [map.rowID]).map(Self.version)
        }
    }

    /// What changed from version `from` to version `to` of a map: the diff `wayfinder diff` prints
    /// for two workspaces holding just those versions.
    public func diffMap(workspace: String, id: String, from: Int, to: Int) async throws(WorkspaceStoreError) -> WorkspaceDiff {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            let map = try Self.mapHeader(db, header, id)
            let old = try Self.versionDocument(db, map.rowID, id: id, version: from, current: map.currentVersion, field: "from")
            let new = try Self.versionDocument(db, map.rowID, id: id, version: to, current: map.currentVersion, field: "to")
            return WorkspaceDiff(old: Workspace(journeys: [try StoredDocument.map(old, id: id, version: from)]),
                                 new: Workspace(journeys: [try StoredDocument.map(new, id: id, version: to)]))
        }
    }

    static func mapHeader(_ db: any StoreTransaction, _ header: WorkspaceState.Header, _ id: String) throws -> MapHeader {
        guard let row = try db.row(sql: "SELECT id, current_version, created_at FROM journey_maps WHERE workspace_id = ? AND slug = ?",
                                         arguments: [header.rowID, id]) else {
            throw try missingMap(db, header, id)
        }
        return MapHeader(rowID: try row[0], currentVersion: try row[1], created: try row[2])
    }

    static func missingMap(_ db: any StoreTransaction, _ header: WorkspaceState.Header, _ id: String, field: String = "id") throws -> WorkspaceStoreError {
        let ids = try db.values(String.self, sql: "SELECT slug FROM journey_maps WHERE workspace_id = ? ORDER BY id", arguments: [header.rowID])
        let known = ids.isEmpty ? "it has no maps yet" : "its maps are \(ids.quotedList())"
        return .notFound(field, "\(field): workspace '\(header.slug)' has no map '\(id)'; \(known)")
    }

    /// The document of one version, or a not-found error naming the versions there are.
    static func versionDocument(_ db: any StoreTransaction, _ mapRowID: Int64, id: String, version: Int, current: Int, field: String = "version") throws -> String {
        if let document = try db.value(String.self, sql: "SELECT document FROM journey_map_versions WHERE map_id = ? AND number = ?",
                                              arguments: [mapRowID, version]) {
            return document
        }
        let versions = current == 1 ? "its only version is 1" : "versions are 1…\(current)"
        throw WorkspaceStoreError.notFound(field, "map '\(id)': no version \(version); \(versions)")
    }

    static var versionQuery: String { "SELECT number, author, message, created_at, restored_from, added, removed, moved, edited FROM journey_map_versions" }

    static func version(_ db: any StoreTransaction, _ mapRowID: Int64, _ number: Int) throws -> MapVersion {
        guard let row = try db.row(sql: versionQuery + " WHERE map_id = ? AND number = ?", arguments: [mapRowID, number]) else {
            throw WorkspaceStoreError(.storage, "version \(number) of a map is missing from the store; restore the database from a backup")
        }
        return try version(row)
    }

    static func version(_ row: SQLRow) throws -> MapVersion {
        MapVersion(number: try row[0], author: try row[1], message: try row[2], created: StoreTime.date(try row[3]), restoredFrom: try row[4],
                   changes: ChangeCounts(added: try row[5], removed: try row[6], moved: try row[7], edited: try row[8]))
    }
}

/// A map's row: its key, current version and creation time.
struct MapHeader {
    var rowID: Int64
    var currentVersion: Int
    var created: Int64
}
