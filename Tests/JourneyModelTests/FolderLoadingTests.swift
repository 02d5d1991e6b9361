import Foundation
import JourneyModel
import Testing
import WayfinderTesting

/// A `personas/` or `journeys/` folder that is there but cannot be listed is an error, never an
/// empty folder: an empty one would load the workspace without its personas or maps, and a
/// server loading it would replace the stored ones with nothing.
@Suite("Folder loading")
struct FolderLoadingTests {
    static let workspace = """
        version: 1
        name: Shop
        personas:
          - { id: maya, name: Maya }
        journeys:
          - id: buy
            title: Buy
            personas: [maya]
            stages: [{ id: awareness, name: Awareness }]
            touchpoints: [{ id: ad, name: Sees an ad, stage: awareness, channel: social }]
        """

    @Test("a personas or journeys entry that is not a listable folder is an error naming it", arguments: ["personas", "journeys"])
    func unlistableFolder(_ name: String) throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write(Self.workspace, to: "ws/wayfinder.yaml")
        #expect(WorkspaceLoader.load([directory.path("ws")]).isValid, "the workspace alone is valid")
        _ = try directory.write("id: nobody\nname: Nobody\n", to: "ws/\(name)")
        let loaded = WorkspaceLoader.load([directory.path("ws")])
        #expect(!loaded.isValid, "an unlistable \(name)/ must not load as an empty folder")
        let error = try #require(loaded.diagnostics.first { $0.severity == .error })
        #expect(error.code == "unreadable")
        #expect(error.file == directory.path("ws/\(name)"))
        #expect(error.message.contains("folder"))
    }

    @Test("a workspace folder without personas or journeys folders loads as before")
    func missingFoldersAreFine() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write(Self.workspace, to: "ws/wayfinder.yaml")
        let loaded = WorkspaceLoader.load([directory.path("ws")])
        #expect(loaded.isValid, "\(loaded.diagnostics.map(\.formatted))")
        #expect(loaded.workspace.personas.map(\.id) == ["maya"])
    }
}
