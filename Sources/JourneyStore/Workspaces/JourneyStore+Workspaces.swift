import Foundation

extension SQLWorkspaceStore {
    /// Creates an empty workspace.
    ///
    /// - Parameters:
    ///   - id: `[a-z0-9-]+` like journey ids, unique in the store; it never changes.
    ///   - name: the display name, not blank, at most 200 characters.
    ///   - description: what the workspace covers, at most 10,000 characters.
    public func createWorkspace(id: String, name: String, description: String? = nil) async throws(WorkspaceStoreError) -> WorkspaceInfo {
        try FieldRules.id(id, of: "workspace")
        let name = try FieldRules.required(name, field: "name", what: "the workspace name", maximum: FieldRules.maximumName)
        let description = try FieldRules.optional(description, field: "description", maximum: FieldRules.maximumDescription)
        return try await write { db in
            try Self.insertWorkspace(db, id: id, name: name, description: description, at: StoreTime.now())
            return try Self.workspaceInfo(db, id)
        }
    }

    /// Every workspace, by id.
    public func workspaces() async throws(WorkspaceStoreError) -> [WorkspaceInfo] {
        try await read { db in
            try db.rows(sql: Self.workspaceInfoQuery + " ORDER BY w.slug").map(Self.workspaceInfo)
        }
    }

    /// One workspace.
    public func workspace(_ id: String) async throws(WorkspaceStoreError) -> WorkspaceInfo {
        try await read { db in try Self.workspaceInfo(db, id) }
    }

    /// Replaces a workspace's name and description (nil clears the description).
    public func updateWorkspace(_ id: String, name: String, description: String?) async throws(WorkspaceStoreError) -> WorkspaceInfo {
        let name = try FieldRules.required(name, field: "name", what: "the workspace name", maximum: FieldRules.maximumName)
        let description = try FieldRules.optional(description, field: "description", maximum: FieldRules.maximumDescription)
        return try await write { db in
            let header = try WorkspaceState.header(db, id, field: "id")
            if header.name != name || header.description != description {
                try db.execute(sql: "UPDATE workspaces SET name = ?, description = ?, updated_at = ? WHERE id = ?",
                               arguments: [name, description, StoreTime.now(), header.rowID])
            }
            return try Self.workspaceInfo(db, id)
        }
    }

    /// Deletes a workspace with its personas, maps, map versions, comments, alerts, keys and
    /// share links, and all its customer data: events, customers, identifiers, feedback, sources,
    /// uploads and quarantine.
    public func deleteWorkspace(_ id: String) async throws(WorkspaceStoreError) {
        try await write { db in
            // The writers of customer data take this row's turn first; so does a deletion of their data.
            try db.execute(sql: "UPDATE identity_generation SET value = value WHERE id = 1")
            let header = try WorkspaceState.header(db, id, field: "id")
            // Uploads refer to sources: the workspace row (and its uploads) go first.
            try db.execute(sql: "DELETE FROM workspaces WHERE id = ?", arguments: [header.rowID])
            for table in ["feedback", "events", "identities", "customers", "sources", "quarantined", "identity_refusals"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE workspace_id = ?", arguments: [header.rowID])
            }
        }
        try removeFiles(ofDeletedWorkspace: id)
    }

    static func insertWorkspace(_ db: any StoreTransaction, id: String, name: String, description: String?, at now: Int64) throws {
        if try db.value(Bool.self, sql: "SELECT 1 FROM workspaces WHERE slug = ?", arguments: [id]) == true {
            throw WorkspaceStoreError(.alreadyExists, field: "id", "id: a workspace '\(id)' exists already; choose another id or update that one")
        }
        try db.execute(sql: "INSERT INTO workspaces (slug, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, name, description, now, now])
    }

    static var workspaceInfoQuery: String { """
        SELECT w.slug, w.name, w.description, w.created_at, w.updated_at,
               (SELECT count(*) FROM personas p WHERE p.workspace_id = w.id),
               (SELECT count(*) FROM journey_maps m WHERE m.workspace_id = w.id)
        FROM workspaces w
        """ }

    static func workspaceInfo(_ db: any StoreTransaction, _ id: String) throws -> WorkspaceInfo {
        guard let row = try db.row(sql: workspaceInfoQuery + " WHERE w.slug = ?", arguments: [id]) else {
            throw WorkspaceState.missing(id, field: "id")
        }
        return try workspaceInfo(row)
    }

    static func workspaceInfo(_ row: SQLRow) throws -> WorkspaceInfo {
        WorkspaceInfo(id: try row[0], name: try row[1], description: try row[2], created: StoreTime.date(try row[3]), updated: StoreTime.date(try row[4]),
                      personas: try row[5], maps: try row[6])
    }
}
