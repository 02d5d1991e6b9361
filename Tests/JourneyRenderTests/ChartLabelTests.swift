import Foundation
@testable import JourneyRender
import Testing

/// Chart labels people read at a glance: none drawn over another, none broken inside a word.
@Suite("Chart labels")
struct ChartLabelTests {
    /// A Sankey diagram of many small, long-named nodes in every column.
    static func crowded() -> String {
        let names = ["Basket-recovery retargeting ad", "Product page and size guide", "Gait analysis and fitting in store", "Live chat about fit",
                     "Checkout delivery step", "Order placed", "Stride Club app and shoe tracker", "(end)"]
        var nodes: [SankeyChart.Node] = [.init(column: 0, id: "0:start", label: "Running creator's reel", count: 1_000)]
        var links: [SankeyChart.Link] = []
        for column in 1...4 {
            for (index, name) in names.enumerated() {
                nodes.append(.init(column: column, id: "\(column):\(index)", label: name, count: 200 / (index + 1)))
                links.append(.init(from: column == 1 ? "0:start" : "\(column - 1):\(index)", to: "\(column):\(index)", count: 200 / (index + 1)))
            }
        }
        return SankeyChart(title: "Crowded", nodes: nodes, links: links).svg()
    }

    /// The text elements of `svg` as boxes (left, top, right, bottom) from their position, anchor and measured width.
    static func textBoxes(_ svg: String) throws -> [(text: String, box: (Double, Double, Double, Double))] {
        let inspector = SVGInspector()
        try #require(inspector.parse(svg))
        return inspector.textElements.compactMap { element in
            guard let x = Double(element.attributes["x"] ?? ""), let y = Double(element.attributes["y"] ?? ""),
                  let size = Double(element.attributes["font-size"] ?? "") else { return nil }
            let bold = (element.attributes["font-weight"] ?? "400") != "400"
            let width = TextMetrics.width(element.text, size: bold ? size * 1.1 : size)
            let left = element.attributes["text-anchor"] == "end" ? x - width : element.attributes["text-anchor"] == "middle" ? x - width / 2 : x
            return (element.text, (left, y - size * 0.8, left + width, y + size * 0.2))
        }
    }

    @Test("no two labels of a crowded Sankey diagram overlap, in a column or across the last gap, and no word is broken")
    func sankey() throws {
        let svg = Self.crowded()
        let boxes = try Self.textBoxes(svg).filter { $0.text != "Crowded" }
        for (i, a) in boxes.enumerated() {
            for b in boxes[(i + 1)...] {
                let overlap = a.box.0 < b.box.2 && b.box.0 < a.box.2 && a.box.1 < b.box.3 && b.box.1 < a.box.3
                #expect(!overlap, "“\(a.text)” overlaps “\(b.text)”")
            }
        }
        let words = Set("Basket-recovery retargeting ad Product page and size guide Gait analysis and fitting in store Live chat about fit Checkout delivery step Order placed Stride Club app and shoe tracker (end) Running creator's reel".split(separator: " ").map(String.init))
        for text in boxes.map(\.text) where Double(text.replacingOccurrences(of: ",", with: "")) == nil {
            for word in text.split(separator: " ") {
                let whole = word.hasSuffix("…") ? words.contains { $0.hasPrefix(word.dropLast()) } : words.contains(String(word))
                #expect(whole, "“\(word)” of “\(text)” is a broken word")
            }
        }
    }

    @Test("an emotion chart's touchpoint names keep their words whole, shrinking the type first", arguments: [
        ("Recommends Stride at parkrun", 60.0), ("Basket-recovery retargeting ad", 52.0), ("Supercalifragilisticexpialidocious", 40.0), ("Pays", 40.0),
    ])
    func emotionLabels(label: String, width: Double) {
        let (lines, size) = EmotionComparisonChart.wholeWords(label, width: width)
        let words = label.split(separator: " ").map(String.init)
        for line in lines {
            #expect(TextMetrics.width(line, size: size) <= width + 0.01, "\(line) is wider than \(width)")
            for word in line.split(separator: " ") {
                let token = String(word)
                #expect(words.contains(token) || (token.hasSuffix("…") && words.contains { $0.hasPrefix(token.dropLast()) }), "“\(token)” in \(lines)")
            }
        }
    }
}
