import JourneyRender

/// A first-purchase retail journey as each chart sees it: the charts' snapshot pictures.
enum ChartSamples: String, CaseIterable, Sendable {
    case funnel, sankey, flowGraph = "flow-graph", ranking, emotion

    static let names = [["Instagram ad", "Search", "Friend referral"], ["Product page", "Reviews", "Size guide"], ["Cart", "Checkout"],
                        ["Order completed", "(end)"]]
    static let counts = [[500, 300, 200], [450, 250, 120], [400, 150], [300, 700]]
    static let links: [SankeyChart.Link] = [
        .init(from: "0-0", to: "1-0", count: 250), .init(from: "0-0", to: "1-1", count: 150), .init(from: "0-1", to: "1-0", count: 150),
        .init(from: "0-1", to: "1-2", count: 100), .init(from: "0-2", to: "1-1", count: 100), .init(from: "0-2", to: "1-0", count: 50),
        .init(from: "1-0", to: "2-0", count: 300), .init(from: "1-1", to: "2-0", count: 100), .init(from: "1-2", to: "2-1", count: 100),
        .init(from: "1-0", to: "2-1", count: 50), .init(from: "2-0", to: "3-0", count: 250), .init(from: "2-1", to: "3-0", count: 50),
        .init(from: "2-0", to: "3-1", count: 150), .init(from: "0-0", to: "3-1", count: 100),
    ]

    var svg: String {
        switch self {
        case .funnel:
            return FunnelChart(title: "Stage funnel: first purchase", steps: [
                .init(label: "Awareness", customers: 12_400),
                .init(label: "Consideration", customers: 7_310, medianTime: "1.2 d"),
                .init(label: "Decision", customers: 2_045, medianTime: "3.4 d"),
                .init(label: "Retention", customers: 820, medianTime: "21 d"),
                .init(label: "Advocacy with a rather long stage name that wraps", customers: 0),
            ]).svg()
        case .sankey:
            return SankeyChart(title: "Paths from first touch", nodes: Self.names.enumerated().flatMap { column, names in
                names.enumerated().map { SankeyChart.Node(column: column, id: "\(column)-\($0.offset)", label: $0.element, count: Self.counts[column][$0.offset]) }
            }, links: Self.links).svg()
        case .flowGraph:
            var nodes: [FlowGraphChart.Node] = [.init(id: "start", label: "Start", count: 1_000), .init(id: "end", label: "End", count: 1_000)]
            for (column, names) in Self.names.enumerated() {
                for (row, name) in names.enumerated() where name != "(end)" {
                    nodes.append(.init(id: "\(column)-\(row)", label: name, count: Self.counts[column][row], layer: column))
                }
            }
            var edges = Self.links.filter { $0.to != "3-1" }.map {
                FlowGraphChart.Edge(from: $0.from, to: $0.to, count: $0.count, medianDuration: "1.\($0.count % 9) d")
            }
            edges += [
                .init(from: "start", to: "0-0", count: 500), .init(from: "start", to: "0-1", count: 300), .init(from: "start", to: "0-2", count: 200),
                .init(from: "3-0", to: "end", count: 300), .init(from: "2-0", to: "end", count: 150), .init(from: "1-2", to: "1-0", count: 40),
                .init(from: "2-1", to: "1-1", count: 60), .init(from: "2-0", to: "2-0", count: 30), .init(from: "3-0", to: "0-1", count: 20),
            ]
            return FlowGraphChart(title: "Directly-follows graph", nodes: nodes, edges: edges).svg()
        case .ranking:
            return RankingChart(title: "Friction ranking", rows: [
                .init(label: "Checkout: payment declined", value: 340, valueText: "340 customers lost", detail: "Decision · observed · 12% of checkouts",
                      role: .critical),
                .init(label: "Size guide unclear", value: 210, valueText: "210 customers lost", detail: "Consideration", role: .high),
                .init(label: "Ad lands on home page", value: 90, valueText: "90", role: .medium),
                .init(label: "Slow delivery", value: 12, valueText: "12", role: .low),
                .init(label: "Persona: Maya", value: 0.62, valueText: "62.0%", role: .positive),
            ]).svg()
        case .emotion:
            return EmotionComparisonChart(title: "Emotion: designed vs measured", points: [
                .init(label: "Sees an Instagram ad", stage: "Awareness", designed: 1, measured: 0.6, lower: 0.3, upper: 0.9, samples: 120),
                .init(label: "Searches", stage: "Awareness", designed: 0, measured: nil, samples: 0),
                .init(label: "Product page", stage: "Consideration", designed: 1, measured: 0.2, lower: -0.2, upper: 0.6, samples: 80),
                .init(label: "Size guide", stage: "Consideration", designed: -1, measured: -1.4, lower: -1.9, upper: -0.9, samples: 30),
                .init(label: "Checkout", stage: "Decision", designed: 0, measured: -0.8, lower: -1.1, upper: -0.5, samples: 200),
                .init(label: "Order completed", stage: "Decision", designed: 2, measured: 1.5, lower: 1.2, upper: 1.8, samples: 150),
                .init(label: "Delivery", stage: "Retention", designed: 1, measured: 0.9, samples: 40),
                .init(label: "Review request", stage: "Advocacy", designed: nil, measured: 0.1, samples: 10),
            ]).svg()
        }
    }
}
