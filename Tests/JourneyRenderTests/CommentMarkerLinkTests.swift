import JourneyModel
@testable import JourneyRender
import Testing

/// The comment markers of the drawn map link to their thread in the page, when the page lists threads.
@Suite("Comment marker links")
struct CommentMarkerLinkTests {
    @Test("a marker with a link is wrapped in it, escaped; one without stays a plain marker")
    func links() throws {
        let workspace = WorkspaceTemplate.retail.workspace
        let journey = try #require(workspace.journeys.first)
        let touchpoint = journey.touchpoints[1].id, stage = journey.stages[1].id
        let options = JourneyMapRenderer.Options(comments: ["touchpoint:\(touchpoint)": 2, "stage:\(stage)": 1],
                                                 commentLinks: ["touchpoint:\(touchpoint)": "#comment-12\"><script>"])
        let svg = JourneyMapRenderer(journey: journey, workspace: workspace, options: options).svg()
        let inspector = SVGInspector()
        try #require(inspector.parse(svg))
        let links = inspector.elements.filter { $0.name == "a" }
        #expect(links.map { $0.attributes["href"] } == ["#comment-12\"><script>"], "one link, its address read back whole")
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("aria-label=\"2 open comment threads: show\""))
        #expect(inspector.elements.filter { $0.name == "g" && $0.attributes["class"] == "comment-marker" }.count == 2)
    }
}
