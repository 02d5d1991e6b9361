import Foundation

/// Writes a workspace as a folder: `wayfinder.yaml`, `personas/<id>.yaml`, `journeys/<id>.yaml`.
public enum WorkspaceWriter {
    /// Why a workspace could not be written.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, with the path.
        public var description: String
    }

    /// Writes the workspace into `folder`, returning the paths written in order.
    ///
    /// Each file is written to a temporary name and renamed into place, so a
    /// reader never sees a half-written file.
    @discardableResult
    public static func write(_ workspace: Workspace, to folder: String, syntax: DocumentReader.Syntax = .yaml) throws(Failure) -> [String] {
        let ext = syntax == .json ? "json" : "yaml"
        var files: [(String, String)] = []
        let header = Workspace(version: workspace.version, name: workspace.name, description: workspace.description)
        files.append(("wayfinder.\(ext)", WorkspaceCodec.text(header, syntax: syntax)))
        for persona in workspace.personas { files.append(("personas/\(persona.id).\(ext)", WorkspaceCodec.text(persona, syntax: syntax))) }
        for journey in workspace.journeys { files.append(("journeys/\(journey.id).\(ext)", WorkspaceCodec.text(journey, syntax: syntax))) }
        var written: [String] = []
        for (name, text) in files {
            let path = WorkspaceLoader.join(folder, name)
            try writeAtomically(text, to: path)
            written.append(path)
        }
        return written
    }

    /// Writes text to a temporary file beside `path`, then renames it over `path`.
    public static func writeAtomically(_ text: String, to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw Failure(description: "\(path): cannot write the file (\((error as NSError).localizedDescription))")
        }
    }
}
