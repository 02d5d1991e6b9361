import Foundation
import JourneyModel
import JourneyRender
import Testing

@Suite("Adversarial text")
struct AdversarialTests {
    static let strings: [String] = [
        "<script>alert('x')</script>",
        "Tom & Jerry's \"quoted\" <b>bold</b>",
        "]]><!-- --><![CDATA[",
        "emoji 🏃‍♀️👟🎉 and flags 🇬🇧",
        "שלום, זהו מסע לקוח",
        "مرحبا بكم في رحلة العميل",
        "中文客户旅程地图，很长的名字没有空格也要换行",
        String(repeating: "Long words without end ", count: 22),
        String(repeating: "x", count: 500),
        "control \u{1}\u{8}\u{B}\u{1F} chars and \u{FFFE}",
        "' OR 1=1; DROP TABLE personas; --",
        "",
    ]

    func workspace(with text: String) -> Workspace {
        let card = Card(text, evidence: .observed, source: text)
        let touchpoints = Stage.defaults.enumerated().map { index, stage in
            Touchpoint(id: "t\(index)", name: text.isEmpty ? "t" : text, stage: stage.id, channel: text.isEmpty ? "web" : text, description: text,
                       actions: [card, Card(text)], thoughts: [card], questions: [card], emotion: Double(index) - 2,
                       painPoints: [PainPoint(text, severity: .critical, evidence: .assumed, source: text)],
                       opportunities: [Opportunity(text, owner: text, status: .inProgress, priority: .high, evidence: .proposed, source: text)],
                       owner: text, kpis: [KPI(name: text, target: 0.5, unit: text)], evidence: .proposed, source: text)
        }
        let journey = JourneyMap(id: "j", title: text, description: text, personas: ["p"], objective: text, goal: "t2",
                                 stages: Stage.defaults.map { Stage(id: $0.id, name: text.isEmpty ? $0.name : text, description: text) },
                                 touchpoints: touchpoints,
                                 lanes: [FreeLane(id: "l", name: text, cards: [(touchpoint: "t0", card: card)])])
        var future = journey
        future.id = "f"
        future.state = .future
        future.improves = "j"
        let persona = Persona(id: "p", name: text.isEmpty ? "p" : text, quote: text, background: text,
                              demographics: [(key: text.isEmpty ? "k" : text, value: .string(text))], goals: [text], challenges: [text],
                              preferences: [text], channels: [text])
        return Workspace(name: text, personas: [persona], journeys: [journey, future])
    }

    @Test("SVG stays well-formed, escaped and inside its canvas", arguments: strings)
    func svg(text: String) throws {
        let workspace = workspace(with: text)
        let svg = JourneyMapRenderer(journey: workspace.journeys[0], workspace: workspace).svg()
        let inspector = SVGInspector()
        #expect(inspector.parse(svg), "not well-formed: \(String(describing: inspector.error))")
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("<b>"))
        let canvas = inspector.size
        for element in inspector.elements where ["rect", "text", "circle"].contains(element.name) {
            for key in ["x", "cx"] {
                if let value = element.attributes[key].flatMap(Double.init) { #expect(value >= 0 && value <= canvas.width, "\(element.name) \(key)=\(value)") }
            }
            for key in ["y", "cy"] {
                if let value = element.attributes[key].flatMap(Double.init) { #expect(value >= 0 && value <= canvas.height, "\(element.name) \(key)=\(value)") }
            }
            if element.name == "rect", let x = element.attributes["x"].flatMap(Double.init), let width = element.attributes["width"].flatMap(Double.init) {
                #expect(x + width <= canvas.width + 0.5)
            }
        }
        // Every line of text, at its estimated width, stays on the canvas.
        for (line, attributes) in inspector.textElements {
            let size = Double(attributes["font-size"] ?? "12") ?? 12
            let width = TextMetrics.width(line, size: size, bold: attributes["font-weight"] != nil)
            let x = Double(attributes["x"] ?? "0") ?? 0
            let (left, right): (Double, Double) = switch (attributes["text-anchor"], attributes["direction"]) {
            case ("middle", _): (x - width / 2, x + width / 2)
            case ("end", _), (_, "rtl"): (x - width, x)
            default: (x, x + width)
            }
            #expect(left >= -0.5 && right <= canvas.width + 0.5, "text runs off the canvas: \(line.prefix(80))")
        }
        let comparison = CompareRenderer(current: workspace.journeys[0], future: workspace.journeys[1], workspace: workspace).svg()
        #expect(SVGInspector().parse(comparison))
    }

    @Test("HTML escapes every string", arguments: strings)
    func html(text: String) {
        let workspace = workspace(with: text)
        let html = HTMLRenderer.page(workspace.journeys[0], in: workspace)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>bold"))
        #expect(html.contains("@page { size: A3 landscape"))
        #expect(!html.contains("src=\"http"), "pages must not fetch anything")
        #expect(!html.contains("href=\"http"))
    }

    @Test("Markdown, CSV and Mermaid keep their structure", arguments: strings)
    func textFormats(text: String) throws {
        let workspace = workspace(with: text)
        let journey = workspace.journeys[0]
        let rows = try CSVReference.parse(TextFormats.csv(journey))
        #expect(rows.allSatisfy { $0.count == TextFormats.csvColumns.count })
        let mermaid = TextFormats.mermaid(journey, in: workspace)
        let lines = mermaid.split(separator: "\n")
        #expect(lines.first == "journey")
        #expect(lines.filter { $0.hasPrefix("    section ") }.count == 5)
        for task in lines where task.hasPrefix("      ") {
            #expect(task.split(separator: ":").count == 3, "\(task)")
        }
        let markdown = TextFormats.markdown(journey, in: workspace)
        let tableRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| **") }
        #expect(tableRows.count == journey.touchpoints.count)
        for row in tableRows {
            // 9 columns: 10 unescaped pipes.
            let pipes = row.split(separator: "|", omittingEmptySubsequences: false).count - 1
            let escaped = row.components(separatedBy: "\\|").count - 1
            #expect(pipes - escaped == 10, "\(row)")
        }
    }
}

/// An independent RFC 4180 reader for checking CSV output.
enum CSVReference {
    struct Malformed: Error {}

    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",": row.append(field); field = ""
            case "\r\n", "\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.append(character)
            }
        }
        if quoted { throw Malformed() }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
