import Foundation
import JourneyModel
import JourneyRender
import Testing

/// Golden SVG files: rendering must give the same bytes. Set `WAYFINDER_UPDATE_SNAPSHOTS=1` to rewrite them
/// after an intended change, and review the pictures before committing.
@Suite("SVG snapshots")
struct SnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    func check(_ svg: String, named name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["WAYFINDER_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(svg.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if svg != expected {
            let actualLines = svg.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record("\(name) differs from its snapshot at line \((first?.offset ?? min(actualLines.count, expectedLines.count)) + 1): \(first.map { "got \($0.element.0.prefix(200)) expected \($0.element.1.prefix(200))" } ?? "length differs"). Rerun with WAYFINDER_UPDATE_SNAPSHOTS=1 if the change is intended.")
        }
    }

    @Test("the current map of each template matches its snapshot", arguments: WorkspaceTemplate.allCases)
    func templateMap(template: WorkspaceTemplate) throws {
        let workspace = template.workspace
        let current = try #require(workspace.journeys.first { $0.state == .current })
        try check(JourneyMapRenderer(journey: current, workspace: workspace).svg(), named: "\(template.rawValue).svg")
    }

    @Test("the README's picture is the retail snapshot")
    func readmePicture() throws {
        let root = Self.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let picture = try String(contentsOf: root.appendingPathComponent("docs/images/retail-map.svg"), encoding: .utf8)
        let snapshot = try String(contentsOf: Self.folder.appendingPathComponent("retail.svg"), encoding: .utf8)
        #expect(picture == snapshot, "copy Tests/JourneyRenderTests/Snapshots/retail.svg to docs/images/retail-map.svg")
    }

    @Test("the retail comparison matches its snapshot")
    func comparison() throws {
        let workspace = WorkspaceTemplate.retail.workspace
        let current = try #require(workspace.journeys.first { $0.state == .current })
        let future = try #require(workspace.journeys.first { $0.state == .future })
        try check(CompareRenderer(current: current, future: future, workspace: workspace).svg(), named: "retail-compare.svg")
    }

    @Test("each analytics chart matches its snapshot", arguments: ChartSamples.allCases)
    func chart(sample: ChartSamples) throws {
        try check(sample.svg, named: "chart-\(sample.rawValue).svg")
    }

    @Test("rendering is deterministic and independent of how the workspace was read")
    func deterministic() throws {
        let workspace = WorkspaceTemplate.healthcare.workspace
        let reread = try #require(WorkspaceCodec.decode(WorkspaceCodec.json(workspace), file: "w.json").workspace)
        for journey in workspace.journeys {
            let first = JourneyMapRenderer(journey: journey, workspace: workspace).svg()
            #expect(first == JourneyMapRenderer(journey: journey, workspace: workspace).svg())
            #expect(first == JourneyMapRenderer(journey: reread.journey(journey.id)!, workspace: reread).svg())
        }
    }
}
