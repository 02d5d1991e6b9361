import Foundation
@testable import JourneyRender
import Testing

/// Every chart kind, drawn from small sample data with a label put everywhere a label goes.
enum ChartKind: String, CaseIterable, Sendable {
    case funnel, sankey, flowGraph, ranking, emotion

    func render(label: String = "Step") -> String {
        switch self {
        case .funnel:
            FunnelChart(title: label, steps: [
                .init(label: label, customers: 1_200),
                .init(label: label + " 2", customers: 700, medianTime: label),
                .init(label: label + " 3", customers: 0),
            ]).svg()
        case .sankey:
            SankeyChart(title: label, nodes: [
                .init(column: 0, id: "a", label: label, count: 100),
                .init(column: 1, id: "b", label: label + " b", count: 60),
                .init(column: 1, id: "end", label: "(end)", count: 40),
                .init(column: 2, id: "c", label: label + " c", count: 60),
            ], links: [.init(from: "a", to: "b", count: 60), .init(from: "a", to: "end", count: 40), .init(from: "b", to: "c", count: 60)]).svg()
        case .flowGraph:
            FlowGraphChart(title: label, nodes: [
                .init(id: "start", label: "Start", count: 100),
                .init(id: "a", label: label, count: 100, layer: 0),
                .init(id: "b", label: label + " b", count: 80, layer: 1),
                .init(id: "end", label: "End", count: 100),
            ], edges: [
                .init(from: "start", to: "a", count: 100), .init(from: "a", to: "b", count: 80, medianDuration: label),
                .init(from: "b", to: "a", count: 10), .init(from: "b", to: "b", count: 5), .init(from: "b", to: "end", count: 70),
                .init(from: "a", to: "end", count: 30),
            ]).svg()
        case .ranking:
            RankingChart(title: label, rows: [
                .init(label: label, value: 12, valueText: label, detail: label, role: .critical),
                .init(label: label + " 2", value: 3, valueText: "3", role: .low),
            ]).svg()
        case .emotion:
            EmotionComparisonChart(title: label, points: [
                .init(label: label, stage: label, designed: 1, measured: 0.5, lower: 0.2, upper: 0.8, samples: 40),
                .init(label: label + " 2", stage: label, designed: -1, measured: nil, samples: 0),
                .init(label: label + " 3", stage: "Decision", designed: 2, measured: -1.2, lower: -1.6, upper: -0.8, samples: 12),
            ]).svg()
        }
    }

    func renderEmpty() -> String {
        switch self {
        case .funnel: FunnelChart(steps: []).svg()
        case .sankey: SankeyChart(nodes: [], links: []).svg()
        case .flowGraph: FlowGraphChart(nodes: [], edges: [.init(from: "x", to: "y", count: 3)]).svg()
        case .ranking: RankingChart(rows: []).svg()
        case .emotion: EmotionComparisonChart(points: []).svg()
        }
    }
}

@Suite("Charts")
struct ChartTests {
    static let hostile: [String] = [
        "<script>alert('x')</script>",
        "Tom & Jerry's \"quoted\" <b>bold</b>",
        "]]><!-- --><![CDATA[",
        "emoji 🏃‍♀️👟🎉 and flags 🇬🇧",
        "שלום, זהו מסע לקוח",
        String(repeating: "Long words without end ", count: 22),
        String(repeating: "x", count: 500),
        "control \u{1}\u{8}\u{B}\u{1F} chars and \u{FFFE}",
        "",
    ]

    func inspect(_ svg: String) -> SVGInspector {
        let inspector = SVGInspector()
        #expect(inspector.parse(svg), "not well-formed: \(String(describing: inspector.error))")
        return inspector
    }

    func number(_ element: SVGInspector.Element, _ key: String) -> Double {
        element.attributes[key].flatMap(Double.init) ?? .nan
    }

    func elements(_ inspector: SVGInspector, _ name: String, class className: String) -> [SVGInspector.Element] {
        inspector.elements.filter { $0.name == name && $0.attributes["class"] == className }
    }

    // MARK: Every chart

    @Test("A standalone, titled, finite and deterministic document", arguments: ChartKind.allCases)
    func document(kind: ChartKind) {
        let svg = kind.render()
        let inspector = inspect(svg)
        let root = inspector.elements.first
        #expect(root?.name == "svg")
        #expect(root?.attributes["xmlns"] == "http://www.w3.org/2000/svg" || svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(root?.attributes["role"] == "img")
        #expect(root?.attributes["viewBox"]?.hasPrefix("0 0 ") == true)
        #expect(inspector.elements.dropFirst().first?.name == "title")
        #expect(inspector.size.width >= 960 && inspector.size.height > 60)
        let lowered = svg.lowercased()
        #expect(!lowered.contains("nan") && !lowered.contains("inf"))
        #expect(svg == kind.render(), "same input, same bytes")
    }

    @Test("Empty data gives a 'No data' picture", arguments: ChartKind.allCases)
    func empty(kind: ChartKind) {
        let inspector = inspect(kind.renderEmpty())
        #expect(inspector.texts.contains { $0.hasPrefix("No data") })
    }

    @Test("Hostile labels stay escaped and on the canvas", arguments: ChartKind.allCases, hostile)
    func hostileLabels(kind: ChartKind, label: String) {
        let svg = kind.render(label: label)
        let inspector = inspect(svg)
        #expect(!svg.contains("<script") && !svg.contains("<b>"))
        #expect(!svg.lowercased().contains("nan"))
        let canvas = inspector.size
        for (line, attributes) in inspector.textElements {
            let size = Double(attributes["font-size"] ?? "12") ?? 12
            let width = TextMetrics.width(line, size: size, bold: attributes["font-weight"] != nil)
            let x = Double(attributes["x"] ?? "0") ?? 0
            let (left, right): (Double, Double) = switch (attributes["text-anchor"], attributes["direction"]) {
            case ("middle", _): (x - width / 2, x + width / 2)
            case ("end", _), (_, "rtl"): (x - width, x)
            default: (x, x + width)
            }
            #expect(left >= -0.5 && right <= canvas.width + 0.5, "\(kind) text runs off the canvas: \(line.prefix(60))")
        }
        for element in inspector.elements where element.name == "rect" && element.attributes["width"] != "100%" {
            #expect(number(element, "x") >= 0 && number(element, "x") + number(element, "width") <= canvas.width + 0.5)
            #expect(number(element, "y") >= 0 && number(element, "y") + number(element, "height") <= canvas.height + 0.5)
        }
    }

    // MARK: Number text

    @Test("Numbers read the same in every locale")
    func format() {
        #expect(ChartFormat.count(0) == "0")
        #expect(ChartFormat.count(999) == "999")
        #expect(ChartFormat.count(1_234) == "1,234")
        #expect(ChartFormat.count(-1_234_567) == "-1,234,567")
        #expect(ChartFormat.percent(0.123) == "12.3%")
        #expect(ChartFormat.percent(1) == "100.0%")
        #expect(ChartFormat.percent(0.99996) == "100.0%")
        #expect(ChartFormat.percent(.nan) == "–")
        #expect(ChartFormat.decimal(1_234.56) == "1,234.6")
        #expect(ChartFormat.decimal(-0.04) == "0.0")
        #expect(ChartFormat.decimal(-2.25, digits: 2) == "-2.25")
        #expect(ChartFormat.decimal(0.05, digits: 2) == "0.05")
        #expect(ChartFormat.decimal(.infinity) == "–")
        #expect(ChartFormat.duration(seconds: 42) == "42 s")
        #expect(ChartFormat.duration(seconds: 750) == "12.5 min")
        #expect(ChartFormat.duration(seconds: 3.2 * 3_600) == "3.2 h")
        #expect(ChartFormat.duration(seconds: 2.1 * 86_400) == "2.1 d")
    }

    // MARK: Funnel

    @Test("Funnel bars are proportional to customers and labelled with share and drop-off")
    func funnel() {
        let counts = [1_000, 600, 250, 0]
        let svg = FunnelChart(steps: counts.enumerated().map { .init(label: "s\($0.offset)", customers: $0.element) }).svg()
        let inspector = inspect(svg)
        let bars = elements(inspector, "rect", class: "bar").map { number($0, "width") }
        #expect(bars.count == counts.count)
        for (width, count) in zip(bars, counts) {
            #expect(abs(width / bars[0] - Double(count) / Double(counts[0])) < 0.001, "\(width) for \(count)")
        }
        #expect(inspector.texts.contains("60.0% of first"))
        #expect(inspector.texts.contains("0.0% of first"))
        #expect(inspector.texts.contains { $0.hasPrefix("41.7% went on · 350 dropped off") })
        #expect(inspector.texts.contains { $0.hasPrefix("0.0% went on · 250 dropped off") })
    }

    @Test("A single step, an all-zero funnel and a given share from the previous step render")
    func funnelEdges() {
        let single = inspect(FunnelChart(steps: [.init(label: "only", customers: 5)]).svg())
        #expect(elements(single, "rect", class: "bar").count == 1)
        let zero = FunnelChart(steps: [.init(label: "a", customers: 0), .init(label: "b", customers: 0)]).svg()
        let inspector = inspect(zero)
        #expect(elements(inspector, "rect", class: "bar").allSatisfy { number($0, "width") == 0 })
        #expect(inspector.texts.contains { $0.hasPrefix("no customers at the previous step") })
        let given = inspect(FunnelChart(steps: [.init(label: "a", customers: 10), .init(label: "b", customers: 4, fromPrevious: 0.5, medianTime: "2.1 d")]).svg())
        #expect(given.texts.contains("50.0% went on · 6 dropped off · median 2.1 d to this step"))
    }

    // MARK: Sankey

    @Test("Sankey bands are as wide as their counts and nodes as tall as theirs")
    func sankey() {
        let nodes: [SankeyChart.Node] = [
            .init(column: 0, id: "home", label: "Home", count: 110),
            .init(column: 1, id: "search", label: "Search", count: 50),
            .init(column: 1, id: "product", label: "Product", count: 40),
            .init(column: 1, id: "end", label: "(end)", count: 20),
            .init(column: 2, id: "cart", label: "Cart", count: 35),
        ]
        let links: [SankeyChart.Link] = [
            .init(from: "home", to: "search", count: 50), .init(from: "home", to: "product", count: 40), .init(from: "home", to: "end", count: 20),
            .init(from: "search", to: "cart", count: 20), .init(from: "product", to: "cart", count: 15),
            .init(from: "cart", to: "home", count: 3), .init(from: "nowhere", to: "home", count: 3),
        ]
        let inspector = inspect(SankeyChart(nodes: nodes, links: links).svg())
        let bands = elements(inspector, "path", class: "link")
        #expect(bands.count == 5)
        let expected = ["Home → Search: 50": 50.0, "Home → Product: 40": 40, "Home → (end): 20": 20, "Search → Cart: 20": 20, "Product → Cart: 15": 15]
        let svg = SankeyChart(nodes: nodes, links: links).svg()
        for title in expected.keys { #expect(svg.contains("<title>\(XML.escape(title))</title>"), "\(title)") }
        let widths = bands.map { number($0, "stroke-width") }.sorted(by: >)
        let counts = expected.values.sorted(by: >)
        for (width, count) in zip(widths, counts) {
            #expect(abs(width / widths[0] - count / counts[0]) < 0.005, "\(width) for \(count)")
        }
        // Nodes in the middle column are ordered by count and as tall as their counts at the same scale as the bands.
        let boxes = elements(inspector, "rect", class: "node")
        let scale = widths[0] / 50
        let middle = boxes.filter { abs(number($0, "x") - number(boxes[1], "x")) < 0.01 }.sorted { number($0, "y") < number($1, "y") }
        #expect(middle.map { (number($0, "height") / scale).rounded() } == [50, 40, 20])
        #expect(inspector.texts.contains { $0.hasPrefix("2 links not drawn") })
    }

    @Test("Bands leave a node in the order of their targets, so fan-outs do not cross")
    func sankeyOrder() {
        let nodes: [SankeyChart.Node] = [
            .init(column: 0, id: "a", label: "A", count: 30),
            .init(column: 1, id: "small", label: "Small", count: 10),
            .init(column: 1, id: "large", label: "Large", count: 20),
        ]
        let chart = SankeyChart(nodes: nodes, links: [.init(from: "a", to: "small", count: 10), .init(from: "a", to: "large", count: 20)])
        let inspector = inspect(chart.svg())
        let bands = elements(inspector, "path", class: "link")
        func ends(_ d: String) -> (Double, Double) {
            let numbers = d.split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
            return (numbers[1], numbers[numbers.count - 1])
        }
        let pairs = bands.map { ends($0.attributes["d"] ?? "") }
        #expect(pairs.count == 2)
        // The band whose source end is higher also has the higher target end.
        #expect((pairs[0].0 - pairs[1].0) * (pairs[0].1 - pairs[1].1) > 0)
    }

    // MARK: Flow graph

    /// A deterministic pseudo-random graph with cycles, self loops, hints on some nodes and start/end.
    static func graph(seed: UInt64, nodes count: Int) -> FlowGraphChart {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var nodes: [FlowGraphChart.Node] = [.init(id: "start", label: "Start", count: 1_000), .init(id: "end", label: "End", count: 1_000)]
        for index in 0..<count {
            nodes.append(.init(id: "n\(index)", label: "Touchpoint \(index) with a longer name", count: next(900) + 1,
                               layer: seed % 2 == 0 ? index * 5 / count : nil))
        }
        var edges: [FlowGraphChart.Edge] = []
        for index in 0..<count {
            edges.append(.init(from: index == 0 ? "start" : "n\(next(index))", to: "n\(index)", count: next(500) + 1))
            edges.append(.init(from: "n\(index)", to: "n\(next(count))", count: next(80) + 1, medianDuration: "\(next(9)).\(next(9)) d"))
            if next(4) == 0 { edges.append(.init(from: "n\(index)", to: "end", count: next(300) + 1)) }
        }
        return FlowGraphChart(nodes: nodes, edges: edges)
    }

    @Test("Flow graph nodes never overlap and stay on the canvas", arguments: [(1, 6), (2, 12), (3, 20), (4, 30), (5, 3)] as [(UInt64, Int)])
    func flowGraphNodes(seed: UInt64, count: Int) {
        let chart = Self.graph(seed: seed, nodes: count)
        let svg = chart.svg()
        let inspector = inspect(svg)
        #expect(!svg.lowercased().contains("nan"))
        let boxes = elements(inspector, "rect", class: "node").map {
            (x: number($0, "x"), y: number($0, "y"), width: number($0, "width"), height: number($0, "height"))
        }
        #expect(boxes.count == count + 2)
        for i in boxes.indices {
            let a = boxes[i]
            #expect(a.x >= 0 && a.y >= 0 && a.x + a.width <= inspector.size.width && a.y + a.height <= inspector.size.height)
            for j in boxes.indices where j > i {
                let b = boxes[j]
                let apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
                #expect(apart, "nodes \(i) and \(j) overlap: \(a) \(b)")
            }
        }
        #expect(svg == chart.svg())
    }

    @Test("A cycle renders: its closing edge goes around the side, a self loop is counted in its node")
    func flowGraphCycle() {
        let chart = FlowGraphChart(nodes: [
            .init(id: "a", label: "A", count: 10), .init(id: "b", label: "B", count: 10), .init(id: "c", label: "C", count: 10),
        ], edges: [
            .init(from: "a", to: "b", count: 10), .init(from: "b", to: "c", count: 8), .init(from: "c", to: "a", count: 4),
            .init(from: "c", to: "c", count: 2), .init(from: "c", to: "ghost", count: 1),
        ])
        let inspector = inspect(chart.svg())
        #expect(elements(inspector, "path", class: "edge").count == 2)
        #expect(elements(inspector, "path", class: "back-edge").count == 1)
        #expect(elements(inspector, "path", class: "loop").count == 1)
        #expect(inspector.texts.contains("10 · ↻ 2"))
        #expect(inspector.texts.contains { $0.contains("1 edge to unknown nodes not drawn") })
        let nodes = elements(inspector, "rect", class: "node").map { number($0, "y") }
        #expect(nodes[0] < nodes[1] && nodes[1] < nodes[2], "a, b, c go down in layers")
    }

    @Test("Edge width grows with the count")
    func flowGraphWidths() {
        let chart = FlowGraphChart(nodes: [.init(id: "a", label: "A", count: 1), .init(id: "b", label: "B", count: 1), .init(id: "c", label: "C", count: 1)],
                                   edges: [.init(from: "a", to: "b", count: 100), .init(from: "a", to: "c", count: 25)])
        let widths = elements(inspect(chart.svg()), "path", class: "edge").map { number($0, "stroke-width") }.sorted()
        #expect(widths.count == 2)
        // 1.5 + 7 * sqrt(count / largest): 8.5 and 5.
        #expect(abs(widths[1] - 8.5) < 0.06 && abs(widths[0] - 5) < 0.06)
    }

    @Test("Layers: longest path without hints, hints first with them, start before and end after")
    func layering() {
        let plain = FlowGraphLayout(nodeCount: 4, hints: [nil, nil, nil, nil], edges: [(0, 1), (1, 2), (0, 2), (2, 3), (3, 1)])
        #expect(Array(plain.layer.prefix(4)) == [0, 1, 2, 3])
        #expect(plain.sideEdges == [4])
        // start(0) → x(1, stage 0) → y(2, stage 0) → z(3, stage 1) → end(4)
        let hinted = FlowGraphLayout(nodeCount: 5, hints: [nil, 0, 0, 1, nil], edges: [(0, 1), (1, 2), (2, 3), (3, 4), (1, 4)])
        #expect(Array(hinted.layer.prefix(5)) == [0, 1, 2, 3, 4])
        #expect(hinted.sideEdges.isEmpty)
        // An edge against the hints is drawn around the side.
        let against = FlowGraphLayout(nodeCount: 2, hints: [1, 0], edges: [(0, 1)])
        #expect(against.sideEdges == [0])
    }

    @Test("Barycentre sweeps remove avoidable crossings")
    func crossings() {
        // Layer 0: a, b; layer 1: c, d; a → d and b → c cross in input order.
        let layout = FlowGraphLayout(nodeCount: 4, hints: [0, 0, 1, 1], edges: [(0, 3), (1, 2)])
        let (_, down) = layout.neighbours()
        #expect(layout.crossings(of: layout.order, down: down) == 0)
        let unswept = FlowGraphLayout(nodeCount: 4, hints: [0, 0, 1, 1], edges: [(0, 3), (1, 2)], sweeps: 0)
        #expect(unswept.crossings(of: unswept.order, down: down) == 1)
    }

    // MARK: Ranking

    @Test("Ranking bars keep the given order and are proportional to the values")
    func ranking() {
        let values = [3.0, 12, 0, -4, .nan, 6]
        let chart = RankingChart(rows: values.enumerated().map { .init(label: "r\($0.offset)", value: $0.element, valueText: "v\($0.offset)") })
        let inspector = inspect(chart.svg())
        let bars = elements(inspector, "rect", class: "bar")
        #expect(bars.map { number($0, "y") } == bars.map { number($0, "y") }.sorted())
        let widths = bars.map { number($0, "width") }
        let expected = [0.25, 1, 0, 0, 0, 0.5]
        for (width, ratio) in zip(widths, expected) {
            #expect(abs(width / widths[1] - ratio) < 0.001)
        }
        #expect(inspector.texts.filter { $0.hasPrefix("v") } == values.indices.map { "v\($0)" })
    }

    // MARK: Emotion comparison

    @Test("A touchpoint without a measurement is a gap, not a zero")
    func emotionGap() {
        let chart = EmotionComparisonChart(points: [
            .init(label: "a", stage: "s1", designed: 1, measured: 0, lower: -0.5, upper: 0.5, samples: 10),
            .init(label: "b", stage: "s1", designed: 1, measured: 1, samples: 10),
            .init(label: "c", stage: "s2", designed: 0, measured: nil, samples: 0),
            .init(label: "d", stage: "s2", designed: -1, measured: -2, lower: -2.4, upper: -1.6, samples: 3),
            .init(label: "e", stage: "s3", designed: nil, measured: 0.5, samples: 3),
            .init(label: "f", stage: "s3", designed: 2, measured: .nan, samples: 3),
        ], min: -2, max: 2)
        let inspector = inspect(chart.svg())
        let measured = elements(inspector, "circle", class: "measured-point")
        #expect(measured.count == 4)
        let line = elements(inspector, "path", class: "measured").first?.attributes["d"] ?? ""
        #expect(line.filter { $0 == "M" }.count == 2, "the line is lifted at c: \(line)")
        let designed = elements(inspector, "path", class: "designed").first?.attributes["d"] ?? ""
        #expect(designed.filter { $0 == "M" }.count == 1, "the designed line stops at e, f is a lone point: \(designed)")
        #expect(elements(inspector, "circle", class: "designed-point").count == 5)
        // Scores map linearly: 0 sits on the zero line, -2 at the bottom, +1 three quarters up.
        let zero = number(elements(inspector, "line", class: "zero-line")[0], "y1")
        let ys = measured.map { number($0, "cy") }
        #expect(abs(ys[0] - zero) < 0.06)
        #expect(abs((ys[1] - zero) / (ys[2] - zero) - (1.0 / -2.0)) < 0.002)
        #expect(elements(inspector, "path", class: "error-bar").count == 2)
        #expect(elements(inspector, "rect", class: "stage-band").count == 3)
        #expect(inspector.texts.filter { $0 == "no data" }.count == 2)
    }

    @Test("A degenerate scale and values off the scale stay finite and inside the plot")
    func emotionScale() {
        let svg = EmotionComparisonChart(points: [.init(label: "a", stage: "s", designed: 9, measured: -9, samples: 1)], min: 1, max: 1).svg()
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
        let inspector = inspect(svg)
        let point = elements(inspector, "circle", class: "measured-point")[0]
        #expect(number(point, "cy") <= inspector.size.height)
    }
}
