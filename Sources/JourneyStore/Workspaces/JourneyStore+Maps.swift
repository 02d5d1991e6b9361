import JourneyModel

extension SQLWorkspaceStore {
    /// Saves a journey map as a new version: 1 when the map is new, the current version + 1 otherwise.
    ///
    /// The map is validated with the workspace's personas and other maps; an error refuses the save
    /// with every diagnostic, and nothing is written. A map identical to the current version adds no
    /// version (the outcome is ``SaveOutcome/unchanged``).
    ///
    /// - Parameters:
    ///   - id: the map's id; the map's own `id` must be the same.
    ///   - author: who saves it (text until accounts exist), not blank.
    ///   - message: why, optional, at most 2,000 characters.
    ///   - baseVersion: the version the edit started from, to refuse a save over someone else's
    ///     newer version with ``WorkspaceStoreError/Code/versionConflict``; 0 means the map must not
    ///     exist yet; nil skips the check.
    public func saveMap(workspace: String, id: String, map: JourneyMap, author: String, message: String? = nil,
                        baseVersion: Int? = nil) async throws(WorkspaceStoreError) -> MapSaveResult {
        try await saveMap(workspace: workspace, id: id, map: map, sourceMap: SourceMap(defaultFile: "journeys/\(id).json"), prior: [],
                          author: author, message: message, baseVersion: baseVersion)
    }

    /// Saves a journey map from the text of a journey-as-code map document (as in a `journeys/`
    /// folder); diagnostics point at lines and columns of that text.
    public func saveMap(workspace: String, id: String, text: String, syntax: DocumentReader.Syntax = .json, author: String,
                        message: String? = nil, baseVersion: Int? = nil) async throws(WorkspaceStoreError) -> MapSaveResult {
        try FieldRules.id(id, of: "map")
        let decoded = WorkspaceCodec.decode(Array(text.utf8), file: "journeys/\(id).\(syntax.rawValue)", syntax: syntax, content: .journey(index: 0))
        guard let map = decoded.workspace?.journeys.first, !decoded.diagnostics.hasErrors else {
            throw .invalidDocument("map '\(id)'", decoded.diagnostics)
        }
        return try await saveMap(workspace: workspace, id: id, map: map, sourceMap: decoded.sourceMap, prior: decoded.diagnostics,
                                 author: author, message: message, baseVersion: baseVersion)
    }

    /// Makes an old version current again by saving it as a new version (with `restoredFrom` set).
    ///
    /// It is validated against the workspace as it is now, like any save; restoring a version equal
    /// to the current one adds no version.
    public func restoreMap(workspace: String, id: String, version: Int, author: String, message: String? = nil) async throws(WorkspaceStoreError) -> MapSaveResult {
        let author = try FieldRules.required(author, field: "author", what: "the author", maximum: FieldRules.maximumAuthor)
        let message = try FieldRules.optional(message, field: "message", maximum: FieldRules.maximumMessage) ?? "Restored version \(version)"
        return try await write { db in
            let state = try WorkspaceState.load(db, workspace)
            guard let existing = state.map(id) else { throw try Self.missingMap(db, state.header, id) }
            let document = try Self.versionDocument(db, existing.rowID, id: id, version: version, current: existing.currentVersion)
            let map = try StoredDocument.map(document, id: id, version: version)
            let sourceMap = SourceMap(defaultFile: "journeys/\(id).json")
            let canonical = DocumentCheck.canonical(map, index: 0, file: sourceMap.defaultFile)
            let diagnostics = canonical.diagnostics + DocumentCheck.validate(Workspace(journeys: [map]), sourceMap: sourceMap, state: state)
            if diagnostics.hasErrors {
                throw WorkspaceStoreError.invalidDocument("map '\(id)' version \(version) no longer fits the workspace", DocumentCheck.ordered(diagnostics))
            }
            return try Self.writeMap(db, state.header, existing: existing, map: map, json: canonical.json, author: author, message: message,
                                     restoredFrom: version, warnings: diagnostics, at: StoreTime.now())
        }
    }

    /// Deletes a map with all its versions and comments (nothing is kept); refused while a
    /// future-state map names it in `improves`.
    public func deleteMap(workspace: String, id: String) async throws(WorkspaceStoreError) {
        try await write { db in
            let state = try WorkspaceState.load(db, workspace)
            guard let row = state.map(id) else { throw try Self.missingMap(db, state.header, id) }
            let improvers = state.maps.filter { $0.map.state == .future && $0.map.improves == id }.map(\.slug)
            if !improvers.isEmpty {
                throw WorkspaceStoreError(.inUse, field: "id", "map '\(id)' is improved by the future-state map\(improvers.count == 1 ? "" : "s") \(improvers.quotedList()); change their 'improves' or delete them first")
            }
            try db.execute(sql: "DELETE FROM journey_maps WHERE id = ?", arguments: [row.rowID])
            try WorkspaceState.touch(db, state.header, at: StoreTime.now())
        }
    }

    func saveMap(workspace: String, id: String, map: JourneyMap, sourceMap: SourceMap, prior: [Diagnostic], author: String,
                 message: String?, baseVersion: Int?) async throws(WorkspaceStoreError) -> MapSaveResult {
        try FieldRules.id(id, of: "map")
        let author = try FieldRules.required(author, field: "author", what: "the author", maximum: FieldRules.maximumAuthor)
        let message = try FieldRules.optional(message, field: "message", maximum: FieldRules.maximumMessage)
        guard map.id == id else {
            throw .invalid("id", "id: the map document has id '\(map.id)' but the request names '\(id)'; make them the same")
        }
        if let baseVersion, baseVersion < 0 {
            throw .invalid("baseVersion", "baseVersion: \(baseVersion) is not a version; give the version the edit started from, or 0 for a new map")
        }
        return try await write { db in
            let state = try WorkspaceState.load(db, workspace)
            let existing = state.map(id)
            if let baseVersion, baseVersion != (existing?.currentVersion ?? 0) {
                let now = existing.map { "is at version \($0.currentVersion)" } ?? "does not exist (it was deleted)"
                let expected = baseVersion == 0 ? "to be new" : "at version \(baseVersion)"
                throw WorkspaceStoreError(.versionConflict, field: "baseVersion",
                                          "map '\(id)' \(now), but the edit expected it \(expected); read the current version, apply the edit to it and save again")
            }
            let canonical = DocumentCheck.canonical(map, index: 0, file: sourceMap.defaultFile)
            let diagnostics = prior + canonical.diagnostics + DocumentCheck.validate(Workspace(journeys: [map]), sourceMap: sourceMap, state: state)
            if diagnostics.hasErrors { throw WorkspaceStoreError.invalidDocument("map '\(id)'", DocumentCheck.ordered(diagnostics)) }
            return try Self.writeMap(db, state.header, existing: existing, map: map, json: canonical.json, author: author, message: message,
                                     restoredFrom: nil, warnings: diagnostics, at: StoreTime.now())
        }
    }

    /// Adds a checked map as a new version, or nothing when its document is the current one.
    static func writeMap(_ db: any StoreTransaction, _ header: WorkspaceState.Header, existing: WorkspaceState.MapRow?, map: JourneyMap, json: String,
                         author: String, message: String?, restoredFrom: Int?, warnings: [Diagnostic], at now: Int64) throws -> MapSaveResult {
        let warnings = warnings.filter { $0.severity != .error }
        if let existing, existing.document == json {
            return MapSaveResult(id: map.id, outcome: .unchanged, version: try version(db, existing.rowID, existing.currentVersion),
                                 diff: WorkspaceDiff(old: Workspace(), new: Workspace()), warnings: warnings)
        }
        let diff = WorkspaceDiff(old: Workspace(journeys: existing.map { [$0.map] } ?? []), new: Workspace(journeys: [map]))
        let number = (existing?.currentVersion ?? 0) + 1
        let mapRowID: Int64
        if let existing {
            mapRowID = existing.rowID
            try db.execute(sql: "UPDATE journey_maps SET title = ?, state = ?, current_version = ?, updated_at = ? WHERE id = ?",
                           arguments: [map.title, map.state.rawValue, number, now, mapRowID])
        } else {
            mapRowID = try db.insert(sql: """
                INSERT INTO journey_maps (workspace_id, slug, title, state, current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [header.rowID, map.id, map.title, map.state.rawValue, number, now, now])
        }
        let counts = ChangeCounts(diff)
        try db.execute(sql: """
            INSERT INTO journey_map_versions (map_id, number, document, author, message, restored_from, added, removed, moved, edited, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [mapRowID, number, json, author, message, restoredFrom, counts.added, counts.removed, counts.moved, counts.edited, now])
        try WorkspaceState.touch(db, header, at: now)
        let version = MapVersion(number: number, author: author, message: message, created: StoreTime.date(now), restoredFrom: restoredFrom, changes: counts)
        return MapSaveResult(id: map.id, outcome: existing == nil ? .created : .updated, version: version, diff: diff, warnings: warnings)
    }
}
