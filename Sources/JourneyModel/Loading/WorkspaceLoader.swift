import Foundation

/// Loads a workspace from files and folders and validates it.
///
/// A path may be one file holding a whole workspace, or a folder with an
/// optional `wayfinder.yaml` (or `.yml`/`.json`) and `personas/` and
/// `journeys/` folders of one-object files. Several paths merge into one workspace.
public enum WorkspaceLoader {
    /// The names of a folder's top-level workspace file, in order of preference.
    public static let workspaceFileNames = ["wayfinder.yaml", "wayfinder.yml", "wayfinder.json", "workspace.yaml", "workspace.yml", "workspace.json"]
    static let extensions = ["yaml", "yml", "json"]

    /// A loaded workspace.
    public struct Loaded: Sendable {
        /// The merged workspace (present even when it has errors, as far as it could be read).
        public var workspace: Workspace
        /// Where each value was written.
        public var sourceMap: SourceMap
        /// Every problem, syntax to semantics, sorted by location.
        public var diagnostics: [Diagnostic]
        /// The files read.
        public var files: [String]

        /// Whether the workspace can be used.
        public var isValid: Bool { !diagnostics.hasErrors }
    }

    /// Loads and validates the workspace at `paths`.
    public static func load(_ paths: [String]) -> Loaded {
        var workspace = Workspace()
        var sourceMap = SourceMap(defaultFile: paths.first ?? "")
        var diagnostics: [Diagnostic] = []
        var files: [String] = []

        func absorb(_ decoded: WorkspaceCodec.Decoded, file: String) {
            files.append(file)
            diagnostics += decoded.diagnostics
            sourceMap.merge(decoded.sourceMap)
            guard let part = decoded.workspace else { return }
            if workspace.name == nil { workspace.name = part.name }
            if workspace.description == nil { workspace.description = part.description }
            workspace.personas += part.personas
            workspace.journeys += part.journeys
        }

        func readFile(_ path: String, content: (Workspace) -> WorkspaceCodec.Content) {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= DocumentReader.maximumFileSize else {
                files.append(path)
                diagnostics.append(Diagnostic(
                    .error, code: "file-too-large", at: nil, file: path, path: "",
                    message: "the file is \(ByteCount.text(size)); journey-as-code files are limited to \(ByteCount.text(DocumentReader.maximumFileSize))",
                    suggestion: "split the workspace into personas/ and journeys/ folders of one-object files"))
                return
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                diagnostics.append(Diagnostic(.error, code: "unreadable", at: nil, file: path, path: "",
                                              message: "the file cannot be read", suggestion: "check the path and its permissions"))
                return
            }
            absorb(WorkspaceCodec.decode(Array(data), file: path, content: content(workspace)), file: path)
        }

        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(.error, code: "not-found", at: nil, file: path, path: "", message: "no such file or folder",
                                              suggestion: "run 'wayfinder init \(path)' to create a workspace there"))
                continue
            }
            guard isDirectory.boolValue else {
                readFile(path) { workspace in
                    switch URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent {
                    case "personas": .persona(index: workspace.personas.count)
                    case "journeys": .journey(index: workspace.journeys.count)
                    default: .detect(personaIndex: workspace.personas.count, journeyIndex: workspace.journeys.count)
                    }
                }
                continue
            }
            let before = files.count
            let folder = URL(fileURLWithPath: path)
            if let name = workspaceFileNames.first(where: { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
                readFile(join(path, name)) { _ in .workspace }
            }
            for file in filesIn(join(path, "personas"), diagnostics: &diagnostics) {
                readFile(file) { .persona(index: $0.personas.count) }
            }
            for file in filesIn(join(path, "journeys"), diagnostics: &diagnostics) {
                readFile(file) { .journey(index: $0.journeys.count) }
            }
            if files.count == before {
                diagnostics.append(Diagnostic(
                    .error, code: "not-found", at: nil, file: path, path: "",
                    message: "the folder holds no journey-as-code files",
                    expected: "a wayfinder.yaml file, or personas/ and journeys/ folders of .yaml or .json files",
                    suggestion: "run 'wayfinder init \(path)' for a complete example"))
            }
        }
        diagnostics += WorkspaceValidator.validate(workspace, sourceMap: sourceMap)
        return Loaded(workspace: workspace, sourceMap: sourceMap, diagnostics: diagnostics.sortedByLocation(), files: files)
    }

    /// The journey-as-code files of `folder`, none when there is no such folder. A folder that
    /// is there but cannot be listed is an error, not an empty folder: loading it as empty would
    /// drop its personas or maps from the workspace.
    static func filesIn(_ folder: String, diagnostics: inout [Diagnostic]) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            diagnostics.append(Diagnostic(.error, code: "unreadable", at: nil, file: folder, path: "",
                                          message: "this is a file where a folder of one-object files was expected",
                                          suggestion: "move the file away, or make it a folder of .yaml or .json files"))
            return []
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            diagnostics.append(Diagnostic(.error, code: "unreadable", at: nil, file: folder, path: "", message: "the folder cannot be read",
                                          suggestion: "check its permissions"))
            return []
        }
        return names.filter { name in extensions.contains((name as NSString).pathExtension.lowercased()) && !name.hasPrefix(".") }
            .sorted()
            .map { join(folder, $0) }
    }

    /// `folder/name`, with one slash.
    public static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
