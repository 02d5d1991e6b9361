import JourneyModel

/// The checks a persona or map passes before it is written.
///
/// A document is stored as its canonical JSON, so that JSON is read back first: what cannot be read
/// back exactly (an invalid id in a model built in code, say) is refused. Then the workspace that
/// the write would leave is validated with ``WorkspaceValidator``: incoming personas and maps first,
/// at the indices of the document they came from (so paths and source positions point into it), the
/// stored ones after. Every error in the incoming items refuses the write, and so does every error
/// the write would cause in a stored item; warnings are kept for the incoming items only.
enum DocumentCheck {
    /// The canonical JSON of a persona, and the problems of reading it back at `personas[index]`.
    static func canonical(_ persona: Persona, index: Int, file: String) -> (json: String, diagnostics: [Diagnostic]) {
        canonical(persona, json: StoredDocument.json(persona), content: .persona(index: index), path: "personas[\(index)]",
                  name: "the persona '\(persona.id)'", file: file, known: StoredDocument.decoded.persona,
                  keep: StoredDocument.decoded.keep) { $0.personas.first }
    }

    /// The canonical JSON of a map, and the problems of reading it back at `journeys[index]`.
    static func canonical(_ map: JourneyMap, index: Int, file: String) -> (json: String, diagnostics: [Diagnostic]) {
        canonical(map, json: StoredDocument.json(map), content: .journey(index: index), path: "journeys[\(index)]",
                  name: "the map '\(map.id)'", file: file, known: StoredDocument.decoded.map,
                  keep: StoredDocument.decoded.keep) { $0.journeys.first }
    }

    /// `json` read back as `content`; an error when it does not give `item` again.
    ///
    /// A text read before (`known`) is not read again; one that reads back as `item` without a
    /// word from the reader is kept (`keep`), so that the next save, which reads the stored
    /// documents, finds it decoded.
    private static func canonical<Item: Equatable>(_ item: Item, json: String, content: WorkspaceCodec.Content, path: String, name: String,
                                                   file: String, known: (String) -> Item?, keep: (Item, String) -> Void,
                                                   readBack: (Workspace) -> Item?) -> (json: String, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let read: Item?
        if let earlier = known(json) {
            read = earlier
        } else {
            let decoded = WorkspaceCodec.decode(Array(json.utf8), file: file, syntax: .json, content: content)
            diagnostics = decoded.diagnostics
            read = diagnostics.hasErrors ? nil : decoded.workspace.flatMap(readBack)
        }
        if !diagnostics.hasErrors {
            if read == item {
                if diagnostics.isEmpty { keep(item, json) }
            } else {
                diagnostics.append(Diagnostic(.error, code: "not-storable", at: nil, file: file, path: path,
                                              message: "\(name) does not read back the same from its JSON form",
                                              suggestion: "check for values journey-as-code cannot express, such as numbers that are not finite"))
            }
        }
        return (json, withoutPositions(diagnostics, file: file))
    }

    /// Every error of the workspace `incoming` would leave, and the warnings on `incoming` items.
    static func validate(_ incoming: Workspace, sourceMap: SourceMap, state: WorkspaceState) -> [Diagnostic] {
        let personaIDs = Set(incoming.personas.map(\.id)), mapIDs = Set(incoming.journeys.map(\.id))
        let storedPersonas = state.personas.map(\.persona).filter { !personaIDs.contains($0.id) }
        let storedMaps = state.maps.map(\.map).filter { !mapIDs.contains($0.id) }
        let merged = Workspace(name: incoming.name, description: incoming.description,
                               personas: incoming.personas + storedPersonas, journeys: incoming.journeys + storedMaps)
        // Errors stored documents have already (say, after a stricter validator) do not block
        // other writes; only those the write would cause do.
        let stored = state.workspace
        let before = Set(WorkspaceValidator.validate(stored, sourceMap: SourceMap(defaultFile: "")).compactMap { storedKey($0, in: stored) })
        var kept: [Diagnostic] = []
        for var diagnostic in WorkspaceValidator.validate(merged, sourceMap: sourceMap) {
            switch subject(of: diagnostic.path) {
            case ("personas", let index)? where index >= incoming.personas.count:
                guard diagnostic.severity == .error, let key = storedKey(diagnostic, in: merged), !before.contains(key) else { continue }
                diagnostic = relabel(diagnostic, file: "personas/\(merged.personas[index].id).json")
            case ("journeys", let index)? where index >= incoming.journeys.count:
                guard diagnostic.severity == .error, let key = storedKey(diagnostic, in: merged), !before.contains(key) else { continue }
                diagnostic = relabel(diagnostic, file: "journeys/\(merged.journeys[index].id).json")
            default:
                break
            }
            kept.append(diagnostic)
        }
        return kept
    }

    /// An error on a persona or map named by id rather than index, so the same error matches in
    /// two workspaces that order their items differently.
    static func storedKey(_ diagnostic: Diagnostic, in workspace: Workspace) -> String? {
        guard diagnostic.severity == .error, let (kind, index) = subject(of: diagnostic.path) else { return nil }
        let ids = kind == "personas" ? workspace.personas.map(\.id) : workspace.journeys.map(\.id)
        guard index < ids.count, let close = diagnostic.path.firstIndex(of: "]") else { return nil }
        return "\(kind)/\(ids[index])\(diagnostic.path[diagnostic.path.index(after: close)...])|\(diagnostic.code)|\(diagnostic.message)"
    }

    /// Errors first, each group in the order found.
    static func ordered(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.filter { $0.severity == .error } + diagnostics.filter { $0.severity != .error }
    }

    /// `("journeys", 3)` for a path starting `journeys[3]`.
    static func subject(of path: String) -> (String, Int)? {
        for kind in ["personas", "journeys"] where path.hasPrefix(kind + "[") {
            let digits = path.dropFirst(kind.count + 1).prefix { $0.isNumber }
            if let index = Int(digits) { return (kind, index) }
        }
        return nil
    }

    static func relabel(_ diagnostic: Diagnostic, file: String) -> Diagnostic {
        var copy = diagnostic
        copy.file = file
        copy.line = 0
        copy.column = 0
        return copy
    }

    static func withoutPositions(_ diagnostics: [Diagnostic], file: String) -> [Diagnostic] {
        diagnostics.map { relabel($0, file: file) }
    }
}
