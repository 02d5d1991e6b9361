/// Reads and writes journey-as-code text.
public enum WorkspaceCodec {
    /// A decoded workspace with where its values were written and the problems found.
    public struct Decoded: Sendable {
        /// The workspace, when the file could be read at all (it may still have errors).
        public var workspace: Workspace?
        /// Where each value was written.
        public var sourceMap: SourceMap
        /// Syntax and structure problems.
        public var diagnostics: [Diagnostic]
    }

    /// What one file holds.
    public enum Content: Sendable {
        /// A whole workspace (`version`, `personas`, `journeys`).
        case workspace
        /// One persona, as in a `personas/` folder; it becomes persona `index`.
        case persona(index: Int)
        /// One journey map, as in a `journeys/` folder; it becomes journey `index`.
        case journey(index: Int)
        /// Whichever the top-level keys show: a workspace (`version` or `journeys`), a journey map
        /// (`title`, `touchpoints` or `stages`), a persona (`id` and `name`), else a workspace.
        case detect(personaIndex: Int, journeyIndex: Int)

        /// The content a document's top-level keys show, for ``detect(personaIndex:journeyIndex:)``.
        func resolved(for root: DocumentNode) -> Content {
            guard case .detect(let personaIndex, let journeyIndex) = self else { return self }
            let keys = Set(root.entries?.map(\.key) ?? [])
            // A journey map lists persona ids under `personas` too, so only `version` and
            // `journeys` mark a workspace before the journey keys are looked at.
            if !keys.isDisjoint(with: ["version", "journeys"]) { return .workspace }
            if !keys.isDisjoint(with: ["title", "touchpoints", "stages"]) { return .journey(index: journeyIndex) }
            if keys.contains("id"), keys.contains("name") { return .persona(index: personaIndex) }
            return .workspace
        }
    }

    /// Decodes the bytes of one file.
    public static func decode(_ bytes: [UInt8], file: String, syntax: DocumentReader.Syntax? = nil, content: Content = .workspace) -> Decoded {
        let read = DocumentReader.read(bytes, file: file, syntax: syntax ?? .of(path: file))
        var context = DecodeContext(file: file)
        context.diagnostics = read.diagnostics
        guard let root = read.root else {
            return Decoded(workspace: nil, sourceMap: context.sourceMap, diagnostics: context.diagnostics)
        }
        var workspace: Workspace?
        switch content.resolved(for: root) {
        case .workspace:
            workspace = context.workspace(root)
        case .persona(let index):
            workspace = Workspace(personas: context.persona(root, "personas[\(index)]").map { [$0] } ?? [])
        case .journey(let index):
            workspace = Workspace(journeys: context.journey(root, "journeys[\(index)]").map { [$0] } ?? [])
        case .detect:
            workspace = context.workspace(root)
        }
        return Decoded(workspace: workspace, sourceMap: context.sourceMap, diagnostics: context.diagnostics)
    }

    /// Decodes text.
    public static func decode(_ text: String, file: String, syntax: DocumentReader.Syntax? = nil) -> Decoded {
        decode(Array(text.utf8), file: file, syntax: syntax)
    }

    /// The workspace as YAML.
    public static func yaml(_ workspace: Workspace) -> String { DocumentWriter.yaml(ModelEncoder.workspace(workspace)) }
    /// The workspace as JSON.
    public static func json(_ workspace: Workspace) -> String { DocumentWriter.json(ModelEncoder.workspace(workspace)) }
    /// One persona, for a `personas/` folder.
    public static func text(_ persona: Persona, syntax: DocumentReader.Syntax) -> String { write(ModelEncoder.persona(persona), syntax) }
    /// One journey map, for a `journeys/` folder.
    public static func text(_ journey: JourneyMap, syntax: DocumentReader.Syntax) -> String { write(ModelEncoder.journey(journey), syntax) }
    /// The workspace in either syntax.
    public static func text(_ workspace: Workspace, syntax: DocumentReader.Syntax) -> String { write(ModelEncoder.workspace(workspace), syntax) }

    /// The document tree of a workspace, keys in canonical order.
    public static func document(_ workspace: Workspace) -> DocumentNode { ModelEncoder.workspace(workspace) }

    private static func write(_ node: DocumentNode, _ syntax: DocumentReader.Syntax) -> String {
        syntax == .json ? DocumentWriter.json(node) : DocumentWriter.yaml(node)
    }
}
