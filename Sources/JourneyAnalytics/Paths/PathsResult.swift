/// Paths: `{"dfg": {"edges": […], "starts": {…}, "ends": {…}}, "variants": {"variants": […], "total": n}, "sankey": …}`.
public struct PathsResult: Codable, Sendable, Equatable {
    /// The directly-follows graph.
    public struct Graph: Codable, Sendable, Equatable {
        /// One edge.
        public struct Edge: Codable, Sendable, Equatable {
            /// The touchpoint (or cleaned name) left.
            public var from: String
            /// The touchpoint reached next.
            public var to: String
            /// Occurrences over all traces.
            public var count: Int
            /// Median seconds between the two events.
            public var medianSeconds: Double?

            enum CodingKeys: String, CodingKey {
                case from, to, count
                case medianSeconds = "median_seconds"
            }
        }

        /// Edges, most frequent first.
        public var edges: [Edge]
        /// Traces starting at each touchpoint.
        public var starts: [String: Int]
        /// Traces ending at each touchpoint.
        public var ends: [String: Int]
    }

    /// The variants.
    public struct Variants: Codable, Sendable, Equatable {
        /// One variant.
        public struct Variant: Codable, Sendable, Equatable {
            /// The whole trace.
            public var path: [String]
            /// Traces (customers, or journeys with a gap option) following it exactly.
            public var customers: Int
            /// Share of all traces.
            public var share: Double
        }

        /// The most frequent variants, most frequent first (ties by path).
        public var variants: [Variant]
        /// Traces counted.
        public var total: Int
        /// Distinct variants.
        public var distinct: Int
    }

    /// Sankey columns and links.
    public struct Sankey: Codable, Sendable, Equatable {
        /// A node in a column.
        public struct Node: Codable, Sendable, Equatable {
            /// Column, from 0.
            public var column: Int
            /// Touchpoint id, `other`, or `(end)` / `(start)` where traces stop.
            public var id: String
            /// Traces through it.
            public var count: Int
        }

        /// A link between nodes of neighbouring columns.
        public struct Link: Codable, Sendable, Equatable {
            /// Column of the source node.
            public var column: Int
            /// Source node id.
            public var from: String
            /// Target node id (in the next column).
            public var to: String
            /// Traces along it.
            public var count: Int
        }

        /// `after` a start touchpoint or `before` an end touchpoint.
        public var direction: String
        /// The touchpoint followed.
        public var anchor: String
        /// Nodes by column.
        public var nodes: [Node]
        /// Links.
        public var links: [Link]
    }

    /// The directly-follows graph.
    public var dfg: Graph
    /// The variants.
    public var variants: Variants
    /// The Sankey data, when a start or end touchpoint was given.
    public var sankey: Sankey?

    init(nodes: [String], partials: [TraceTally], options: Options) {
        let count = nodes.count
        var edges = [Int](repeating: 0, count: count * count)
        var durations = [[Int64]](repeating: [], count: count * count)
        var starts = [Int](repeating: 0, count: count), ends = [Int](repeating: 0, count: count)
        var variantCounts: [[UInt16]: Int] = [:]
        var sankeyPaths: [[UInt16]: Int] = [:]
        var total = 0
        for partial in partials {
            total += partial.traces
            for edge in edges.indices where partial.edges[edge] > 0 {
                edges[edge] += partial.edges[edge]
                durations[edge] += partial.durations[edge]
            }
            for node in 0..<count {
                starts[node] += partial.starts[node]
                ends[node] += partial.ends[node]
            }
            for (trace, number) in partial.allVariants { variantCounts[trace, default: 0] += number }
            for (path, number) in partial.sankeyPaths { sankeyPaths[path, default: 0] += number }
        }
        var graphEdges: [Graph.Edge] = []
        for edge in edges.indices where edges[edge] > 0 {
            graphEdges.append(Graph.Edge(from: nodes[edge / count], to: nodes[edge % count], count: edges[edge],
                                         medianSeconds: Quantiles.summary(&durations[edge]).median))
        }
        graphEdges.sort { ($1.count, $0.from, $0.to) < ($0.count, $1.from, $1.to) }
        func named(_ counts: [Int]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: counts.indices.filter { counts[$0] > 0 }.map { (nodes[$0], counts[$0]) })
        }
        dfg = Graph(edges: graphEdges, starts: named(starts), ends: named(ends))
        // Only variants that can make the top list (counts down to the top-th, ties included) are named and sorted.
        var threshold = 1
        if options.top < variantCounts.count {
            var counts = variantCounts.values.map { Int64(-$0) }
            threshold = options.top == 0 ? .max : Int(-(Quantiles.element(&counts, rank: options.top - 1)))
        }
        let ranked = variantCounts.filter { $0.value >= threshold }.map { (path: $0.key.map { nodes[Int($0)] }, customers: $0.value) }
            .sorted { $0.customers != $1.customers ? $0.customers > $1.customers : $0.path.lexicographicallyPrecedes($1.path) }
        variants = Variants(
            variants: ranked.prefix(options.top).map { Variants.Variant(path: $0.path, customers: $0.customers, share: total > 0 ? Double($0.customers) / Double(total) : 0) },
            total: total, distinct: variantCounts.count)
        if let anchor = options.sankeyFrom ?? options.sankeyTo {
            sankey = Self.sankey(sankeyPaths, nodes: nodes, anchor: anchor, forward: options.sankeyFrom != nil, width: options.sankeyWidth)
        }
    }

    private static func sankey(_ paths: [[UInt16]: Int], nodes: [String], anchor: String, forward: Bool, width: Int) -> Sankey {
        let stop = forward ? "(end)" : "(start)"
        let columns = paths.keys.map(\.count).max() ?? 0
        func label(_ node: UInt16) -> String { node == TraceTally.end ? stop : nodes[Int(node)] }
        // Backward paths end at the anchor: place them so the anchor is in the last column.
        let placed: [(labels: [String], shift: Int, count: Int)] = paths.map { path, count in
            (path.map(label), forward ? 0 : columns - path.count, count)
        }
        // Keep the busiest nodes of each column; the rest become "other".
        var totals = [[String: Int]](repeating: [:], count: columns)
        for path in placed {
            for (position, name) in path.labels.enumerated() { totals[position + path.shift][name, default: 0] += path.count }
        }
        let kept = totals.map { column in
            Set(column.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(max(1, width)).map(\.key) + [stop])
        }
        var nodeCounts: [Int: [String: Int]] = [:]
        var linkCounts: [Int: [String: [String: Int]]] = [:]
        for path in placed {
            let labels = path.labels.enumerated().map { position, name in kept[position + path.shift].contains(name) ? name : "other" }
            for (position, name) in labels.enumerated() {
                let column = position + path.shift
                nodeCounts[column, default: [:]][name, default: 0] += path.count
                if position + 1 < labels.count {
                    linkCounts[column, default: [:]][name, default: [:]][labels[position + 1], default: 0] += path.count
                }
            }
        }
        var sankeyNodes: [Sankey.Node] = []
        for column in nodeCounts.keys.sorted() {
            for (id, count) in nodeCounts[column]!.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                sankeyNodes.append(Sankey.Node(column: column, id: id, count: count))
            }
        }
        var links: [Sankey.Link] = []
        for column in linkCounts.keys.sorted() {
            for (from, targets) in linkCounts[column]!.sorted(by: { $0.key < $1.key }) {
                for (to, count) in targets.sorted(by: { $0.key < $1.key }) { links.append(Sankey.Link(column: column, from: from, to: to, count: count)) }
            }
        }
        return Sankey(direction: forward ? "after" : "before", anchor: anchor, nodes: sankeyNodes, links: links)
    }
}
