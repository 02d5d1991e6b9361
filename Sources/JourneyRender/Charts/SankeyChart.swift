/// A Sankey diagram: columns of nodes whose heights are proportional to their counts,
/// joined by bands whose widths are proportional to the customers who moved between them.
///
/// Nodes in a column are ordered by count (largest on top), and the bands leaving or
/// entering a node are stacked in the order of the nodes at their other end, so bands cross
/// as little as the node order allows. Output depends only on the input.
public struct SankeyChart: Sendable {
    /// A box in one column.
    public struct Node: Sendable, Equatable {
        /// The column, left to right; any integers, only their order matters.
        public var column: Int
        /// A unique id that links refer to.
        public var id: String
        /// The text shown beside the node.
        public var label: String
        /// Customers at this node; negative values are drawn as zero.
        public var count: Int

        /// Creates a node.
        public init(column: Int, id: String, label: String, count: Int) {
            self.column = column
            self.id = id
            self.label = label
            self.count = count
        }
    }

    /// Customers who moved from one node to another in a later column.
    public struct Link: Sendable, Equatable {
        /// The id of the node the customers left.
        public var from: String
        /// The id of the node the customers reached.
        public var to: String
        /// How many customers; links with no customers are not drawn.
        public var count: Int

        /// Creates a link.
        public init(from: String, to: String, count: Int) {
            self.from = from
            self.to = to
            self.count = count
        }
    }

    /// The chart's title, shown on top and read by screen readers.
    public var title: String
    /// The nodes; the first with a given id wins.
    public var nodes: [Node]
    /// The links; links to unknown nodes or not going left to right are counted in a footnote, not drawn.
    public var links: [Link]

    static let nodeWidth = 14.0
    static let nodeGap = 14.0
    static let minimumNodeHeight = 2.0

    /// Creates a Sankey chart.
    public init(title: String = "Paths", nodes: [Node], links: [Link]) {
        self.title = title
        self.nodes = nodes
        self.links = links
    }

    /// A placed node.
    struct Box {
        var node: Node
        var column: Int
        var x: Double
        var y: Double
        var height: Double
        var value: Double
    }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        var seen = Set<String>()
        let nodes = self.nodes.filter { seen.insert($0.id).inserted }
        guard !nodes.isEmpty else { return ChartFrame.noData(title: title, message: "No data: there are no paths to show") }
        let layout = Layout(nodes: nodes, links: links)
        let width = ChartFrame.width
        var svg = SVGBuilder()
        let top = ChartFrame.heading(into: &svg, title, width: width)
        let (boxes, placed, plotHeight) = layout.place(top: top + 8, width: width)

        for link in placed {
            let source = boxes[link.source], target = boxes[link.target]
            let x0 = source.x + Self.nodeWidth, x1 = target.x, middle = (x0 + x1) / 2
            let d = "M\(f(x0)) \(f(link.sourceY)) C\(f(middle)) \(f(link.sourceY)) \(f(middle)) \(f(link.targetY)) \(f(x1)) \(f(link.targetY))"
            svg.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour(source.node))\" stroke-opacity=\"0.35\" stroke-width=\"\(f(link.width))\" class=\"link\">"
                + ChartFrame.titled("\(source.node.label) → \(target.node.label): \(ChartFormat.count(link.count))") + "</path>")
        }
        let lastColumn = layout.columnCount - 1
        let spacing = layout.columnCount > 1 ? (width - 2 * ChartFrame.margin - Self.nodeWidth) / Double(layout.columnCount - 1) : width
        let labelWidth = min(max(spacing - Self.nodeWidth - 24, 60), 240)
        // Labels go beside their node, one under another in each column: a label that would sit
        // on the one above moves down, and one that would end up away from its node is left out
        // (the node's tooltip still names it), so no two labels overlap.
        var labelBottom: [Int: Double] = [:]
        for box in boxes.sorted(by: { ($0.column, $0.y) < ($1.column, $1.y) }) {
            svg.rect(x: box.x, y: box.y, width: Self.nodeWidth, height: box.height, fill: colour(box.node), className: "node",
                     title: "\(box.node.label): \(ChartFormat.count(max(box.node.count, 0)))")
            let onLeft = box.column == lastColumn && layout.columnCount > 1
            // The last column's labels sit left of its nodes, in the gap the column before labels on
            // its right: each takes half of that gap.
            let sharesGap = layout.columnCount > 1 && box.column >= lastColumn - 1
            let width = sharesGap ? max(40, (spacing - Self.nodeWidth - 12) / 2 - 6) : labelWidth
            let lines = TextMetrics.wrapWords(box.node.label, width: width, size: 11.5, bold: true, maxLines: 2)
            let textX = onLeft ? box.x - 6 : box.x + Self.nodeWidth + 6
            let blockHeight = Double(lines.count) * 14 + 13
            let wanted = box.y + box.height / 2 - blockHeight / 2
            let blockTop = max(wanted, labelBottom[box.column] ?? -.infinity)
            guard blockTop <= max(wanted, box.y + box.height) + 2 else { continue }
            labelBottom[box.column] = blockTop + blockHeight + 2
            for (index, line) in lines.enumerated() {
                svg.raw(ChartFrame.haloText(line, x: textX, y: blockTop + 12 + Double(index) * 14, size: 11.5, anchor: onLeft ? "end" : nil))
            }
            svg.raw(ChartFrame.haloText(ChartFormat.count(max(box.node.count, 0)), x: textX, y: blockTop + 12 + Double(lines.count) * 14,
                                        size: 10.5, weight: "400", fill: Palette.muted, anchor: onLeft ? "end" : nil))
        }
        var bottom = top + 8 + plotHeight + 24
        if layout.skipped > 0 {
            svg.text("\(ChartFormat.count(layout.skipped)) link\(layout.skipped == 1 ? "" : "s") not drawn (unknown node or not left to right)",
                     x: ChartFrame.margin, y: bottom, size: 10.5, fill: Palette.muted, className: "footnote")
            bottom += 12
        }
        return svg.document(width: width, height: bottom + ChartFrame.margin - 8, title: title)
    }

    /// The colour of a node: neutral grey for the end and for "other", a stable hue for the rest.
    func colour(_ node: Node) -> String {
        let key = node.label.lowercased()
        if key == "other" || key == "(other)" || key == "(end)" || key == "end" || node.id == "end" { return Palette.neutral }
        return Palette.avatar(for: node.label)
    }
}

extension SankeyChart {
    /// A link with its band placed.
    struct PlacedLink {
        var source: Int
        var target: Int
        var count: Int
        var width: Double
        var sourceY: Double
        var targetY: Double
    }

    /// Column assignment, node order and scale.
    struct Layout {
        var nodes: [Node]
        var links: [(source: Int, target: Int, count: Int)] = []
        var columnOf: [Int] = []
        var columnCount = 0
        var skipped = 0

        init(nodes: [Node], links: [Link]) {
            self.nodes = nodes
            let columns = Array(Set(nodes.map(\.column))).sorted()
            var columnIndex: [Int: Int] = [:]
            for (index, column) in columns.enumerated() { columnIndex[column] = index }
            columnOf = nodes.map { columnIndex[$0.column] ?? 0 }
            columnCount = columns.count
            var index: [String: Int] = [:]
            for (position, node) in nodes.enumerated() { index[node.id] = position }
            for link in links where link.count > 0 {
                guard let source = index[link.from], let target = index[link.to], columnOf[source] < columnOf[target] else {
                    skipped += 1
                    continue
                }
                self.links.append((source, target, link.count))
            }
        }

        /// Boxes (in input order), placed links and the plot height.
        func place(top: Double, width: Double) -> ([Box], [PlacedLink], Double) {
            var inflow = [Double](repeating: 0, count: nodes.count), outflow = inflow
            for link in links {
                outflow[link.source] += Double(link.count)
                inflow[link.target] += Double(link.count)
            }
            // A node is as tall as its count, or its bands when the data gives more customers in links than in the node.
            let values = nodes.indices.map { max(Double(max(nodes[$0].count, 0)), inflow[$0], outflow[$0]) }
            var members = [[Int]](repeating: [], count: columnCount)
            for index in nodes.indices { members[columnOf[index]].append(index) }
            for column in members.indices {
                members[column].sort { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
            }
            let crowded = members.map(\.count).max() ?? 1
            let plotHeight = min(max(240, Double(crowded) * 56), 640)
            let largestTotal = members.map { $0.reduce(0) { $0 + values[$1] } }.max() ?? 0
            let scale = largestTotal > 0 ? (plotHeight - SankeyChart.nodeGap * Double(crowded - 1)
                - SankeyChart.minimumNodeHeight * Double(crowded)) / largestTotal : 0
            let spacing = columnCount > 1 ? (width - 2 * ChartFrame.margin - SankeyChart.nodeWidth) / Double(columnCount - 1) : 0
            var boxes: [Box?] = Array(repeating: nil, count: nodes.count)
            for (column, indices) in members.enumerated() {
                let heights = indices.map { max(values[$0] * scale, SankeyChart.minimumNodeHeight) }
                let total = heights.reduce(0, +) + SankeyChart.nodeGap * Double(max(indices.count - 1, 0))
                var y = top + max((plotHeight - total) / 2, 0)
                let x = columnCount > 1 ? ChartFrame.margin + Double(column) * spacing : (width - SankeyChart.nodeWidth) / 2
                for (position, index) in indices.enumerated() {
                    boxes[index] = Box(node: nodes[index], column: column, x: x, y: y, height: heights[position], value: values[index])
                    y += heights[position] + SankeyChart.nodeGap
                }
            }
            let placedBoxes = boxes.compactMap { $0 }
            var usedHeight = 0.0
            for box in placedBoxes { usedHeight = max(usedHeight, box.y + box.height - top) }

            // Bands leave a node in the order of their targets and enter in the order of their sources.
            var placed = links.map { PlacedLink(source: $0.source, target: $0.target, count: $0.count,
                                                width: Double($0.count) * scale, sourceY: 0, targetY: 0) }
            func key(_ box: Box) -> (Int, Double) { (box.column, box.y) }
            let bySource = placed.indices.sorted { a, b in
                let ka = key(placedBoxes[placed[a].target]), kb = key(placedBoxes[placed[b].target])
                return ka != kb ? ka < kb : a < b
            }
            var offset = placedBoxes.map(\.y)
            for index in bySource {
                placed[index].sourceY = offset[placed[index].source] + placed[index].width / 2
                offset[placed[index].source] += placed[index].width
            }
            let byTarget = placed.indices.sorted { a, b in
                let ka = key(placedBoxes[placed[a].source]), kb = key(placedBoxes[placed[b].source])
                return ka != kb ? ka < kb : a < b
            }
            offset = placedBoxes.map(\.y)
            for index in byTarget {
                placed[index].targetY = offset[placed[index].target] + placed[index].width / 2
                offset[placed[index].target] += placed[index].width
            }
            // Draw wide bands first so narrow ones stay visible on top.
            placed = bySource.map { placed[$0] }.sorted { $0.width > $1.width }
            return (placedBoxes, placed, max(usedHeight, plotHeight))
        }
    }
}
