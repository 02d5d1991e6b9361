import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Workspace import and export")
struct WorkspaceImportTests {
    @Test("importing a template then exporting gives the template back; importing it again adds nothing",
          arguments: WorkspaceTemplate.allCases)
    func roundTrip(_ template: WorkspaceTemplate) async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        let model = template.workspace
        #expect(!template.decoded().diagnostics.hasErrors && !model.journeys.isEmpty)
        _ = try await store.createWorkspace(id: "team", name: "Team")
        let first = try await store.importWorkspace("team", workspace: model, author: "ana", message: "first import")
        #expect(first.workspaceOutcome == .updated, "the template's name and description replace the workspace's")
        #expect(first.personas.map(\.id) == model.personas.map(\.id) && first.personas.allSatisfy { $0.outcome == .created })
        #expect(first.maps.map(\.id) == model.journeys.map(\.id) && first.maps.allSatisfy { $0.outcome == .created && $0.version == 1 })
        #expect(try await store.exportWorkspace("team") == model)
        let info = try await store.workspace("team")
        #expect(info.name == model.name && info.description == model.description)
        #expect(info.personas == model.personas.count && info.maps == model.journeys.count)

        let rows = try fixture.rowCounts()
        let again = try await store.importWorkspace("team", workspace: model, author: "ben")
        #expect(again.isUnchanged && again.maps.allSatisfy { $0.version == 1 })
        let fromText = try await store.importWorkspace("team", text: template.yaml, file: "\(template.rawValue).yaml", author: "ben")
        #expect(fromText.isUnchanged)
        #expect(try fixture.rowCounts() == rows)
        for map in model.journeys {
            let versions = try await store.mapVersions(workspace: "team", id: map.id)
            #expect(versions.map(\.number) == [1] && versions[0].author == "ana" && versions[0].message == "first import")
        }
        // The exported text reads back as the same workspace.
        let exported = try await store.exportWorkspace("team")
        #expect(WorkspaceCodec.decode(WorkspaceCodec.yaml(exported), file: "export.yaml").workspace == model)
    }

    @Test("a changed map gets a new version and a changed persona is replaced; the rest are unchanged")
    func update() async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        var model = WorkspaceTemplate.retail.workspace
        _ = try await store.importWorkspace("stride", workspace: model, author: "ana", createIfMissing: true)
        model.journeys[0].touchpoints[0].emotion = model.emotionFlipped(0)
        model.personas[0].goals.append("Run a half marathon")
        let result = try await store.importWorkspace("stride", workspace: model, author: "ben", message: "after research")
        #expect(result.maps.map(\.outcome) == [.updated] + Array(repeating: .unchanged, count: model.journeys.count - 1))
        #expect(result.maps[0].version == 2)
        #expect(result.personas.map(\.outcome) == [.updated] + Array(repeating: .unchanged, count: model.personas.count - 1))
        let versions = try await store.mapVersions(workspace: "stride", id: model.journeys[0].id)
        #expect(versions.map(\.number) == [1, 2] && versions[1].author == "ben" && versions[1].changes == ChangeCounts(edited: 1))
        #expect(try await store.exportWorkspace("stride") == model)
    }

    @Test("a failing import writes nothing and returns every diagnostic")
    func failing() async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        let template = WorkspaceTemplate.retail.workspace
        _ = try await store.importWorkspace("stride", workspace: template, author: "ana", createIfMissing: true)
        let rows = try fixture.rowCounts()
        var bad = template
        bad.name = "Renamed"
        bad.personas.append(Persona(id: "new-persona", name: "New"))
        bad.journeys[0].title = "Changed title"
        bad.journeys[0].touchpoints[0].stage = "nowhere"
        bad.journeys[1].personas.append("ghost")
        let error = await storeError { try await store.importWorkspace("stride", workspace: bad, author: "ben") }
        #expect(error?.code == .invalidDocument)
        let errors = error?.diagnostics.filter { $0.severity == .error }.map(\.path) ?? []
        #expect(errors == ["journeys[0].touchpoints[0].stage", "journeys[1].personas[\(template.journeys[1].personas.count)]"], "\(errors)")
        #expect(try fixture.rowCounts() == rows)
        #expect(try await store.exportWorkspace("stride") == template)

        // Into a missing workspace, even one it would create, nothing is written either.
        let missing = await storeError { try await store.importWorkspace("other", workspace: bad, author: "ben", createIfMissing: true) }
        #expect(missing?.code == .invalidDocument)
        #expect(try await store.workspaces().map(\.id) == ["stride"])
        let notCreated = await storeError { try await store.importWorkspace("other", workspace: template, author: "ben") }
        #expect(notCreated?.code == .notFound && notCreated?.field == "workspace")
    }

    @Test("text that cannot be read is refused with its line, and nothing is written")
    func unreadableText() async throws {
        let fixture = try WorkspaceFixture()
        let store = fixture.store
        _ = try await store.createWorkspace(id: "team", name: "Team")
        let yaml = """
            version: 1
            personas:
              - id: maya
                name: Maya
            journeys:
              - id: first
                title: First
                personas: [maya]
                touchpoints:
                  - { id: ad, name: Sees an ad, stage: awarenes, channel: social }
                colour: blue
            """
        let error = await storeError { try await store.importWorkspace("team", text: yaml, file: "upload.yaml", author: "ana") }
        let found = (error?.diagnostics ?? []).filter { $0.severity == .error }.map { "\($0.line):\($0.code)" }
        #expect(found.sorted() == ["10:dangling-reference", "11:unknown-key"], "\(found)")
        #expect(error?.diagnostics.allSatisfy { $0.file == "upload.yaml" } == true)
        #expect(try fixture.rowCounts() == ["workspaces": 1, "personas": 0, "journey_maps": 0, "journey_map_versions": 0, "comments": 0])

        let syntax = await storeError { try await store.importWorkspace("team", text: "{ \"version\": 1, ", file: "upload.json", author: "ana") }
        #expect(syntax?.code == .invalidDocument && syntax?.diagnostics.first?.line == 1)
    }

    @Test("one map or persona can be imported on its own from text")
    func singleDocument() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let result = try await store.importWorkspace("shop", text: WorkspaceCodec.text(WorkspaceFixture.map(), syntax: .json), file: "checkout.json", author: "ana")
        #expect(result.maps.map(\.id) == ["checkout"] && result.personas.isEmpty && result.workspaceOutcome == .unchanged)
        let exported = try await store.exportWorkspace("shop")
        #expect(exported == Workspace(name: "Shop", description: "A test shop", personas: [WorkspaceFixture.persona], journeys: [WorkspaceFixture.map()]))
    }
}

extension Workspace {
    /// A different emotion on the scale for touchpoint `index` of the first map: the scale's
    /// maximum, or its minimum when the emotion is the maximum already.
    func emotionFlipped(_ index: Int) -> Double {
        let scale = journeys[0].emotionScale
        return journeys[0].touchpoints[index].emotion == scale.max ? scale.min : scale.max
    }
}
