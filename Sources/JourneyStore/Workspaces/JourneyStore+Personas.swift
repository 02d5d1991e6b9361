import JourneyModel

extension SQLWorkspaceStore {
    /// Creates or replaces the persona `id` of a workspace.
    ///
    /// The persona is validated with the workspace's other personas and maps; an error refuses the
    /// save with every diagnostic and writes nothing. Saving a persona identical to the stored one
    /// writes nothing and says so.
    public func savePersona(workspace: String, id: String, persona: Persona) async throws(WorkspaceStoreError) -> PersonaSaveResult {
        try await savePersona(workspace: workspace, id: id, persona: persona,
                              sourceMap: SourceMap(defaultFile: "personas/\(id).json"), prior: [])
    }

    /// Creates or replaces the persona `id` from the text of a journey-as-code persona document
    /// (as in a `personas/` folder); diagnostics point at lines and columns of that text. With
    /// `createOnly`, a persona `id` that exists already is refused (``WorkspaceStoreError/Code/alreadyExists``)
    /// and left as it is, checked in the same transaction as the write.
    public func savePersona(workspace: String, id: String, text: String, syntax: DocumentReader.Syntax = .json,
                            createOnly: Bool = false) async throws(WorkspaceStoreError) -> PersonaSaveResult {
        try FieldRules.id(id, of: "persona")
        let file = "personas/\(id).\(syntax.rawValue)"
        let decoded = WorkspaceCodec.decode(Array(text.utf8), file: file, syntax: syntax, content: .persona(index: 0))
        guard let persona = decoded.workspace?.personas.first, !decoded.diagnostics.hasErrors else {
            throw .invalidDocument("persona '\(id)'", decoded.diagnostics)
        }
        return try await savePersona(workspace: workspace, id: id, persona: persona, sourceMap: decoded.sourceMap, prior: decoded.diagnostics,
                                     createOnly: createOnly)
    }

    /// A persona of a workspace.
    public func persona(workspace: String, id: String) async throws(WorkspaceStoreError) -> StoredPersona {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            guard let row = try db.row(sql: "SELECT slug, document, created_at, updated_at FROM personas WHERE workspace_id = ? AND slug = ?",
                                             arguments: [header.rowID, id]) else {
                throw try Self.missingPersona(db, header, id)
            }
            return try Self.storedPersona(row)
        }
    }

    /// Every persona of a workspace, in the order they were first saved.
    public func personas(workspace: String) async throws(WorkspaceStoreError) -> [StoredPersona] {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            return try db.rows(sql: "SELECT slug, document, created_at, updated_at FROM personas WHERE workspace_id = ? ORDER BY id",
                                    arguments: [header.rowID]).map(Self.storedPersona)
        }
    }

    /// Deletes a persona; refused while a map is drawn for it.
    public func deletePersona(workspace: String, id: String) async throws(WorkspaceStoreError) {
        try await write { db in
            let state = try WorkspaceState.load(db, workspace)
            guard let row = state.persona(id) else { throw try Self.missingPersona(db, state.header, id) }
            let users = state.maps.filter { $0.map.personas.contains(id) }.map(\.slug)
            if !users.isEmpty {
                throw WorkspaceStoreError(.inUse, field: "id", "persona '\(id)' is used by the map\(users.count == 1 ? "" : "s") \(users.quotedList()); remove it from their 'personas' first, then delete it")
            }
            try db.execute(sql: "DELETE FROM personas WHERE id = ?", arguments: [row.rowID])
            try WorkspaceState.touch(db, state.header, at: StoreTime.now())
        }
    }

    func savePersona(workspace: String, id: String, persona: Persona, sourceMap: SourceMap, prior: [Diagnostic],
                     createOnly: Bool = false) async throws(WorkspaceStoreError) -> PersonaSaveResult {
        try FieldRules.id(id, of: "persona")
        guard persona.id == id else {
            throw .invalid("id", "id: the persona document has id '\(persona.id)' but the request names '\(id)'; make them the same")
        }
        return try await write { db in
            let state = try WorkspaceState.load(db, workspace)
            if createOnly, state.persona(id) != nil {
                throw WorkspaceStoreError(.alreadyExists, field: "id", "id: a persona '\(id)' exists already in workspace '\(workspace)'; change it with PUT /api/v1/workspaces/\(workspace)/personas/\(id)")
            }
            let canonical = DocumentCheck.canonical(persona, index: 0, file: sourceMap.defaultFile)
            var diagnostics = prior + canonical.diagnostics
            diagnostics += DocumentCheck.validate(Workspace(personas: [persona]), sourceMap: sourceMap, state: state)
            if diagnostics.hasErrors { throw WorkspaceStoreError.invalidDocument("persona '\(id)'", DocumentCheck.ordered(diagnostics)) }
            let outcome = try Self.writePersona(db, state.header, existing: state.persona(id), persona: persona, json: canonical.json, at: StoreTime.now())
            return PersonaSaveResult(id: id, outcome: outcome, warnings: diagnostics.filter { $0.severity != .error })
        }
    }

    /// Inserts or updates a checked persona; unchanged when its document is the stored one.
    static func writePersona(_ db: any StoreTransaction, _ header: WorkspaceState.Header, existing: WorkspaceState.PersonaRow?,
                             persona: Persona, json: String, at now: Int64) throws -> SaveOutcome {
        if let existing {
            guard existing.document != json else { return .unchanged }
            try db.execute(sql: "UPDATE personas SET name = ?, document = ?, updated_at = ? WHERE id = ?",
                           arguments: [persona.name, json, now, existing.rowID])
        } else {
            try db.execute(sql: "INSERT INTO personas (workspace_id, slug, name, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [header.rowID, persona.id, persona.name, json, now, now])
        }
        try WorkspaceState.touch(db, header, at: now)
        return existing == nil ? .created : .updated
    }

    static func storedPersona(_ row: SQLRow) throws -> StoredPersona {
        let id: String = try row[0]
        return StoredPersona(id: id, persona: try StoredDocument.persona(row[1], id: id), created: StoreTime.date(try row[2]), updated: StoreTime.date(try row[3]))
    }

    static func missingPersona(_ db: any StoreTransaction, _ header: WorkspaceState.Header, _ id: String) throws -> WorkspaceStoreError {
        let ids = try db.values(String.self, sql: "SELECT slug FROM personas WHERE workspace_id = ? ORDER BY id", arguments: [header.rowID])
        let known = ids.isEmpty ? "it has no personas yet" : "its personas are \(ids.quotedList())"
        return .notFound("id", "id: workspace '\(header.slug)' has no persona '\(id)'; \(known)")
    }
}
