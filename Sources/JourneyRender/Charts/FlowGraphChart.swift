/// A directly-follows graph drawn in layers from top to bottom: one box per touchpoint,
/// one curve per observed step between them, its width growing with the count.
///
/// Edges that go back to an earlier layer (or stay in one) are routed around the right side in
/// amber, self loops are drawn as a small loop and counted in the node. Nodes with the ids
/// `start` and `end` are drawn as dark pills. Output depends only on the input.
public struct FlowGraphChart: Sendable {
    /// A touchpoint (or any step) of the graph.
    public struct Node: Sendable, Equatable {
        /// A unique id that edges refer to.
        public var id: String
        /// The text shown in the box, wrapped to two lines.
        public var label: String
        /// How often the node occurs (customers or events).
        public var count: Int
        /// An optional layer, such as the stage index; layers are otherwise derived from the edges.
        public var layer: Int?

        /// Creates a node.
        public init(id: String, label: String, count: Int, layer: Int? = nil) {
            self.id = id
            self.label = label
            self.count = count
            self.layer = layer
        }
    }

    /// How often one node directly followed another.
    public struct Edge: Sendable, Equatable {
        /// The id of the earlier node.
        public var from: String
        /// The id of the later node.
        public var to: String
        /// Occurrences; edges with none are not drawn.
        public var count: Int
        /// The median time between the two, already formatted (for example `2.1 d`).
        public var medianDuration: String?

        /// Creates an edge.
        public init(from: String, to: String, count: Int, medianDuration: String? = nil) {
            self.from = from
            self.to = to
            self.count = count
            self.medianDuration = medianDuration
        }
    }

    /// The chart's title, shown on top and read by screen readers.
    public var title: String
    /// The nodes; the first with a given id wins.
    public var nodes: [Node]
    /// The edges; edges naming an unknown node are counted in a footnote, not drawn.
    public var edges: [Edge]

    static let nodeWidth = 140.0
    static let nodeHeight = 50.0
    static let nodeGap = 36.0
    static let dummyWidth = 12.0
    static let layerGap = 84.0
    static let laneSpacing = 10.0
    static let forwardColour = "#52606d"
    static let backColour = Palette.opportunity

    /// Creates a flow graph chart.
    public init(title: String = "Directly-follows graph", nodes: [Node], edges: [Edge]) {
        self.title = title
        self.nodes = nodes
        self.edges = edges
    }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        var seen = Set<String>()
        let nodes = self.nodes.filter { seen.insert($0.id).inserted }
        guard !nodes.isEmpty else { return ChartFrame.noData(title: title, message: "No data: the graph has no nodes") }
        var index: [String: Int] = [:]
        for (position, node) in nodes.enumerated() { index[node.id] = position }
        var drawn: [(from: Int, to: Int, edge: Edge)] = []
        var loops = [Int](repeating: 0, count: nodes.count)
        var skipped = 0
        for edge in edges where edge.count > 0 {
            guard let from = index[edge.from], let to = index[edge.to] else { skipped += 1; continue }
            if from == to { loops[from] += edge.count } else { drawn.append((from, to, edge)) }
        }
        let layout = FlowGraphLayout(nodeCount: nodes.count, hints: nodes.map(\.layer), edges: drawn.map { ($0.from, $0.to) })
        let geometry = Geometry(layout: layout)
        let laneSpace = layout.sideEdges.isEmpty ? 0 : 24 + Double(layout.sideEdges.count) * Self.laneSpacing
        let width = max(ChartFrame.width, geometry.contentWidth + laneSpace + 2 * ChartFrame.margin)
        var svg = SVGBuilder()
        let top = ChartFrame.heading(into: &svg, title, width: width) + 12
        let left = ChartFrame.margin + max((width - 2 * ChartFrame.margin - laneSpace - geometry.contentWidth) / 2, 0)
        svg.raw(Self.markers)
        let largest = Double(drawn.map(\.edge.count).max() ?? 1)
        func strokeWidth(_ count: Int) -> Double { 1.5 + 7 * (Double(count) / largest).squareRoot() }
        func x(_ vertex: Int) -> Double { left + geometry.centre[vertex] }
        func layerTop(_ layer: Int) -> Double { top + Double(layer) * (Self.nodeHeight + Self.layerGap) }

        // Ports spread edges along a node's bottom and top edges in the order of their other ends.
        var outPorts: [Int: Double] = [:], inPorts: [Int: Double] = [:]
        var outgoing = [[Int]](repeating: [], count: nodes.count), incoming = outgoing
        for (routeIndex, route) in layout.routes.enumerated() {
            outgoing[route.vertices[0]].append(routeIndex)
            incoming[route.vertices[route.vertices.count - 1]].append(routeIndex)
        }
        for node in nodes.indices {
            let byNext = outgoing[node].sorted { (x(layout.routes[$0].vertices[1]), $0) < (x(layout.routes[$1].vertices[1]), $1) }
            for (k, route) in byNext.enumerated() {
                outPorts[route] = x(node) - Self.nodeWidth * 0.3 + Self.nodeWidth * 0.6 * Double(k + 1) / Double(byNext.count + 1)
            }
            let byPrevious = incoming[node].sorted {
                let a = layout.routes[$0].vertices, b = layout.routes[$1].vertices
                return (x(a[a.count - 2]), $0) < (x(b[b.count - 2]), $1)
            }
            for (k, route) in byPrevious.enumerated() {
                inPorts[route] = x(node) - Self.nodeWidth * 0.3 + Self.nodeWidth * 0.6 * Double(k + 1) / Double(byPrevious.count + 1)
            }
        }

        var labels = SVGBuilder()
        var placer = LabelPlacer()
        for node in nodes.indices {
            let nodeTop = layerTop(layout.layer[node])
            placer.reserve((x(node) - Self.nodeWidth / 2, nodeTop, x(node) + Self.nodeWidth / 2, nodeTop + Self.nodeHeight))
        }
        let order = layout.routes.indices.sorted { drawn[layout.routes[$0].edge].edge.count > drawn[layout.routes[$1].edge].edge.count }
        for routeIndex in order {
            let route = layout.routes[routeIndex], item = drawn[route.edge]
            var points: [(x: Double, y: Double)] = [(outPorts[routeIndex] ?? x(item.from), layerTop(layout.layer[item.from]) + Self.nodeHeight)]
            for vertex in route.vertices.dropFirst().dropLast() {
                points.append((x(vertex), layerTop(layout.layer[vertex])))
                points.append((x(vertex), layerTop(layout.layer[vertex]) + Self.nodeHeight))
            }
            points.append((inPorts[routeIndex] ?? x(item.to), layerTop(layout.layer[item.to]) - 3))
            var d = "M\(f(points[0].x)) \(f(points[0].y))"
            for (a, b) in zip(points, points.dropFirst()) {
                if a.x == b.x { d += " L\(f(b.x)) \(f(b.y))"; continue }
                let middle = (a.y + b.y) / 2
                d += " C\(f(a.x)) \(f(middle)) \(f(b.x)) \(f(middle)) \(f(b.x)) \(f(b.y))"
            }
            let name = "\(nodes[item.from].label) → \(nodes[item.to].label): \(ChartFormat.count(item.edge.count))"
                + (item.edge.medianDuration.map { ", median \($0)" } ?? "")
            svg.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(Self.forwardColour)\" stroke-opacity=\"0.5\" stroke-width=\"\(f(strokeWidth(item.edge.count)))\""
                + " marker-end=\"url(#wf-arrow)\" class=\"edge\">\(ChartFrame.titled(name))</path>")
            let candidates = [0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85].map { Self.curvePoint(from: points[0], to: points[1], at: $0) }
                + [0.5, 0.3, 0.7].map { Self.curvePoint(from: points[points.count - 2], to: points[points.count - 1], at: $0) }
            Self.haloText(into: &labels, edgeLabel(item.edge), candidates: candidates, fill: Palette.ink, canvas: width, placer: &placer)
        }

        let laneLeft = left + geometry.contentWidth + 24
        for (lane, edgeIndex) in layout.sideEdges.enumerated() {
            let item = drawn[edgeIndex]
            let laneX = laneLeft + Double(lane) * Self.laneSpacing
            let offset = Double(lane % 4) * 7
            let sourceX = x(item.from) + Self.nodeWidth / 2 - 12, targetX = x(item.to) + Self.nodeWidth / 2 - 12
            let sourceY = layerTop(layout.layer[item.from]) + Self.nodeHeight
            let targetY = layerTop(layout.layer[item.to])
            let belowY = sourceY + 12 + offset, aboveY = targetY - 14 - offset
            let d = "M\(f(sourceX)) \(f(sourceY)) L\(f(sourceX)) \(f(belowY)) L\(f(laneX)) \(f(belowY)) L\(f(laneX)) \(f(aboveY))"
                + " L\(f(targetX)) \(f(aboveY)) L\(f(targetX)) \(f(targetY - 3))"
            let name = "\(nodes[item.from].label) → \(nodes[item.to].label): \(ChartFormat.count(item.edge.count)) (back)"
                + (item.edge.medianDuration.map { ", median \($0)" } ?? "")
            svg.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(Self.backColour)\" stroke-opacity=\"0.75\" stroke-width=\"\(f(strokeWidth(item.edge.count)))\""
                + " stroke-dasharray=\"6 3\" stroke-linejoin=\"round\" marker-end=\"url(#wf-arrow-back)\" class=\"back-edge\">\(ChartFrame.titled(name))</path>")
            let candidates = [0.5, 0.3, 0.7, 0.15, 0.85].map { (x: targetX + (laneX - targetX) * $0, y: aboveY - 3) }
                + [0.5, 0.3, 0.7].map { (x: laneX + 3, y: aboveY + (belowY - aboveY) * $0) }
            Self.haloText(into: &labels, edgeLabel(item.edge), candidates: candidates, fill: Self.backColour, canvas: width, placer: &placer)
        }

        for node in nodes.indices {
            drawNode(into: &svg, nodes[node], loops: loops[node], x: x(node) - Self.nodeWidth / 2, y: layerTop(layout.layer[node]))
        }
        svg.insert(labels.body, at: svg.body.count)
        var bottom = layerTop(layout.layerCount - 1) + Self.nodeHeight + 20
        if !layout.sideEdges.isEmpty || skipped > 0 {
            var note: [String] = []
            if !layout.sideEdges.isEmpty { note.append("dashed amber: steps back to an earlier touchpoint") }
            if skipped > 0 { note.append("\(ChartFormat.count(skipped)) edge\(skipped == 1 ? "" : "s") to unknown nodes not drawn") }
            svg.text(note.joined(separator: " · "), x: ChartFrame.margin, y: bottom + 4, size: 10.5, fill: Palette.muted, className: "footnote")
            bottom += 16
        }
        return svg.document(width: width, height: bottom + ChartFrame.margin - 8, title: title)
    }

    func edgeLabel(_ edge: Edge) -> String {
        ChartFormat.count(edge.count) + (edge.medianDuration.map { $0.isEmpty ? "" : " · \($0)" } ?? "")
    }

    func drawNode(into svg: inout SVGBuilder, _ node: Node, loops: Int, x: Double, y: Double) {
        let terminal = node.id == "start" || node.id == "end"
        var countText = ChartFormat.count(node.count)
        if loops > 0 { countText += " · ↻ \(ChartFormat.count(loops))" }
        let name = "\(node.label): \(ChartFormat.count(node.count))" + (loops > 0 ? ", repeated \(ChartFormat.count(loops)) times" : "")
        svg.rect(x: x, y: y, width: Self.nodeWidth, height: Self.nodeHeight, fill: terminal ? Palette.ink : Palette.card,
                 stroke: terminal ? nil : Palette.cardStroke, radius: terminal ? Self.nodeHeight / 2 : 6, className: "node", title: name)
        if loops > 0 {
            let right = x + Self.nodeWidth, middle = y + Self.nodeHeight / 2
            svg.raw("<path d=\"M\(f(right)) \(f(middle - 8)) C\(f(right + 26)) \(f(middle - 22)) \(f(right + 26)) \(f(middle + 22)) \(f(right + 2)) \(f(middle + 8))\""
                + " fill=\"none\" stroke=\"\(Self.backColour)\" stroke-width=\"2\" marker-end=\"url(#wf-arrow-back)\" class=\"loop\">"
                + ChartFrame.titled(name) + "</path>")
        }
        let ink = terminal ? "#ffffff" : Palette.ink
        let lines = TextMetrics.wrap(node.label, width: Self.nodeWidth - 16, size: 11.5, bold: true, maxLines: 2)
        let blockTop = y + (Self.nodeHeight - Double(lines.count) * 14 - 13) / 2
        for (index, line) in lines.enumerated() {
            svg.text(line, x: x + Self.nodeWidth / 2, y: blockTop + 11 + Double(index) * 14, size: 11.5, weight: "600", fill: ink, anchor: "middle")
        }
        svg.text(countText, x: x + Self.nodeWidth / 2, y: blockTop + 11 + Double(lines.count) * 14, size: 10.5,
                 fill: terminal ? "#e4e7eb" : Palette.muted, anchor: "middle")
    }

    /// An edge label with a white halo, cut to fit, kept on the canvas and clear of nodes and other labels where possible.
    static func haloText(into svg: inout SVGBuilder, _ text: String, candidates: [(x: Double, y: Double)], fill: String, canvas: Double,
                         placer: inout LabelPlacer) {
        let line = TextMetrics.wrap(text, width: 120, size: 10, bold: true, maxLines: 1)[0]
        let width = TextMetrics.width(line, size: 10, bold: true), half = width / 2
        let kept = candidates.map { (x: min(max($0.x, ChartFrame.margin + half), canvas - ChartFrame.margin - half), y: $0.y + 4) }
        guard let point = placer.place(width: width, size: 10, candidates: kept) else { return }
        svg.raw(ChartFrame.haloText(line, x: point.x, y: point.y, size: 10, fill: fill, anchor: "middle", className: "edge-label"))
    }

    /// A point on the vertical-tangent cubic curve the edges are drawn with.
    static func curvePoint(from a: (x: Double, y: Double), to b: (x: Double, y: Double), at t: Double) -> (x: Double, y: Double) {
        let middle = (a.y + b.y) / 2, u = 1 - t
        let x = u * u * u * a.x + 3 * u * u * t * a.x + 3 * u * t * t * b.x + t * t * t * b.x
        let y = u * u * u * a.y + 3 * u * u * t * middle + 3 * u * t * t * middle + t * t * t * b.y
        return (x, y)
    }

    static let markers = "<defs>"
        + "<marker id=\"wf-arrow\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
        + "<path d=\"M0 0 L10 5 L0 10 Z\" fill=\"\(forwardColour)\"/></marker>"
        + "<marker id=\"wf-arrow-back\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
        + "<path d=\"M0 0 L10 5 L0 10 Z\" fill=\"\(backColour)\"/></marker></defs>"
}

extension FlowGraphChart {
    /// Horizontal positions: each layer packed left to right and centred on the widest layer.
    struct Geometry {
        /// The centre x of every vertex, relative to the content's left edge.
        var centre: [Double]
        var contentWidth: Double

        init(layout: FlowGraphLayout) {
            func width(_ vertex: Int) -> Double { vertex < layout.nodeCount ? FlowGraphChart.nodeWidth : FlowGraphChart.dummyWidth }
            let layerWidths = layout.order.map { vertices in
                vertices.reduce(0) { $0 + width($1) } + FlowGraphChart.nodeGap * Double(max(vertices.count - 1, 0))
            }
            contentWidth = layerWidths.max() ?? 0
            centre = [Double](repeating: 0, count: layout.layer.count)
            for (layer, vertices) in layout.order.enumerated() {
                var x = (contentWidth - layerWidths[layer]) / 2
                for vertex in vertices {
                    centre[vertex] = x + width(vertex) / 2
                    x += width(vertex) + FlowGraphChart.nodeGap
                }
            }
        }
    }
}
