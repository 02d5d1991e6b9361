import JourneyModel

/// One journey map written in each of the formats people take it elsewhere in: the drawing
/// (SVG, a printable HTML page), Markdown, CSV, Mermaid, and the journey-as-code document itself
/// (JSON or YAML, with the map's personas). `wayfinder render --journey MAP` and the server's
/// export both write through here, so a file downloaded in the browser has the same bytes as the
/// one the command writes.
public enum MapExport {
    /// A format of ``text(_:in:format:compareWith:options:)``.
    public enum Format: String, Sendable, CaseIterable {
        case svg, html, md, csv, mermaid, json, yaml

        /// The media type of the text.
        public var mediaType: String {
            switch self {
            case .svg: "image/svg+xml; charset=utf-8"
            case .html: "text/html; charset=utf-8"
            case .md: "text/markdown; charset=utf-8"
            case .csv: "text/csv; charset=utf-8"
            case .mermaid: "text/vnd.mermaid; charset=utf-8"
            case .json: "application/json; charset=utf-8"
            case .yaml: "application/yaml; charset=utf-8"
            }
        }

        /// The file name extension.
        public var fileExtension: String { self == .mermaid ? "mmd" : rawValue }
    }

    /// `map` of `workspace` in `format`; `future` draws a future-state map beside it (SVG and HTML).
    public static func text(_ map: JourneyMap, in workspace: Workspace, format: Format, compareWith future: JourneyMap? = nil,
                            options: JourneyMapRenderer.Options = .init()) -> String {
        switch format {
        case .svg:
            future.map { CompareRenderer(current: map, future: $0, workspace: workspace, options: options).svg() }
                ?? JourneyMapRenderer(journey: map, workspace: workspace, options: options).svg()
        case .html: HTMLRenderer.page(map, in: workspace, compareWith: future, options: options)
        case .md: TextFormats.markdown(map, in: workspace)
        case .csv: TextFormats.csv(map)
        case .mermaid: TextFormats.mermaid(map, in: workspace)
        case .json, .yaml: WorkspaceCodec.text(document(map, in: workspace), syntax: format == .json ? .json : .yaml)
        }
    }

    /// The workspace document holding `map` and the personas it names, in the workspace's order.
    public static func document(_ map: JourneyMap, in workspace: Workspace) -> Workspace {
        Workspace(version: workspace.version, name: workspace.name, description: workspace.description,
                  personas: workspace.personas.filter { map.personas.contains($0.id) }, journeys: [map])
    }
}
