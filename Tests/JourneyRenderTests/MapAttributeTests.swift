import Foundation
import JourneyModel
@testable import JourneyRender
import Testing

/// The drawn map names what each of its elements is, so that the browser can attach to them, and
/// marks the elements that have open comments.
@Suite("Map element names")
struct MapAttributeTests {
    @Test("every stage, touchpoint, lane card group and emotion point carries data- attributes naming it", arguments: WorkspaceTemplate.allCases)
    func attributes(template: WorkspaceTemplate) throws {
        let workspace = template.workspace
        let journey = try #require(workspace.journeys.first)
        let svg = JourneyMapRenderer(journey: journey, workspace: workspace).svg()
        let inspector = SVGInspector()
        try #require(inspector.parse(svg))
        let groups = inspector.elements.filter { $0.name == "g" }
        let stages = Set(groups.filter { $0.attributes["data-lane"] == nil }.compactMap { $0.attributes["data-stage"] })
        #expect(stages == Set(journey.stages.filter { stage in journey.touchpoints.contains { $0.stage == stage.id } }.map(\.id)))
        let cards = Set(groups.filter { $0.attributes["data-lane"] == "touchpoint" }.compactMap { $0.attributes["data-touchpoint"] })
        #expect(cards == Set(journey.touchpoints.map(\.id)))
        let emotion = Set(groups.filter { $0.attributes["data-lane"] == "emotion" }.compactMap { $0.attributes["data-touchpoint"] })
        #expect(emotion == Set(journey.touchpoints.filter { $0.emotion != nil }.map(\.id)))
        for touchpoint in journey.touchpoints where !touchpoint.painPoints.isEmpty {
            #expect(groups.contains { $0.attributes["data-touchpoint"] == touchpoint.id && $0.attributes["data-lane"] == "pain_points" }, "\(touchpoint.id)")
        }
        for lane in journey.lanes {
            let owners = Set(groups.filter { $0.attributes["data-lane"] == "lane:\(lane.id)" }.compactMap { $0.attributes["data-touchpoint"] })
            #expect(owners == Set(lane.cards.map(\.touchpoint)).intersection(journey.touchpoints.map(\.id)), "\(lane.id)")
        }
    }

    @Test("open comments are marked with their number on their stage and touchpoint")
    func commentMarkers() throws {
        let workspace = WorkspaceTemplate.retail.workspace
        let journey = try #require(workspace.journeys.first)
        let touchpoint = journey.touchpoints[2].id, stage = journey.stages[0].id
        let svg = JourneyMapRenderer(journey: journey, workspace: workspace, options: .init(comments: ["touchpoint:\(touchpoint)": 3, "stage:\(stage)": 1])).svg()
        let inspector = SVGInspector()
        try #require(inspector.parse(svg))
        #expect(inspector.elements.filter { $0.name == "g" && $0.attributes["class"] == "comment-marker" }.count == 2)
        #expect(svg.contains("<title>3 open comment threads</title>") && svg.contains("<title>1 open comment thread</title>"))
        #expect(!JourneyMapRenderer(journey: journey, workspace: workspace).svg().contains("comment-marker"))
    }
}
