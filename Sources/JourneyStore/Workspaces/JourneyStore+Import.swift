import JourneyModel

extension SQLWorkspaceStore {
    /// Imports a whole workspace in one transaction: every persona is created or replaced, every
    /// map that changed gets a new version, and a name or description given replaces the stored one.
    ///
    /// The workspace that would result (the import over what is stored) is validated first; any
    /// error refuses the whole import with every diagnostic, and nothing is written. Personas and
    /// maps the import does not mention are kept. Importing what is stored already adds no version.
    ///
    /// - Parameters:
    ///   - id: the workspace to import into.
    ///   - workspace: the decoded workspace, such as `WorkspaceLoader.load(paths).workspace`.
    ///   - sourceMap: where its values were written (`WorkspaceLoader.Loaded.sourceMap`), so that
    ///     diagnostics point at files, lines and columns; nil when it was built in code.
    ///   - author: who imports, recorded on each new map version.
    ///   - message: recorded on each new map version.
    ///   - createIfMissing: create the workspace (named after the document, or its id) when it does not exist.
    public func importWorkspace(_ id: String, workspace: Workspace, sourceMap: SourceMap? = nil, author: String, message: String? = nil,
                                createIfMissing: Bool = false) async throws(WorkspaceStoreError) -> ImportResult {
        try await importWorkspace(id, workspace: workspace, sourceMap: sourceMap ?? SourceMap(defaultFile: "workspace"), prior: [],
                                  author: author, message: message, createIfMissing: createIfMissing)
    }

    /// Imports a workspace from journey-as-code text: a whole workspace, or one persona or map
    /// (recognised by their keys). Diagnostics point at lines and columns of the text.
    ///
    /// - Parameters:
    ///   - file: the name shown in diagnostics; its extension picks the syntax when `syntax` is nil.
    public func importWorkspace(_ id: String, text: String, file: String = "workspace.yaml", syntax: DocumentReader.Syntax? = nil, author: String,
                                message: String? = nil, createIfMissing: Bool = false) async throws(WorkspaceStoreError) -> ImportResult {
        let decoded = WorkspaceCodec.decode(Array(text.utf8), file: file, syntax: syntax, content: .detect(personaIndex: 0, journeyIndex: 0))
        guard let workspace = decoded.workspace else { throw .invalidDocument("import into workspace '\(id)'", decoded.diagnostics) }
        return try await importWorkspace(id, workspace: workspace, sourceMap: decoded.sourceMap, prior: decoded.diagnostics,
                                         author: author, message: message, createIfMissing: createIfMissing)
    }

    /// The current workspace as journey-as-code: its name, description, personas and the current
    /// version of every map. `WorkspaceCodec.yaml(_:)` or `json(_:)` turns it into text.
    public func exportWorkspace(_ id: String) async throws(WorkspaceStoreError) -> Workspace {
        try await read { db in try WorkspaceState.load(db, id).workspace }
    }

    func importWorkspace(_ id: String, workspace: Workspace, sourceMap: SourceMap, prior: [Diagnostic], author: String, message: String?,
                         createIfMissing: Bool) async throws(WorkspaceStoreError) -> ImportResult {
        try FieldRules.id(id, of: "workspace")
        let author = try FieldRules.required(author, field: "author", what: "the author", maximum: FieldRules.maximumAuthor)
        let message = try FieldRules.optional(message, field: "message", maximum: FieldRules.maximumMessage)
        let name = try workspace.name.map { name throws(WorkspaceStoreError) in
            try FieldRules.required(name, field: "name", what: "the workspace name", maximum: FieldRules.maximumName)
        }
        let description = try FieldRules.optional(workspace.description, field: "description", maximum: FieldRules.maximumDescription)
        let versionProblem = workspace.version == 1 || prior.contains(where: { $0.code == "unsupported-version" }) ? [] : [
            Diagnostic(.error, code: "unsupported-version", at: sourceMap.location(of: "version"), file: sourceMap.defaultFile,
                       path: "version", message: "format version \(workspace.version) is not supported", expected: "version: 1"),
        ]
        return try await write { db in
            let now = StoreTime.now()
            var workspaceOutcome = SaveOutcome.unchanged
            if try db.value(Bool.self, sql: "SELECT 1 FROM workspaces WHERE slug = ?", arguments: [id]) != true {
                guard createIfMissing else { throw WorkspaceState.missing(id, field: "workspace") }
                try Self.insertWorkspace(db, id: id, name: name ?? id, description: description, at: now)
                workspaceOutcome = .created
            }
            let state = try WorkspaceState.load(db, id)
            var diagnostics = prior + versionProblem
            if !diagnostics.hasErrors {
                for (index, persona) in workspace.personas.enumerated() {
                    diagnostics += DocumentCheck.canonical(persona, index: index, file: sourceMap.defaultFile).diagnostics
                }
                for (index, map) in workspace.journeys.enumerated() {
                    diagnostics += DocumentCheck.canonical(map, index: index, file: sourceMap.defaultFile).diagnostics
                }
            }
            diagnostics += DocumentCheck.validate(workspace, sourceMap: sourceMap, state: state)
            if diagnostics.hasErrors {
                throw WorkspaceStoreError.invalidDocument("import into workspace '\(id)'", DocumentCheck.ordered(diagnostics))
            }

            let newName = name ?? state.header.name
            let newDescription = workspace.description == nil ? state.header.description : description
            if workspaceOutcome == .unchanged, newName != state.header.name || newDescription != state.header.description {
                try db.execute(sql: "UPDATE workspaces SET name = ?, description = ?, updated_at = ? WHERE id = ?",
                               arguments: [newName, newDescription, now, state.header.rowID])
                workspaceOutcome = .updated
            }
            var personas: [ImportResult.Item] = []
            for persona in workspace.personas {
                let outcome = try Self.writePersona(db, state.header, existing: state.persona(persona.id), persona: persona,
                                                    json: StoredDocument.json(persona), at: now)
                personas.append(ImportResult.Item(id: persona.id, outcome: outcome, version: nil))
            }
            var maps: [ImportResult.Item] = []
            for map in workspace.journeys {
                let saved = try Self.writeMap(db, state.header, existing: state.map(map.id), map: map, json: StoredDocument.json(map),
                                              author: author, message: message, restoredFrom: nil, warnings: [], at: now)
                maps.append(ImportResult.Item(id: map.id, outcome: saved.outcome, version: saved.version.number))
            }
            return ImportResult(workspace: id, workspaceOutcome: workspaceOutcome, personas: personas, maps: maps,
                                warnings: diagnostics.filter { $0.severity != .error })
        }
    }
}
