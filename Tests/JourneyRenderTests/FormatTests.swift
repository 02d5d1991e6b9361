import Foundation
import JourneyModel
import JourneyRender
import Testing

@Suite("Formats")
struct FormatTests {
    @Test("CSV has one row per card, counted from the model", arguments: WorkspaceTemplate.allCases)
    func csvRows(template: WorkspaceTemplate) throws {
        let workspace = template.workspace
        for journey in workspace.journeys {
            let rows = try CSVReference.parse(TextFormats.csv(journey))
            var expected = 0
            for touchpoint in journey.touchpoints {
                expected += touchpoint.actions.count + touchpoint.thoughts.count + touchpoint.questions.count + touchpoint.painPoints.count
                expected += touchpoint.opportunities.count + touchpoint.kpis.count + (touchpoint.emotion == nil ? 0 : 1) + (touchpoint.owner == nil ? 0 : 1)
                expected += journey.lanes.filter { $0.card(for: touchpoint.id) != nil }.count
            }
            #expect(rows.first == TextFormats.csvColumns)
            #expect(rows.count - 1 == expected)
            let texts = Set(rows.dropFirst().map { $0[6] })
            for pain in journey.touchpoints.flatMap(\.painPoints) { #expect(texts.contains(pain.text)) }
        }
    }

    @Test("Mermaid scores map the emotion scale onto 1–5", arguments: WorkspaceTemplate.allCases)
    func mermaidScores(template: WorkspaceTemplate) throws {
        let workspace = template.workspace
        let journey = try #require(workspace.journeys.first)
        let tasks = TextFormats.mermaid(journey, in: workspace).split(separator: "\n").filter { $0.hasPrefix("      ") }
        #expect(tasks.count == journey.touchpoints.count)
        let ordered = journey.touchpointsByStage.flatMap(\.touchpoints)
        for (task, touchpoint) in zip(tasks, ordered) {
            let score = Int(task.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))!
            let scale = journey.emotionScale
            let expected = touchpoint.emotion.map { 1 + Int((4 * ($0 - scale.min) / (scale.max - scale.min)).rounded()) } ?? 3
            #expect(score == expected, "\(task)")
        }
    }

    @Test("the emotion curve passes through every scored touchpoint")
    func curvePassesThroughPoints() {
        let points: [(x: Double, y: Double)] = [(10, 50), (40, 10), (70, 90), (100, 50), (130, 20)]
        let path = EmotionCurve.smoothPath(points, minY: 0, maxY: 100)
        let numbers = path.split(whereSeparator: { $0 == " " || $0 == "M" || $0 == "C" }).compactMap { Double($0) }
        #expect(numbers.count == 2 + 6 * (points.count - 1))
        #expect((numbers[0], numbers[1]) == (10, 50))
        for index in 1..<points.count {
            let end = 2 + 6 * index - 2
            #expect((numbers[end], numbers[end + 1]) == (points[index].x, points[index].y))
        }
        // Control points stay inside the band.
        for index in stride(from: 1, to: numbers.count, by: 2) { #expect(numbers[index] >= 0 && numbers[index] <= 100) }
    }

    @Test("wrapping keeps every word and fits the width", arguments: [
        "Sees an Instagram ad on the morning commute and taps through to the product page",
        String(repeating: "supercalifragilistic", count: 6),
        "short",
        "中文客户旅程地图很长的名字没有空格也要换行中文客户旅程地图",
        "two\nparagraphs here",
    ])
    func wrapping(text: String) {
        let lines = TextMetrics.wrap(text, width: 120, size: 12)
        for line in lines where line.count > 1 { #expect(TextMetrics.width(line, size: 12) <= 120, "\(line)") }
        #expect(lines.joined().filter { !$0.isWhitespace } == text.filter { !$0.isWhitespace })
    }

    @Test("KPI targets are shown in their unit", arguments: [
        (0.012, "ratio", "1.2%"), (25, "percent", "25%"), (45, "seconds", "45 s"), (3, "days", "3 days"), (18000, "count", "18000"), (4.5, "score", "4.5 score"),
    ])
    func kpiTargets(value: Double, unit: String, expected: String) {
        #expect(KPIFormat.target(value, unit: unit) == expected)
    }

    @Test("the HTML page holds the map, the persona cards and print CSS")
    func htmlPage() throws {
        let workspace = WorkspaceTemplate.retail.workspace
        let journey = try #require(workspace.journeys.first { $0.state == .current })
        let html = HTMLRenderer.page(journey, in: workspace)
        #expect(html.contains("<svg "))
        for persona in journey.personas { #expect(html.contains("id=\"persona-\(persona)\"")) }
        #expect(html.contains("@media print"))
    }
}
