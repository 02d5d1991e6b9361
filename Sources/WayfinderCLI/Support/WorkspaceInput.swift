import ArgumentParser
import Foundation
import JourneyModel

/// The workspace paths a command reads.
struct WorkspaceInput: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Workspace files or folders (a folder holds wayfinder.yaml and personas/, journeys/).",
        valueName: "path"))
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty {
            throw ValidationError("Name a workspace file or folder, for example 'wayfinder-demo/workspace'. Create one with 'wayfinder init'.")
        }
    }

    /// Loads the workspace; reports diagnostics and fails when it has errors.
    func load(showWarnings: Bool = true) throws -> WorkspaceLoader.Loaded {
        try Self.load(paths, showWarnings: showWarnings)
    }

    /// Loads the workspace at `paths`; reports diagnostics and fails when it has errors.
    static func load(_ paths: [String], showWarnings: Bool = true) throws -> WorkspaceLoader.Loaded {
        let loaded = WorkspaceLoader.load(paths)
        if loaded.diagnostics.hasErrors {
            Console.report(loaded.diagnostics)
            throw CommandFailure(message: "the workspace has \(Console.counts(loaded.diagnostics)); run 'wayfinder validate \(paths.joined(separator: " "))' after fixing them")
        }
        if showWarnings { Console.report(loaded.diagnostics) }
        return loaded
    }
}

extension WorkspaceLoader.Loaded {
    /// The journey with an id, or a failure listing the ids there are.
    func journey(_ id: String?, preferCurrent: Bool = true) throws -> JourneyMap {
        let ids = workspace.journeys.map(\.id)
        guard let id else {
            if let first = workspace.journeys.first(where: { $0.state == .current }) ?? workspace.journeys.first { return first }
            throw CommandFailure(message: "the workspace has no journey maps; add one under journeys/ or run 'wayfinder init'")
        }
        if let journey = workspace.journey(id) { return journey }
        throw CommandFailure(message: "no journey map '\(id)'; " + (Suggestions.hint(for: id, in: ids) ?? "the workspace has none"))
    }

    /// Photos of personas as data URLs, read from files next to the file that defined each persona.
    func photoURLs() -> [String: String] {
        var photos: [String: String] = [:]
        for (index, persona) in workspace.personas.enumerated() {
            guard let photo = persona.photo else { continue }
            if photo.hasPrefix("data:") || photo.hasPrefix("https://") || photo.hasPrefix("http://") {
                photos[persona.id] = photo
                continue
            }
            let definedIn = sourceMap.location(of: "personas[\(index)]")?.file ?? sourceMap.defaultFile
            let base = URL(fileURLWithPath: definedIn).deletingLastPathComponent()
            let candidates = [URL(fileURLWithPath: photo, relativeTo: base), URL(fileURLWithPath: photo, relativeTo: base.deletingLastPathComponent())]
            let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml", "gif": "image/gif"]
            guard let type = types[(photo as NSString).pathExtension.lowercased()],
                  let data = candidates.lazy.compactMap({ try? Data(contentsOf: $0) }).first, data.count <= 2_000_000 else {
                Console.error("\(definedIn): warning: photo '\(photo)' of persona '\(persona.id)' was not found or is not a PNG, JPEG, WebP, GIF or SVG under 2 MB; an initials avatar is drawn instead")
                continue
            }
            photos[persona.id] = "data:\(type);base64,\(data.base64EncodedString())"
        }
        return photos
    }
}
